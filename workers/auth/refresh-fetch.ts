/**
 * Single-flight token refresh, as a layer around the fetch the SDK's HTTP transports use.
 *
 * The SDK refreshes inside each transport: every request answered 401 runs its own `auth()`,
 * which reads the stored refresh token and posts a refresh grant. Many callers hitting an
 * expired access token at once would post many grants with the same refresh token — and an
 * authorization server that rotates refresh tokens (OAuth 2.1) accepts only the first and
 * answers `invalid_grant` to the rest, which the SDK takes as "log in again" and wipes the
 * fresh tokens. The provider cannot prevent the duplicate `auth()` calls (the transports call
 * the SDK directly), but every grant goes through this fetch, so it is made single-flight here:
 *
 * 1. A refresh grant whose refresh token is already being exchanged waits for that exchange and
 *    gets the same answer (also one arriving after the answer but before the SDK saved it).
 * 2. A refresh grant with a refresh token that has since been replaced (the caller read it
 *    before another refresh finished) is answered with the current tokens, without a grant. So
 *    is one with the current refresh token soon after a grant made it (within
 *    {@link UNPROVEN_REFRESH_HOLD_MS}): the SDK reads the stored tokens only when it gets round to
 *    refreshing, so a caller refused with the old access token asks with the new refresh token —
 *    unless a request has carried the new access token since and been refused (then it is a real
 *    refusal of fresh tokens: rule 4).
 * 3. A request refused (401, or 403 `insufficient_scope`) that carried an access token older
 *    than the current one — in memory or, re-read, in the token file (a login made meanwhile by
 *    another process) — is sent again, once, with the current token: it was only late.
 * 4. No new grant while the tokens of the last one have not been accepted by any request yet
 *    (for {@link UNPROVEN_REFRESH_HOLD_MS}): a server that rejects even fresh tokens would
 *    otherwise be refreshed in a tight loop — the SDK's SSE transport re-sends after every
 *    successful refresh without a limit. The refused grant makes the SDK report a needed login.
 * 5. Client credentials grants (a machine-to-machine client) are single-flight too; one asked for
 *    while the last one's tokens are untried is answered with those tokens, without a grant —
 *    and refused, as rule 4, once a request has carried them and been refused.
 *
 * Only responses are shared; no token is logged.
 */
import type { OAuthTokens } from '@modelcontextprotocol/client';
import { isInsufficientScope } from './oauth-challenge.js';

/** How long after a refresh no further grant is posted unless its tokens were accepted meanwhile. */
export const UNPROVEN_REFRESH_HOLD_MS = 30_000;
/** How many refresh tokens rejected by the authorization server are remembered. */
const REJECTED_MEMORY = 16;
/** The exchange key of client credentials grants (refresh grants are keyed by their refresh token). */
const CLIENT_CREDENTIALS = Symbol('client_credentials');

/** A response read to the end, so it can be handed to several callers. */
interface SettledResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string;
}

/** One refresh grant: in flight, or answered 200 and not yet superseded by a newer refresh token. */
interface Exchange {
  answer: Promise<SettledResponse>;
  done: boolean;
}

/** One server's single-flight refresh state, shared by all its transports (old and new sessions). */
export class RefreshCoalescer {
  readonly #current: () => OAuthTokens | undefined;
  readonly #reload: () => void;
  /** Keyed by the refresh token being exchanged. */
  readonly #exchanges = new Map<string | typeof CLIENT_CREDENTIALS, Exchange>();
  readonly #rejected = new Set<string>();
  /** When the last refresh grant succeeded, until a request carrying its tokens is accepted. */
  #unprovenSince: number | undefined;
  /** The access token of the last refused request that carried the current one (rules 2 and 5). */
  #refusedAccess: string | undefined;
  /** When the last refresh grant succeeded (rule 2). */
  #grantedAt: number | undefined;
  /** Refresh grants actually posted to the authorization server. */
  grants = 0;

  /**
   * @param current the tokens the provider holds now
   * @param reload makes the provider re-read its token file (before rule 3 compares tokens)
   */
  constructor(current: () => OAuthTokens | undefined, reload: () => void = () => undefined) {
    this.#current = current;
    this.#reload = reload;
  }

  /** True when the authorization server refused `refreshToken` (revoked, used, expired). */
  wasRejected(refreshToken: string): boolean {
    return this.#rejected.has(refreshToken);
  }

  /** Wraps `base` with the five rules above. */
  wrap(base: typeof fetch): typeof fetch {
    return async (input, init) => {
      const grant = grantOf(init);
      if (grant === 'client_credentials') return this.#clientCredentials(() => base(input, init));
      if (grant !== undefined) return this.#refresh(grant.refreshToken, () => base(input, init));
      const response = await base(input, init);
      if (response.status === 401 || isInsufficientScope(response)) return this.#resendIfStale(response, base, input, init);
      // Any answer but 401 to a request carrying a token proves the token (rule 4).
      if (this.#unprovenSince !== undefined && new Headers(init?.headers).has('authorization')) this.#unprovenSince = undefined;
      return response;
    };
  }

  async #refresh(refreshToken: string, send: () => Promise<Response>): Promise<Response> {
    const tokens = this.#current();
    const current = tokens?.refresh_token;
    for (const [token, exchange] of this.#exchanges) if (exchange.done && token !== current) this.#exchanges.delete(token);
    // Rule 2 comes first: an answer remembered for an old refresh token holds old tokens too.
    if (tokens !== undefined && current !== undefined && current !== refreshToken) return tokenResponse(tokens);
    let exchange = this.#exchanges.get(refreshToken);
    const justGranted = this.#grantedAt !== undefined && Date.now() - this.#grantedAt < UNPROVEN_REFRESH_HOLD_MS;
    if (tokens !== undefined && exchange === undefined && justGranted && this.#refusedAccess !== tokens.access_token)
      return tokenResponse(tokens);
    if (exchange === undefined && this.#unprovenSince !== undefined && Date.now() - this.#unprovenSince < UNPROVEN_REFRESH_HOLD_MS) {
      // A 5xx `server_error`: the SDK gives up on refreshing and reports a needed login, but
      // keeps the stored tokens (a 4xx would make it wipe them).
      return errorResponse(500, 'server_error', 'the tokens of the previous refresh were never accepted; not refreshing again yet');
    }
    if (exchange === undefined) {
      this.grants += 1;
      const created: Exchange = { answer: send().then(settle), done: false };
      exchange = created;
      this.#exchanges.set(refreshToken, created);
      // A 200 stays until the new tokens are saved (the SDK saves them a few ticks after it
      // reads the answer; a caller arriving in between must not post the used token again).
      // A failure is dropped at once: a later attempt, after a new login say, asks afresh.
      created.answer.then(
        (settled) => {
          if (settled.status !== 200) return this.#drop(refreshToken, settled.status);
          created.done = true;
          this.#unprovenSince = this.#grantedAt = Date.now();
        },
        () => this.#drop(refreshToken, 0),
      );
    }
    return toResponse(await exchange.answer);
  }

  async #clientCredentials(send: () => Promise<Response>): Promise<Response> {
    const running = this.#exchanges.get(CLIENT_CREDENTIALS);
    if (running !== undefined && !running.done) return toResponse(await running.answer);
    const tokens = this.#current();
    if (tokens !== undefined && this.#unprovenSince !== undefined && Date.now() - this.#unprovenSince < UNPROVEN_REFRESH_HOLD_MS) {
      // A caller that saw a 401 before the last grant's tokens were saved: they are for it too.
      if (this.#refusedAccess !== tokens.access_token) return tokenResponse(tokens);
      return errorResponse(500, 'server_error', 'the tokens of the previous grant were refused; not asking again yet');
    }
    this.grants += 1;
    const exchange: Exchange = { answer: send().then(settle), done: false };
    this.#exchanges.set(CLIENT_CREDENTIALS, exchange);
    const settled = await exchange.answer.finally(() => (exchange.done = true));
    if (settled.status === 200) this.#unprovenSince = Date.now();
    return toResponse(settled);
  }

  #drop(refreshToken: string, status: number): void {
    this.#exchanges.delete(refreshToken);
    // 4xx is the server's verdict on the token (invalid_grant, invalid_client); 5xx and network
    // errors are not, and must not cost the user their login.
    if (status < 400 || status >= 500) return;
    this.#rejected.add(refreshToken);
    if (this.#rejected.size > REJECTED_MEMORY) this.#rejected.delete(this.#rejected.values().next().value as string);
  }

  async #resendIfStale(response: Response, base: typeof fetch, input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> {
    const headers = new Headers(init?.headers);
    const sent = headers.get('authorization')?.replace(/^(?:Bearer|DPoP)\s+/i, '');
    // A DPoP request is not ours to re-send: its proof is bound to the token it carried and may be
    // used once (RFC 9449 §4.3). The SDK's DPoP layer above re-sends it with a fresh proof.
    if (sent === undefined || headers.has('dpop')) return response;
    this.#reload();
    const current = this.#current()?.access_token;
    // The current token was sent: a real refusal, for the SDK to refresh (or report).
    if (current === undefined || sent === current) {
      if (current !== undefined) this.#refusedAccess = current;
      return response;
    }
    await response.body?.cancel();
    headers.set('authorization', `Bearer ${current}`);
    return base(input, { ...init, headers });
  }
}

/** The grant a token request posts (a form body with `grant_type`), when it is one this layer handles. */
function grantOf(init: RequestInit | undefined): { refreshToken: string } | 'client_credentials' | undefined {
  const body = init?.body;
  if (init?.method !== 'POST' || !(body instanceof URLSearchParams)) return undefined;
  const grantType = body.get('grant_type');
  if (grantType === 'client_credentials') return grantType;
  const refreshToken = body.get('refresh_token');
  return grantType === 'refresh_token' && refreshToken !== null ? { refreshToken } : undefined;
}

async function settle(response: Response): Promise<SettledResponse> {
  return {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
    body: await response.text(),
  };
}

function toResponse(settled: SettledResponse): Response {
  return new Response(settled.body, { status: settled.status, statusText: settled.statusText, headers: settled.headers });
}

/** A token endpoint answer carrying `tokens` (without our `issuer` stamp, as a server sends it). */
function tokenResponse(tokens: OAuthTokens): Response {
  const { issuer: _issuer, ...wire } = tokens;
  return new Response(JSON.stringify(wire), { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
}

function errorResponse(status: number, error: string, description: string): Response {
  return new Response(JSON.stringify({ error, error_description: `mcp-sync: ${description}` }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}
