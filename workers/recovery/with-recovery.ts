/**
 * withRecovery: the one wrapper every operation (tool calls, resources, prompts, listings, ping)
 * goes through. In order: the circuit breaker; a call arriving mid-reconnect waits for the new
 * session; a session expiry re-initialises once and retries once on the NEW session; a timeout or
 * a cut connection is never retried (the server may have run it) but checks the session in the
 * background; an interrupt changes nothing. See the README, "Recovery rules".
 */
import type { Client, RequestOptions } from '@modelcontextprotocol/client';
import { ErrorCode, McpSyncError, type ErrorCode as Code } from '../../src/shared/errors.js';
import { oauthTokenVersion } from '../auth/auth.js';
import { expiryCause } from './classify.js';
import type { CallContext } from '../session/inflight.js';
import type { ServerSession } from '../session/server-session.js';

/** Failures that say the server is unhealthy: they count toward opening the breaker. A JSON-RPC
 * error or an isError result is the server answering, and an interrupt says nothing about it. */
const BREAKER_FAILURES: ReadonlySet<Code> = new Set<Code>([
  ErrorCode.NOT_CONNECTED,
  ErrorCode.TIMEOUT,
  ErrorCode.TRANSPORT_ERROR,
  ErrorCode.SESSION_EXPIRED,
  ErrorCode.OUTCOME_UNCERTAIN,
]);
// NEEDS_REAUTH is not among them: an open breaker would replace "log in again" by "unreachable".

/** Failures that are the server answering: they prove it healthy, as a success does. */
const ANSWERED: ReadonlySet<Code> = new Set<Code>([ErrorCode.RPC_ERROR, ErrorCode.OUTPUT_INVALID]);

/** Failures after which the session itself is suspect: check it in the background. */
const AMBIGUOUS: ReadonlySet<Code> = new Set<Code>([ErrorCode.TIMEOUT, ErrorCode.OUTCOME_UNCERTAIN, ErrorCode.TRANSPORT_ERROR]);

type Operation<T> = (client: Client, options: RequestOptions) => Promise<T>;

/** Runs `op` on `session` under the recovery rules. @throws McpSyncError */
export async function withRecovery<T>(session: ServerSession, ctx: CallContext, op: Operation<T>): Promise<T> {
  const deadline = Date.now() + ctx.timeoutMs;
  session.breaker.admit();
  // The generation the last attempt ran on: a failure is "healing" only if the session moved on
  // after it (a retry that fails on the new session is a real failure of the server).
  let attemptedOn = session.generation;
  try {
    // Awaited only when there is something to wait for: the plain call is the hot path.
    if (session.state === 'reconnecting') await awaitReconnect(session, ctx, deadline);
    const generation = session.generation;
    attemptedOn = generation;
    const tokensBefore = oauthTokenVersion(session.config);
    try {
      return succeed(session, await session.request(ctx, op));
    } catch (error) {
      // Rule 1, auth: the SDK has already refreshed and re-sent once inside the transport. A
      // 401 is left only if only a login can help — or if this request lost a race with another
      // caller's refresh (the SDK then gives up on it without refreshing again). Then, and only
      // then, the access token changed under us: the request never ran, retry it once with it.
      if (isCode(error, ErrorCode.NEEDS_REAUTH) && tokensBefore !== undefined && oauthTokenVersion(session.config) !== tokensBefore) {
        return succeed(session, await session.request(remaining(ctx, deadline), op));
      }
      if (!isCode(error, ErrorCode.SESSION_EXPIRED)) throw error;
      // The server rejected the request without running it, so one retry is safe — but only on
      // a session newer than the one that failed (never replay onto the stale one).
      const waitMs = Math.min(session.recoveryWaitMs, deadline - Date.now());
      if (!(await session.renew(expiryCause(error), generation, waitMs, ctx.signal))) throw error;
      attemptedOn = session.generation;
      return succeed(session, await session.request(remaining(ctx, deadline), op));
    }
  } catch (error) {
    const failure = error instanceof McpSyncError ? error : new McpSyncError(ErrorCode.INTERNAL, String(error), { server: session.name });
    // One incident is one failure: calls cut by a link the session is already replacing (a dead
    // child takes every in-flight call with it) must not open the breaker on their own — unless
    // the replacing has failed already (the server is down): then every call counts.
    const healing = (session.state === 'reconnecting' && !session.reconnectFailing) || session.generation !== attemptedOn;
    if (BREAKER_FAILURES.has(failure.code) && !healing) session.breaker.failure();
    else if (healing) session.breaker.release();
    else if (ANSWERED.has(failure.code)) session.breaker.success();
    else session.breaker.release();
    if (AMBIGUOUS.has(failure.code)) session.checkHealth();
    throw failure;
  }
}

function isCode(error: unknown, code: Code): error is McpSyncError {
  return error instanceof McpSyncError && error.code === code;
}

function succeed<T>(session: ServerSession, result: T): T {
  session.breaker.success();
  return result;
}

/**
 * A call that arrives while the server is reconnecting (the caller checks) waits for the new
 * session, bounded — unless an attempt of this outage has failed already: then it fails now
 * (NOT_CONNECTED, certain).
 */
async function awaitReconnect(session: ServerSession, ctx: CallContext, deadline: number): Promise<void> {
  const waitMs = Math.min(session.recoveryWaitMs, deadline - Date.now());
  if (!(await session.waitForSession(session.generation, waitMs, ctx.signal))) throw session.notConnected();
}

/** The context for a retry: what is left of the caller's deadline. */
function remaining(ctx: CallContext, deadline: number): CallContext {
  return { ...ctx, timeoutMs: Math.max(1, deadline - Date.now()) };
}
