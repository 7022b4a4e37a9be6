import { redactSecrets } from './redact.js';
import { didYouMean, suggest } from './suggest.js';

// Shared with workers/ through this file (workers import only errors.ts and protocol.ts).
export { redactSecrets, registerSecretValues, secretValuesOf } from './redact.js';

/**
 * Error codes and the one error class of mcp-sync. Shared by the caller side (`src/`) and the
 * I/O worker (`workers/`): errors cross the thread boundary as plain `{code, name, message, data}`
 * objects and are rebuilt here by code, because structured clone keeps neither the class nor
 * extra fields of an `Error`.
 */

/** Stable error codes. Branch on these, never on message text. */
export const ErrorCode = {
  /** The server name is not in the configuration (or the server is disabled). */
  UNKNOWN_SERVER: 'UNKNOWN_SERVER',
  /**
   * The server has no tool of that name: it is not in the server's tool list and the server said so.
   * `data.suggestion` holds the listed tool that was probably meant.
   */
  UNKNOWN_TOOL: 'UNKNOWN_TOOL',
  /** The server is configured but has no live session (it failed to connect or is reconnecting). */
  NOT_CONNECTED: 'NOT_CONNECTED',
  /** The call did not answer before its deadline; the request was cancelled. */
  TIMEOUT: 'TIMEOUT',
  /** The server answered with a JSON-RPC error (`data.rpcCode` holds its code). */
  RPC_ERROR: 'RPC_ERROR',
  /** The request could not reach the server (HTTP error, refused connection, broken pipe). */
  TRANSPORT_ERROR: 'TRANSPORT_ERROR',
  /** The I/O worker thread exited or crashed; the next `McpHub.start` starts a new one. */
  WORKER_EXITED: 'WORKER_EXITED',
  /** The hub (or this attached client) was closed. */
  CLOSED: 'CLOSED',
  /** The configuration is invalid; the message names the server and the key. */
  INVALID_CONFIG: 'INVALID_CONFIG',
  /** An argument passed to a hub method is invalid (not a JSON object, wrong type). */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** The call was interrupted by another thread; it was cancelled and not retried. */
  INTERRUPTED: 'INTERRUPTED',
  /** The server's session expired and could not be re-established in time. */
  SESSION_EXPIRED: 'SESSION_EXPIRED',
  /** The server rejected our credentials and they could not be refreshed: log in again. */
  NEEDS_REAUTH: 'NEEDS_REAUTH',
  /** The server's circuit breaker is open after repeated failures; retry after the cooldown. */
  CIRCUIT_OPEN: 'CIRCUIT_OPEN',
  /** The connection broke mid-call: the server may or may not have executed it. Not retried. */
  OUTCOME_UNCERTAIN: 'OUTCOME_UNCERTAIN',
  /** The server's answer was larger than its `maxResponseBytes`; it was not read (the call did run). */
  RESPONSE_TOO_LARGE: 'RESPONSE_TOO_LARGE',
  /**
   * A skill file did not match the server's own entry for it (size, digest, frontmatter, or not
   * listed): it must not be used. `data.reason` and `data.uri` say which check and which file.
   */
  SKILL_UNVERIFIED: 'SKILL_UNVERIFIED',
  /**
   * The tool ran, but its structured result does not match the `outputSchema` it lists (or is
   * missing): the result is not handed on. Not retried, and not counted against the server's
   * circuit breaker (the server answered). `data.tool` names the tool.
   */
  OUTPUT_INVALID: 'OUTPUT_INVALID',
  /** A bug in mcp-sync or an unexpected failure; the message says what happened. */
  INTERNAL: 'INTERNAL',
} as const;

/** One of the {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Details attached to an error: the server it concerns and, where known, more context. */
export interface McpSyncErrorData {
  /** The configured server name the error concerns. */
  server?: string;
  /** The JSON-RPC error code, for {@link ErrorCode.RPC_ERROR}. */
  rpcCode?: number;
  /** The HTTP status, when the error came from an HTTP response. */
  httpStatus?: number;
  /** Further JSON-serialisable details. */
  [key: string]: unknown;
}

/** What an error adds when a caller stopped waiting for a task that goes on running. */
export function taskRunsOn(server: string, taskId: string): string {
  return `; task '${taskId}' runs on (\`task('${server}', '${taskId}').result()\` waits again)`;
}

/** Longest error message kept: a server's 100 MB error page must not become a 100 MB message. */
export const MAX_MESSAGE_CHARS = 4_096;

/** `message`, cut to {@link MAX_MESSAGE_CHARS} with a note of how much was left out. */
export function capMessage(message: string): string {
  if (message.length <= MAX_MESSAGE_CHARS) return message;
  const keep = MAX_MESSAGE_CHARS - 64;
  return `${message.slice(0, keep)} … (${message.length - keep} more characters omitted)`;
}

/** The error every mcp-sync method throws. `code` is stable; `message` is for people. */
export class McpSyncError extends Error {
  override name = 'McpSyncError';
  readonly code: ErrorCode;
  readonly data: McpSyncErrorData | undefined;

  constructor(code: ErrorCode, message: string, data?: McpSyncErrorData, options?: { cause?: unknown }) {
    super(capMessage(message), options);
    this.code = code;
    this.data = data;
  }
}

/** An error as it crosses a thread: plain data only. */
export interface WireError {
  code: ErrorCode;
  name: string;
  message: string;
  data?: McpSyncErrorData;
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/**
 * Turns any thrown value into its wire form; anything that is not an McpSyncError is INTERNAL.
 * Every message that leaves the worker passes here, so this is where credentials that a server
 * or transport echoed into an error (tokens, keys, `Bearer …`) are redacted.
 */
export function toWire(error: unknown): WireError {
  if (error instanceof McpSyncError) {
    const wire: WireError = { code: error.code, name: error.name, message: redactSecrets(error.message) };
    if (error.data !== undefined) wire.data = error.data;
    return wire;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: ErrorCode.INTERNAL, name: 'McpSyncError', message: redactSecrets(capMessage(message)) };
}

/** Rebuilds an McpSyncError from its wire form; an unknown code becomes INTERNAL. */
export function fromWire(wire: WireError): McpSyncError {
  const code = KNOWN_CODES.has(wire.code) ? wire.code : ErrorCode.INTERNAL;
  const error = new McpSyncError(code, wire.message, wire.data);
  error.name = wire.name;
  return error;
}

/** UNKNOWN_SERVER for `server`: the configured names, and the one probably meant (`data.suggestion`). */
export function unknownServerError(server: string, known: readonly string[]): McpSyncError {
  const guess = suggest(server, known);
  const configured = known.map((name) => `'${name}'`).join(', ') || 'none';
  return new McpSyncError(ErrorCode.UNKNOWN_SERVER, `Unknown MCP server '${server}'${didYouMean(guess)} (configured: ${configured})`, {
    server,
    ...(guess !== undefined && { suggestion: guess }),
  });
}
