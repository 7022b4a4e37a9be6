/**
 * Which config the CLI uses: `--config`, then `$MCP_SYNC_CONFIG`, then `./mcp.json`. A path that was
 * given but does not exist is an error (never a silent fall-through to the next place), and "no
 * config" says every place it looked.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { yamlParser } from '../config/yaml.js';
import { McpSyncError } from '../shared/errors.js';
import type { ServerConfig } from '../shared/protocol.js';
import { CliError, ExitCode } from './output.js';
import { didYouMean, suggest } from '../shared/suggest.js';

/** The name of the file looked for in the working directory. */
export const DEFAULT_CONFIG_FILE = 'mcp.json';
/** The environment variable naming the config file. */
export const CONFIG_ENV = 'MCP_SYNC_CONFIG';

/** A config the CLI found and validated. */
export interface FoundConfig {
  /** Absolute path of the file. */
  path: string;
  /** Where the path came from. */
  source: '--config' | typeof CONFIG_ENV | `./${typeof DEFAULT_CONFIG_FILE}`;
  /** Every server in it, disabled ones included, validated. */
  servers: ServerConfig[];
}

/**
 * Finds and validates the config.
 * @throws CliError NO_CONFIG (exit 3); McpSyncError INVALID_CONFIG (exit 3)
 */
export function findConfig(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): FoundConfig {
  const fromEnv = env[CONFIG_ENV];
  const [given, source]: [string, FoundConfig['source']] =
    flag !== undefined ? [flag, '--config'] : fromEnv ? [fromEnv, CONFIG_ENV] : [DEFAULT_CONFIG_FILE, `./${DEFAULT_CONFIG_FILE}`];
  const path = resolve(cwd, given);
  if (!existsSync(path)) {
    const looked =
      source === `./${DEFAULT_CONFIG_FILE}`
        ? `Looked for --config (not given), $${CONFIG_ENV} (not set) and ./${DEFAULT_CONFIG_FILE} (${path}: no such file).`
        : `The config file ${path} (from ${source}) does not exist.`;
    const hint =
      source === `./${DEFAULT_CONFIG_FILE}`
        ? `Create ./${DEFAULT_CONFIG_FILE} with an "mcpServers" object, or pass --config <file> (JSON or YAML), or set ${CONFIG_ENV}.`
        : `Check the path given by ${source}.`;
    throw new CliError(ExitCode.CONFIG, 'NO_CONFIG', `No mcp-sync config found. ${looked}`, hint);
  }
  try {
    return { path, source, servers: loadConfig(path, env) };
  } catch (error) {
    // Most messages name the server and key, not the file: say which file (and why that one).
    if (!(error instanceof McpSyncError) || error.message.includes(path)) throw error;
    throw new McpSyncError(error.code, `${error.message} (in ${path}, from ${source})`, error.data, { cause: error });
  }
}

/**
 * The configured, enabled server named `name`.
 * @throws CliError UNKNOWN_SERVER (exit 4)
 */
export function serverConfig(config: FoundConfig, name: string): ServerConfig {
  const server = config.servers.find((candidate) => candidate.name === name);
  const enabled = config.servers.filter((candidate) => candidate.enabled).map((candidate) => candidate.name);
  const known = enabled.length === 0 ? 'none' : enabled.join(', ');
  if (server === undefined) {
    const message = `Unknown MCP server '${name}' in ${config.path}${didYouMean(suggest(name, enabled))}`;
    throw new CliError(ExitCode.NOT_CONNECTED, 'UNKNOWN_SERVER', message, `Configured: ${known}.`);
  }
  if (!server.enabled) {
    throw new CliError(
      ExitCode.NOT_CONNECTED,
      'UNKNOWN_SERVER',
      `MCP server '${name}' is disabled in ${config.path}`,
      'Enable it in the config.',
    );
  }
  return server;
}

/**
 * The config to start a hub with: the file itself, or — when `only` names servers — the same
 * file cut down to those entries, so a command about one server never waits for the others to
 * connect. (The file was validated whole by {@link findConfig}; the entries are passed as
 * written, so `${VAR}` interpolation happens exactly as for the whole file.)
 */
export function hubConfig(config: FoundConfig, only?: string[]): string | Record<string, unknown> {
  if (only === undefined) return config.path;
  for (const name of only) serverConfig(config, name);
  const root = readRaw(config.path);
  const key = Object.hasOwn(root, 'mcpServers') ? 'mcpServers' : 'mcp_servers';
  const entries = root[key] as Record<string, unknown>;
  return { [key]: Object.fromEntries(only.map((name) => [name, entries[name]])) };
}

/** The parsed file, as loadConfig parses it (validated already, so it parses). */
function readRaw(path: string): Record<string, unknown> {
  const source = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const ext = extname(path).toLowerCase();
  if (ext !== '.yaml' && ext !== '.yml') {
    try {
      return JSON.parse(source) as Record<string, unknown>;
    } catch {
      // not JSON: loadConfig then read it as YAML, and so do we
    }
  }
  return yamlParser().parse(source) as Record<string, unknown>;
}
