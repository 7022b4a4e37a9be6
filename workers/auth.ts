/**
 * OAuth for HTTP servers configured with `auth: "oauth"`: the SDK's `OAuthClientProvider`,
 * backed by the file token store, for the non-interactive I/O worker — plus the two steps of
 * an interactive login, for the `mcp-sync login <server>` CLI to come.
 *
 * In the worker the SDK's transports do the refreshing: a request answered 401 runs `auth()`,
 * which refreshes the tokens through this provider and re-sends that request once. Around it,
 * this module adds what a shared worker needs: one refresh however many callers hit the expired
 * token (refresh-fetch.ts), and never a browser. When only a new login can help (no tokens, a
 * refresh token revoked or used up) the SDK fails the request with `UnauthorizedError`, which
 * the caller receives as NEEDS_REAUTH with the `mcp-sync login` hint (classify.ts).
 */
import { auth, UnauthorizedError, type OAuthClientProvider, type OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { HttpServerConfig, ServerConfig } from '../src/protocol.js';
import { RefreshCoalescer } from './refresh-fetch.js';
import { TokenStore, type StoredAuth } from './token-store.js';

/**
 * Port of the default redirect URL. Fixed, because a dynamically registered client's redirect
 * URIs are fixed at registration: the login CLI listens here for the authorization code.
 */
export const DEFAULT_REDIRECT_PORT = 47_615;
/** Redirect URL registered for mcp-sync when the config sets no `oauth.redirectUri`. */
export const DEFAULT_REDIRECT_URL = `http://127.0.0.1:${DEFAULT_REDIRECT_PORT}/callback`;

/** Options of {@link FileOAuthProvider}. */
export interface OAuthProviderOptions {
  /**
   * `true` for a login: the PKCE verifier is kept in the token file (the code may come back to
   * another process), and having nothing to refresh is not an error. @default false (the worker)
   */
  interactive?: boolean;
}

/**
 * The OAuth client of one server: tokens, client registration and discovery results in its
 * token file, read once and re-read whenever a new transport is built ({@link reload}), written
 * through on every change.
 */
export class FileOAuthProvider implements OAuthClientProvider {
  readonly #config: HttpServerConfig;
  readonly #store: TokenStore;
  readonly #interactive: boolean;
  readonly #refresh: RefreshCoalescer;
  #stored: StoredAuth;
  /** The worker's PKCE verifier lives in memory only: writing it could break a login in progress elsewhere. */
  #verifier: string | undefined;
  #version = 0;
  #authorizationUrl: URL | undefined;

  constructor(config: HttpServerConfig, store: TokenStore, options: OAuthProviderOptions = {}) {
    this.#config = config;
    this.#store = store;
    this.#interactive = options.interactive ?? false;
    this.#stored = store.read();
    this.#refresh = new RefreshCoalescer(() => this.#stored.tokens);
  }

  get redirectUrl(): string {
    return this.#config.oauth?.redirectUri ?? DEFAULT_REDIRECT_URL;
  }

  get clientMetadata(): OAuthClientMetadata {
    const { clientSecret, scope } = this.#config.oauth ?? {};
    return {
      client_name: 'mcp-sync',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      // A public client (PKCE only) unless the user configured a secret.
      token_endpoint_auth_method: clientSecret === undefined ? 'none' : 'client_secret_post',
      ...(scope !== undefined && { scope }),
    };
  }

  /** Incremented whenever a new access token is stored: a request that failed with an older one may be retried. */
  get tokenVersion(): number {
    return this.#version;
  }

  /** Refresh grants this provider actually posted (concurrent refreshes share one). */
  get refreshGrants(): number {
    return this.#refresh.grants;
  }

  /** The URL a login must open, once the SDK found that only a new login can help. */
  get authorizationUrl(): URL | undefined {
    return this.#authorizationUrl;
  }

  /** A client id configured by the user wins over one stored from a dynamic registration. */
  clientInformation(): OAuthClientInformationMixed | undefined {
    const { clientId, clientSecret } = this.#config.oauth ?? {};
    if (clientId === undefined) return this.#stored.clientInformation;
    return { client_id: clientId, ...(clientSecret !== undefined && { client_secret: clientSecret }) };
  }

  saveClientInformation(clientInformation: OAuthClientInformationMixed): void {
    // The SDK also "saves" configured credentials to stamp them with the issuer: not needed,
    // they are read from the config every time.
    if (this.#config.oauth?.clientId !== undefined) return;
    this.#update((stored) => ({ ...stored, clientInformation }));
  }

  tokens(): OAuthTokens | undefined {
    return this.#stored.tokens;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.#update((stored) => ({ ...stored, tokens }));
    this.#authorizationUrl = undefined;
  }

  /** Opens nothing: records the URL; the SDK then fails the request with UnauthorizedError. */
  redirectToAuthorization(authorizationUrl: URL): void {
    this.#authorizationUrl = authorizationUrl;
  }

  saveCodeVerifier(codeVerifier: string): void {
    if (this.#interactive) this.#update((stored) => ({ ...stored, codeVerifier }));
    else this.#verifier = codeVerifier;
  }

  codeVerifier(): string {
    const verifier = this.#interactive ? this.#stored.codeVerifier : this.#verifier;
    if (verifier === undefined) throw new UnauthorizedError('No login in progress (no PKCE code verifier saved): start the login again');
    return verifier;
  }

  saveDiscoveryState(discoveryState: OAuthDiscoveryState): void {
    this.#update((stored) => ({ ...stored, discoveryState }));
  }

  /**
   * Called by the SDK first thing in every `auth()`. In the worker, with no refresh token there
   * is nothing `auth()` could do but start a login nobody will finish: fail now, before any
   * discovery or client registration round trip.
   */
  discoveryState(): OAuthDiscoveryState | undefined {
    if (!this.#interactive && this.#stored.tokens?.refresh_token === undefined) {
      throw new UnauthorizedError(`No OAuth refresh token stored for MCP server '${this.#config.name}'`);
    }
    return this.#stored.discoveryState;
  }

  /**
   * Forgets what the authorization server refused. Tokens go only if their refresh token is
   * the one it rejected: when a concurrent refresh (or another process) has stored newer ones
   * meanwhile, those are kept — wiping them would force a needless login.
   */
  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    const all = scope === 'all';
    if (all || scope === 'verifier') this.#verifier = undefined;
    this.#update((stored) => {
      const next = { ...stored };
      const refreshToken = stored.tokens?.refresh_token;
      if ((all || scope === 'tokens') && (refreshToken === undefined || this.#refresh.wasRejected(refreshToken))) delete next.tokens;
      if (all || scope === 'client') delete next.clientInformation;
      if (all || scope === 'verifier') delete next.codeVerifier;
      if (all || scope === 'discovery') delete next.discoveryState;
      return next;
    });
  }

  /** Re-reads the token file: picks up a login or refresh made by another process. */
  reload(): void {
    this.#set(this.#store.read());
  }

  /** Wraps the transport's fetch so that refreshes are single-flight (see refresh-fetch.ts). */
  wrapFetch(base: typeof fetch): typeof fetch {
    return this.#refresh.wrap(base);
  }

  /** Forgets the stored tokens unconditionally (a forced login). */
  forgetTokens(): void {
    this.#update(({ tokens: _tokens, ...rest }) => rest);
  }

  #update(change: (stored: StoredAuth) => StoredAuth): void {
    this.#set(this.#store.update(change));
  }

  #set(stored: StoredAuth): void {
    // Only a NEW access token counts: losing the tokens is no reason to retry anything.
    const access = stored.tokens?.access_token;
    if (access !== undefined && access !== this.#stored.tokens?.access_token) this.#version += 1;
    this.#stored = stored;
  }
}

/** The token store of `config`'s server: `oauth.tokenDir`, or `~/.mcp-sync/tokens`. */
export function tokenStoreFor(config: HttpServerConfig): TokenStore {
  return new TokenStore(config.name, config.oauth?.tokenDir);
}

/**
 * Creates the OAuth provider of one server.
 * @param store where its tokens live. @default tokenStoreFor(config)
 */
export function createOAuthProvider(
  config: HttpServerConfig,
  store: TokenStore = tokenStoreFor(config),
  options: OAuthProviderOptions = {},
): FileOAuthProvider {
  return new FileOAuthProvider(config, store, options);
}

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
  const provider = createOAuthProvider(config);
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
  /** The fetch used for discovery, registration and the token endpoint. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** What {@link startLogin} found: nothing to do, or the URL the user must open. */
export type LoginStart = { status: 'authorized' } | { status: 'redirect'; authorizationUrl: URL };

/**
 * Step 1 of `mcp-sync login <server>`: discovers the server's authorization server, registers
 * mcp-sync as a client (unless `oauth.clientId` is configured or a registration is stored),
 * saves the PKCE verifier in the token file and returns the authorization URL to open; its
 * redirect (to `oauth.redirectUri`, default {@link DEFAULT_REDIRECT_URL}) carries the `code`
 * for {@link finishLogin}. With a working refresh token it refreshes instead and returns
 * `authorized`, unless `force` drops the stored tokens first.
 * @throws the SDK's errors (discovery, registration, OAuth errors) unchanged
 */
export async function startLogin(config: HttpServerConfig, options: LoginOptions & { force?: boolean } = {}): Promise<LoginStart> {
  const provider = createOAuthProvider(config, options.store, { interactive: true });
  if (options.force === true) provider.forgetTokens();
  const result = await auth(provider, { serverUrl: config.url, ...(options.fetch && { fetchFn: options.fetch }) });
  const authorizationUrl = provider.authorizationUrl;
  if (result === 'AUTHORIZED' || authorizationUrl === undefined) return { status: 'authorized' };
  return { status: 'redirect', authorizationUrl };
}

/**
 * Step 2 of a login: exchanges the authorization `code` from the redirect for tokens (with the
 * verifier step 1 saved) and stores them, ready for the worker.
 * @throws UnauthorizedError when no login was started; the SDK's OAuth errors (e.g. InvalidGrantError)
 */
export async function finishLogin(config: HttpServerConfig, code: string, options: LoginOptions = {}): Promise<void> {
  const store = options.store ?? tokenStoreFor(config);
  const provider = createOAuthProvider(config, store, { interactive: true });
  const result = await auth(provider, { serverUrl: config.url, authorizationCode: code, ...(options.fetch && { fetchFn: options.fetch }) });
  if (result !== 'AUTHORIZED') throw new UnauthorizedError('The authorization server did not accept the authorization code');
  provider.invalidateCredentials('verifier'); // single use
}
