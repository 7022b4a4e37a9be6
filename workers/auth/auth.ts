/**
 * OAuth for HTTP servers configured with `auth: "oauth"`: the worker's providers (one per server,
 * oauth-provider.ts) and the two steps of an interactive login, for `mcp-sync login <server>`.
 *
 * In the worker the SDK's transports do the refreshing: a request answered 401 runs `auth()`,
 * which refreshes the tokens through the provider and re-sends that request once. Around it,
 * the provider adds what a shared worker needs: one refresh however many callers hit the expired
 * token (refresh-fetch.ts), and never a browser. When only a new login can help (no tokens, a
 * refresh token revoked or used up, a 403 `insufficient_scope` asking for more scope) the request
 * fails with `UnauthorizedError`, which the caller receives as NEEDS_REAUTH with the
 * `mcp-sync login` hint (classify.ts) — and, for a step-up, the scope the login must ask for. A
 * `client_credentials` client never needs a login: the SDK posts its grant whenever it needs tokens.
 */
import { auth, IssuerMismatchError, UnauthorizedError, type AuthResult, type OAuthClientProvider } from '@modelcontextprotocol/client';
import type { HttpServerConfig, ServerConfig } from '../../src/shared/protocol.js';
import { probeChallenge } from './oauth-challenge.js';
import { createOAuthProvider, tokenStoreFor, type FileOAuthProvider } from './oauth-provider.js';
import type { TokenStore } from './token-store.js';

export {
  createOAuthProvider,
  DEFAULT_REDIRECT_PORT,
  DEFAULT_REDIRECT_URL,
  FileOAuthProvider,
  tokenStoreFor,
  type OAuthProviderOptions,
} from './oauth-provider.js';

// One provider per server for the worker's lifetime: a reconnect's new transport must share
// the tokens and the single-flight refresh of the transport it replaces. Keyed by the config
// object, which a ServerSession keeps for its whole life.
const providers = new WeakMap<ServerConfig, FileOAuthProvider>();

/**
 * The worker's provider for `config`, or undefined when the server does not use OAuth. Called
 * for every new transport; re-reads the token file each time, so a login made meanwhile (by
 * `mcp-sync login` in another process) is picked up at the next connect or parked-server probe.
 */
export function oauthProviderFor(config: HttpServerConfig): FileOAuthProvider | undefined {
  if (config.auth !== 'oauth') return undefined;
  const known = providers.get(config);
  if (known !== undefined) {
    known.reload();
    return known;
  }
  const provider = createOAuthProvider(config, undefined, { freshDiscovery: true });
  providers.set(config, provider);
  return provider;
}

/** The {@link FileOAuthProvider.tokenVersion} of `config`'s server; undefined without OAuth (or before its first connect). */
export function oauthTokenVersion(config: ServerConfig): number | undefined {
  return providers.get(config)?.tokenVersion;
}

/** Options of the login steps. */
export interface LoginOptions {
  /** Where tokens are stored. @default tokenStoreFor(config) */
  store?: TokenStore;
  /** The fetch used for the probe, discovery, registration and the token endpoint. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** Options of {@link startLogin}. */
export interface StartLoginOptions extends LoginOptions {
  /** Drop the stored tokens first: a login even when a refresh would do. @default false */
  force?: boolean;
  /**
   * The scope to ask for, and never just refresh. @default the scope a step-up demanded (kept in
   * the token file), else the scope of the server's 401 challenge, else its `scopes_supported`,
   * else `oauth.scope`
   */
  scope?: string;
}

/** What {@link startLogin} found: nothing to do, or the URL the user must open. */
export type LoginStart = { status: 'authorized' } | { status: 'redirect'; authorizationUrl: URL };

/**
 * Step 1 of `mcp-sync login <server>`. First asks the MCP server, without credentials, what it
 * wants: its 401 challenge may name the URL of its resource metadata (RFC 9728) and the scope to
 * request. Then discovers its authorization server, registers mcp-sync as a client (unless
 * `oauth.clientId` or `oauth.clientMetadataUrl` serves, or a registration is stored), saves the
 * PKCE verifier in the token file and returns the authorization URL to open; its redirect (to
 * `oauth.redirectUri`, default {@link DEFAULT_REDIRECT_URL}) carries the `code` for
 * {@link finishLogin}. With a working refresh token it refreshes instead and returns
 * `authorized` — unless `force` drops the stored tokens first, or more scope is needed (a
 * pending step-up, or `scope`). A `client_credentials` client gets its tokens at once: `authorized`.
 * @throws the SDK's errors (discovery, registration, OAuth errors) unchanged
 */
export async function startLogin(config: HttpServerConfig, options: StartLoginOptions = {}): Promise<LoginStart> {
  const store = options.store ?? tokenStoreFor(config);
  const stepUp = options.scope ?? store.read().requiredScope;
  const provider = createOAuthProvider(config, store, { interactive: true, skipRefresh: stepUp !== undefined, freshDiscovery: true });
  if (options.force === true) provider.forgetTokens();
  const fetchFn = options.fetch ?? fetch;
  const challenge = await probeChallenge(config, fetchFn);
  const scope = stepUp ?? challenge.scope;
  const result = await authorize(provider, {
    serverUrl: config.url,
    fetchFn,
    ...(scope !== undefined && { scope }),
    ...(challenge.resourceMetadataUrl !== undefined && { resourceMetadataUrl: challenge.resourceMetadataUrl }),
  });
  const authorizationUrl = provider.authorizationUrl;
  if (result === 'AUTHORIZED' || authorizationUrl === undefined) return { status: 'authorized' };
  return { status: 'redirect', authorizationUrl };
}

/** What came back to the redirect URL: the authorization `code`, and the `iss` the authorization server added (RFC 9207). */
export interface LoginRedirect {
  code: string;
  iss?: string | undefined;
}

/**
 * Step 2 of a login: exchanges the authorization `code` from the redirect for tokens (with the
 * verifier and discovery results step 1 saved) and stores them, ready for the worker. The
 * redirect's `iss` must name the authorization server step 1 talked to when that server says it
 * sends one (RFC 9207: a mix-up defence) — and must match whenever present.
 * @throws UnauthorizedError when no login was started; IssuerMismatchError; the SDK's OAuth errors (e.g. InvalidGrantError)
 */
export async function finishLogin(config: HttpServerConfig, redirect: LoginRedirect, options: LoginOptions = {}): Promise<void> {
  const store = options.store ?? tokenStoreFor(config);
  const provider = createOAuthProvider(config, store, { interactive: true });
  const result = await authorize(provider, {
    serverUrl: config.url,
    authorizationCode: redirect.code,
    ...(redirect.iss !== undefined && { iss: redirect.iss }),
    ...(options.fetch && { fetchFn: options.fetch }),
  });
  if (result !== 'AUTHORIZED') throw new UnauthorizedError('The authorization server did not accept the authorization code');
  provider.invalidateCredentials('verifier'); // single use
}

/**
 * The SDK's `auth()`, with one allowance for 2025-03-26 servers. The SDK checks, as RFC 8414 §3.3
 * asks, that the authorization server's metadata names the issuer it was looked up under. A
 * server of the 2025-03-26 spec has no protected-resource metadata: it is its own authorization
 * server, looked up at its origin — and often names a path under that origin as its issuer. That
 * one case (the issuer on the MCP server's own origin, where a mix-up has no other party to mix
 * up with) is tried again without the check; every other mismatch stands.
 */
async function authorize(provider: OAuthClientProvider, options: Parameters<typeof auth>[1]): Promise<AuthResult> {
  try {
    return await auth(provider, options);
  } catch (error) {
    const origin = new URL('/', options.serverUrl).href;
    const sameOrigin =
      IssuerMismatchError.isInstance(error) &&
      error.kind === 'metadata' &&
      error.expected === origin &&
      error.received !== undefined &&
      URL.canParse(error.received) &&
      new URL(error.received).origin === new URL(origin).origin;
    if (!sameOrigin) throw error;
    return auth(provider, { ...options, skipIssuerMetadataValidation: true });
  }
}
