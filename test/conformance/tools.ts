/**
 * The conformance CLI and the Node it needs, installed into the git-ignored `.tools/` on first
 * use. The CLI (`@modelcontextprotocol/conformance`, pinned) requires Node 22; the client under
 * test keeps running on the machine's Node (20), so Node 22 comes from npm into its own prefix
 * and is used for the CLI only. Idempotent: present and right-versioned means nothing to do.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolInstallError, ensureNode, npmInstall } from '../../scripts/node-binary.js';

export { ToolInstallError } from '../../scripts/node-binary.js';

/**
 * The pinned conformance suites, each with its own expected failures (expected-failures/<version>.json):
 * the last 2025-era release, and the newest pre-release, which adds the 2026-07-28 scenarios.
 */
export const CONFORMANCE_VERSIONS = ['0.1.16', '0.2.0-alpha.12'] as const;
export type ConformanceVersion = (typeof CONFORMANCE_VERSIONS)[number];
/** The Node major the CLI requires. */
const NODE_MAJOR = 22;

/** Where the two tools live once installed. */
export interface Tools {
  /** The Node 22 binary that runs the CLI. */
  node22: string;
  /** The CLI's entry script. */
  cli: string;
}

/** Installs whatever of Node 22 and the CLI `version` is missing under `<root>/.tools/`, and returns their paths. */
export function ensureTools(root: string, version: ConformanceVersion): Tools {
  const cliPrefix = join(root, '.tools', 'conformance', version);
  const tools: Tools = {
    node22: ensureNode(root, NODE_MAJOR),
    cli: join(cliPrefix, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js'),
  };
  if (cliVersion(cliPrefix) !== version || !existsSync(tools.cli)) {
    npmInstall(cliPrefix, `@modelcontextprotocol/conformance@${version}`);
    if (cliVersion(cliPrefix) !== version || !existsSync(tools.cli)) {
      throw new ToolInstallError(`@modelcontextprotocol/conformance@${version} is still missing from ${cliPrefix} after npm install`);
    }
  }
  return tools;
}

function cliVersion(prefix: string): string | undefined {
  const manifest = join(prefix, 'node_modules', '@modelcontextprotocol', 'conformance', 'package.json');
  if (!existsSync(manifest)) return undefined;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
}
