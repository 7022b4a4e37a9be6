import { once } from 'node:events';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { auth, refreshAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import { InvalidGrantError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, McpHub, type HttpServerConfig, type RecoveryOptions } from '../../dist/src/index.js';
import { createOAuthProvider } from '../../dist/workers/auth/auth.js';
import { TokenStore } from '../../dist/workers/auth/token-store.js';
import { startOAuthFixture, type OAuthAdminStats, type OAuthFixtureServer } from '../helpers/servers.js';
import { catchError, firstText } from '../helpers/calls.js';
import { loginToFixture, oauthConfig, oauthEntry, statsSince, tokenDirs } from '../helpers/oauth.js';

/**
 * `auth: "oauth"` against a real authorization server (refresh tokens rotate: each works once)
 * and an MCP server behind bearer tokens, through the public API. Logins are real: the
 * authorization code grant, driven by the helpers the `mcp-sync login` CLI will use.
 * Assertions count what the SERVERS saw: grants, 401s, initialize requests.
 */
const CALLER = fileURLToPath(new URL('../../dist/test/fixtures/attached-caller.js', import.meta.url));
let server: OAuthFixtureServer;
const hubs: McpHub[] = [];
const dirs = tokenDirs('mcp-sync-oauth-');

beforeAll(async () => {
  server = await startOAuthFixture({ name: 'oauth-web' });
});

afterAll(async () => {
  await server?.stop();
  dirs.cleanup();
});

afterEach(() => {
  for (const hub of hubs.splice(0)) hub.close();
});

const tokenDir = (): string => dirs.next();
const entry = (dir: string): Record<string, unknown> => oauthEntry(server, dir);
const configFor = (dir: string): HttpServerConfig => oauthConfig(server, dir);
const login = (dir: string): Promise<string | null> => loginToFixture(server, dir);
const since = (before: OAuthAdminStats): Promise<Record<keyof OAuthAdminStats, number>> => statsSince(server, before);

function start(dir: string, options: { recovery?: Partial<RecoveryOptions>; eventLog?: string } = {}): McpHub {
  const hub = McpHub.start({ mcpServers: { web: entry(dir) } }, { recovery: options.recovery ?? {}, eventLog: options.eventLog ?? false });
  hubs.push(hub);
  return hub;
}

const storedTokens = (dir: string) => new TokenStore('web', dir).read().tokens;

describe('401 with OAuth', () => {
  it('refreshes an expired access token with exactly one refresh grant, and the call succeeds', async () => {
    const dir = tokenDir();
    await login(dir);
    const hub = start(dir);
    expect(firstText(hub.callTool('web', 'echo', { text: 'before' }))).toBe('before');
    const oldTokens = storedTokens(dir);
    await server.expireAccessTokens();
    const before = await server.stats();

    expect(firstText(hub.callTool('web', 'echo', { text: 'after' }))).toBe('after');

    const seen = await since(before);
    expect(seen.refreshGrants).toBe(1);
    expect(seen.unauthorized).toBe(1);
    expect(seen.calls).toBe(1); // the refused request never ran; its re-send ran once
    expect(seen.initializes).toBe(0); // refreshed in place: the session was kept
    // The rotated tokens were saved, so the next process starts with working ones.
    expect(storedTokens(dir)?.refresh_token).not.toBe(oldTokens?.refresh_token);
    expect(storedTokens(dir)?.access_token).not.toBe(oldTokens?.access_token);
  });

  it.each([0, 300])('makes ONE refresh for 4 threads hitting the expired token at once (refresh takes %i ms)', async (delayMs) => {
    const dir = tokenDir();
    await login(dir);
    const hub = start(dir);
    hub.callTool('web', 'echo', { text: 'warm' });
    const gate = new SharedArrayBuffer(4);
    const job = { handle: hub.handle(), gate, server: 'web', tool: 'echo', args: { text: 'together' }, calls: 1 };
    const threads = Array.from({ length: 4 }, () => new Worker(CALLER, { workerData: job }));
    const done = threads.map(
      (thread) =>
        new Promise<{ results: string[]; errors: string[] }>((resolve, reject) => {
          thread.on(
            'message',
            (message: { type: string; results: string[]; errors: string[] }) => message.type === 'done' && resolve(message),
          );
          thread.on('error', reject);
        }),
    );
    await Promise.all(threads.map((thread) => once(thread, 'message'))); // all attached
    await server.setRefreshDelay(delayMs);
    await server.expireAccessTokens();
    const before = await server.stats();
    Atomics.store(new Int32Array(gate), 0, 1);
    Atomics.notify(new Int32Array(gate), 0);
    const outcomes = await Promise.all(done);
    await server.setRefreshDelay(0);

    for (const outcome of outcomes) expect(outcome).toMatchObject({ type: 'done', results: ['together'], errors: [] });
    const seen = await since(before);
    expect(seen.refreshGrants).toBe(1);
    expect(seen.refreshFailures).toBe(0);
    expect(seen.calls).toBe(4);
  });

  it('fails with NEEDS_REAUTH and the login hint when the refresh token was revoked, promptly and without a loop', async () => {
    const dir = tokenDir();
    await login(dir);
    const hub = start(dir);
    hub.callTool('web', 'echo', { text: 'warm' });
    await server.revokeRefreshTokens();
    await server.expireAccessTokens();
    const before = await server.stats();
    const started = performance.now();

    const error = catchError(() => hub.callTool('web', 'echo', { text: 'x' }));

    expect(error.code).toBe(ErrorCode.NEEDS_REAUTH);
    expect(error.message).toContain('mcp-sync login web');
    expect(error.data).toMatchObject({ server: 'web', needsReauth: true });
    expect(performance.now() - started).toBeLessThan(5_000);
    const seen = await since(before);
    expect(seen.refreshGrants).toBe(1); // tried once, refused
    expect(seen.unauthorized).toBe(1);
    expect(seen.calls).toBe(0);
    expect(storedTokens(dir)).toBeUndefined(); // the dead tokens are gone; the client registration stays
    expect(new TokenStore('web', dir).read().clientInformation).toBeDefined();

    // The next call fails the same way at once: nothing left to refresh, no grant, no loop.
    expect(catchError(() => hub.callTool('web', 'echo', { text: 'y' })).code).toBe(ErrorCode.NEEDS_REAUTH);
    expect((await since(before)).refreshGrants).toBe(1);
  });

  it('reports a server with no tokens at all as NEEDS_REAUTH, without retries, and picks up a later login', async () => {
    const dir = tokenDir();
    const before = await server.stats();
    const hub = start(dir, { recovery: { parkedProbeMs: 300 } });

    const [info] = hub.servers();
    expect(info).toMatchObject({ name: 'web', state: 'failed' });
    expect(info?.error?.code).toBe(ErrorCode.NEEDS_REAUTH);
    expect(info?.error?.message).toContain('mcp-sync login web');
    const error = catchError(() => hub.callTool('web', 'echo', { text: 'x' }));
    expect(error.code).toBe(ErrorCode.NEEDS_REAUTH);
    const seen = await since(before);
    expect(seen.unauthorized).toBe(1); // one initialize refused; no connect retries
    expect(seen.registrations).toBe(0); // the worker never starts a login it cannot finish
    expect(seen.refreshGrants + seen.codeGrants).toBe(0);

    await login(dir); // e.g. `mcp-sync login web` in another terminal
    expect(hub.waitForReady('web', { timeoutMs: 10_000 })).toBe('ready');
    expect(firstText(hub.callTool('web', 'echo', { text: 'logged in' }))).toBe('logged in');
  });

  it('keeps the token file 0600 in a 0700 directory, and no token in errors or the event log', async () => {
    const dir = tokenDir();
    await login(dir);
    const eventLog = join(dir, '..', 'events.log');
    const hub = start(dir, { eventLog });
    hub.callTool('web', 'echo', { text: 'one' });
    await server.expireAccessTokens();
    hub.callTool('web', 'echo', { text: 'refreshed' });
    await server.dropSessions(); // a logged recovery event: session expired, re-initialised
    hub.callTool('web', 'echo', { text: 'healed' });
    const seenTokens = [storedTokens(dir)?.access_token, storedTokens(dir)?.refresh_token];
    await server.revokeRefreshTokens();
    await server.expireAccessTokens();
    const errors = [catchError(() => hub.callTool('web', 'echo', { text: 'x' })), catchError(() => hub.listTools('web'))];

    const file = new TokenStore('web', dir).path;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(existsSync(eventLog)).toBe(true);
    const log = readFileSync(eventLog, 'utf8');
    expect(log).toContain('re-initialising');
    for (const token of seenTokens) {
      expect(token).toMatch(/^(at|rt)_/);
      expect(log).not.toContain(token);
      for (const error of errors) expect(JSON.stringify({ message: error.message, data: error.data })).not.toContain(token);
    }
  });
});

describe('the OAuth provider against the real authorization server', () => {
  it('turns several concurrent auth() refreshes into one refresh grant', async () => {
    const dir = tokenDir();
    await login(dir);
    const provider = createOAuthProvider(configFor(dir));
    const fetchFn = provider.wrapFetch(fetch);
    const before = await server.stats();
    const results = await Promise.all(Array.from({ length: 5 }, () => auth(provider, { serverUrl: server.url, fetchFn })));
    expect(results).toEqual(Array(5).fill('AUTHORIZED'));
    expect((await since(before)).refreshGrants).toBe(1);
    expect(provider.refreshGrants).toBe(1);
  });

  it('shows why: the server rotates refresh tokens, so parallel refreshes with one token fail but one', async () => {
    const dir = tokenDir();
    await login(dir);
    const { tokens, clientInformation } = new TokenStore('web', dir).read();
    const refresh = () =>
      refreshAuthorization(server.issuer, { clientInformation: clientInformation!, refreshToken: tokens!.refresh_token! });
    const outcomes = await Promise.allSettled([refresh(), refresh(), refresh()]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(InvalidGrantError);
  });
});
