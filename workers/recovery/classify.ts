/**
 * SDK and transport failures → McpSyncError with a stable code. The one place that knows the
 * SDK's error classes; recovery decisions (issue: self-healing) branch on the codes it yields.
 */
import {
  OAuthClientFlowError,
  OAuthError,
  OAuthErrorCode,
  ProtocolError,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  SseError,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { SkillVerificationError } from '@modelcontextprotocol/client/ext/skills';
import { ErrorCode, McpSyncError } from '../../src/shared/errors.js';
import { TooLargeError } from '../transport/guarded-fetch.js';
import { InsufficientScopeError } from '../auth/oauth-challenge.js';
import { handlerAdvice } from '../session/client-handlers.js';
import { AnswerLostError, NotSentError, NotSerializableError, localFailureOf } from '../transport/transport-errors.js';

/** Why a request was aborted by us: the caller's deadline passed, another thread interrupted,
 * the hub is closing, or the connection was found dead under it. */
export type AbortReason = 'timeout' | 'interrupt' | 'close' | 'lost';

/**
 * Messages that mean "the server no longer knows this session" — matched case-insensitively as
 * substrings, as hermes-agent does (its #13383 fix), plus the 400 body of servers built on the
 * SDK's examples (server-everything).
 */
export const SESSION_EXPIRED_MARKERS: readonly string[] = [
  'invalid or expired session',
  'expired session',
  'session expired',
  'session not found',
  'unknown session',
  'session terminated',
  'no valid session id provided',
];

/** JSON-RPC codes seen on lost-session answers: -32000 (generic server error), -32001 (the SDK
 * server's "Session not found"), -32600 (invalid request), -32602 (hermes #13383's server). */
const SESSION_ERROR_CODES: ReadonlySet<number> = new Set([-32000, -32001, -32600, -32602]);

/**
 * True when `error` says the server forgot our session. Never for an empty message. A 404 means
 * it only when the request carried a 2025-era session id (`hasSessionId`): without one — a
 * stateless 2026 server, or a wrong URL — it is just "not found".
 */
export function isSessionExpired(error: unknown, hasSessionId = true): boolean {
  // Structural: the SDK's own server answers a POST on a forgotten session with HTTP 404 — and a
  // 2026 server answers an unknown method with 404 and -32601, which is no expiry.
  if (SdkHttpError.isInstance(error) && error.status === 404)
    return hasSessionId && !/"code"\s*:\s*-32601/.test(String(error.data?.text ?? ''));
  // A JSON-RPC error counts only with the codes servers use for a lost session; a tool's or a
  // resource's own error that happens to mention a "session" (a browser session, a tmux
  // session) must not tear down a healthy one.
  if (ProtocolError.isInstance(error) && !SESSION_ERROR_CODES.has(error.code)) return false;
  const message = (error instanceof Error ? error.message : String(error ?? '')).toLowerCase();
  return message !== '' && SESSION_EXPIRED_MARKERS.some((marker) => message.includes(marker));
}

/**
 * True when `error` is the server rejecting our credentials, or the OAuth flow failing in a way
 * only a new login can fix: an OAuth error from the authorization server (invalid_grant,
 * invalid_client, access_denied …) — but not its transient ones (server_error,
 * temporarily_unavailable, too many requests), which say nothing about the credentials.
 */
export function isAuthError(error: unknown): boolean {
  if (UnauthorizedError.isInstance(error) || OAuthClientFlowError.isInstance(error)) return true;
  if (OAuthError.isInstance(error)) return !TRANSIENT_OAUTH.has(error.code);
  if (SdkHttpError.isInstance(error) && error.status === 401) return true;
  if (SseError.isInstance(error) && error.code === 401) return true;
  return error instanceof Error && /\(HTTP 401\)|\b401 Unauthorized\b/i.test(error.message) && !ProtocolError.isInstance(error);
}

/** OAuth errors of the authorization server's own state, which say nothing about our credentials. */
const TRANSIENT_OAUTH: ReadonlySet<string> = new Set([
  OAuthErrorCode.ServerError,
  OAuthErrorCode.TemporarilyUnavailable,
  OAuthErrorCode.TooManyRequests,
]);

/** Where a failure happened besides its error: an abort of ours, and whether we had a session id. */
export interface FailureContext {
  aborted?: AbortReason | undefined;
  /** The request carried an `Mcp-Session-Id` (so a 404 means the session was forgotten). @default true */
  hasSessionId?: boolean;
  /** A connect attempt (not a request on an established connection). @default false */
  connecting?: boolean;
}

/** JSON-RPC code of "Unsupported protocol version" (2026-07-28; 1.x servers answer 400 without it). */
const UNSUPPORTED_PROTOCOL_VERSION = -32022;

/**
 * Why a SESSION_EXPIRED failure happened: the server forgot the session (`expired`), or it no
 * longer speaks the protocol version the connection agreed on (`protocol`: upgraded, or rolled
 * back), so the era must be negotiated afresh. Either way the request was refused unrun.
 */
export function expiryCause(failure: McpSyncError): 'expired' | 'protocol' {
  return failure.data?.['reason'] === 'protocol' ? 'protocol' : 'expired';
}

/**
 * Maps `error` raised while serving `server` to a typed McpSyncError (idempotent). Whether the
 * request may have run decides the code: certain failures (NOT_CONNECTED, TRANSPORT_ERROR,
 * INVALID_ARGUMENT, SESSION_EXPIRED, NEEDS_REAUTH) say it did not; OUTCOME_UNCERTAIN and TIMEOUT
 * say it may have; RESPONSE_TOO_LARGE says it did.
 */
export function classify(error: unknown, server: string, context: FailureContext | AbortReason = {}): McpSyncError {
  if (error instanceof McpSyncError) return error;
  const { aborted, hasSessionId = true, connecting = false } = typeof context === 'string' ? { aborted: context } : context;
  if (aborted === 'interrupt') return new McpSyncError(ErrorCode.INTERRUPTED, 'MCP call interrupted', { server }, { cause: error });
  if (aborted === 'close') return new McpSyncError(ErrorCode.CLOSED, `MCP server '${server}' was closed`, { server }, { cause: error });
  const message = error instanceof Error ? rpcMessage(error.message) : String(error);
  if (aborted === 'timeout') return new McpSyncError(ErrorCode.TIMEOUT, `MCP call to '${server}' timed out`, { server }, { cause: error });
  if (aborted === 'lost') return outcomeUncertain(server, error);
  const local = byTransport(error, server) ?? localFailure(error, server);
  if (local !== undefined) return local;
  const refusal = ProtocolError.isInstance(error) ? { code: error.code, message } : rpcErrorIn(error);
  if (!connecting && refusal?.code === UNSUPPORTED_PROTOCOL_VERSION) {
    return new McpSyncError(
      ErrorCode.SESSION_EXPIRED,
      `MCP server '${server}' no longer speaks the protocol version this connection agreed on (${refusal.message}); negotiating again`,
      { server, reason: 'protocol', rpcCode: refusal.code },
      { cause: error },
    );
  }
  if (isSessionExpired(error, hasSessionId)) {
    return new McpSyncError(ErrorCode.SESSION_EXPIRED, `MCP server '${server}' lost our session: ${message}`, { server }, { cause: error });
  }
  if (isAuthError(error)) {
    // A step-up (403 insufficient_scope) says which scope the login must ask for.
    const stepUp = error instanceof InsufficientScopeError;
    const scope = stepUp ? error.scope : undefined;
    const data = { server, httpStatus: stepUp ? 403 : 401, needsReauth: true, ...(scope !== undefined && { scope }) };
    return new McpSyncError(ErrorCode.NEEDS_REAUTH, reauthMessage(server, scope), data, { cause: error });
  }
  if (error instanceof SkillVerificationError) {
    const what = `MCP server '${server}' sent a skill file that does not match its own entry (${error.reason}: ${message}): do not use it`;
    const data = {
      server,
      uri: error.uri,
      reason: error.reason,
      ...(error.differences.length > 0 && { differences: [...error.differences] }),
    };
    return new McpSyncError(ErrorCode.SKILL_UNVERIFIED, what, data, { cause: error });
  }
  if (SdkError.isInstance(error) && !SdkHttpError.isInstance(error)) return bySdk(error, server, message);
  if (ProtocolError.isInstance(error)) {
    // A 2026 server needs a capability we did not declare (sampling, elicitation, roots): say how.
    const missing = error.code === MISSING_CLIENT_CAPABILITY ? Object.keys(requiredCapabilities(error)) : [];
    return new McpSyncError(
      ErrorCode.RPC_ERROR,
      `MCP server '${server}': ${message} (JSON-RPC error ${error.code})${handlerAdvice(missing)}`,
      { server, rpcCode: error.code },
      { cause: error },
    );
  }

  const status = httpStatusOf(error);
  // A 4xx that carries a JSON-RPC error (a 2026 server answers an unknown method with 404 and
  // -32601) is the server's answer, refusing the request: said as such.
  const answer = status !== undefined && status < 500 ? rpcErrorIn(error) : undefined;
  if (answer !== undefined) {
    return new McpSyncError(
      ErrorCode.RPC_ERROR,
      `MCP server '${server}': ${answer.message} (JSON-RPC error ${answer.code}, HTTP ${status})`,
      { server, rpcCode: answer.code, httpStatus: status },
      { cause: error },
    );
  }
  if (status !== undefined) return httpFailure(server, status, message, error);
  if (message === 'Not connected') {
    return new McpSyncError(ErrorCode.NOT_CONNECTED, `MCP server '${server}' is not connected`, { server }, { cause: error });
  }
  return transportError(server, error);
}

/**
 * The SDK's check of a tool's structured result against the `outputSchema` the server lists
 * failed (a mismatch, a missing structured result, or a schema that cannot be compiled) — or the
 * server said so itself (1.x servers answer -32602 "Output validation error"): OUTPUT_INVALID.
 * The tool ran; the server answered. Undefined for any other error.
 */
export function outputInvalid(error: unknown, server: string, tool: string): McpSyncError | undefined {
  if (!ProtocolError.isInstance(error)) return undefined;
  if (!/output schema|structured content|outputSchema|output validation/i.test(error.message)) return undefined;
  const message = `MCP tool '${tool}' of server '${server}' ran, but its result breaks its own outputSchema: ${rpcMessage(error.message)}`;
  return new McpSyncError(ErrorCode.OUTPUT_INVALID, message, { server, tool }, { cause: error });
}

/** JSON-RPC code of a 2026 server's "the request's client capabilities lack …" (SEP-2322). */
const MISSING_CLIENT_CAPABILITY = -32021;

function requiredCapabilities(error: ProtocolError): Record<string, unknown> {
  const data = error.data as { requiredCapabilities?: unknown } | undefined;
  const required = data?.requiredCapabilities;
  return typeof required === 'object' && required !== null ? (required as Record<string, unknown>) : {};
}

/** The SDK's own failures (no server answer behind them), by their code. */
function bySdk(error: SdkError, server: string, message: string): McpSyncError {
  switch (error.code) {
    case SdkErrorCode.RequestTimeout:
      return new McpSyncError(ErrorCode.TIMEOUT, `MCP call to '${server}' timed out: ${message}`, { server }, { cause: error });
    // The transport ended under a pending request: it was written, its answer is lost.
    case SdkErrorCode.ConnectionClosed:
      return outcomeUncertain(server, error);
    case SdkErrorCode.NotConnected:
      return new McpSyncError(ErrorCode.NOT_CONNECTED, `MCP server '${server}' is not connected`, { server }, { cause: error });
    case SdkErrorCode.EraNegotiationFailed:
      // The probe could not reach the server at all: what its cause says.
      return error.cause !== undefined ? classify(error.cause, server) : transportError(server, error);
    default:
      // A result the client cannot use, a method the server's era has not, an input request
      // without a handler, too many pages: the exchange happened, and this is what it came to.
      return new McpSyncError(
        ErrorCode.RPC_ERROR,
        `MCP server '${server}': ${message}${error.code === SdkErrorCode.CapabilityNotSupported ? handlerAdvice(message.match(/\b[a-z]+\/[a-zA-Z]+\b/g) ?? []) : ''}`,
        { server, sdkCode: error.code },
        { cause: error },
      );
  }
}

function transportError(server: string, error: unknown): McpSyncError {
  return new McpSyncError(ErrorCode.TRANSPORT_ERROR, `MCP server '${server}': ${describe(error)}`, { server }, { cause: error });
}

/** Failures the transports located themselves (transport-errors.ts, guarded-fetch.ts). */
function byTransport(error: unknown, server: string): McpSyncError | undefined {
  if (error instanceof NotSentError) {
    const message = `MCP server '${server}' cannot be reached (${error.message}); the request was not sent`;
    return new McpSyncError(ErrorCode.NOT_CONNECTED, message, { server, sent: false }, { cause: error });
  }
  if (error instanceof NotSerializableError) {
    return new McpSyncError(
      ErrorCode.INVALID_ARGUMENT,
      `Arguments for MCP server '${server}': ${error.message}`,
      { server },
      { cause: error },
    );
  }
  if (error instanceof AnswerLostError) return outcomeUncertain(server, error, error.message);
  if (error instanceof TooLargeError) return tooLarge(server, error.bytes, error.limit, error);
  return undefined;
}

/** Our own answer in place of the server's (an answer skipped for its size, a stream cut). */
function localFailure(error: unknown, server: string): McpSyncError | undefined {
  const failure = localFailureOf(error);
  if (failure === undefined) return undefined;
  if (failure.kind === 'too-large') return tooLarge(server, failure.bytes ?? 0, failure.limit ?? 0, error);
  return outcomeUncertain(server, error, failure.reason);
}

function tooLarge(server: string, bytes: number, limit: number, cause: unknown): McpSyncError {
  const message =
    `The answer of MCP server '${server}' was larger than its maxResponseBytes (${limit} bytes; ${bytes} bytes read) and was dropped; ` +
    `the call itself ran. Raise 'maxResponseBytes' in the server's config to accept it.`;
  return new McpSyncError(ErrorCode.RESPONSE_TOO_LARGE, message, { server, bytes, limit }, { cause });
}

/** The HTTP status of an SDK transport error, if it has one. */
function httpStatusOf(error: unknown): number | undefined {
  if (SdkHttpError.isInstance(error)) return error.status > 0 ? error.status : undefined;
  if (SseError.isInstance(error)) return typeof error.code === 'number' && error.code > 0 ? error.code : undefined;
  // The legacy SSE transport reports a failed POST as a plain Error.
  const status = error instanceof Error ? /^Error POSTing to endpoint \(HTTP (\d{3})\)/.exec(error.message)?.[1] : undefined;
  return status === undefined ? undefined : Number(status);
}

/** The JSON-RPC error in an HTTP error answer's body, if that is what the body is. */
function rpcErrorIn(error: unknown): { code: number; message: string } | undefined {
  if (!SdkHttpError.isInstance(error) || typeof error.data?.text !== 'string') return undefined;
  try {
    const body = JSON.parse(error.data.text) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = body.error ?? {};
    return typeof code === 'number' && typeof message === 'string' ? { code, message } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An HTTP error answer instead of a JSON-RPC one. A 4xx (and 503, "not now") is the server or a
 * proxy refusing the request before running it; any other 5xx may come after the tool ran (a
 * gateway that gave up waiting), so it is uncertain.
 */
function httpFailure(server: string, status: number, message: string, cause: unknown): McpSyncError {
  if (status >= 500 && status !== 503) return outcomeUncertain(server, cause, `HTTP ${status}: ${message}`, status);
  return new McpSyncError(ErrorCode.TRANSPORT_ERROR, `MCP server '${server}': ${message}`, { server, httpStatus: status }, { cause });
}

function outcomeUncertain(server: string, cause: unknown, why?: string, httpStatus?: number): McpSyncError {
  return new McpSyncError(
    ErrorCode.OUTCOME_UNCERTAIN,
    `Connection to MCP server '${server}' broke mid-call${why === undefined ? '' : ` (${why})`}; the call may or may not have run, so it was not retried`,
    { server, ...(httpStatus !== undefined && { httpStatus }) },
    { cause },
  );
}

/** The SDK writes "MCP error N: …", and a server built on it may already have: say it once. */
export function rpcMessage(message: string): string {
  return message.replace(/^(?:MCP error -?\d+:\s*)+/, '');
}

/**
 * What the user must do when credentials cannot be recovered, naming the `scope` a step-up
 * demanded (the login asks for it by itself: it is kept in the token file). For people; what a
 * model is told besides is the registry's business (src/registry/format-error.ts).
 */
export function reauthMessage(server: string, scope?: string): string {
  const more = scope === undefined ? '' : ` with OAuth scope '${scope}'`;
  return `MCP server '${server}' requires re-authentication${more}. Run \`mcp-sync login ${server}\` (or update the credentials in its config); a running hub picks the new login up.`;
}

/** An error's message plus the message of its cause (fetch hides ECONNREFUSED in `cause`). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
