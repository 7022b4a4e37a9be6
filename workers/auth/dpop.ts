/**
 * DPoP (RFC 9449, SEP-1932): tokens bound to a key of this client, so a stolen token is useless
 * without the key. The key lives as long as the tokens bound to it — in the server's token file
 * (0600, beside the refresh token it protects equally), so the login and the worker, and a hub
 * started tomorrow, present the same key. ES256 (P-256), the algorithm every DPoP server accepts.
 */
import { webcrypto } from 'node:crypto';

type JsonWebKey = webcrypto.JsonWebKey;
import { DpopSession } from '@modelcontextprotocol/client';

/** The stored key: a P-256 private JWK (its public half included). */
export interface StoredDpopKey {
  alg: 'ES256';
  privateJwk: JsonWebKey;
}

const CURVE = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** A new key to store. */
export async function newDpopKey(): Promise<StoredDpopKey> {
  const pair = await webcrypto.subtle.generateKey(CURVE, true, ['sign', 'verify']);
  return { alg: 'ES256', privateJwk: await webcrypto.subtle.exportKey('jwk', pair.privateKey) };
}

/** A signing session (the SDK's) over a stored key. */
export async function dpopSession(key: StoredDpopKey): Promise<DpopSession> {
  const { kty, crv, x, y } = key.privateJwk;
  const publicJwk = { kty, crv, x, y };
  const [privateKey, publicKey] = await Promise.all([
    webcrypto.subtle.importKey('jwk', key.privateJwk, CURVE, false, ['sign']),
    webcrypto.subtle.importKey('jwk', publicJwk, CURVE, true, ['verify']),
  ]);
  // RFC 7638: the SHA-256 of the required members in lexicographic order.
  const canonical = JSON.stringify({ crv, kty, x, y });
  const digest = await webcrypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical));
  const thumbprint = Buffer.from(digest).toString('base64url');
  return DpopSession.create({ keyPair: { privateKey, publicKey, publicJwk, thumbprint, alg: key.alg } as never });
}
