/**
 * Loads the server configuration — a JSON or YAML file, or an object — and validates it into
 * normalised {@link ServerConfig}s. Accepts the Claude Desktop / Cursor spelling (`mcpServers`,
 * camelCase) and the hermes one (`mcp_servers`, snake_case). Every failure is INVALID_CONFIG
 * naming the server and the key; values under `env`, `headers` and `oauth` are never echoed.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ErrorCode, McpSyncError } from './errors.js';
import type { HttpServerConfig, OAuthConfig, ServerConfig, StdioServerConfig, ToolFilter } from './protocol.js';

/** Deadline of one call when a server sets no `timeout`, in ms (120 s). */
export const DEFAULT_CALL_TIMEOUT_MS = 120_000;
/** Bound on a server's initial connect when it sets no `connectTimeout`, in ms (60 s). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 60_000;
/** Idle keepalive interval when a server sets no `keepaliveInterval`, in ms (180 s). */
export const DEFAULT_KEEPALIVE_INTERVAL_MS = 180_000;
/** Smallest accepted `keepaliveInterval`, in ms (5 s): faster pings only add load. */
export const MIN_KEEPALIVE_INTERVAL_MS = 5_000;

/** setTimeout fires at once for delays above 2^31 - 1 ms, so longer durations are refused. */
const MAX_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
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
const COMMON_KEYS = 'transport type enabled disabled timeout connectTimeout keepaliveInterval tools';
const ENTRY_KEYS = [...STDIO_KEYS, ...HTTP_KEYS, ...`${COMMON_KEYS} autoApprove alwaysAllow description sampling`.split(' ')];
const TOOLS_KEYS = ['include', 'exclude', 'resources', 'prompts'];
const OAUTH_KEYS = ['clientId', 'clientSecret', 'scope', 'redirectUri', 'tokenDir'] as const;
/** hermes writes these keys in snake_case; the other keys are one word in both conventions. */
const snake = (name: string): string => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
const ENTRY_ALIASES = ['connectTimeout', 'keepaliveInterval'].map(snake);
const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

type Obj = Record<string, unknown>;

/** The server being validated: its name, whether it is enabled, and where variables come from. */
interface Ctx {
  server: string;
  enabled: boolean;
  env: NodeJS.ProcessEnv;
}

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

function parseOAuth(ctx: Ctx, raw: unknown): OAuthConfig {
  if (!isObject(raw)) return fail(ctx, 'oauth', `'oauth' must be an object, got ${show(raw, true)}`);
  const known: string[] = [...OAUTH_KEYS, ...OAUTH_KEYS.map(snake)];
  for (const key of Object.keys(raw)) if (!known.includes(key)) unknownKey(ctx, `oauth.${key}`, key, known);
  const oauth: OAuthConfig = {};
  for (const field of OAUTH_KEYS) {
    const found = pick(ctx, raw, field, 'oauth.');
    if (found !== undefined) oauth[field] = text(ctx, found[0], found[1], true);
  }
  return oauth;
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

/** A non-empty string, with `${VAR}` interpolated. `secret` keeps the value out of messages. */
function text(ctx: Ctx, key: string, value: unknown, secret = false): string {
  if (typeof value !== 'string' || value === '') return fail(ctx, key, `'${key}' must be a non-empty string, got ${show(value, secret)}`);
  return interpolate(ctx, key, value);
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

/** Replaces `${VAR}` and `${VAR:-default}` (default when unset or empty, as in POSIX shells). */
function interpolate(ctx: Ctx, key: string, value: string): string {
  return value.replace(VARIABLE, (match, name: string, fallback: string | undefined) => {
    const found = ctx.env[name];
    if (typeof found === 'string' && (found !== '' || fallback === undefined)) return found;
    if (fallback !== undefined) return fallback;
    // A disabled server never starts: its unset variables are left as written, not an error.
    if (!ctx.enabled) return match;
    return fail(ctx, key, `'${key}' uses the environment variable '${name}', which is not set (write \${${name}:-default} for a default)`, {
      variable: name,
    });
  });
}

/** `[key, value]` of the spelling of `name` (camelCase or snake_case) present; both at once is an error. */
function pick(ctx: Ctx, raw: Obj, name: string, prefix = ''): [string, unknown] | undefined {
  const present = [...new Set([name, snake(name)])].filter((spelling) => has(raw, spelling));
  if (present.length > 1)
    fail(ctx, prefix + (present[1] ?? ''), `give only one of ${present.map((name) => `'${prefix}${name}'`).join(' and ')}`);
  const [key] = present;
  return key === undefined ? undefined : [prefix + key, raw[key]];
}

/** `raw[key]` when present and passing `check`; an error when present and failing it. */
function optional<T>(ctx: Ctx, raw: Obj, key: string, what: string, check: (value: unknown) => value is T, prefix = ''): T | undefined {
  const value = raw[key];
  if (!has(raw, key)) return undefined;
  return check(value) ? value : fail(ctx, prefix + key, `'${prefix}${key}' must be ${what}, got ${show(value)}`);
}

function unknownKey(ctx: Ctx, path: string, key: string, known: readonly string[]): never {
  const suggestion = suggest(key, known);
  const hint = suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`;
  return fail(ctx, path, `unknown key '${path}'${hint}`, suggestion === undefined ? {} : { suggestion });
}

/** The known key closest to `key`: the same but for case, `_` and `-`, or within 2 edits. */
function suggest(key: string, known: readonly string[]): string | undefined {
  const norm = (name: string): string => name.toLowerCase().replace(/[_-]/g, '');
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(norm(key), norm(name));
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

function fail(ctx: Ctx, key: string, problem: string, extra: Obj = {}): never {
  const message = `Invalid config for MCP server '${ctx.server}': ${problem}`;
  throw new McpSyncError(ErrorCode.INVALID_CONFIG, message, { server: ctx.server, key, ...extra });
}

/** A value for an error message; `secret` values show only their kind. */
function show(value: unknown, secret = false): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return secret ? 'a string' : JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  return value === undefined ? 'nothing' : `a ${typeof value}`.replace('a object', 'an object');
}

function has(raw: Obj, key: string): boolean {
  return Object.hasOwn(raw, key) && raw[key] !== undefined;
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isArray = (value: unknown): value is unknown[] => Array.isArray(value);
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isHttpUrl = (value: string): boolean => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);

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
  try {
    return parseYaml(source, { logLevel: 'error' }) as unknown;
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
