/**
 * The client credentials grant (OAuth 2.1 §4.2; SEP-1046) for a machine-to-machine client
 * (`oauth.grantType: "client_credentials"`): what the provider tells the SDK, whose `auth()` then
 * posts the grant itself whenever it needs tokens — no login, no redirect, no refresh token. The
 * client authenticates with `client_secret_basic` (the SDK's default for a secret) or, with
 * `oauth.privateKey`, a signed JWT assertion (private_key_jwt, RFC 7523) made by the SDK's signer.
 */
import { createPrivateKeyJwtAuth, type AddClientAuthentication, type OAuthClientMetadata } from '@modelcontextprotocol/client';
import type { OAuthConfig } from '../../src/shared/protocol.js';

/** True when `oauth` configures a machine-to-machine client. */
export function usesClientCredentials(oauth: OAuthConfig | undefined): boolean {
  return oauth?.grantType === 'client_credentials';
}

/** The client's metadata, as the SDK wants it (it reads `scope` for the grant). */
export function clientCredentialsMetadata(oauth: OAuthConfig): OAuthClientMetadata {
  return {
    client_name: 'mcp-sync',
    redirect_uris: [],
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: oauth.privateKey === undefined ? 'client_secret_basic' : 'private_key_jwt',
    ...(oauth.scope !== undefined && { scope: oauth.scope }),
  };
}

/** private_key_jwt when a private key is configured: iss = sub = the client id, aud = the issuer (RFC 7523 §3). */
export function privateKeyJwtAuth(oauth: OAuthConfig): AddClientAuthentication | undefined {
  if (oauth.clientId === undefined || oauth.privateKey === undefined) return undefined;
  const { clientId, privateKey, signingAlgorithm } = oauth;
  return createPrivateKeyJwtAuth({ issuer: clientId, subject: clientId, privateKey, alg: signingAlgorithm ?? 'RS256' });
}

/** The grant's form body; `scope` when one is wanted. */
export function clientCredentialsRequest(scope: string | undefined): URLSearchParams {
  return new URLSearchParams({ grant_type: 'client_credentials', ...(scope !== undefined && { scope }) });
}
