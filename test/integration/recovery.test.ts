import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, McpHub, type RecoveryOptions } from '../../dist/src/index.js';
import type { ExpireMode } from '../fixtures/faults.js';
import { startHttpFixture, stdioFixtureCommand, type HttpFixtureServer } from '../helpers/servers.js';
import { block, catchError, firstText } from '../helpers/calls.js';

/**
 * Self-healing against real misbehaving servers: sessions that expire in each form servers
 * produce them, timeouts that must not be replayed, children that die, servers that go away and
 * come back. Assertions count what the SERVER saw (initialize requests, tool executions).
 */
const servers: HttpFixtureServer[] = [];
const hubs: McpHub[] = [];

afterEach(async () => {
  for (const hub of hubs.splice(0)) hub.close();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function fixture(options: Parameters<typeof startHttpFixture>[0] = {}): Promise<HttpFixtureServer> {
  const server = await startHttpFixture(options);
  servers.push(server);
  return server;
}

function start(mcpServers: Record<string, unknown>, recovery: Partial<RecoveryOptions> = {}): McpHub {
  const hub = McpHub.start({ mcpServers }, { recovery, eventLog: false });
  hubs.push(hub);
  return hub;
}

describe.each<ExpireMode>(['404', '400', 'rpc-expired', 'terminated', 'unknown'])('a session lost with the %s answer', (expireMode) => {
  it('is healed by exactly one re-initialisation, the call retried once on the new session', async () => {
    const server = await fixture({ expireMode });
    const hub = start({ web: { url: server.url } });
    expect(firstText(hub.callTool('web', 'echo', { text: 'before' }))).toBe('before');
    await server.dropSessions();

    expect(firstText(hub.callTool('web', 'echo', { text: 'after' }))).toBe('after');

    const stats = await server.stats();
    expect(stats.initializes).toBe(2);
    expect(stats.expiredHits).toBeGreaterThanOrEqual(1);
    expect(stats.calls).toBe(2); // the failed attempt never ran the tool; the retry ran it once
    expect(hub.servers()[0]).toMatchObject({ state: 'ready', generation: 2 });
  });
});

describe('session expiry on every operation', () => {
  it('heals listTools, listResources, readResource, listPrompts, getPrompt and ping', async () => {
    const server = await fixture({ expireMode: 'rpc-expired' });
    const hub = start({ web: { url: server.url } });
    const operations: [string, () => unknown][] = [
      ['listTools', () => hub.listTools('web')],
      ['listResources', () => hub.listResources('web')],
      ['readResource', () => hub.readResource('web', 'fixture://hello')],
      ['listPrompts', () => hub.listPrompts('web')],
      ['getPrompt', () => hub.getPrompt('web', 'greet', { name: 'x' })],
      ['ping', () => hub.ping('web')],
    ];
    for (const [index, [name, run]] of operations.entries()) {
      await server.dropSessions();
      expect(() => run(), name).not.toThrow();
      expect((await server.stats()).initializes, name).toBe(index + 2);
    }
  });
});

describe('no loops, no replays', () => {
  it('gives the caller one error when the retry fails too, and runs the tool zero times', async () => {
    const server = await fixture({ expireMode: '404' });
    const hub = start({ web: { url: server.url } });
    await server.expireCalls(true);
    const error = catchError(() => hub.callTool('web', 'count'));
    expect(error.code).toBe(ErrorCode.SESSION_EXPIRED);
    const stats = await server.stats();
    expect(stats.expiredHits).toBe(2); // the call and its single retry
    expect(stats.initializes).toBe(2); // one re-initialisation, no loop
    expect(stats.calls).toBe(0);
  });

  it('never replays a timed-out call, and checks the session in the background', async () => {
    const server = await fixture();
    const hub = start({ web: { url: server.url } }, { keepaliveTimeoutMs: 1_000 });
    await server.hang(true);
    const error = catchError(() => hub.callTool('web', 'count', {}, { timeoutMs: 300 }));
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    // The held request runs late, or not at all if the cancel (notifications/cancelled, its
    // connection closed) reached the server first — but never twice.
    await server.hang(false);
    block(1_500);
    const count = Number(firstText(hub.callTool('web', 'count')));
    expect([1, 2]).toContain(count);
    expect((await server.stats()).calls).toBe(count);
  });

  it('fails a call cut by a dying stdio child fast with OUTCOME_UNCERTAIN, and respawns it for the next', () => {
    const hub = start({ local: stdioFixtureCommand('local') });
    const firstPid = firstText(hub.callTool('local', 'pid'));
    const started = performance.now();
    const error = catchError(() => hub.callTool('local', 'slow', { ms: 30_000, dieAfterMs: 100 }, { timeoutMs: 30_000 }));
    expect(error.code).toBe(ErrorCode.OUTCOME_UNCERTAIN);
    expect(performance.now() - started).toBeLessThan(10_000);
    const secondPid = firstText(hub.callTool('local', 'pid'));
    expect(secondPid).not.toBe(firstPid);
    expect(hub.servers()[0]).toMatchObject({ state: 'ready', generation: 2 });
  });
});

describe('lifecycle', () => {
  it('parks a server past its reconnect budget, and brings it back when the server returns', async () => {
    const server = await fixture();
    const hub = start({ web: { url: server.url } }, { reconnectRetries: 2, backoffMs: 50, parkedProbeMs: 300 });
    expect(firstText(hub.callTool('web', 'echo', { text: 'up' }))).toBe('up');
    await server.kill();
    expect(catchError(() => hub.callTool('web', 'echo', { text: 'down' })).code).toBeDefined();
    // Wait (event-driven, on the shared state word) for the worker to give up and park it.
    const until = Date.now() + 20_000;
    while (hub.state('web') !== 'parked' && Date.now() < until) block(50);
    expect(hub.state('web')).toBe('parked');
    expect(catchError(() => hub.callTool('web', 'echo', { text: 'parked' })).code).toBe(ErrorCode.NOT_CONNECTED);

    await server.restart();
    expect(hub.waitForReady('web', { timeoutMs: 20_000 })).toBe('ready');
    expect(firstText(hub.callTool('web', 'echo', { text: 'back' }))).toBe('back');
  });

  it('keeps an idle session alive with keepalive pings and heals it before the next call', async () => {
    const server = await fixture();
    const hub = start({ web: { url: server.url, keepaliveInterval: 5 } });
    await server.dropSessions();
    const until = Date.now() + 20_000;
    while ((await server.stats()).initializes < 2 && Date.now() < until) block(200);
    expect((await server.stats()).initializes).toBe(2); // healed while nobody called
    const before = (await server.stats()).expiredHits;
    expect(firstText(hub.callTool('web', 'echo', { text: 'warm' }))).toBe('warm');
    expect((await server.stats()).expiredHits).toBe(before); // the call found a live session
  }, 40_000);

  it('falls back to tools/list for keepalive when the server has no ping (-32601)', async () => {
    const server = await fixture({ noPing: true });
    const hub = start({ web: { url: server.url, keepaliveInterval: 5 } });
    block(6_500); // one keepalive: ping → -32601 → tools/list, session kept
    expect((await server.stats()).initializes).toBe(1);
    await server.dropSessions();
    const until = Date.now() + 20_000;
    while ((await server.stats()).initializes < 2 && Date.now() < until) block(200);
    expect((await server.stats()).initializes).toBe(2); // the tools/list probe saw the loss
    // The server counts the initialize before the client has finished its handshake: wait for it.
    expect(hub.waitForReady('web', { timeoutMs: 10_000 })).toBe('ready');
  }, 40_000);
});

describe('circuit breaker', () => {
  it('opens after 3 failures, fails fast without touching the server, and closes after a good probe', async () => {
    const server = await fixture();
    const hub = start({ web: { url: server.url } }, { breakerCooldownMs: 1_000, keepaliveTimeoutMs: 60_000 });
    await server.hang(true);
    for (let i = 0; i < 3; i++)
      expect(catchError(() => hub.callTool('web', 'echo', { text: 'x' }, { timeoutMs: 200 })).code).toBe(ErrorCode.TIMEOUT);
    block(300); // let the cancellations and the background health ping land
    const held = (await server.stats()).heldRequests;
    const open = catchError(() => hub.callTool('web', 'echo', { text: 'x' }));
    expect(open.code).toBe(ErrorCode.CIRCUIT_OPEN);
    expect(open.message).toContain('unreachable after 3 consecutive failures');
    expect((await server.stats()).heldRequests).toBe(held); // the server never saw that call
    await server.hang(false);
    block(1_200);
    expect(firstText(hub.callTool('web', 'echo', { text: 'probe' }))).toBe('probe');
    expect(firstText(hub.callTool('web', 'echo', { text: 'closed' }))).toBe('closed');
  });
});

describe('401 without OAuth', () => {
  it('fails with NEEDS_REAUTH telling the user how to log in, with no retry loop', async () => {
    const server = await fixture();
    const hub = start({ web: { url: server.url } });
    await server.requireToken('secret-token');
    const error = catchError(() => hub.callTool('web', 'echo', { text: 'x' }));
    expect(error.code).toBe(ErrorCode.NEEDS_REAUTH);
    expect(error.message).toContain('mcp-sync login web');
    expect(error.message).not.toContain('secret-token');
    expect((await server.stats()).unauthorized).toBeLessThanOrEqual(2);
  });
});
