/**
 * The YAML parser, loaded the first time a config needs it: a JSON config (the usual kind) never
 * pays its load (~15 ms of a CLI run's start). Synchronous, as loading a config is: `yaml` is
 * CommonJS under Node, so `require` loads it.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let yaml: typeof Yaml | undefined;

export function yamlParser(): typeof Yaml {
  return (yaml ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}
