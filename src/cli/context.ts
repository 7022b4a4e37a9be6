/** What every CLI command gets: its output, its flags, and the config (found on first use). */
import type { Flags } from './args.js';
import { findConfig, type FoundConfig } from './find-config.js';
import { Output, quote } from './output.js';

/** The run of one command. */
export interface Context {
  output: Output;
  flags: Flags;
  /** The config, found and validated on first use. @throws as {@link findConfig} */
  config(): FoundConfig;
}

/** A context for `flags`; hints will quote `--config` when it was given, so they can be pasted. */
export function createContext(flags: Flags): Context {
  const configFlag = flags.config === undefined ? '' : ` --config ${quote(flags.config)}`;
  let found: FoundConfig | undefined;
  return {
    output: new Output(flags.json, configFlag),
    flags,
    config: () => (found ??= findConfig(flags.config)),
  };
}
