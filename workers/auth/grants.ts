/**
 * The grants that need no login: what the provider tells the SDK, whose `auth()` then posts the
 * grant itself whenever it needs tokens — no browser, no redirect, no refresh token.
 * - `client_credentials` (OAuth 2.1 §4.2, SEP-1046): the client authenticates with
 *   `client_secret_basic` (the SDK's default for a secret) or, with `oauth.privateKey`, a signed
 *   JWT assertion (private_key_jwt, RFC 7523) made by the SDK's signer.
 * - `jwt_bearer` (RFC 7523 §2.1; workload identity, SEP-1933): the JWT the platform issued to the
 *   workload is the grant. Read at every token request: platforms rotate it.
 * - `enterprise_managed` (SEP-990): the user's ID token from the enterprise IdP is exchanged there
 *   for an ID-JAG (RFC 8693 token exchange, audience = the MCP authorization server, resource =
 *   the MCP server), which is then the jwt-bearer grant at the MCP authorization server.
 * A failed grant is not retried here: the SDK reports it, and a new token request comes only with
 * the next need for one.
 */
import { readFileSync } from 'node:fs';
import {
  createPrivateKeyJwtAuth,
  discoverAndRequestJwtAuthGrant,
  requestJwtAuthorizationGrant,
  type AddClientAuthentication,
  type OAuthClientMetadata,
} from '@modelcontextprotocol/client';
import { ErrorCode, McpSyncError } from '../../src/shared/errors.js';
import type { HttpServerConfig, OAuthConfig } from '../../src/shared/protocol.js';

/** The grant type of RFC 7523 §2.1. */
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Where the user's ID token comes from when the config names none: the handlers module's `idToken()`. */
export type IdTokenSource = (context: { server: string; idpIssuer?: string }) => string | Promise<string>;
let idTokenSource: IdTokenSource | undefined;

/** Installs the handlers module's `idToken()` (io-worker.ts). */
export function useIdTokenSource(source: IdTokenSource | undefined): void {
  idTokenSource = source;
}

/** True when `oauth` gets its tokens without a login. */
export function isMachineGrant(oauth: OAuthConfig | undefined): boolean {
  const grant = oauth?.grantType;
  return grant === 'client_credentials' || grant === 'jwt_bearer' || grant === 'enterprise_managed';
}

/** The client's metadata, as the SDK wants it (it reads `scope` for the grant). */
export function machineMetadata(oauth: OAuthConfig): OAuthClientMetadata {
  const credentials = oauth.grantType === 'client_credentials';
  const authMethod = oauth.privateKey !== undefined ? 'private_key_jwt' : oauth.clientSecret !== undefined ? 'client_secret_basic' : 'none';
  return {
    client_name: 'mcp-sync',
    redirect_uris: [],
    grant_types: [credentials ? 'client_credentials' : JWT_BEARER],
    token_endpoint_auth_method: authMethod,
    ...(oauth.scope !== undefined && { scope: oauth.scope }),
  };
}

/** private_key_jwt when a private key is configured: iss = sub = the client id, aud = the issuer (RFC 7523 §3). */
export function privateKeyJwtAuth(oauth: OAuthConfig): AddClientAuthentication | undefined {
  if (oauth.clientId === undefined || oauth.privateKey === undefined) return undefined;
  const { clientId, privateKey, signingAlgorithm } = oauth;
  return createPrivateKeyJwtAuth({ issuer: clientId, subject: clientId, privateKey, alg: signingAlgorithm ?? 'RS256' });
}

/** What the SDK's discovery found, which an enterprise grant names in its token exchange. */
export interface GrantContext {
  /** The MCP authorization server's issuer. */
  authorizationServer: string | undefined;
  /** The MCP server's resource identifier (RFC 9728). */
  resource: string | undefined;
  fetchFn: typeof fetch;
}

/** The form body of the grant of `config` (a machine grant), asking for `scope` when one is wanted. */
export async function machineTokenRequest(
  config: HttpServerConfig,
  scope: string | undefined,
  context: GrantContext,
): Promise<URLSearchParams> {
  const oauth = config.oauth ?? {};
  const body =
    oauth.grantType === 'client_credentials'
      ? new URLSearchParams({ grant_type: 'client_credentials' })
      : new URLSearchParams({
          grant_type: JWT_BEARER,
          assertion: oauth.grantType === 'jwt_bearer' ? workloadAssertion(config) : await idJag(config, scope, context),
        });
  if (scope !== undefined) body.set('scope', scope);
  return body;
}

function workloadAssertion(config: HttpServerConfig): string {
  const { assertion, assertionFile } = config.oauth ?? {};
  return assertion ?? readCredentialFile(config, 'oauth.assertionFile', assertionFile ?? '');
}

/** SEP-990 step 2: the ID token for an ID-JAG, at the enterprise IdP. */
async function idJag(config: HttpServerConfig, scope: string | undefined, context: GrantContext): Promise<string> {
  const oauth = config.oauth ?? {};
  const { authorizationServer, resource } = context;
  if (authorizationServer === undefined || resource === undefined) {
    const message = `MCP server '${config.name}' publishes no protected-resource metadata (RFC 9728), which enterprise-managed authorization needs to name the authorization server and resource`;
    throw new McpSyncError(ErrorCode.NEEDS_REAUTH, message, { server: config.name });
  }
  const options = {
    audience: authorizationServer,
    resource,
    idToken: await idToken(config),
    clientId: oauth.idpClientId ?? '',
    ...(oauth.idpClientSecret !== undefined && { clientSecret: oauth.idpClientSecret }),
    ...(scope !== undefined && { scope }),
    fetchFn: context.fetchFn,
  };
  const grant =
    oauth.idpTokenEndpoint !== undefined
      ? await requestJwtAuthorizationGrant({ ...options, tokenEndpoint: oauth.idpTokenEndpoint })
      : await discoverAndRequestJwtAuthGrant({ ...options, idpUrl: oauth.idpIssuer ?? '' });
  return grant.jwtAuthGrant;
}

async function idToken(config: HttpServerConfig): Promise<string> {
  const { idToken: given, idTokenFile, idpIssuer } = config.oauth ?? {};
  if (given !== undefined) return given;
  if (idTokenFile !== undefined) return readCredentialFile(config, 'oauth.idTokenFile', idTokenFile);
  if (idTokenSource !== undefined) return idTokenSource({ server: config.name, ...(idpIssuer !== undefined && { idpIssuer }) });
  const message = `MCP server '${config.name}' uses enterprise-managed authorization but no ID token is configured: set oauth.idToken or oauth.idTokenFile, or export idToken() from the StartOptions.handlers module`;
  throw new McpSyncError(ErrorCode.INVALID_CONFIG, message, { server: config.name, key: 'oauth.idToken' });
}

/** A credential kept in a file (trimmed); its contents never appear in an error. */
function readCredentialFile(config: HttpServerConfig, key: string, path: string): string {
  let value: string;
  try {
    value = readFileSync(path, 'utf8').trim();
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new McpSyncError(ErrorCode.INVALID_CONFIG, `MCP server '${config.name}': cannot read ${key} ${path} (${why})`, {
      server: config.name,
      key,
    });
  }
  if (value === '')
    throw new McpSyncError(ErrorCode.INVALID_CONFIG, `MCP server '${config.name}': ${key} ${path} is empty`, { server: config.name, key });
  return value;
}
