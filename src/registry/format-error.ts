/**
 * Failures as the JSON strings registry handlers return instead of throwing — hermes-agent's
 * messages, keyed by our stable error codes (see `src/shared/errors.ts`). Every message passes through
 * {@link redactSecrets}.
 */
import { ErrorCode } from '../shared/errors.js';
import type { JsonObject } from '../shared/types.js';
import { redactSecrets } from '../shared/redact.js';

/** The `error` text when a call was interrupted (hermes' wording). */
export const INTERRUPTED_MESSAGE = 'MCP call interrupted: user sent a new message';

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** `MCP server '<server>' is not connected` — for a server that is unknown, disabled or down. */
export function notConnectedMessage(server: string): string {
  return `MCP server '${server}' is not connected`;
}

/**
 * A readable exception-type name for an error code, standing in for hermes'
 * `type(exc).__name__`: the code in PascalCase ending in `Error` (`TIMEOUT` → `TimeoutError`,
 * `TRANSPORT_ERROR` → `TransportError`), except `RPC_ERROR` → `McpError`, the name both MCP
 * SDKs give a JSON-RPC error.
 */
export function errorTypeName(code: string): string {
  if (code === ErrorCode.RPC_ERROR) return 'McpError';
  const pascal = code
    .toLowerCase()
    .split('_')
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
  return pascal.endsWith('Error') ? pascal : `${pascal}Error`;
}

/**
 * Renders a failed call for `server` as the handler's JSON string (never throws):
 * - `UNKNOWN_SERVER`, `NOT_CONNECTED` → `{"error": "MCP server '<s>' is not connected"}`;
 * - `INTERRUPTED` → `{"error": "MCP call interrupted: user sent a new message"}`;
 * - `CIRCUIT_OPEN` → `{"error": "MCP server '<s>' is unreachable after N consecutive failures. Auto-retry
 *   available in ~Ns. Do NOT retry this tool yet — …"}` (hermes' wording, from the error's data);
 * - `NEEDS_REAUTH` → `{"error": <message> + "Do NOT retry this tool — …", "needs_reauth": true, "server": <s>}`;
 * - `OUTCOME_UNCERTAIN` → `{"error": <message>, "outcome_uncertain": true, "server": <s>}`;
 * - any other code → `{"error": "MCP call failed: <Type>: <message>"}` ({@link errorTypeName});
 * - a value without one of our codes (a plain `Error`) → `MCP call failed: <error.name>: <message>`.
 * `error` is an `McpSyncError`, its wire form `{code, message, data?}`, or anything thrown.
 */
export function formatError(error: unknown, server: string): string {
  const code = codeOf(error);
  const message = redactSecrets(messageOf(error));
  switch (code) {
    case ErrorCode.UNKNOWN_SERVER:
    case ErrorCode.NOT_CONNECTED:
      return errorJson(notConnectedMessage(server));
    case ErrorCode.INTERRUPTED:
      return errorJson(INTERRUPTED_MESSAGE);
    case ErrorCode.CIRCUIT_OPEN:
      return errorJson(breakerMessage(error, server));
    case ErrorCode.NEEDS_REAUTH:
      return errorJson(`${message || `MCP server '${server}' requires re-authentication.`} ${REAUTH_INSTRUCTION}`, {
        needs_reauth: true,
        server,
      });
    case ErrorCode.OUTCOME_UNCERTAIN:
      return errorJson(message || `The outcome of the call to MCP server '${server}' is unknown.`, { outcome_uncertain: true, server });
  }
  const type = code !== undefined ? errorTypeName(code) : nameOf(error);
  return errorJson(`MCP call failed: ${type}: ${message || type}`);
}

/** What a model is told when a server needs a new login (people read the error's own message). */
export const REAUTH_INSTRUCTION = 'Do NOT retry this tool — ask the user to re-authenticate.';
/** What a model is told while a server's breaker is open. */
export const BREAKER_INSTRUCTION = 'Do NOT retry this tool yet — use alternative approaches or ask the user to check the MCP server.';

/** hermes' breaker message, from the error's data (failures, retryAfterMs). */
function breakerMessage(error: unknown, server: string): string {
  const data = (typeof error === 'object' && error !== null ? (error as { data?: Record<string, unknown> }).data : undefined) ?? {};
  const failures = typeof data['failures'] === 'number' ? data['failures'] : undefined;
  const retryAfterMs = typeof data['retryAfterMs'] === 'number' ? data['retryAfterMs'] : undefined;
  const after = failures === undefined ? '' : ` after ${failures} consecutive failures`;
  const retry = retryAfterMs === undefined ? '' : ` Auto-retry available in ~${Math.max(1, Math.ceil(retryAfterMs / 1000))}s.`;
  return `MCP server '${server}' is unreachable${after}.${retry} ${BREAKER_INSTRUCTION}`;
}

/** `{"error": "Missing required parameter '<name>'"}` — a utility called without `uri` or `name`. */
export function missingParameter(name: string): string {
  return errorJson(`Missing required parameter '${name}'`);
}

/**
 * {@link missingParameter} when `args[name]` is missing or empty (hermes' `not args.get(name)`:
 * any falsy value — `undefined`, `null`, `""` — counts as missing), else `undefined`.
 */
export function checkRequiredParameter(args: unknown, name: string): string | undefined {
  const value = typeof args === 'object' && args !== null ? (args as JsonObject)[name] : undefined;
  return value ? undefined : missingParameter(name);
}

/** `{"error": message, ...extra}` as a JSON string (hermes' `tool_error`). */
export function errorJson(message: string, extra: JsonObject = {}): string {
  return JSON.stringify({ error: message, ...extra });
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && KNOWN_CODES.has(code) ? code : undefined;
}

function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return ((error as { message: string }).message ?? '').trim();
  }
  return error === undefined || error === null ? '' : String(error).trim();
}

function nameOf(error: unknown): string {
  if (error instanceof Error) return error.name || 'Error';
  if (typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string') {
    return (error as { name: string }).name || 'Error';
  }
  return 'Error';
}
