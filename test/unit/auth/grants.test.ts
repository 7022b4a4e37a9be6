import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { ErrorCode, McpSyncError } from '../../../src/shared/errors.js';
import type { HttpServerConfig } from '../../../src/shared/protocol.js';
import { dpopSession, newDpopKey } from '../../../workers/auth/dpop.js';
import { JWT_BEARER, machineTokenRequest } from '../../../workers/auth/grants.js';
import { createOAuthProvider } from '../../../workers/auth/oauth-provider.js';
import { TokenStore } from '../../../workers/auth/token-store.js';

/** Grants without a login (jwt_bearer, enterprise_managed) and DPoP keys: the pure parts. */
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-sync-grants-'));
  dirs.push(dir);
  return dir;
}

function config(oauth: Record<string, unknown>, tokenDir = tempDir()): HttpServerConfig {
  return loadConfig({ mcpServers: { web: { url: 'https://mcp.test/mcp', oauth: { tokenDir, ...oauth } } } })[0] as HttpServerConfig;
}

const context = { authorizationServer: 'https://as.test', resource: 'https://mcp.test/mcp', fetchFn: fetch };

describe('jwt_bearer (workload identity)', () => {
  it('posts the configured JWT as the assertion of a jwt-bearer grant', async () => {
    const body = await machineTokenRequest(config({ grantType: 'jwt_bearer', clientId: 'wl', assertion: 'eyJ.a.b' }), 'mcp', context);
    expect(Object.fromEntries(body)).toEqual({ grant_type: JWT_BEARER, assertion: 'eyJ.a.b', scope: 'mcp' });
  });

  it('reads assertionFile at every token request (platforms rotate the token)', async () => {
    const file = join(tempDir(), 'token');
    writeFileSync(file, 'first\n');
    const server = config({ grantType: 'jwt_bearer', clientId: 'wl', assertionFile: file });
    expect((await machineTokenRequest(server, undefined, context)).get('assertion')).toBe('first');
    writeFileSync(file, 'second');
    expect((await machineTokenRequest(server, undefined, context)).get('assertion')).toBe('second');
  });

  it('fails INVALID_CONFIG naming the key and the path when the file cannot be read — never its content', async () => {
    const file = join(tempDir(), 'missing');
    const error = await machineTokenRequest(
      config({ grantType: 'jwt_bearer', clientId: 'wl', assertionFile: file }),
      undefined,
      context,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(McpSyncError);
    expect((error as McpSyncError).code).toBe(ErrorCode.INVALID_CONFIG);
    expect((error as McpSyncError).message).toContain(`oauth.assertionFile ${file} (ENOENT)`);
  });

  it('has no redirect, and registers no client: the configured id, authenticated by nothing but the assertion', () => {
    const server = config({ grantType: 'jwt_bearer', clientId: 'wl', assertion: 'eyJ.a.b' });
    const provider = createOAuthProvider(server);
    expect(provider.redirectUrl).toBeUndefined();
    expect(provider.clientInformation()).toEqual({ client_id: 'wl' });
    expect(provider.clientMetadata).toMatchObject({ grant_types: [JWT_BEARER], token_endpoint_auth_method: 'none' });
  });
});

describe('enterprise_managed (SEP-990)', () => {
  it('says where the ID token may come from when none is configured', async () => {
    const server = config({
      grantType: 'enterprise_managed',
      clientId: 'c',
      clientSecret: 's',
      idpClientId: 'i',
      idpIssuer: 'https://idp.test',
    });
    const error = await machineTokenRequest(server, undefined, context).catch((caught: unknown) => caught);
    expect((error as McpSyncError).code).toBe(ErrorCode.INVALID_CONFIG);
    expect((error as McpSyncError).message).toContain(
      'set oauth.idToken or oauth.idTokenFile, or export idToken() from the StartOptions.handlers module',
    );
  });

  it('needs the protected-resource metadata that names the authorization server and the resource', async () => {
    const server = config({
      grantType: 'enterprise_managed',
      clientId: 'c',
      idpClientId: 'i',
      idpTokenEndpoint: 'https://idp.test/token',
      idToken: 'x',
    });
    const error = await machineTokenRequest(server, undefined, { ...context, resource: undefined }).catch((caught: unknown) => caught);
    expect((error as McpSyncError).message).toContain('publishes no protected-resource metadata (RFC 9728)');
  });
});

describe('DPoP keys', () => {
  it('sign proofs whose key is the stored one: the same thumbprint from every session over it', async () => {
    const key = await newDpopKey();
    const [a, b] = await Promise.all([dpopSession(key), dpopSession(structuredClone(key))]);
    expect(a.thumbprint).toBe(b.thumbprint);
    expect(a.thumbprint).not.toBe((await dpopSession(await newDpopKey())).thumbprint);
    const proof = await a.buildProof({ htm: 'POST', htu: 'https://as.test/token' });
    const header = JSON.parse(Buffer.from(proof.split('.')[0] ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } });
    expect((header.jwk as Record<string, unknown>)['d']).toBeUndefined(); // never the private part
  });

  it('are used only when the authorization server advertises ES256 DPoP, never with dpop: false, and shared through the token file', async () => {
    const tokenDir = tempDir();
    const store = new TokenStore('web', tokenDir);
    const discovery = (algorithms: string[]) => ({
      authorizationServerUrl: 'https://as.test',
      authorizationServerMetadata: { issuer: 'https://as.test', dpop_signing_alg_values_supported: algorithms },
    });
    store.write({ discoveryState: discovery(['RS256']) as never });
    expect(createOAuthProvider(config({}, tokenDir), store).dpop()).toBeUndefined();
    store.write({ discoveryState: discovery(['ES256']) as never });
    expect(createOAuthProvider(config({ dpop: false }, tokenDir), store).dpop()).toBeUndefined();
    // The login and the worker are two providers (two processes, even): one key between them.
    const login = await createOAuthProvider(config({}, tokenDir), store, { interactive: true }).dpop();
    const worker = await createOAuthProvider(config({}, tokenDir), new TokenStore('web', tokenDir)).dpop();
    expect(login?.thumbprint).toBeDefined();
    expect(worker?.thumbprint).toBe(login?.thumbprint);
  });
});
