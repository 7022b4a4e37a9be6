/**
 * The building blocks of config validation (load-config.ts, oauth.ts): typed reads of one key,
 * `${VAR}` interpolation, unknown-key suggestions, and the one way to fail — INVALID_CONFIG naming
 * the server and the key. Values of secret keys never appear in a message.
 */
import { ErrorCode, McpSyncError } from '../shared/errors.js';
import { suggest } from '../shared/suggest.js';

/** hermes writes these keys in snake_case; the other keys are one word in both conventions. */
export const snake = (name: string): string => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export type Obj = Record<string, unknown>;

/** The server being validated: its name, whether it is enabled, and where variables come from. */
export interface Ctx {
  server: string;
  enabled: boolean;
  env: NodeJS.ProcessEnv;
}

/** A non-empty string, with `${VAR}` interpolated. `secret` keeps the value out of messages. */
export function text(ctx: Ctx, key: string, value: unknown, secret = false): string {
  if (typeof value !== 'string' || value === '') return fail(ctx, key, `'${key}' must be a non-empty string, got ${show(value, secret)}`);
  return interpolate(ctx, key, value);
}

/** Replaces `${VAR}` and `${VAR:-default}` (default when unset or empty, as in POSIX shells). */
export function interpolate(ctx: Ctx, key: string, value: string): string {
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
export function pick(ctx: Ctx, raw: Obj, name: string, prefix = ''): [string, unknown] | undefined {
  const present = [...new Set([name, snake(name)])].filter((spelling) => has(raw, spelling));
  if (present.length > 1)
    fail(ctx, prefix + (present[1] ?? ''), `give only one of ${present.map((name) => `'${prefix}${name}'`).join(' and ')}`);
  const [key] = present;
  return key === undefined ? undefined : [prefix + key, raw[key]];
}

/** `raw[key]` when present and passing `check`; an error when present and failing it. */
export function optional<T>(
  ctx: Ctx,
  raw: Obj,
  key: string,
  what: string,
  check: (value: unknown) => value is T,
  prefix = '',
): T | undefined {
  const value = raw[key];
  if (!has(raw, key)) return undefined;
  return check(value) ? value : fail(ctx, prefix + key, `'${prefix}${key}' must be ${what}, got ${show(value)}`);
}

export function unknownKey(ctx: Ctx, path: string, key: string, known: readonly string[]): never {
  const suggestion = suggest(key, known);
  const hint = suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`;
  return fail(ctx, path, `unknown key '${path}'${hint}`, suggestion === undefined ? {} : { suggestion });
}

export function fail(ctx: Ctx, key: string, problem: string, extra: Obj = {}): never {
  const message = `Invalid config for MCP server '${ctx.server}': ${problem}`;
  throw new McpSyncError(ErrorCode.INVALID_CONFIG, message, { server: ctx.server, key, ...extra });
}

/** A value for an error message; `secret` values show only their kind. */
export function show(value: unknown, secret = false): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return secret ? 'a string' : JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  return value === undefined ? 'nothing' : `a ${typeof value}`.replace('a object', 'an object');
}

export function has(raw: Obj, key: string): boolean {
  return Object.hasOwn(raw, key) && raw[key] !== undefined;
}

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const isArray = (value: unknown): value is unknown[] => Array.isArray(value);
export const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
export const isHttpUrl = (value: string): boolean => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
