import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, McpHub } from '../../dist/src/index.js';
import type { ModernStats } from '../fixtures/modern-server.js';
import { catchError, firstText } from '../helpers/calls.js';
import {
  modernStdioCommand,
  startHttpFixture,
  startModernHttp,
  stdioFixtureCommand,
  type HttpFixtureServer,
  type ModernHttpServer,
} from '../helpers/servers.js';

/**
 * Both protocol eras side by side, against real servers: 2025-11-25 servers built on the 1.x SDK
 * (stateful sessions) and 2026-07-28 servers built on the v2 `@modelcontextprotocol/server`
 * (stateless HTTP via createMcpHandler, stdio via serveStdio). What the servers received is
 * read back from them: `_meta`, headers, probes, executions.
 */
const HANDLERS = fileURLToPath(new URL('../../dist/test/fixtures/client-handlers.js', import.meta.url));
const META = {
  protocolVersion: 'io.modelcontextprotocol/protocolVersion',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  clientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
};

/** What a call to a server that was just killed fails with. */
const OUTAGE: string[] = [ErrorCode.NOT_CONNECTED, ErrorCode.OUTCOME_UNCERTAIN];

const hubs: McpHub[] = [];
const servers: { stop(): Promise<void> }[] = [];

function start(mcpServers: Record<string, unknown>, handlers: string | null = HANDLERS): McpHub {
  const hub = McpHub.start({ mcpServers }, { eventLog: false, ...(handlers !== null && { handlers }) });
  hubs.push(hub);
  return hub;
}

async function modernHttp(opts: Parameters<typeof startModernHttp>[0] = {}): Promise<ModernHttpServer> {
  const server = await startModernHttp(opts);
  servers.push(server);
  return server;
}

async function legacyHttp(): Promise<HttpFixtureServer> {
  const server = await startHttpFixture();
  servers.push(server);
  return server;
}

afterAll(async () => {
  for (const hub of hubs.splice(0)) hub.close();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

/** The stdio fixture's own stats, read through its `stats` tool. */
function stdioStats(hub: McpHub, server: string): ModernStats {
  return JSON.parse(firstText(hub.callTool(server, 'stats'))) as ModernStats;
}

describe('a 2025 and a 2026 server side by side', () => {
  let hub: McpHub;
  let modern: ModernHttpServer;
  let legacy: HttpFixtureServer;

  beforeAll(async () => {
    [modern, legacy] = await Promise.all([modernHttp({ name: 'modern' }), legacyHttp()]);
    hub = start({
      legacyWeb: { url: legacy.url },
      legacyLocal: stdioFixtureCommand('legacy-local'),
      modernWeb: { url: modern.url },
      modernLocal: modernStdioCommand({ name: 'modern-local' }),
    });
  });

  it('reports the era and protocol version each server negotiated', () => {
    const info = Object.fromEntries(hub.servers().map((server) => [server.name, [server.state, server.era, server.protocolVersion]]));
    expect(info).toEqual({
      legacyWeb: ['ready', 'legacy', '2025-11-25'],
      legacyLocal: ['ready', 'legacy', '2025-11-25'],
      modernWeb: ['ready', 'modern', '2026-07-28'],
      modernLocal: ['ready', 'modern', '2026-07-28'],
    });
  });

  it('serves the same calls on both', () => {
    for (const server of ['legacyWeb', 'legacyLocal', 'modernWeb', 'modernLocal']) {
      expect(firstText(hub.callTool(server, 'echo', { text: `hi ${server}` }))).toBe(`hi ${server}`);
      expect(hub.callTool(server, 'add', { a: 2, b: 3 }).structuredContent).toEqual({ sum: 5 });
      expect(hub.listTools(server).map((tool) => tool.name)).toContain('echo');
      expect(hub.listPrompts(server).map((prompt) => prompt.name)).toContain('greet');
      expect(hub.listResources(server).map((resource) => resource.uri)).toContain('fixture://hello');
      expect(JSON.stringify(hub.readResource(server, 'fixture://hello'))).toContain('hello from');
      hub.ping(server);
    }
  });

  it('sends _meta (protocol version, client info, capabilities) on every 2026 request, over HTTP and stdio', async () => {
    hub.callTool('modernWeb', 'echo', { text: 'x' });
    const seen = [...(await modern.stats()).requests, ...stdioStats(hub, 'modernLocal').requests];
    expect(seen.length).toBeGreaterThan(4);
    for (const request of seen) {
      expect(request.method).not.toBe('initialize');
      expect(request.meta?.[META.protocolVersion], request.method).toBe('2026-07-28');
      expect(request.meta?.[META.clientInfo], request.method).toEqual({ name: 'mcp-sync', version: expect.any(String) });
      expect(request.meta?.[META.clientCapabilities], request.method).toMatchObject({ sampling: {}, roots: {} });
    }
  });

  it('sends Mcp-Method, Mcp-Name and MCP-Protocol-Version on 2026 HTTP requests, and no session id', async () => {
    hub.callTool('modernWeb', 'echo', { text: 'headers' });
    const { requests } = await modern.stats();
    for (const request of requests) {
      expect(request.headers['mcp-method']).toBe(request.method);
      expect(request.headers['mcp-protocol-version']).toBe('2026-07-28');
      expect(request.headers['mcp-session-id']).toBeUndefined();
    }
    const call = requests.findLast((request) => request.method === 'tools/call');
    expect(call?.headers['mcp-name']).toBe('echo');
  });
});

describe('multi-round-trip requests (MRTR) answered by the handlers module', () => {
  let hub: McpHub;
  let modern: ModernHttpServer;

  beforeAll(async () => {
    modern = await modernHttp();
    hub = start({
      modernWeb: { url: modern.url },
      modernLocal: modernStdioCommand(),
      // The same v2 server, spoken to in 2025: its legacy shim sends real server→client requests.
      legacyLocal: { ...modernStdioCommand(), protocol: 'legacy' },
    });
  });

  it.each(['modernWeb', 'modernLocal', 'legacyLocal'])('%s: elicitation, sampling and roots, one module for both eras', (server) => {
    expect(hub.servers().find((info) => info.name === server)?.era).toBe(server.startsWith('modern') ? 'modern' : 'legacy');
    expect(firstText(hub.callTool(server, 'confirm', { what: 'deploy' }))).toBe('accept ok=true'); // the handler ticked the required box
    expect(firstText(hub.callTool(server, 'sample', { prompt: 'hello' }))).toContain(`canned reply from ${server} to: hello`);
    expect(JSON.parse(firstText(hub.callTool(server, 'roots')))).toEqual([{ uri: 'file:///workspace/project', name: 'project' }]);
  });

  it('runs each tool once: the first round asks, only the retry with the answers executes', async () => {
    const before = (await modern.stats()).executions['confirm'] ?? 0;
    hub.callTool('modernWeb', 'confirm', { what: 'once' });
    const { executions, requests } = await modern.stats();
    expect(executions['confirm']).toBe(before + 1);
    // Two rounds on the wire for the one call: the asking one and the answered retry.
    const rounds = requests.filter((request) => request.method === 'tools/call' && request.headers['mcp-name'] === 'confirm');
    expect(rounds.length).toBe(2 * (before + 1));
  });

  it('without a handlers module, fails with RPC_ERROR saying which handler to add', () => {
    const bare = start({ modernWeb: { url: modern.url } }, null);
    const error = catchError(() => bare.callTool('modernWeb', 'confirm', { what: 'x' }));
    expect(error.code).toBe(ErrorCode.RPC_ERROR);
    expect(error.message).toContain('elicitation');
    expect(error.message).toContain('give mcp-sync a handlers module that exports elicitation() (StartOptions.handlers, or --handlers');
  });
});

describe('tools/list_changed in the 2026 era (subscriptions/listen)', () => {
  it('re-lists over HTTP and tells the hub’s listeners', async () => {
    const modern = await modernHttp();
    const hub = start({ web: { url: modern.url } });
    const changed: string[] = [];
    const stop = hub.onToolsChanged((server) => changed.push(server));
    expect((await modern.stats()).requests.some((request) => request.method === 'subscriptions/listen')).toBe(true);
    await modern.toolsChanged();
    const until = Date.now() + 15_000;
    while (changed.length === 0 && Date.now() < until) await sleep(50);
    stop();
    expect(changed).toEqual(['web']);
    expect(hub.listTools('web').map((tool) => tool.name)).toContain('extra');
  });

  it('re-lists over stdio', async () => {
    const hub = start({ local: modernStdioCommand() });
    const changed: string[] = [];
    const stop = hub.onToolsChanged((server) => changed.push(server));
    hub.callTool('local', 'add_tool');
    const until = Date.now() + 15_000;
    while (changed.length === 0 && Date.now() < until) await sleep(50);
    stop();
    expect(changed).toEqual(['local']);
    expect(hub.listTools('local').map((tool) => tool.name)).toContain('extra');
  });
});

describe('cache hints (ttlMs) on tools/list', () => {
  it('answers listTools from the cache while the server’s ttlMs lasts, and asks every time without one', async () => {
    const [cached, uncached] = await Promise.all([modernHttp({ toolsTtlMs: 600_000 }), modernHttp()]);
    const hub = start({ cached: { url: cached.url }, uncached: { url: uncached.url } });
    for (let i = 0; i < 3; i++) {
      hub.listTools('cached');
      hub.listTools('uncached');
    }
    const lists = async (server: ModernHttpServer) =>
      (await server.stats()).requests.filter((request) => request.method === 'tools/list').length;
    expect(await lists(cached)).toBe(1); // the discovery at connect; the three listings came from its cache
    expect(await lists(uncached)).toBe(4);
  });
});

describe('the registry catalog and cache hints', () => {
  it('toolEntries re-lists a server whose ttlMs has passed (once), and refresh: true asks past the cache', async () => {
    const cached = await modernHttp({ toolsTtlMs: 1_000 });
    const hub = start({ cached: { url: cached.url } });
    const lists = async () => (await cached.stats()).requests.filter((request) => request.method === 'tools/list').length;
    hub.toolEntries();
    hub.listTools('cached');
    expect(await lists()).toBe(1); // the discovery; both answered from it
    hub.listTools('cached', { refresh: true });
    expect(await lists()).toBe(2);
    hub.toolEntries();
    expect(await lists()).toBe(2); // the refreshed list is fresh again
    await sleep(1_100);
    hub.toolEntries();
    hub.toolEntries();
    expect(await lists()).toBe(3); // expired: listed once, then fresh for another ttlMs
  });

  it('refuses a refresh that is not a boolean', () => {
    const hub = start({ local: modernStdioCommand() });
    expect(catchError(() => hub.listTools('local', { refresh: 'yes' as never })).code).toBe(ErrorCode.INVALID_ARGUMENT);
  });
});

describe('what a 2026 server’s HTTP 404 means', () => {
  it('an unknown method (404 + -32601) is an RPC error, not a lost session: no reconnect', async () => {
    const bare = await modernHttp({ bare: true });
    const hub = start({ bare: { url: bare.url } });
    const error = catchError(() => hub.readResource('bare', 'fixture://hello'));
    expect(error.code).toBe(ErrorCode.RPC_ERROR);
    expect(error.data).toMatchObject({ rpcCode: -32601, httpStatus: 404 });
    expect(hub.servers()[0]).toMatchObject({ state: 'ready', generation: 1 });
    expect((await bare.stats()).requests.filter((request) => request.method === 'server/discover')).toHaveLength(1);
    // A listing of something the server does not offer is simply empty.
    expect(hub.listPrompts('bare')).toEqual([]);
  });
});

describe('protocol: auto | legacy | modern', () => {
  it('legacy speaks 2025 to a server that speaks both; modern refuses a 2025-only server with a clear error', async () => {
    const [modern, legacy] = await Promise.all([modernHttp(), legacyHttp()]);
    const hub = start({ pinnedOld: { url: modern.url, protocol: 'legacy' }, pinnedNew: { url: legacy.url, protocol: 'modern' } });
    const [old, pinnedNew] = hub.servers();
    expect(old).toMatchObject({ state: 'ready', era: 'legacy', protocolVersion: '2025-11-25' });
    expect(firstText(hub.callTool('pinnedOld', 'echo', { text: 'old' }))).toBe('old');
    expect(pinnedNew?.state).toBe('failed');
    expect(pinnedNew?.error?.code).toBe(ErrorCode.TRANSPORT_ERROR);
    expect(pinnedNew?.error?.message).toContain(`does not speak MCP 2026-07-28`);
    expect(pinnedNew?.error?.message).toContain(`Set 'protocol' to "auto"`);
  });

  it('legacy against a 2026-only server fails saying which key to change', async () => {
    const strict = await modernHttp({ legacy: 'reject' });
    const hub = start({ strict: { url: strict.url, protocol: 'legacy' }, auto: { url: strict.url } });
    const [pinned, auto] = hub.servers();
    expect(auto).toMatchObject({ state: 'ready', era: 'modern' });
    expect(pinned?.state).toBe('failed');
    expect(pinned?.error?.message).toContain('Unsupported protocol version');
    expect(pinned?.error?.message).toContain(`set 'protocol' to "auto"`);
  });
});

describe('the era verdict, cached per server', () => {
  afterEach(async () => {
    for (const hub of hubs.splice(0)) hub.close();
  });

  it('a known 2025 server is not probed again when its session expires, and is after an outage', async () => {
    const legacy = await legacyHttp();
    const hub = start({ web: { url: legacy.url } });
    expect((await legacy.stats()).discoverProbes).toBe(1);
    await legacy.dropSessions();
    expect(firstText(hub.callTool('web', 'echo', { text: 'healed' }))).toBe('healed');
    expect(await legacy.stats()).toMatchObject({ initializes: 2, discoverProbes: 1 });

    // A restart between two calls is only a forgotten session to us: still no probe.
    await legacy.restart();
    expect(firstText(hub.callTool('web', 'echo', { text: 'restarted' }))).toBe('restarted');
    expect(await legacy.stats()).toMatchObject({ initializes: 1, discoverProbes: 0 });

    // An outage we saw: the server may come back upgraded, so its era is asked afresh.
    await legacy.kill();
    // Refused (NOT_CONNECTED), or written on a kept-alive socket the kill reset (OUTCOME_UNCERTAIN).
    expect(OUTAGE).toContain(catchError(() => hub.callTool('web', 'echo', { text: 'down' })).code);
    await legacy.restart();
    expect(hub.waitForReady('web', { timeoutMs: 30_000 })).toBe('ready');
    expect(await legacy.stats()).toMatchObject({ initializes: 1, discoverProbes: 1 });
  });

  it('a 2025 server upgraded in place to a 2026-only one: the refused version renegotiates, the call runs once', async () => {
    const legacy = await legacyHttp();
    const hub = start({ web: { url: legacy.url } });
    expect(hub.servers()[0]?.era).toBe('legacy');
    await legacy.stop();
    const upgraded = await modernHttp({ legacy: 'reject', port: Number(new URL(legacy.url).port) });

    expect(firstText(hub.callTool('web', 'echo', { text: 'upgraded' }))).toBe('upgraded');
    expect(hub.servers()[0]).toMatchObject({ state: 'ready', era: 'modern', protocolVersion: '2026-07-28', generation: 2 });
    const { executions, requests } = await upgraded.stats();
    expect(executions['echo']).toBe(1);
    expect(requests.filter((request) => request.method === 'server/discover')).toHaveLength(1);
  });

  it('a 2026 server that went away is probed again when it is back', async () => {
    const modern = await modernHttp();
    const hub = start({ web: { url: modern.url } });
    expect(firstText(hub.callTool('web', 'echo', { text: 'before' }))).toBe('before');
    await modern.kill();
    expect(OUTAGE).toContain(catchError(() => hub.callTool('web', 'echo', { text: 'down' })).code);
    await modern.restart();
    expect(hub.waitForReady('web', { timeoutMs: 30_000 })).toBe('ready');
    expect(firstText(hub.callTool('web', 'echo', { text: 'after' }))).toBe('after');
    const { requests, executions } = await modern.stats();
    expect(requests.filter((request) => request.method === 'server/discover')).toHaveLength(1);
    expect(executions['echo']).toBe(1);
    expect(hub.servers()[0]).toMatchObject({ state: 'ready', era: 'modern' });
  });
});

describe('recovery in the 2026 era', () => {
  it('a stdio server that dies mid-call: OUTCOME_UNCERTAIN, not replayed; the next call runs on a new process', () => {
    const hub = start({ local: modernStdioCommand() });
    const pid = firstText(hub.callTool('local', 'pid'));
    const error = catchError(() => hub.callTool('local', 'die'));
    expect(error.code).toBe(ErrorCode.OUTCOME_UNCERTAIN);
    const next = firstText(hub.callTool('local', 'pid', undefined, { timeoutMs: 30_000 }));
    expect(next).not.toBe(pid);
    expect(stdioStats(hub, 'local').executions['die']).toBeUndefined(); // a new process: its counters start afresh
    expect(hub.servers()[0]).toMatchObject({ state: 'ready', era: 'modern', generation: 2 });
  });

  it('a stateless HTTP server has no session to lose: restarted between two calls, it just answers the next', async () => {
    const modern = await modernHttp();
    const hub = start({ web: { url: modern.url } });
    expect(firstText(hub.callTool('web', 'echo', { text: 'one' }))).toBe('one');
    await modern.restart();
    expect(firstText(hub.callTool('web', 'echo', { text: 'two' }))).toBe('two');
    expect((await modern.stats()).executions['echo']).toBe(1);
    expect(hub.servers()[0]).toMatchObject({ state: 'ready', generation: 1 }); // no reconnect was needed
  });

  it('a call that dies with the server mid-call is OUTCOME_UNCERTAIN and not replayed', async () => {
    const modern = await modernHttp();
    const hub = start({ web: { url: modern.url } });
    const error = catchError(() => hub.callTool('web', 'die'));
    expect(error.code).toBe(ErrorCode.OUTCOME_UNCERTAIN);
    await modern.restart();
    expect(hub.waitForReady('web', { timeoutMs: 30_000 })).toBe('ready');
    expect(firstText(hub.callTool('web', 'echo', { text: 'after' }))).toBe('after');
    expect((await modern.stats()).executions['die']).toBeUndefined(); // the restarted process never saw it again
  });
});
