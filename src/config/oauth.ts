/**
 * Validation of a server's `oauth` block (load-config.ts). Besides the types of the values it checks
 * what belongs together, per grant: `client_credentials` needs a client id and exactly one
 * credential (secret or private key); `jwt_bearer` exactly one assertion source; `enterprise_managed`
 * a client id, the IdP's token endpoint or issuer, and its client id; none of them has a redirect.
 * A private key must be a PKCS#8 PEM whose type fits the signing algorithm, which is inferred from
 * the key when not given. Secret values (client secrets, private key, assertion, ID token) never
 * appear in a message, nor does a parser's error about them.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { OAuthConfig } from '../shared/protocol.js';
import { fail, isObject, pick, show, snake, text, unknownKey, type Ctx } from './values.js';

/** The string keys of `oauth`; `dpop` is the one boolean. */
const STRING_KEYS = [
  'grantType',
  'clientId',
  'clientSecret',
  'privateKey',
  'signingAlgorithm',
  'clientMetadataUrl',
  'scope',
  'redirectUri',
  'tokenDir',
  'assertion',
  'assertionFile',
  'idToken',
  'idTokenFile',
  'idpTokenEndpoint',
  'idpIssuer',
  'idpClientId',
  'idpClientSecret',
] as const;
type StringKey = (typeof STRING_KEYS)[number];
const OAUTH_KEYS = [...STRING_KEYS, 'dpop'] as const;
/** Keys whose values are shown back when wrong: everything else may be a secret. */
const SHOWN: ReadonlySet<string> = new Set(['grantType', 'signingAlgorithm', 'idpTokenEndpoint', 'idpIssuer']);
const GRANT_TYPES = ['authorization_code', 'client_credentials', 'jwt_bearer', 'enterprise_managed'] as const;
type GrantType = (typeof GRANT_TYPES)[number];
/** The keys only some grants take (every grant takes clientId, clientSecret, scope, tokenDir, dpop). */
const GRANT_KEYS: Record<GrantType, readonly StringKey[]> = {
  authorization_code: ['redirectUri', 'clientMetadataUrl'],
  client_credentials: ['privateKey', 'signingAlgorithm'],
  jwt_bearer: ['assertion', 'assertionFile'],
  enterprise_managed: ['idToken', 'idTokenFile', 'idpTokenEndpoint', 'idpIssuer', 'idpClientId', 'idpClientSecret'],
};
/** JWS algorithms of asymmetric keys that the SDK's private_key_jwt signer accepts. */
const SIGNING_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];
/** The one ES algorithm each EC curve signs with (RFC 7518 §3.4). */
const EC_ALGORITHMS: Record<string, string> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

type KeyOf = (field: keyof OAuthConfig) => string;

/** The `oauth` block of `ctx.server`, validated; `raw` is what the config holds. */
export function parseOAuth(ctx: Ctx, raw: unknown): OAuthConfig {
  if (!isObject(raw)) return fail(ctx, 'oauth', `'oauth' must be an object, got ${show(raw, true)}`);
  const known: string[] = [...OAUTH_KEYS, ...OAUTH_KEYS.map(snake)];
  for (const key of Object.keys(raw)) if (!known.includes(key)) unknownKey(ctx, `oauth.${key}`, key, known);
  const oauth: OAuthConfig = {};
  const keyOf: Partial<Record<keyof OAuthConfig, string>> = {};
  for (const field of STRING_KEYS) {
    const found = pick(ctx, raw, field, 'oauth.');
    if (found === undefined) continue;
    (oauth as Record<string, string>)[field] = text(ctx, found[0], found[1], !SHOWN.has(field));
    keyOf[field] = found[0];
  }
  const dpop = pick(ctx, raw, 'dpop', 'oauth.');
  if (dpop !== undefined) {
    if (typeof dpop[1] !== 'boolean') fail(ctx, dpop[0], `'${dpop[0]}' must be true or false, got ${show(dpop[1])}`);
    oauth.dpop = dpop[1] as boolean;
  }
  const key: KeyOf = (field) => keyOf[field] ?? `oauth.${field}`;
  const grantType = (oauth.grantType ?? 'authorization_code') as GrantType;
  if (!(GRANT_TYPES as readonly string[]).includes(grantType)) {
    const names = GRANT_TYPES.map((name) => `"${name}"`).join(', ');
    fail(ctx, key('grantType'), `'${key('grantType')}' must be one of ${names}, got ${show(grantType)}`);
  }
  for (const [grant, fields] of Object.entries(GRANT_KEYS)) {
    if (grant === grantType) continue;
    for (const field of fields) {
      if (oauth[field] === undefined || GRANT_KEYS[grantType].includes(field)) continue;
      fail(ctx, key(field), `'${key(field)}' applies only to grantType "${grant}", not "${grantType}"`);
    }
  }
  if (grantType === 'client_credentials') checkClientCredentials(ctx, oauth, key);
  else if (grantType === 'jwt_bearer') {
    if (oauth.clientId === undefined) fail(ctx, key('clientId'), `grantType "jwt_bearer" needs '${key('clientId')}'`);
    exactlyOne(ctx, oauth, key, 'assertion', 'assertionFile', 'jwt_bearer');
  } else if (grantType === 'enterprise_managed') checkEnterprise(ctx, oauth, key);
  else if (oauth.clientMetadataUrl !== undefined) checkClientMetadataUrl(ctx, oauth, key);
  return oauth;
}

/** Exactly one of two keys that say the same thing two ways. */
function exactlyOne(ctx: Ctx, oauth: OAuthConfig, key: KeyOf, a: StringKey, b: StringKey, grant: GrantType): void {
  if (oauth[a] === undefined && oauth[b] === undefined) fail(ctx, key(a), `grantType "${grant}" needs '${key(a)}' or '${key(b)}'`);
  if (oauth[a] !== undefined && oauth[b] !== undefined) fail(ctx, key(b), `give one of '${key(a)}' and '${key(b)}', not both`);
}

/**
 * SEP-990: the ID-JAG comes from the IdP (its token endpoint or issuer, and our client id there);
 * the ID token from `idToken`, `idTokenFile` or the handlers module's `idToken()` — checked when a
 * token is needed, since the module is not known here. The MCP authorization server needs our client id.
 */
function checkEnterprise(ctx: Ctx, oauth: OAuthConfig, key: KeyOf): void {
  if (oauth.clientId === undefined) fail(ctx, key('clientId'), `grantType "enterprise_managed" needs '${key('clientId')}'`);
  if (oauth.idpClientId === undefined) fail(ctx, key('idpClientId'), `grantType "enterprise_managed" needs '${key('idpClientId')}'`);
  exactlyOne(ctx, oauth, key, 'idpTokenEndpoint', 'idpIssuer', 'enterprise_managed');
  if (oauth.idToken !== undefined && oauth.idTokenFile !== undefined) {
    fail(ctx, key('idTokenFile'), `give one of '${key('idToken')}' and '${key('idTokenFile')}', not both`);
  }
  for (const field of ['idpTokenEndpoint', 'idpIssuer'] as const) {
    const value = oauth[field];
    if (value === undefined || !ctx.enabled) continue;
    if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
      fail(ctx, key(field), `'${key(field)}' must be an http(s):// URL, got ${show(value)}`);
    }
  }
}

function checkClientCredentials(ctx: Ctx, oauth: OAuthConfig, key: KeyOf): void {
  if (oauth.clientId === undefined) fail(ctx, key('clientId'), `grantType "client_credentials" needs '${key('clientId')}'`);
  if (oauth.clientSecret === undefined && oauth.privateKey === undefined) {
    const credentials = `'${key('clientSecret')}' (client_secret_basic) or '${key('privateKey')}' (private_key_jwt)`;
    fail(ctx, key('clientSecret'), `grantType "client_credentials" needs ${credentials}`);
  }
  if (oauth.clientSecret !== undefined && oauth.privateKey !== undefined) {
    fail(ctx, key('privateKey'), `give one of '${key('clientSecret')}' and '${key('privateKey')}', not both`);
  }
  if (oauth.privateKey === undefined) {
    if (oauth.signingAlgorithm === undefined) return;
    return fail(ctx, key('signingAlgorithm'), `'${key('signingAlgorithm')}' needs '${key('privateKey')}'`);
  }
  const algorithm = oauth.signingAlgorithm;
  if (algorithm !== undefined && !SIGNING_ALGORITHMS.includes(algorithm)) {
    fail(
      ctx,
      key('signingAlgorithm'),
      `'${key('signingAlgorithm')}' must be one of ${SIGNING_ALGORITHMS.join(', ')}, got ${show(algorithm)}`,
    );
  }
  // A disabled server's key may still be an unset ${VAR}: it is never used, so not checked.
  if (!ctx.enabled) return;
  const privateKey = readPrivateKey(ctx, oauth.privateKey, key('privateKey'));
  oauth.signingAlgorithm = signingAlgorithmFor(ctx, privateKey, algorithm, key);
}

/** The SDK signs with `jose.importPKCS8`: only a PKCS#8 PEM (`BEGIN PRIVATE KEY`) will do. */
function readPrivateKey(ctx: Ctx, pem: string, path: string): KeyObject {
  const problem = `'${path}' must be a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)`;
  if (!pem.includes('-----BEGIN PRIVATE KEY-----')) return fail(ctx, path, problem);
  try {
    return createPrivateKey(pem);
  } catch {
    // The parser's message is not passed on: it could quote the key.
    return fail(ctx, path, `${problem}; this one cannot be read`);
  }
}

/** `given`, checked against the key's type; or the algorithm the key's type implies. */
function signingAlgorithmFor(ctx: Ctx, privateKey: KeyObject, given: string | undefined, key: KeyOf): string {
  const type = privateKey.asymmetricKeyType ?? 'unknown';
  const curve = privateKey.asymmetricKeyDetails?.namedCurve;
  const fitting =
    type === 'rsa'
      ? SIGNING_ALGORITHMS.filter((name) => /^(RS|PS)/.test(name))
      : type === 'rsa-pss'
        ? SIGNING_ALGORITHMS.filter((name) => name.startsWith('PS'))
        : type === 'ec' && curve !== undefined && EC_ALGORITHMS[curve] !== undefined
          ? [EC_ALGORITHMS[curve]]
          : [];
  const keyDescription = type === 'ec' ? `an EC key on curve ${curve ?? 'unknown'}` : `a key of type ${type}`;
  if (fitting.length === 0) {
    return fail(
      ctx,
      key('privateKey'),
      `'${key('privateKey')}' is ${keyDescription}; use an RSA key or an EC key on P-256, P-384 or P-521`,
    );
  }
  if (given === undefined) return fitting[0] as string;
  if (!fitting.includes(given)) {
    fail(
      ctx,
      key('signingAlgorithm'),
      `'${key('signingAlgorithm')}: ${given}' does not fit ${keyDescription} (use ${fitting.join(' or ')})`,
    );
  }
  return given;
}

/** SEP-991 client ids are `https://` URLs with a path (the SDK refuses anything else at login). */
function checkClientMetadataUrl(ctx: Ctx, oauth: OAuthConfig, key: KeyOf): void {
  const path = key('clientMetadataUrl');
  if (!ctx.enabled && oauth.clientMetadataUrl?.includes('${') === true) return;
  if (oauth.clientId !== undefined) fail(ctx, path, `give one of '${key('clientId')}' and '${path}', not both`);
  const url = URL.canParse(oauth.clientMetadataUrl ?? '') ? new URL(oauth.clientMetadataUrl ?? '') : undefined;
  if (url === undefined || url.protocol !== 'https:' || url.pathname === '/') {
    fail(ctx, path, `'${path}' must be an https:// URL with a path (e.g. https://app.example/oauth/client.json)`);
  }
}
