import { generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import type { HttpServerConfig } from '../../../src/shared/protocol.js';
import { InsufficientScopeError, probeChallenge } from '../../../workers/auth/oauth-challenge.js';
import { createOAuthProvider } from '../../../workers/auth/oauth-provider.js';
import { TokenStore } from '../../../workers/auth/token-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup(entry: Record<string, unknown> = {}): { config: HttpServerConfig; store: TokenStore } {
  const tokenDir = mkdtempSync(join(tmpdir(), 'mcp-sync-provider-'));
  dirs.push(tokenDir);
  const { oauth, ...rest } = entry;
  const raw = { url: 'https://mcp.test/mcp', ...rest, oauth: { tokenDir, ...(oauth as object) } };
  const config = loadConfig({ mcpServers: { web: raw } })[0] as HttpServerConfig;
  return { config, store: new TokenStore('web', tokenDir) };
}

const TOKENS = { access_token: 'at1', refresh_token: 'rt1', token_type: 'Bearer' };
const STEP_UP = 'Bearer error="insufficient_scope", scope="files:read files:write", resource_metadata="https://mcp.test/prm"';
const refusing = (async () => new Response('{}', { status: 403, headers: { 'www-authenticate': STEP_UP } })) as typeof fetch;
const post: RequestInit = { method: 'POST', headers: { authorization: 'Bearer at1' }, body: '{}' };

describe('the OAuth provider in the worker: step-up', () => {
  it('turns the auth() after a 403 insufficient_scope into a needed login carrying the scope, and keeps the scope for it', async () => {
    const { config, store } = setup();
    store.write({ tokens: TOKENS });
    const provider = createOAuthProvider(config, store);
    expect((await provider.wrapFetch(refusing)('https://mcp.test/mcp', post)).status).toBe(403);

    // What the SDK's Streamable HTTP transport does next: auth(), which asks discoveryState()
    // first — refreshing would bring back the same scope.
    const thrown = (() => {
      try {
        provider.discoveryState();
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(InsufficientScopeError);
    expect((thrown as InsufficientScopeError).scope).toBe('files:read files:write');
    expect(store.read().requiredScope).toBe('files:read files:write');
    // Only that one auth(): a later 401 may refresh as usual.
    expect(() => provider.discoveryState()).not.toThrow();
    // A refresh in the worker does not settle the demand; a login does.
    provider.saveTokens({ ...TOKENS, access_token: 'at2' });
    expect(store.read().requiredScope).toBe('files:read files:write');
    createOAuthProvider(config, store, { interactive: true }).saveTokens({ ...TOKENS, access_token: 'at3' });
    expect(store.read().requiredScope).toBeUndefined();
  });

  it('leaves a 403 alone that no auth() follows: a GET, or the legacy SSE transport', async () => {
    for (const [entry, init] of [
      [{}, { ...post, method: 'GET' }],
      [{ transport: 'sse' }, post],
    ] as const) {
      const { config, store } = setup(entry);
      store.write({ tokens: TOKENS });
      const provider = createOAuthProvider(config, store);
      await provider.wrapFetch(refusing)('https://mcp.test/mcp', init);
      expect(() => provider.discoveryState()).not.toThrow();
      expect(store.read().requiredScope).toBeUndefined();
    }
  });

  it('hides the refresh token from a login that must ask for more scope', () => {
    const { config, store } = setup();
    store.write({ tokens: TOKENS });
    expect(createOAuthProvider(config, store, { interactive: true, skipRefresh: true }).tokens()).toEqual({
      access_token: 'at1',
      token_type: 'Bearer',
    });
    expect(createOAuthProvider(config, store, { interactive: true }).tokens()).toEqual(TOKENS);
  });

  it('offers the configured client metadata URL, and builds no token request of its own for a login', async () => {
    const { config, store } = setup({ oauth: { clientMetadataUrl: 'https://app.test/oauth/client.json' } });
    const provider = createOAuthProvider(config, store, { interactive: true });
    expect(provider.clientMetadataUrl).toBe('https://app.test/oauth/client.json');
    expect(provider.redirectUrl).toBe('http://127.0.0.1:47615/callback');
    expect(await provider.prepareTokenRequest('x')).toBeUndefined();
    expect(provider.addClientAuthentication).toBeUndefined();
  });
});

describe('the OAuth provider of a client credentials client', () => {
  it('has no redirect (the SDK posts the grant itself), and may get tokens in the worker with none stored', async () => {
    const { config, store } = setup({ oauth: { grantType: 'client_credentials', clientId: 'svc', clientSecret: 'sh', scope: 'read' } });
    const provider = createOAuthProvider(config, store);
    expect(provider.redirectUrl).toBeUndefined();
    expect(provider.clientMetadata).toMatchObject({
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(provider.clientInformation()).toEqual({ client_id: 'svc', client_secret: 'sh' });
    expect(() => provider.discoveryState()).not.toThrow();
    expect(provider.addClientAuthentication).toBeUndefined(); // the SDK's client_secret_basic
    expect((await provider.prepareTokenRequest('read'))?.toString()).toBe('grant_type=client_credentials&scope=read');
    // A step-up is granted by asking for its scope, and settled once the grant's tokens are stored.
    store.update((stored) => ({ ...stored, requiredScope: 'read write' }));
    provider.reload();
    expect((await provider.prepareTokenRequest('read'))?.get('scope')).toBe('read write');
    provider.saveTokens({ access_token: 'cc1', token_type: 'Bearer' });
    expect(store.read().requiredScope).toBeUndefined();
  });

  it('signs a private_key_jwt assertion: iss = sub = the client id, aud = the issuer, with the key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const { config, store } = setup({ oauth: { grantType: 'client_credentials', clientId: 'svc', privateKey: pem } });
    const provider = createOAuthProvider(config, store);
    expect(provider.clientMetadata.token_endpoint_auth_method).toBe('private_key_jwt');
    const params = new URLSearchParams({ grant_type: 'client_credentials' });
    await provider.addClientAuthentication?.(new Headers(), params, 'https://as.test/token', {
      issuer: 'https://as.test',
    } as never);

    expect(params.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const [header = '', payload = '', signature = ''] = (params.get('client_assertion') ?? '').split('.');
    const decode = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    expect(decode(header)).toMatchObject({ alg: 'ES256' });
    expect(decode(payload)).toMatchObject({ iss: 'svc', sub: 'svc', aud: 'https://as.test' });
    const signed = Buffer.from(`${header}.${payload}`);
    expect(verify('sha256', signed, { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))).toBe(true);
  });
});

describe("the login's probe of the server's challenge", () => {
  it('reads the resource metadata URL and scope of a 401, from an unauthenticated ping', async () => {
    const { config } = setup({ headers: { 'x-tenant': 't1' } });
    const sent: RequestInit[] = [];
    const challenge = await probeChallenge(config, (async (_url: unknown, init?: RequestInit) => {
      sent.push(init ?? {});
      return new Response(null, {
        status: 401,
        headers: { 'www-authenticate': 'Bearer resource_metadata="https://mcp.test/custom/prm.json", scope="mcp:basic"' },
      });
    }) as typeof fetch);
    expect(challenge).toEqual({ resourceMetadataUrl: new URL('https://mcp.test/custom/prm.json'), scope: 'mcp:basic' });
    const headers = new Headers(sent[0]?.headers);
    expect(headers.has('authorization')).toBe(false);
    expect(headers.get('x-tenant')).toBe('t1');
    expect(JSON.parse(String(sent[0]?.body))).toMatchObject({ method: 'ping' });
  });

  it('yields nothing for a server that answers, or cannot be reached', async () => {
    const { config } = setup();
    expect(await probeChallenge(config, (async () => new Response('{}', { status: 200 })) as typeof fetch)).toEqual({});
    const unreachable = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    expect(await probeChallenge(config, unreachable)).toEqual({});
  });
});
