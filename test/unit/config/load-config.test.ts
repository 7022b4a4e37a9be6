import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_CALL_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_KEEPALIVE_INTERVAL_MS,
  MIN_KEEPALIVE_INTERVAL_MS,
  loadConfig,
} from '../../../src/config/load-config.js';
import { McpSyncError } from '../../../src/shared/errors.js';
import type { HttpServerConfig, StdioServerConfig } from '../../../src/shared/protocol.js';

const NO_ENV = {};

/** Runs `fn`, expecting an INVALID_CONFIG McpSyncError, and returns it. */
function configError(fn: () => unknown): McpSyncError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(McpSyncError);
    expect((error as McpSyncError).code).toBe('INVALID_CONFIG');
    return error as McpSyncError;
  }
  throw new Error('expected an INVALID_CONFIG error, but nothing was thrown');
}

/** The INVALID_CONFIG error of loading `{ mcpServers: { [server]: entry } }`. */
function entryError(server: string, entry: unknown, env: NodeJS.ProcessEnv = NO_ENV): McpSyncError {
  return configError(() => loadConfig({ mcpServers: { [server]: entry } }, env));
}

/** The one server of `{ mcpServers: { s: entry } }`. */
function loadOne(entry: Record<string, unknown>, env: NodeJS.ProcessEnv = NO_ENV): StdioServerConfig | HttpServerConfig {
  const [server] = loadConfig({ mcpServers: { s: entry } }, env);
  if (server === undefined) throw new Error('no server loaded');
  return server;
}

function loadStdio(entry: Record<string, unknown>, env: NodeJS.ProcessEnv = NO_ENV): StdioServerConfig {
  const server = loadOne(entry, env);
  if (server.transport !== 'stdio') throw new Error(`expected a stdio server, got ${server.transport}`);
  return server;
}

function loadHttp(entry: Record<string, unknown>, env: NodeJS.ProcessEnv = NO_ENV): HttpServerConfig {
  const server = loadOne(entry, env);
  if (server.transport === 'stdio') throw new Error('expected an HTTP server, got stdio');
  return server;
}

const DEFAULTS = {
  enabled: true,
  timeoutMs: 120_000,
  connectTimeoutMs: 60_000,
  keepaliveIntervalMs: 180_000,
  maxResponseBytes: 64 * 1024 * 1024,
  protocol: 'auto',
  trusted: false,
  tools: { resources: true, prompts: true },
};

describe('defaults', () => {
  it('exports the documented defaults in milliseconds', () => {
    expect(DEFAULT_CALL_TIMEOUT_MS).toBe(120_000);
    expect(DEFAULT_CONNECT_TIMEOUT_MS).toBe(60_000);
    expect(DEFAULT_KEEPALIVE_INTERVAL_MS).toBe(180_000);
    expect(MIN_KEEPALIVE_INTERVAL_MS).toBe(5_000);
  });
});

describe('top level', () => {
  it('loads a stdio server under mcpServers with every default filled in', () => {
    expect(loadConfig({ mcpServers: { github: { command: 'npx', args: ['-y', 'server-github'] } } }, NO_ENV)).toEqual([
      { ...DEFAULTS, name: 'github', transport: 'stdio', command: 'npx', args: ['-y', 'server-github'], env: {} },
    ]);
  });

  it('loads servers under mcp_servers, the hermes convention', () => {
    const servers = loadConfig({ mcp_servers: { fs: { command: 'mcp-fs' }, web: { url: 'https://example.com/mcp' } } }, NO_ENV);
    expect(servers.map((server) => [server.name, server.transport])).toEqual([
      ['fs', 'stdio'],
      ['web', 'http'],
    ]);
  });

  it('returns servers in file order, disabled ones included', () => {
    const servers = loadConfig(
      { mcpServers: { zeta: { command: 'z' }, alpha: { command: 'a', enabled: false }, mid: { url: 'http://localhost:1/mcp' } } },
      NO_ENV,
    );
    expect(servers.map((server) => [server.name, server.enabled])).toEqual([
      ['zeta', true],
      ['alpha', false],
      ['mid', true],
    ]);
  });

  it('accepts an empty map as zero servers', () => {
    expect(loadConfig({ mcpServers: {} }, NO_ENV)).toEqual([]);
    expect(loadConfig({ mcp_servers: {} }, NO_ENV)).toEqual([]);
  });

  it('ignores other top-level keys', () => {
    expect(loadConfig({ theme: 'dark', model: { name: 'x' }, mcpServers: { a: { command: 'a' } } }, NO_ENV)).toHaveLength(1);
  });

  it('rejects a config with both mcpServers and mcp_servers', () => {
    const error = configError(() => loadConfig({ mcpServers: {}, mcp_servers: {} }, NO_ENV));
    expect(error.data).toMatchObject({ key: 'mcpServers' });
    expect(error.message).toContain('mcp_servers');
  });

  it('rejects a config with neither key and says which keys are expected', () => {
    const error = configError(() => loadConfig({ servers: {} }, NO_ENV));
    expect(error.message).toContain("'mcpServers'");
    expect(error.message).toContain("'mcp_servers'");
    expect(error.message).toContain("'servers'");
  });

  it.each([
    ['an array', []],
    ['null', null],
    ['a string', 'npx server'],
  ])('rejects mcpServers that is %s', (_kind, servers) => {
    expect(configError(() => loadConfig({ mcpServers: servers }, NO_ENV)).data).toMatchObject({ key: 'mcpServers' });
  });

  it('rejects a root that is not an object', () => {
    configError(() => loadConfig([] as unknown as Record<string, unknown>, NO_ENV));
  });

  it('rejects an empty server name', () => {
    expect(configError(() => loadConfig({ mcpServers: { '': { command: 'x' } } }, NO_ENV)).data).toMatchObject({ server: '' });
  });

  it.each([
    ['a string', 'npx server'],
    ['null', null],
    ['an array', ['npx']],
  ])('rejects a server entry that is %s, naming the server', (_kind, entry) => {
    expect(entryError('broken', entry).data).toMatchObject({ server: 'broken', key: 'mcpServers' });
  });
});

describe('transport', () => {
  it('makes a server with url an HTTP server with empty headers and no auth', () => {
    expect(loadOne({ url: 'https://api.example.com/mcp' })).toEqual({
      ...DEFAULTS,
      name: 's',
      transport: 'http',
      url: 'https://api.example.com/mcp',
      headers: {},
    });
  });

  it.each([
    ['transport', 'http', 'http'],
    ['transport', 'streamable-http', 'http'],
    ['transport', 'streamableHttp', 'http'],
    ['transport', 'sse', 'sse'],
    ['type', 'http', 'http'],
    ['type', 'sse', 'sse'],
    ['type', 'streamableHttp', 'http'],
  ])('maps %s: %s on a url server to transport %s', (key, value, transport) => {
    expect(loadHttp({ url: 'http://localhost:8080/sse', [key]: value }).transport).toBe(transport);
  });

  it('accepts transport or type stdio on a command server', () => {
    expect(loadStdio({ command: 'x', transport: 'stdio' }).transport).toBe('stdio');
    expect(loadStdio({ command: 'x', type: 'stdio' }).transport).toBe('stdio');
  });

  it('rejects a server with both command and url', () => {
    expect(entryError('both', { command: 'x', url: 'http://localhost/mcp' }).data).toMatchObject({ server: 'both', key: 'url' });
  });

  it('rejects a server with neither command nor url', () => {
    expect(entryError('none', { args: ['x'] }).data).toMatchObject({ server: 'none', key: 'command' });
  });

  it.each([
    [{ command: 'x', transport: 'sse' }, 'transport'],
    [{ command: 'x', type: 'http' }, 'type'],
    [{ url: 'http://localhost/mcp', transport: 'stdio' }, 'transport'],
  ])('rejects a transport that contradicts command or url: %o', (entry, key) => {
    expect(entryError('mixed', entry).data).toMatchObject({ server: 'mixed', key });
  });

  it('rejects an unknown transport value', () => {
    const error = entryError('odd', { url: 'http://localhost/mcp', transport: 'websocket' });
    expect(error.data).toMatchObject({ server: 'odd', key: 'transport' });
    expect(error.message).toContain('"websocket"');
  });

  it('rejects transport and type given together', () => {
    expect(entryError('twice', { url: 'http://localhost/mcp', transport: 'http', type: 'http' }).data).toMatchObject({
      server: 'twice',
      key: 'type',
    });
  });

  it.each(['localhost:3000/mcp', '/mcp', 'ftp://example.com/mcp', 'not a url', ''])('rejects the url %j', (url) => {
    expect(entryError('web', { url }).data).toMatchObject({ server: 'web', key: 'url' });
  });

  it.each([[''], [42], [null], [['npx']]])('rejects the command %j', (command) => {
    expect(entryError('bad', { command }).data).toMatchObject({ server: 'bad', key: 'command' });
  });
});

describe('stdio servers', () => {
  it('keeps command, args, env and cwd', () => {
    expect(loadStdio({ command: 'node', args: ['server.js'], env: { A: 'b' }, cwd: '/srv' })).toMatchObject({
      command: 'node',
      args: ['server.js'],
      env: { A: 'b' },
      cwd: '/srv',
    });
  });

  it('leaves cwd unset when not given', () => {
    expect(loadStdio({ command: 'node' })).not.toHaveProperty('cwd');
  });

  it('turns numbers in args into strings and keeps empty strings', () => {
    expect(loadStdio({ command: 'x', args: ['--port', 8080, '', 1.5] }).args).toEqual(['--port', '8080', '', '1.5']);
  });

  it.each([
    [true, 'args[1]'],
    [null, 'args[1]'],
    [{ a: 1 }, 'args[1]'],
  ])('rejects the argument %j, naming its index', (arg, key) => {
    expect(entryError('cli', { command: 'x', args: ['ok', arg] }).data).toMatchObject({ server: 'cli', key });
  });

  it('rejects args that are not an array', () => {
    expect(entryError('cli', { command: 'x', args: '--verbose' }).data).toMatchObject({ server: 'cli', key: 'args' });
  });

  it('turns numbers and booleans in env into strings', () => {
    expect(loadStdio({ command: 'x', env: { PORT: 8080, DEBUG: true, NAME: 'n' } }).env).toEqual({
      PORT: '8080',
      DEBUG: 'true',
      NAME: 'n',
    });
  });

  it('rejects an env value that is not a string, number or boolean, naming the variable', () => {
    expect(entryError('db', { command: 'x', env: { URL: { host: 'h' } } }).data).toMatchObject({ server: 'db', key: 'env.URL' });
    expect(entryError('db', { command: 'x', env: { URL: null } }).data).toMatchObject({ server: 'db', key: 'env.URL' });
  });

  it('keeps trusted (default false) and rejects a value that is not a boolean, naming the key', () => {
    expect(loadStdio({ command: 'x' }).trusted).toBe(false);
    expect(loadStdio({ command: 'x', trusted: true }).trusted).toBe(true);
    const error = entryError('db', { command: 'x', trusted: 'yes' });
    expect(error.data).toMatchObject({ server: 'db', key: 'trusted' });
    expect(error.message).toContain('a boolean');
  });

  it('rejects env that is not an object', () => {
    expect(entryError('db', { command: 'x', env: ['A=b'] }).data).toMatchObject({ server: 'db', key: 'env' });
  });

  it.each([[7], [''], [null]])('rejects the cwd %j', (cwd) => {
    expect(entryError('dir', { command: 'x', cwd }).data).toMatchObject({ server: 'dir', key: 'cwd' });
  });

  it.each(['headers', 'auth', 'oauth'])('rejects the HTTP key %s on a stdio server', (key) => {
    const value = key === 'auth' ? 'oauth' : {};
    expect(entryError('local', { command: 'x', [key]: value }).data).toMatchObject({ server: 'local', key });
  });
});

describe('HTTP servers', () => {
  it('keeps headers', () => {
    expect(loadHttp({ url: 'https://x.test/mcp', headers: { 'X-Team': 'core', 'X-Retries': 3 } }).headers).toEqual({
      'X-Team': 'core',
      'X-Retries': '3',
    });
  });

  it('rejects a header value that is not a string, naming the header', () => {
    expect(entryError('api', { url: 'https://x.test/mcp', headers: { Authorization: ['a'] } }).data).toMatchObject({
      server: 'api',
      key: 'headers.Authorization',
    });
  });

  it('rejects headers that are not an object', () => {
    expect(entryError('api', { url: 'https://x.test/mcp', headers: 'Authorization: x' }).data).toMatchObject({
      server: 'api',
      key: 'headers',
    });
  });

  it.each(['args', 'env', 'cwd'])('rejects the stdio key %s on an HTTP server', (key) => {
    const value = key === 'args' ? [] : key === 'env' ? {} : '/tmp';
    expect(entryError('remote', { url: 'https://x.test/mcp', [key]: value }).data).toMatchObject({ server: 'remote', key });
  });

  it('accepts auth: oauth with camelCase oauth settings', () => {
    const oauth = { clientId: 'id', clientSecret: 'secret', scope: 'read', redirectUri: 'http://localhost:9/cb', tokenDir: '/t' };
    const server = loadHttp({ url: 'https://x.test/mcp', auth: 'oauth', oauth });
    expect(server.auth).toBe('oauth');
    expect(server.oauth).toEqual(oauth);
  });

  it('accepts the snake_case oauth settings hermes writes', () => {
    const server = loadHttp({
      url: 'https://x.test/mcp',
      auth: 'oauth',
      oauth: { client_id: 'id', client_secret: 'secret', scope: 'read', redirect_uri: 'http://localhost:9/cb', token_dir: '/t' },
    });
    expect(server.oauth).toEqual({
      clientId: 'id',
      clientSecret: 'secret',
      scope: 'read',
      redirectUri: 'http://localhost:9/cb',
      tokenDir: '/t',
    });
  });

  it('accepts auth: oauth without an oauth block', () => {
    const server = loadHttp({ url: 'https://x.test/mcp', auth: 'oauth' });
    expect(server.auth).toBe('oauth');
    expect(server).not.toHaveProperty('oauth');
  });

  it('treats an oauth block without auth as auth: oauth', () => {
    expect(loadHttp({ url: 'https://x.test/mcp', oauth: { scope: 'read' } }).auth).toBe('oauth');
  });

  it.each(['bearer', true, 'OAuth'])('rejects auth %j', (auth) => {
    expect(entryError('api', { url: 'https://x.test/mcp', auth }).data).toMatchObject({ server: 'api', key: 'auth' });
  });

  it('rejects an unknown oauth key with a suggestion', () => {
    const error = entryError('api', { url: 'https://x.test/mcp', oauth: { clientID: 'id' } });
    expect(error.data).toMatchObject({ server: 'api', key: 'oauth.clientID', suggestion: 'clientId' });
  });

  it('rejects both spellings of one oauth setting', () => {
    expect(entryError('api', { url: 'https://x.test/mcp', oauth: { clientId: 'a', client_id: 'b' } }).data).toMatchObject({
      server: 'api',
      key: 'oauth.client_id',
    });
  });

  it('rejects an oauth setting that is not a string, and an oauth block that is not an object', () => {
    expect(entryError('api', { url: 'https://x.test/mcp', oauth: { scope: ['a'] } }).data).toMatchObject({ key: 'oauth.scope' });
    expect(entryError('api', { url: 'https://x.test/mcp', oauth: 'yes' }).data).toMatchObject({ key: 'oauth' });
  });
});

describe('oauth grants and client ids', () => {
  const URL_ = 'https://x.test/mcp';
  const KEY_OPTIONS = { ec: { namedCurve: 'P-256' }, 'ec-384': { namedCurve: 'P-384' }, rsa: { modulusLength: 2048 }, ed25519: {} };
  const pem = (kind: keyof typeof KEY_OPTIONS): string => {
    const type = kind === 'ec-384' ? 'ec' : kind;
    const { privateKey } = generateKeyPairSync(type as 'ec', KEY_OPTIONS[kind] as { namedCurve: string });
    return privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  };
  const ES256_KEY = pem('ec');
  const oauthOf = (oauth: Record<string, unknown>, env: NodeJS.ProcessEnv = NO_ENV) => loadHttp({ url: URL_, oauth }, env).oauth;
  const oauthError = (oauth: Record<string, unknown>) => entryError('m2m', { url: URL_, oauth });

  it('accepts client_credentials with a secret (client_secret_basic)', () => {
    const oauth = { grantType: 'client_credentials', clientId: 'svc', clientSecret: 'sh', scope: 'read' };
    expect(oauthOf(oauth)).toEqual(oauth);
    expect(oauthOf({ grant_type: 'client_credentials', client_id: 'svc', client_secret: 'sh' })?.grantType).toBe('client_credentials');
  });

  it('accepts client_credentials with a private key, inferring the signing algorithm from the key', () => {
    expect(oauthOf({ grantType: 'client_credentials', clientId: 'svc', privateKey: ES256_KEY })?.signingAlgorithm).toBe('ES256');
    expect(oauthOf({ grantType: 'client_credentials', clientId: 'svc', privateKey: pem('ec-384') })?.signingAlgorithm).toBe('ES384');
    const rsa = pem('rsa');
    expect(oauthOf({ grantType: 'client_credentials', clientId: 'svc', privateKey: rsa })?.signingAlgorithm).toBe('RS256');
    expect(
      oauthOf({ grantType: 'client_credentials', clientId: 'svc', privateKey: rsa, signingAlgorithm: 'PS384' })?.signingAlgorithm,
    ).toBe('PS384');
    // From the environment, as a secret should come.
    expect(oauthOf({ grantType: 'client_credentials', clientId: 'svc', privateKey: '${KEY}' }, { KEY: ES256_KEY })?.privateKey).toBe(
      ES256_KEY,
    );
  });

  it('rejects an unknown grant type, naming it', () => {
    const error = oauthError({ grantType: 'client-credentials', clientId: 'svc', clientSecret: 'sh' });
    expect(error.data).toMatchObject({ server: 'm2m', key: 'oauth.grantType' });
    expect(error.message).toContain('"client-credentials"');
  });

  it('rejects client_credentials without a client id, without a credential, or with two', () => {
    expect(oauthError({ grantType: 'client_credentials', clientSecret: 'sh' }).data).toMatchObject({ key: 'oauth.clientId' });
    expect(oauthError({ grantType: 'client_credentials', clientId: 'svc' }).data).toMatchObject({ key: 'oauth.clientSecret' });
    const both = oauthError({ grantType: 'client_credentials', clientId: 'svc', clientSecret: 'sh', privateKey: ES256_KEY });
    expect(both.data).toMatchObject({ key: 'oauth.privateKey' });
  });

  it('rejects the browser-login keys with client_credentials, and the key settings without it', () => {
    const base = { grantType: 'client_credentials', clientId: 'svc', clientSecret: 'sh' };
    expect(oauthError({ ...base, redirect_uri: 'http://127.0.0.1:9/cb' }).data).toMatchObject({ key: 'oauth.redirect_uri' });
    expect(oauthError({ ...base, clientMetadataUrl: 'https://app.test/c.json' }).data).toMatchObject({ key: 'oauth.clientMetadataUrl' });
    expect(oauthError({ ...base, signingAlgorithm: 'ES256' }).data).toMatchObject({ key: 'oauth.signingAlgorithm' });
    expect(oauthError({ clientId: 'svc', privateKey: ES256_KEY }).data).toMatchObject({ key: 'oauth.privateKey' });
  });

  it('rejects a private key that is not PKCS#8 PEM, or that does not fit the algorithm — never quoting the key', () => {
    const base = { grantType: 'client_credentials', clientId: 'svc' };
    const garbage = '-----BEGIN PRIVATE KEY-----\nnot-base64-SECRETSECRET\n-----END PRIVATE KEY-----';
    for (const privateKey of ['SECRETSECRET', garbage]) {
      const error = oauthError({ ...base, privateKey });
      expect(error.data).toMatchObject({ key: 'oauth.privateKey' });
      expect(error.message).not.toContain('SECRETSECRET');
    }
    expect(oauthError({ ...base, privateKey: pem('ed25519') }).data).toMatchObject({ key: 'oauth.privateKey' });
    const mismatch = oauthError({ ...base, privateKey: ES256_KEY, signingAlgorithm: 'RS256' });
    expect(mismatch.data).toMatchObject({ key: 'oauth.signingAlgorithm' });
    expect(mismatch.message).toContain('ES256');
    expect(oauthError({ ...base, privateKey: ES256_KEY, signingAlgorithm: 'HS256' }).data).toMatchObject({ key: 'oauth.signingAlgorithm' });
  });

  it('accepts jwt_bearer with a client id and one assertion source, and nothing of the other grants', () => {
    expect(oauthOf({ grantType: 'jwt_bearer', clientId: 'wl', assertion: 'eyJ.a.b' })?.assertion).toBe('eyJ.a.b');
    expect(oauthOf({ grant_type: 'jwt_bearer', client_id: 'wl', assertion_file: '/var/run/token' })?.assertionFile).toBe('/var/run/token');
    expect(oauthError({ grantType: 'jwt_bearer', assertion: 'eyJ.a.b' }).data).toMatchObject({ key: 'oauth.clientId' });
    expect(oauthError({ grantType: 'jwt_bearer', clientId: 'wl' }).data).toMatchObject({ key: 'oauth.assertion' });
    const both = oauthError({ grantType: 'jwt_bearer', clientId: 'wl', assertion: 'SECRETSECRET', assertionFile: '/t' });
    expect(both.data).toMatchObject({ key: 'oauth.assertionFile' });
    const misplaced = oauthError({ grantType: 'jwt_bearer', clientId: 'wl', assertion: 'a', redirectUri: 'http://127.0.0.1:9/cb' });
    expect(misplaced.message).toContain(`'oauth.redirectUri' applies only to grantType "authorization_code", not "jwt_bearer"`);
    expect(oauthError({ assertion: 'SECRETSECRET' }).message).not.toContain('SECRETSECRET');
  });

  it('accepts enterprise_managed with its client, the IdP (endpoint or issuer) and our client there', () => {
    const base = { grantType: 'enterprise_managed', clientId: 'c', clientSecret: 's', idpClientId: 'i' };
    expect(oauthOf({ ...base, idpTokenEndpoint: 'https://idp.test/token', idToken: 'x' })?.idpTokenEndpoint).toBe('https://idp.test/token');
    expect(oauthOf({ ...base, idp_issuer: 'https://idp.test' })?.idpIssuer).toBe('https://idp.test'); // ID token from the handlers module
    expect(oauthError({ ...base }).data).toMatchObject({ key: 'oauth.idpTokenEndpoint' });
    expect(oauthError({ ...base, idpIssuer: 'idp.test' }).data).toMatchObject({ key: 'oauth.idpIssuer' });
    expect(oauthError({ ...base, idpClientId: undefined, idpIssuer: 'https://idp.test' }).data).toMatchObject({ key: 'oauth.idpClientId' });
    const twice = oauthError({ ...base, idpIssuer: 'https://idp.test', idToken: 'x', idTokenFile: '/t' });
    expect(twice.data).toMatchObject({ key: 'oauth.idTokenFile' });
  });

  it('takes dpop as a boolean', () => {
    expect(oauthOf({ dpop: false })?.dpop).toBe(false);
    expect(oauthError({ dpop: 'no' }).message).toContain(`'oauth.dpop' must be true or false, got "no"`);
  });

  it('does not check the key of a disabled server (its variables may be unset)', () => {
    const entry = { url: URL_, enabled: false, oauth: { grantType: 'client_credentials', clientId: 'svc', privateKey: '${NOPE}' } };
    expect(loadHttp(entry).enabled).toBe(false);
  });

  it('accepts an https client metadata URL with a path, and nothing else', () => {
    expect(oauthOf({ clientMetadataUrl: 'https://app.test/oauth/client.json' })?.clientMetadataUrl).toBe(
      'https://app.test/oauth/client.json',
    );
    for (const url of ['http://app.test/client.json', 'https://app.test/', 'https://app.test', 'client.json']) {
      expect(oauthError({ client_metadata_url: url }).data).toMatchObject({ key: 'oauth.client_metadata_url' });
    }
    expect(oauthError({ clientId: 'id', clientMetadataUrl: 'https://app.test/c.json' }).data).toMatchObject({
      key: 'oauth.clientMetadataUrl',
    });
  });
});

describe('common keys', () => {
  it('reads enabled and its inverse disabled', () => {
    expect(loadOne({ command: 'x', enabled: false }).enabled).toBe(false);
    expect(loadOne({ command: 'x', disabled: true }).enabled).toBe(false);
    expect(loadOne({ command: 'x', disabled: false }).enabled).toBe(true);
    expect(loadOne({ command: 'x', enabled: true, disabled: false }).enabled).toBe(true);
  });

  it('rejects enabled and disabled that contradict each other', () => {
    expect(entryError('flip', { command: 'x', enabled: true, disabled: true }).data).toMatchObject({ server: 'flip', key: 'disabled' });
    expect(entryError('flip', { command: 'x', enabled: false, disabled: false }).data).toMatchObject({ server: 'flip', key: 'disabled' });
  });

  it.each([
    ['enabled', 'false'],
    ['disabled', 1],
  ])('rejects %s that is not a boolean', (key, value) => {
    expect(entryError('flag', { command: 'x', [key]: value }).data).toMatchObject({ server: 'flag', key });
  });

  it('converts timeout, connectTimeout and keepaliveInterval from seconds to milliseconds', () => {
    expect(loadOne({ command: 'x', timeout: 30, connectTimeout: 2.5, keepaliveInterval: 5 })).toMatchObject({
      timeoutMs: 30_000,
      connectTimeoutMs: 2_500,
      keepaliveIntervalMs: 5_000,
    });
  });

  it('accepts the snake_case spellings connect_timeout and keepalive_interval', () => {
    expect(loadOne({ command: 'x', connect_timeout: 10, keepalive_interval: 60 })).toMatchObject({
      connectTimeoutMs: 10_000,
      keepaliveIntervalMs: 60_000,
    });
  });

  it('names the server, the key and the value when a duration is not a number', () => {
    const error = entryError('github', { command: 'x', connectTimeout: 'abc' });
    expect(error.data).toEqual({ server: 'github', key: 'connectTimeout' });
    expect(error.message).toBe(`Invalid config for MCP server 'github': 'connectTimeout' must be a positive number of seconds, got "abc"`);
  });

  it.each([
    ['timeout', 0],
    ['timeout', -1],
    ['timeout', Number.POSITIVE_INFINITY],
    ['timeout', Number.NaN],
    ['timeout', '30'],
    ['timeout', 1e12],
    ['connect_timeout', null],
    ['keepalive_interval', false],
  ])('rejects %s: %s', (key, value) => {
    expect(entryError('slow', { command: 'x', [key]: value }).data).toMatchObject({ server: 'slow', key });
  });

  it('rejects a keepalive interval below the minimum, naming the minimum', () => {
    const error = entryError('chatty', { command: 'x', keepaliveInterval: 4.9 });
    expect(error.data).toMatchObject({ server: 'chatty', key: 'keepaliveInterval' });
    expect(error.message).toContain('at least 5 seconds');
  });

  it('takes maxResponseBytes in bytes, in either spelling', () => {
    expect(loadOne({ command: 'x', maxResponseBytes: 1_000 })).toMatchObject({ maxResponseBytes: 1_000 });
    expect(loadOne({ command: 'x', max_response_bytes: 2_048 })).toMatchObject({ maxResponseBytes: 2_048 });
  });

  it.each([0, -1, 1.5, '10mb', 600 * 1024 * 1024])('rejects maxResponseBytes %j, naming the key', (value) => {
    const error = entryError('big', { command: 'x', maxResponseBytes: value });
    expect(error.data).toMatchObject({ server: 'big', key: 'maxResponseBytes' });
    expect(error.message).toMatch(/whole number of bytes|at most 536870912 bytes/);
  });

  it('rejects both spellings of one key', () => {
    expect(entryError('two', { command: 'x', connectTimeout: 1, connect_timeout: 1 }).data).toMatchObject({
      server: 'two',
      key: 'connect_timeout',
    });
  });

  it('reads tools include and exclude as lists, turning one string into a list', () => {
    expect(loadOne({ command: 'x', tools: { include: 'search_*', exclude: ['delete', 'drop'] } }).tools).toEqual({
      include: ['search_*'],
      exclude: ['delete', 'drop'],
      resources: true,
      prompts: true,
    });
  });

  it('reads the resources and prompts switches', () => {
    expect(loadOne({ command: 'x', tools: { resources: false, prompts: false } }).tools).toEqual({ resources: false, prompts: false });
  });

  it.each([
    [{ include: 3 }, 'tools.include'],
    [{ exclude: ['a', 1] }, 'tools.exclude'],
    [{ resources: 'no' }, 'tools.resources'],
    [{ prompts: null }, 'tools.prompts'],
    [{ only: ['a'] }, 'tools.only'],
  ])('rejects tools %o', (tools, key) => {
    expect(entryError('filtered', { command: 'x', tools }).data).toMatchObject({ server: 'filtered', key });
  });

  it('rejects tools that is not an object', () => {
    expect(entryError('filtered', { command: 'x', tools: ['a'] }).data).toMatchObject({ server: 'filtered', key: 'tools' });
  });

  it('accepts and ignores the keys other clients write', () => {
    const server = loadOne({ command: 'x', autoApprove: ['a'], alwaysAllow: ['b'], description: 'd', sampling: { enabled: true } });
    expect(server).not.toHaveProperty('autoApprove');
    expect(server).not.toHaveProperty('sampling');
  });

  it.each([
    ['connectTimout', 'connectTimeout'],
    ['connecttimeout', 'connectTimeout'],
    ['Command', 'command'],
    ['keep_alive_interval', 'keepaliveInterval'],
    ['header', 'headers'],
    ['enable', 'enabled'],
  ])('rejects the unknown key %s, suggesting %s', (key, suggestion) => {
    const error = entryError('typo', { command: 'x', [key]: 1 });
    expect(error.data).toEqual({ server: 'typo', key, suggestion });
    expect(error.message).toContain(`did you mean '${suggestion}'?`);
  });

  it('rejects an unknown key far from every known key without a suggestion', () => {
    const error = entryError('typo', { command: 'x', flavour: 'vanilla' });
    expect(error.data).toEqual({ server: 'typo', key: 'flavour' });
    expect(error.message).not.toContain('did you mean');
  });
});

describe('interpolation', () => {
  const env = { TOKEN: 'tok', HOST: 'api.test', DIR: '/srv', EMPTY: '' };

  it('replaces ${VAR} in command, args, env, cwd, url, headers and oauth settings', () => {
    const stdio = loadStdio({ command: '${DIR}/bin/server', args: ['--token=${TOKEN}'], env: { T: '${TOKEN}' }, cwd: '${DIR}' }, env);
    expect(stdio).toMatchObject({ command: '/srv/bin/server', args: ['--token=tok'], env: { T: 'tok' }, cwd: '/srv' });
    const http = loadHttp(
      {
        url: 'https://${HOST}/mcp',
        headers: { Authorization: 'Bearer ${TOKEN}' },
        oauth: { client_secret: '${TOKEN}', tokenDir: '${DIR}/t' },
      },
      env,
    );
    expect(http).toMatchObject({
      url: 'https://api.test/mcp',
      headers: { Authorization: 'Bearer tok' },
      oauth: { clientSecret: 'tok', tokenDir: '/srv/t' },
    });
  });

  it('uses the default of ${VAR:-default} when the variable is unset or empty', () => {
    expect(
      loadStdio({ command: 'x', args: ['${MISSING:-fallback}', '${EMPTY:-fallback}', '${TOKEN:-fallback}', '${MISSING:-}'] }, env).args,
    ).toEqual(['fallback', 'fallback', 'tok', '']);
  });

  it('keeps a variable that is set but empty when there is no default', () => {
    expect(loadStdio({ command: 'x', args: ['a${EMPTY}b'] }, env).args).toEqual(['ab']);
  });

  it('does not treat $${VAR} as an escape', () => {
    expect(loadStdio({ command: 'x', args: ['$${TOKEN}'] }, env).args).toEqual(['$tok']);
  });

  it('leaves malformed references as written', () => {
    expect(loadStdio({ command: 'x', args: ['${1ABC}', '$TOKEN', '${TOKEN'] }, env).args).toEqual(['${1ABC}', '$TOKEN', '${TOKEN']);
  });

  it('rejects an unset variable without a default, naming server, key and variable', () => {
    const error = entryError('github', { command: 'x', env: { GITHUB_TOKEN: '${GH_TOKEN}' } }, env);
    expect(error.data).toEqual({ server: 'github', key: 'env.GITHUB_TOKEN', variable: 'GH_TOKEN' });
    expect(error.message).toContain("'GH_TOKEN'");
    expect(error.message).toContain("'env.GITHUB_TOKEN'");
  });

  it.each([
    [{ command: '${NOPE}' }, 'command'],
    [{ command: 'x', args: ['a', '${NOPE}'] }, 'args[1]'],
    [{ command: 'x', cwd: '${NOPE}' }, 'cwd'],
    [{ url: 'https://${NOPE}/mcp' }, 'url'],
    [{ url: 'https://x.test/mcp', headers: { 'X-Key': '${NOPE}' } }, 'headers.X-Key'],
    [{ url: 'https://x.test/mcp', oauth: { client_id: '${NOPE}' } }, 'oauth.client_id'],
  ])('rejects an unset variable in %o, naming the key', (entry, key) => {
    expect(entryError('s', entry, env).data).toEqual({ server: 's', key, variable: 'NOPE' });
  });

  it('loads a disabled server whose variables are unset, leaving them as written', () => {
    const [stdio, http] = loadConfig(
      {
        mcpServers: {
          off: { command: 'x', env: { T: '${NOPE}' }, enabled: false },
          remote: { url: '${REMOTE_URL}', headers: { A: '${NOPE}' }, disabled: true },
        },
      },
      env,
    );
    expect(stdio).toMatchObject({ enabled: false, env: { T: '${NOPE}' } });
    expect(http).toMatchObject({ enabled: false, url: '${REMOTE_URL}' });
  });

  it('still rejects an invalid url on a disabled server when no variable explains it', () => {
    expect(entryError('off', { url: 'localhost/mcp', enabled: false }).data).toMatchObject({ server: 'off', key: 'url' });
  });

  it('reads variables from process.env by default', () => {
    process.env['MCP_SYNC_CONFIG_TEST_VAR'] = 'from-process';
    try {
      const [server] = loadConfig({ mcpServers: { s: { command: '${MCP_SYNC_CONFIG_TEST_VAR}' } } });
      expect(server).toMatchObject({ command: 'from-process' });
    } finally {
      delete process.env['MCP_SYNC_CONFIG_TEST_VAR'];
    }
  });

  it('does not interpolate the names of servers or of env variables', () => {
    const [server] = loadConfig({ mcpServers: { '${TOKEN}': { command: 'x', env: { '${TOKEN}': 'v' } } } }, env);
    expect(server).toMatchObject({ name: '${TOKEN}', env: { '${TOKEN}': 'v' } });
  });
});

describe('secrets in error messages', () => {
  const SECRET = 'sk-live-0123456789';

  it('never echoes env values', () => {
    const error = entryError('s', { command: 'x', env: { OK: SECRET, BAD: { value: SECRET } } });
    expect(error.data).toMatchObject({ key: 'env.BAD' });
    expect(error.message).not.toContain(SECRET);
  });

  it('never echoes header values', () => {
    const error = entryError('s', { url: 'https://x.test/mcp', headers: { Authorization: [`Bearer ${SECRET}`] } });
    expect(error.message).not.toContain(SECRET);
    expect(JSON.stringify(error.data)).not.toContain(SECRET);
  });

  it('never echoes a header or env value around a missing variable', () => {
    expect(entryError('s', { url: 'https://x.test/mcp', headers: { Authorization: `Bearer ${SECRET} \${NOPE}` } }).message).not.toContain(
      SECRET,
    );
    expect(entryError('s', { command: 'x', env: { KEY: `${SECRET}\${NOPE}` } }).message).not.toContain(SECRET);
  });

  it('never echoes interpolated values in a url error', () => {
    const error = entryError('s', { url: '${BASE}/mcp' }, { BASE: SECRET });
    expect(error.data).toMatchObject({ key: 'url' });
    expect(error.message).not.toContain(SECRET);
  });

  it('never echoes oauth values', () => {
    expect(entryError('s', { url: 'https://x.test/mcp', oauth: { clientSecret: { value: SECRET } } }).message).not.toContain(SECRET);
  });
});

describe('files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-sync-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function write(name: string, text: string): string {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  }

  it('loads a JSON file', () => {
    const file = write('claude.json', JSON.stringify({ mcpServers: { fs: { command: 'npx', args: ['-y', 'fs'], timeout: 10 } } }));
    expect(loadConfig(file, NO_ENV)).toEqual([
      { ...DEFAULTS, timeoutMs: 10_000, name: 'fs', transport: 'stdio', command: 'npx', args: ['-y', 'fs'], env: {} },
    ]);
  });

  it('loads a JSON file that starts with a byte order mark', () => {
    const file = write('bom.json', `\uFEFF${JSON.stringify({ mcpServers: { fs: { command: 'x' } } })}`);
    expect(loadConfig(file, NO_ENV)).toHaveLength(1);
  });

  it.each(['hermes.yaml', 'hermes.yml'])('loads a hermes-style YAML file (%s)', (name) => {
    const file = write(
      name,
      [
        'model: gpt',
        'mcp_servers:',
        '  github:',
        '    command: npx',
        '    args: ["-y", "@modelcontextprotocol/server-github"]',
        '    env:',
        '      GITHUB_PERSONAL_ACCESS_TOKEN: ${GH_TOKEN}',
        '    connect_timeout: 30',
        '  remote:',
        '    url: https://mcp.example.com/mcp',
        '    headers:',
        '      Authorization: Bearer ${API_KEY:-none}',
        '    timeout: 45',
        '    keepalive_interval: 60',
        '    tools:',
        '      include: [search, fetch]',
        '      prompts: false',
        '    sampling:',
        '      enabled: true',
        '',
      ].join('\n'),
    );
    const [github, remote] = loadConfig(file, { GH_TOKEN: 'gh' });
    expect(github).toMatchObject({
      name: 'github',
      transport: 'stdio',
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'gh' },
      connectTimeoutMs: 30_000,
    });
    expect(remote).toMatchObject({
      name: 'remote',
      transport: 'http',
      headers: { Authorization: 'Bearer none' },
      timeoutMs: 45_000,
      keepaliveIntervalMs: 60_000,
      tools: { include: ['search', 'fetch'], resources: true, prompts: false },
    });
  });

  it('tries JSON, then YAML, for other extensions', () => {
    expect(loadConfig(write('config.conf', '{"mcpServers": {"a": {"command": "x"}}}'), NO_ENV)).toHaveLength(1);
    expect(loadConfig(write('config.txt', 'mcpServers:\n  a:\n    url: http://localhost/mcp\n'), NO_ENV)).toHaveLength(1);
  });

  it('rejects a missing file, naming it', () => {
    const file = join(dir, 'missing.json');
    const error = configError(() => loadConfig(file, NO_ENV));
    expect(error.data).toEqual({ file });
    expect(error.message).toContain(file);
  });

  it('rejects invalid JSON, naming the file and the line', () => {
    const file = write('broken.json', '{\n  "mcpServers": {\n    "a": { "command": "x", },\n  }\n}\n');
    const error = configError(() => loadConfig(file, NO_ENV));
    expect(error.data).toMatchObject({ file, line: 3 });
    expect(error.message).toContain(file);
  });

  it('rejects invalid JSON the parser gives no position for, naming the file', () => {
    const file = write('token.json', '{"mcpServers": }');
    expect(configError(() => loadConfig(file, NO_ENV)).data).toMatchObject({ file });
  });

  it('rejects invalid YAML, naming the file, line and column', () => {
    const file = write('broken.yaml', 'mcp_servers:\n  a:\n    command: x\n   args: [1\n');
    const error = configError(() => loadConfig(file, NO_ENV));
    expect(error.data).toMatchObject({ file, line: expect.any(Number), column: expect.any(Number) });
    expect(error.message).toContain(file);
  });

  it('rejects a YAML file that names one server twice', () => {
    const file = write('dup.yml', 'mcp_servers:\n  a:\n    command: x\n  a:\n    command: y\n');
    expect(configError(() => loadConfig(file, NO_ENV)).data).toMatchObject({ file, line: 4 });
  });

  it('does not quote the file source in parse errors', () => {
    const SECRET = 'ghp_secretsecretsecret';
    const json = write('leak.json', `{"mcpServers": {"a": {"command": "x", "env": {"T": "${SECRET}" x}}}}`);
    const yaml = write('leak.yaml', `mcp_servers:\n  a:\n    env:\n      T: "${SECRET}\n`);
    const odd = write('leak.cfg', `mcp_servers:\n  a:\n    env: {T: ${SECRET}\n`);
    for (const file of [json, yaml, odd]) {
      const error = configError(() => loadConfig(file, NO_ENV));
      expect(error.message).not.toContain(SECRET);
      expect(error.cause).toBeUndefined();
    }
  });

  it('rejects a file whose top level is not an object, naming the file', () => {
    const file = write('list.yaml', '- a\n- b\n');
    expect(configError(() => loadConfig(file, NO_ENV)).data).toMatchObject({ file, key: 'mcpServers' });
  });

  it('rejects an empty file', () => {
    configError(() => loadConfig(write('empty.yaml', ''), NO_ENV));
  });
});
