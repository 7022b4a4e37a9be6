/**
 * What an MCP server's refusal says about authorization (RFC 6750 §3 `WWW-Authenticate: Bearer`,
 * RFC 9728 §5.1): where its protected resource metadata lives and which scope it wants. A login
 * learns it from one unauthenticated request ({@link probeChallenge}) — some servers publish their
 * metadata only at the URL they name there — and the worker from the 403 `insufficient_scope`
 * by which a server asks for more scope than the tokens carry (step-up).
 */
import { extractWWWAuthenticateParams, UnauthorizedError } from '@modelcontextprotocol/client';
import type { HttpServerConfig } from '../../src/shared/protocol.js';

/** Bound on the login's unauthenticated probe request. */
export const PROBE_TIMEOUT_MS = 10_000;

/** The parameters of a Bearer challenge that steer the OAuth flow; absent when not given. */
export interface Challenge {
  /** `resource_metadata`: where the server's protected resource metadata (RFC 9728) is. */
  resourceMetadataUrl?: URL;
  /** `scope`: the scope the request needs. */
  scope?: string;
  /** `error`, e.g. `invalid_token` or `insufficient_scope`. */
  error?: string;
}

/**
 * The server wants a scope the tokens lack: refreshing cannot widen it, only a login can (which
 * asks for `scope`). Thrown inside the SDK's `auth()`; the caller sees NEEDS_REAUTH with `scope`.
 */
export class InsufficientScopeError extends UnauthorizedError {
  /** The scope the server demanded, as it wrote it. */
  readonly scope: string | undefined;

  constructor(server: string, scope: string | undefined) {
    super(`MCP server '${server}' requires OAuth scope${scope === undefined ? '' : ` '${scope}'`} that the stored tokens lack`);
    this.name = 'InsufficientScopeError';
    this.scope = scope;
  }
}

/** The challenge of a 401 or 403 response (empty for any other response, or no Bearer challenge). */
export function challengeOf(response: Response): Challenge {
  if (response.status !== 401 && response.status !== 403) return {};
  const { resourceMetadataUrl, scope, error } = extractWWWAuthenticateParams(response);
  return {
    ...(resourceMetadataUrl !== undefined && { resourceMetadataUrl }),
    ...(scope !== undefined && { scope }),
    ...(error !== undefined && { error }),
  };
}

/** True for a 403 whose challenge says `error="insufficient_scope"` (a step-up request). */
export function isInsufficientScope(response: Response): boolean {
  return response.status === 403 && challengeOf(response).error === 'insufficient_scope';
}

/**
 * Asks the server, without credentials, what it wants: a JSON-RPC `ping` POST (a GET of the
 * event stream for legacy SSE), which a protected server refuses with its challenge before
 * reading it, and which creates no session on one that lets it through. Never throws: an
 * unreachable server, or one that does not answer with a challenge, yields `{}` — discovery
 * then falls back to the well-known URLs.
 */
export async function probeChallenge(config: HttpServerConfig, fetchFn: typeof fetch = fetch): Promise<Challenge> {
  const sse = config.transport === 'sse';
  const headers = new Headers(config.headers);
  headers.set('accept', sse ? 'text/event-stream' : 'application/json, text/event-stream');
  if (!sse) headers.set('content-type', 'application/json');
  try {
    const response = await fetchFn(config.url, {
      method: sse ? 'GET' : 'POST',
      headers,
      ...(!sse && { body: JSON.stringify({ jsonrpc: '2.0', id: 'mcp-sync-login-probe', method: 'ping' }) }),
      redirect: 'manual',
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    await response.body?.cancel().catch(() => undefined);
    return challengeOf(response);
  } catch {
    return {};
  }
}
