/**
 * The SDK's `OAuthClientProvider` for one server, backed by its token file — for the
 * non-interactive I/O worker and for the login steps (auth.ts) alike. Besides storing what the
 * SDK asks it to keep, it decides what the worker may do by itself: refresh (one grant however
 * many callers hit the expired token, refresh-fetch.ts), post the client credentials grant of a
 * machine-to-machine client — but never start a login nobody will finish, and never try to
 * widen the scope of its tokens by refreshing them (a 403 `insufficient_scope` asks for a login).
 */
import {
  UnauthorizedError,
  type AddClientAuthentication,
  type DpopSession,
  type OAuthClientInformationMixed,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type OAuthTokens,
} from '@modelcontextprotocol/client';
import type { HttpServerConfig } from '../../src/shared/protocol.js';
import { dpopSession, newDpopKey } from './dpop.js';
import { isMachineGrant, machineMetadata, machineTokenRequest, privateKeyJwtAuth } from './grants.js';
import { challengeOf, InsufficientScopeError, isInsufficientScope } from './oauth-challenge.js';
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
  /**
   * Hides the stored refresh token from the SDK, so that its `auth()` authorizes afresh: for a
   * login that must ask for more scope than the tokens have (a refresh cannot widen it).
   * @default false
   */
  skipRefresh?: boolean;
  /**
   * Hands the SDK no cached discovery, so its `auth()` asks the server which authorization server
   * it uses now: a server may move to another one (SEP-2352), and the credentials of the old one
   * must then not be used (the SDK drops those stamped with another issuer). For the worker and the
   * start of a login; the end of a login needs the discovery its start recorded. @default false
   */
  freshDiscovery?: boolean;
}

/**
 * The OAuth client of one server: tokens, client registration and discovery results in its
 * token file, read once and re-read whenever a new transport is built or the server refuses a
 * token ({@link reload}), written through on every change.
 */
export class FileOAuthProvider implements OAuthClientProvider {
  readonly #config: HttpServerConfig;
  readonly #store: TokenStore;
  readonly #interactive: boolean;
  readonly #skipRefresh: boolean;
  readonly #freshDiscovery: boolean;
  /** A grant without a login (grants.ts): the SDK posts it itself, no redirect. */
  readonly #machine: boolean;
  /** The authorization server and resource the SDK's last discovery found (for an enterprise grant). */
  #authorizationServer: string | undefined;
  #resource: string | undefined;
  #dpop: Promise<DpopSession> | undefined;
  readonly #refresh: RefreshCoalescer;
  #stored: StoredAuth;
  /** The worker's PKCE verifier lives in memory only: writing it could break a login in progress elsewhere. */
  #verifier: string | undefined;
  #version = 0;
  #authorizationUrl: URL | undefined;
  /** A 403 `insufficient_scope` (and the scope it named) just handed to the SDK, whose `auth()` for it comes next. */
  #stepUp: { scope: string | undefined } | undefined;
  /** private_key_jwt (RFC 7523) for a client credentials client with a private key; else the SDK's default. */
  readonly addClientAuthentication?: AddClientAuthentication;

  constructor(config: HttpServerConfig, store: TokenStore, options: OAuthProviderOptions = {}) {
    this.#config = config;
    this.#store = store;
    this.#interactive = options.interactive ?? false;
    this.#skipRefresh = options.skipRefresh ?? false;
    this.#freshDiscovery = options.freshDiscovery ?? false;
    this.#stored = store.read();
    this.#refresh = new RefreshCoalescer(
      () => this.#stored.tokens,
      () => this.reload(),
    );
    this.#machine = isMachineGrant(config.oauth);
    if (this.#machine && config.oauth !== undefined) this.addClientAuthentication = privateKeyJwtAuth(config.oauth);
  }

  /** None for a grant without a login: the SDK then runs its non-interactive flow. */
  get redirectUrl(): string | undefined {
    if (this.#machine) return undefined;
    return this.#config.oauth?.redirectUri ?? DEFAULT_REDIRECT_URL;
  }

  /** The configured SEP-991 client id (a URL), used where the authorization server supports it. */
  get clientMetadataUrl(): string | undefined {
    return this.#config.oauth?.clientMetadataUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    const { clientSecret, scope } = this.#config.oauth ?? {};
    if (this.#machine) return machineMetadata(this.#config.oauth ?? {});
    return {
      client_name: 'mcp-sync',
      redirect_uris: [this.redirectUrl ?? DEFAULT_REDIRECT_URL],
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

  /** The scope a step-up demanded that no login has obtained yet (see {@link StoredAuth.requiredScope}). */
  get requiredScope(): string | undefined {
    return this.#stored.requiredScope;
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
    const tokens = this.#stored.tokens;
    if (!this.#skipRefresh || tokens === undefined) return tokens;
    const { refresh_token: _hidden, ...rest } = tokens;
    return rest;
  }

  saveTokens(tokens: OAuthTokens): void {
    // A login, or a client credentials grant, asked for the scope a step-up demanded (a refresh
    // in the worker did not, and leaves the demand in place).
    const granted = this.#interactive || this.#machine;
    this.#update(({ requiredScope, ...stored }) => ({
      ...stored,
      tokens,
      ...(!granted && requiredScope !== undefined && { requiredScope }),
    }));
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

  /** A grant without a login (grants.ts), asking for a step-up's scope if one is pending (else the configured one). */
  async prepareTokenRequest(scope?: string): Promise<URLSearchParams | undefined> {
    if (!this.#machine) return undefined; // the authorization code grant, built by the SDK
    const context = { authorizationServer: this.#authorizationServer, resource: this.#resource, fetchFn: fetch };
    return machineTokenRequest(this.#config, this.#stored.requiredScope ?? scope, context);
  }

  /** The issuer of the authorization server the SDK's discovery found (called by its `auth()`). */
  saveAuthorizationServerUrl(authorizationServerUrl: string): void {
    this.#authorizationServer = authorizationServerUrl;
  }

  /** The resource identifier the SDK's discovery found (called by its `auth()`). */
  saveResourceUrl(resourceUrl: string): void {
    this.#resource = resourceUrl;
  }

  /**
   * The DPoP key (dpop.ts) when tokens are, or are about to be, bound to it: the authorization
   * server advertises ES256 DPoP (its metadata from the last discovery), or the stored tokens are
   * DPoP tokens. Undefined otherwise, and with `oauth.dpop: false`: Bearer tokens as before.
   */
  dpop(): Promise<DpopSession> | undefined {
    if (this.#config.oauth?.dpop === false) return undefined;
    const metadata = this.#stored.discoveryState?.authorizationServerMetadata as
      { dpop_signing_alg_values_supported?: unknown } | undefined;
    const algorithms = metadata?.dpop_signing_alg_values_supported;
    const bound = this.#stored.tokens?.token_type?.toLowerCase() === 'dpop';
    if (!bound && !(Array.isArray(algorithms) && algorithms.includes('ES256'))) return undefined;
    this.#dpop ??= this.#dpopKey().then(dpopSession);
    return this.#dpop;
  }

  /** The stored key, or a new one stored now (a concurrent login may have stored one first: that one wins). */
  async #dpopKey(): Promise<NonNullable<StoredAuth['dpopKey']>> {
    const fresh = await newDpopKey();
    this.#update((stored) => (stored.dpopKey !== undefined ? stored : { ...stored, dpopKey: fresh }));
    return this.#stored.dpopKey ?? fresh;
  }

  saveDiscoveryState(discoveryState: OAuthDiscoveryState): void {
    this.#update((stored) => ({ ...stored, discoveryState }));
  }

  /**
   * Called by the SDK first thing in every `auth()`. In the worker, when only a login can help,
   * fail now, before any discovery or client registration round trip: with no refresh token
   * there is nothing `auth()` could do but start a login nobody will finish, and after a 403
   * `insufficient_scope` a refresh would only bring back the same scope. A client of a grant
   * without a login gets (and widens) its tokens itself.
   */
  discoveryState(): OAuthDiscoveryState | undefined {
    const stepUp = this.#stepUp;
    this.#stepUp = undefined;
    if (!this.#interactive && !this.#machine) {
      if (stepUp !== undefined) throw new InsufficientScopeError(this.#config.name, stepUp.scope);
      if (this.#stored.tokens?.refresh_token === undefined) {
        throw new UnauthorizedError(`No OAuth refresh token stored for MCP server '${this.#config.name}'`);
      }
    }
    return this.#freshDiscovery ? undefined : this.#stored.discoveryState;
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

  /**
   * Wraps the transport's fetch: refreshes and client credentials grants are single-flight, and
   * a refused request is re-sent with newer tokens when the token file has them (refresh-fetch.ts);
   * a 403 `insufficient_scope` left standing is remembered as a step-up for the SDK's `auth()`
   * that follows it (only the Streamable HTTP transport runs one, and only for a POST).
   */
  wrapFetch(base: typeof fetch): typeof fetch {
    const coalesced = this.#refresh.wrap(base);
    return async (input, init) => {
      const response = await coalesced(input, init);
      if (this.#config.transport === 'http' && init?.method === 'POST' && isInsufficientScope(response)) {
        this.#noteStepUp(challengeOf(response).scope);
      }
      return response;
    };
  }

  /** Forgets the stored tokens unconditionally (a forced login). */
  forgetTokens(): void {
    this.#update(({ tokens: _tokens, ...rest }) => rest);
  }

  /** Kept in the token file, so that the next login — in whatever process — asks for it. */
  #noteStepUp(scope: string | undefined): void {
    this.#stepUp = { scope };
    if (scope === undefined || scope === this.#stored.requiredScope) return;
    try {
      this.#update((stored) => ({ ...stored, requiredScope: scope }));
    } catch {
      // An unwritable token file must not hide the refusal: the caller's error still names the scope.
    }
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
