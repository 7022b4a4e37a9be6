/**
 * Loads the server configuration — a JSON or YAML file, or an object — and validates it into
 * normalised {@link ServerConfig}s. Accepts the Claude Desktop / Cursor spelling (`mcpServers`,
 * camelCase) and the hermes one (`mcp_servers`, snake_case). Every failure is INVALID_CONFIG
 * naming the server and the key; values under `env`, `headers` and `oauth` are never echoed
 * (but for the enumerations `oauth.grantType` and `oauth.signingAlgorithm`).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { ErrorCode, McpSyncError } from '../shared/errors.js';
import { MAX_TIMEOUT_MS } from '../shared/operations.js';
import { parseOAuth } from './oauth.js';
import { yamlParser } from './yaml.js';
import {
  fail,
  has,
  interpolate,
  isArray,
  isBoolean,
  isHttpUrl,
  isObject,
  optional,
  pick,
  show,
  snake,
  text,
  unknownKey,
  type Ctx,
  type Obj,
} from './values.js';
import {
  LOG_LEVELS,
  type HttpServerConfig,
  type LogLevel,
  type ProtocolSetting,
  type ServerConfig,
  type StdioServerConfig,
  type ToolFilter,
} from '../shared/protocol.js';

/** Deadline of one call when a server sets no `timeout`, in ms (120 s). */
export const DEFAULT_CALL_TIMEOUT_MS = 120_000;
/** Bound on a server's initial connect when it sets no `connectTimeout`, in ms (60 s). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 60_000;
/** Idle keepalive interval when a server sets no `keepaliveInterval`, in ms (180 s). */
export const DEFAULT_KEEPALIVE_INTERVAL_MS = 180_000;
/** Smallest accepted `keepaliveInterval`, in ms (5 s): faster pings only add load. */
export const MIN_KEEPALIVE_INTERVAL_MS = 5_000;
/** Largest answer taken from a server when it sets no `maxResponseBytes` (64 MiB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** `maxResponseBytes` may not exceed 512 MiB: V8 cannot make a string much longer than that. */
export const MAX_RESPONSE_BYTES_LIMIT = 512 * 1024 * 1024;

/** setTimeout fires at once for delays above 2^31 - 1 ms, so longer durations are refused. */
const MAX_SECONDS = Math.floor(MAX_TIMEOUT_MS / 1000);
const TRANSPORTS: Record<string, ServerConfig['transport']> = {
  stdio: 'stdio',
  http: 'http',
  'streamable-http': 'http',
  streamableHttp: 'http',
  sse: 'sse',
};
const STDIO_KEYS = ['command', 'args', 'env', 'cwd'];
const HTTP_KEYS = ['url', 'headers', 'auth', 'oauth'];
/** Canonical keys of an entry, suggested on typos; the last four are other clients' and ignored. */
const COMMON_KEYS =
  'transport type protocol logLevel trusted enabled disabled timeout connectTimeout keepaliveInterval maxResponseBytes tools';
const ENTRY_KEYS = [...STDIO_KEYS, ...HTTP_KEYS, ...`${COMMON_KEYS} autoApprove alwaysAllow description sampling`.split(' ')];
const TOOLS_KEYS = ['include', 'exclude', 'resources', 'prompts'];
const ENTRY_ALIASES = ['connectTimeout', 'keepaliveInterval', 'maxResponseBytes', 'logLevel'].map(snake);

/**
 * Loads and validates the configuration of every MCP server, in file order. Disabled servers
 * are included with `enabled: false`; the hub skips them.
 *
 * @param configOrPath a config object, or the path of a `.json`, `.yaml` or `.yml` file (any
 *   other extension is tried as JSON, then as YAML)
 * @param env the variables `${VAR}` and `${VAR:-default}` are read from. @default process.env
 * @throws McpSyncError `INVALID_CONFIG` when the file cannot be read or parsed, or when anything
 *   in it is invalid; `data` holds `server` and `key` (or `file`, `line`, `column`).
 */
export function loadConfig(configOrPath: string | Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): ServerConfig[] {
  const file = typeof configOrPath === 'string' ? configOrPath : undefined;
  const root = file === undefined ? configOrPath : readConfigFile(file);
  const topLevel = (key: string, problem: string, server?: string): McpSyncError => {
    const message = `Invalid config${file === undefined ? '' : ` in '${file}'`}: ${problem}`;
    return new McpSyncError(ErrorCode.INVALID_CONFIG, message, {
      ...(server !== undefined && { server }),
      key,
      ...(file !== undefined && { file }),
    });
  };
  const expectedKeys = `'mcpServers' (Claude Desktop / Cursor) or 'mcp_servers' (hermes)`;
  if (!isObject(root)) throw topLevel('mcpServers', `expected an object with ${expectedKeys}, got ${show(root)}`);
  const camel = Object.hasOwn(root, 'mcpServers');
  if (camel && Object.hasOwn(root, 'mcp_servers')) throw topLevel('mcpServers', `give either 'mcpServers' or 'mcp_servers', not both`);
  if (!camel && !Object.hasOwn(root, 'mcp_servers')) {
    const found = Object.keys(root);
    throw topLevel('mcpServers', `expected a top-level ${expectedKeys} key (found: ${found.length ? `'${found.join("', '")}'` : 'none'})`);
  }
  const key = camel ? 'mcpServers' : 'mcp_servers';
  const servers = root[key];
  if (!isObject(servers)) throw topLevel(key, `'${key}' must be an object mapping server names to entries, got ${show(servers)}`);
  return Object.entries(servers).map(([name, entry]) => {
    if (name.trim() === '') throw topLevel(key, `server names under '${key}' must be non-empty`, name);
    return parseServer({ server: name, enabled: true, env }, entry, key);
  });
}

function parseServer(ctx: Ctx, raw: unknown, listKey: string): ServerConfig {
  if (!isObject(raw)) return fail(ctx, listKey, `the entry must be an object with 'command' or 'url', got ${show(raw)}`);
  for (const key of Object.keys(raw)) {
    if (!ENTRY_KEYS.includes(key) && !ENTRY_ALIASES.includes(key)) unknownKey(ctx, key, key, ENTRY_KEYS);
  }
  // Known before any interpolation: a disabled server may lack its variables.
  const enabled = optional(ctx, raw, 'enabled', 'a boolean', isBoolean);
  const disabled = optional(ctx, raw, 'disabled', 'a boolean', isBoolean);
  if (enabled !== undefined && enabled === disabled) fail(ctx, 'disabled', `'enabled: ${enabled}' contradicts 'disabled: ${disabled}'`);
  ctx.enabled = enabled ?? disabled !== true;
  const transport = parseTransport(ctx, raw);
  for (const key of transport === 'stdio' ? HTTP_KEYS : STDIO_KEYS) {
    const other = transport === 'stdio' ? 'HTTP' : 'stdio';
    if (has(raw, key)) fail(ctx, key, `'${key}' applies only to ${other} servers, and this one is ${transport}`);
  }
  const base = {
    name: ctx.server,
    enabled: ctx.enabled,
    timeoutMs: seconds(ctx, raw, 'timeout', DEFAULT_CALL_TIMEOUT_MS, 0),
    connectTimeoutMs: seconds(ctx, raw, 'connectTimeout', DEFAULT_CONNECT_TIMEOUT_MS, 0),
    keepaliveIntervalMs: seconds(ctx, raw, 'keepaliveInterval', DEFAULT_KEEPALIVE_INTERVAL_MS, MIN_KEEPALIVE_INTERVAL_MS),
    maxResponseBytes: byteCount(ctx, raw, 'maxResponseBytes', DEFAULT_MAX_RESPONSE_BYTES, MAX_RESPONSE_BYTES_LIMIT),
    protocol: optional(ctx, raw, 'protocol', '"auto", "legacy" or "modern"', isProtocolSetting) ?? 'auto',
    ...optionalEntry('logLevel', logLevel(ctx, raw)),
    trusted: optional(ctx, raw, 'trusted', 'a boolean', isBoolean) ?? false,
    tools: parseTools(ctx, raw['tools']),
  };
  if (transport === 'stdio') {
    const args = optional(ctx, raw, 'args', 'an array of strings', isArray) ?? [];
    const config: StdioServerConfig = {
      ...base,
      transport,
      command: text(ctx, 'command', raw['command']),
      args: args.map((arg, i) => parseArg(ctx, `args[${i}]`, arg)),
      env: strings(ctx, 'env', raw['env']),
    };
    if (has(raw, 'cwd')) config.cwd = text(ctx, 'cwd', raw['cwd']);
    return config;
  }
  const url = text(ctx, 'url', raw['url']);
  // A disabled server's URL may still hold an unset `${VAR}`: it is never used, so not checked.
  if (!isHttpUrl(url) && (ctx.enabled || !url.includes('${'))) {
    fail(ctx, 'url', `'url' must be an absolute http:// or https:// URL, got ${show(raw['url'])}`);
  }
  const config: HttpServerConfig = { ...base, transport, url, headers: strings(ctx, 'headers', raw['headers']) };
  const auth = optional(ctx, raw, 'auth', '"oauth"', (value): value is 'oauth' => value === 'oauth');
  if (auth !== undefined || has(raw, 'oauth')) config.auth = 'oauth';
  if (has(raw, 'oauth')) config.oauth = parseOAuth(ctx, raw['oauth']);
  return config;
}

/** stdio when the entry has `command`, HTTP when it has `url`; `transport`/`type` must agree. */
function parseTransport(ctx: Ctx, raw: Obj): ServerConfig['transport'] {
  const stdio = has(raw, 'command');
  if (stdio && has(raw, 'url')) fail(ctx, 'url', `has both 'command' (stdio) and 'url' (HTTP): give one`);
  if (!stdio && !has(raw, 'url')) fail(ctx, 'command', `needs 'command' (a stdio server) or 'url' (an HTTP server)`);
  const present = ['transport', 'type'].filter((key) => has(raw, key));
  if (present.length > 1) fail(ctx, 'type', `give only one of 'transport' and 'type'`);
  const key = present[0] ?? 'transport';
  const value = raw[key] ?? (stdio ? 'stdio' : 'http');
  const transport = typeof value === 'string' && Object.hasOwn(TRANSPORTS, value) ? TRANSPORTS[value] : undefined;
  if (transport === undefined) {
    return fail(ctx, key, `'${key}' must be one of ${Object.keys(TRANSPORTS).join(', ')}, got ${show(value)}`);
  }
  if ((transport === 'stdio') !== stdio) {
    fail(ctx, key, `'${key}: ${String(value)}' does not fit a server with '${stdio ? 'command' : 'url'}'`);
  }
  return transport;
}

function parseTools(ctx: Ctx, raw: unknown): ToolFilter {
  const tools: ToolFilter = { resources: true, prompts: true };
  if (raw === undefined) return tools;
  if (!isObject(raw)) return fail(ctx, 'tools', `'tools' must be an object, got ${show(raw)}`);
  for (const key of Object.keys(raw)) if (!TOOLS_KEYS.includes(key)) unknownKey(ctx, `tools.${key}`, key, TOOLS_KEYS);
  for (const key of ['include', 'exclude'] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || !list.every((item): item is string => typeof item === 'string')) {
      fail(ctx, `tools.${key}`, `'tools.${key}' must be a string or an array of strings, got ${show(value)}`);
    }
    tools[key] = list;
  }
  for (const key of ['resources', 'prompts'] as const) tools[key] = optional(ctx, raw, key, 'a boolean', isBoolean, 'tools.') ?? true;
  return tools;
}

/** An entry's duration in seconds, converted to ms; `minMs` is the smallest accepted value. */
function seconds(ctx: Ctx, raw: Obj, name: string, defaultMs: number, minMs: number): number {
  const found = pick(ctx, raw, name);
  if (found === undefined) return defaultMs;
  const [key, value] = found;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    return fail(ctx, key, `'${key}' must be a positive number of seconds, got ${show(value)}`);
  }
  if (value * 1000 < minMs) fail(ctx, key, `'${key}' must be at least ${minMs / 1000} seconds, got ${value}`);
  if (value > MAX_SECONDS) fail(ctx, key, `'${key}' must be at most ${MAX_SECONDS} seconds (about 24 days), got ${value}`);
  return Math.max(1, Math.round(value * 1000));
}

const isProtocolSetting = (value: unknown): value is ProtocolSetting => value === 'auto' || value === 'legacy' || value === 'modern';
const isLogLevel = (value: unknown): value is LogLevel => (LOG_LEVELS as readonly unknown[]).includes(value);

/** `logLevel` (or `log_level`): one of {@link LOG_LEVELS}. */
function logLevel(ctx: Ctx, raw: Obj): LogLevel | undefined {
  const found = pick(ctx, raw, 'logLevel');
  if (found === undefined) return undefined;
  const [key, value] = found;
  if (isLogLevel(value)) return value;
  return fail(ctx, key, `'${key}' must be one of ${LOG_LEVELS.map((level) => `"${level}"`).join(', ')}, got ${show(value)}`);
}
/** `{[key]: value}`, or nothing when the value is absent (exactOptionalPropertyTypes). */
const optionalEntry = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

/** An entry's size in bytes: a positive whole number up to `max`. */
function byteCount(ctx: Ctx, raw: Obj, name: string, defaultBytes: number, max: number): number {
  const found = pick(ctx, raw, name);
  if (found === undefined) return defaultBytes;
  const [key, value] = found;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    return fail(ctx, key, `'${key}' must be a positive whole number of bytes, got ${show(value)}`);
  }
  if (value > max) fail(ctx, key, `'${key}' must be at most ${max} bytes (512 MiB), got ${value}`);
  return value;
}

/** One of `args`: a string (may be empty), or a number, stringified. */
function parseArg(ctx: Ctx, key: string, value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return fail(ctx, key, `'${key}' must be a string, got ${show(value)}`);
  return interpolate(ctx, key, value);
}

/** `env` or `headers`: an object of strings (numbers and booleans are stringified). Secret. */
function strings(ctx: Ctx, key: string, raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (!isObject(raw)) return fail(ctx, key, `'${key}' must be an object of strings, got ${show(raw, true)}`);
  return Object.fromEntries(
    Object.entries(raw).map(([name, value]) => {
      const path = `${key}.${name}`;
      if (typeof value === 'number' || typeof value === 'boolean') return [name, String(value)];
      if (typeof value !== 'string') return fail(ctx, path, `'${path}' must be a string, got ${show(value, true)}`);
      return [name, interpolate(ctx, path, value)];
    }),
  );
}

function readConfigFile(file: string): unknown {
  let source: string;
  try {
    source = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw fileError(file, `cannot be read: ${(error as Error).message}`, undefined, error);
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return parseYamlFile(file, source);
  try {
    return JSON.parse(source) as unknown;
  } catch (error) {
    if (ext !== '.json') return parseYamlFile(file, source);
    // V8 quotes a slice of the source in some messages; it may hold a secret, so it is cut.
    const message = (error as Error).message.replace(/, ".*" is not valid JSON$/s, '');
    const position = /at position (\d+)/.exec(message)?.[1];
    throw fileError(file, message, position === undefined ? undefined : lineColumn(source, Number(position)));
  }
}

function parseYamlFile(file: string, source: string): unknown {
  const { parse, YAMLParseError } = yamlParser();
  try {
    return parse(source, { logLevel: 'error' }) as unknown;
  } catch (error) {
    if (!(error instanceof YAMLParseError)) throw fileError(file, String(error));
    // The parser's message ends with the offending source lines (maybe a secret): keep its first part.
    const start = error.linePos?.[0];
    throw fileError(file, error.message.split(' at line ')[0] ?? error.code, start && { line: start.line, column: start.col });
  }
}

function lineColumn(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/** A file that cannot be read or parsed; no `cause` for parse errors, whose messages quote the source. */
function fileError(file: string, problem: string, at?: { line: number; column: number }, cause?: unknown): McpSyncError {
  const message = `Invalid config file '${file}'${at === undefined ? '' : ` (line ${at.line}, column ${at.column})`}: ${problem}`;
  return new McpSyncError(ErrorCode.INVALID_CONFIG, message, { file, ...at }, cause === undefined ? undefined : { cause });
}
