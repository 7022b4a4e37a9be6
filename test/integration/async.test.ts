import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AsyncMcpHub, ErrorCode, McpHub, McpSyncError } from '../../dist/src/index.js';
import { stdioFixtureCommand, type HttpFixtureServer } from '../helpers/servers.js';
import { startWebAndLocal, stopWebAndLocal } from '../helpers/web-and-local.js';
import { CRASH_HANDLERS, crashWorkers } from '../helpers/calls.js';

/** The async façade: the same operations as promises, over the same worker and sessions. */
let http: HttpFixtureServer;
let hub: McpHub;

beforeAll(async () => {
  ({ http, hub } = await startWebAndLocal());
});

afterAll(() => stopWebAndLocal({ http, hub }));

async function rejection(promise: Promise<unknown>): Promise<McpSyncError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(McpSyncError);
    return error as McpSyncError;
  }
  throw new Error('expected a rejection');
}

describe('hub.async', () => {
  it('runs many calls concurrently on the same sessions as the synchronous API', async () => {
    const before = (await http.stats()).initializes;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => hub.async.callTool(i % 2 ? 'web' : 'local', 'echo', { text: `n${i}` })),
    );
    expect(results.map((r) => r.content[0])).toEqual(Array.from({ length: 20 }, (_, i) => ({ type: 'text', text: `n${i}` })));
    expect((await http.stats()).initializes).toBe(before);
    expect((await hub.async.servers()).map((s) => s.generation)).toEqual([1, 1]);
  });

  it('offers every operation', async () => {
    expect((await hub.async.listTools('web')).map((t) => t.name)).toContain('echo');
    expect((await hub.async.listResources('local')).length).toBeGreaterThan(0);
    expect((await hub.async.readResource('local', 'fixture://hello')).contents[0]).toMatchObject({ text: 'hello from local' });
    expect((await hub.async.listPrompts('web')).map((p) => p.name)).toContain('greet');
    expect((await hub.async.getPrompt('web', 'greet', { name: 'Ada' })).messages.length).toBe(1);
    await expect(hub.async.ping('web')).resolves.toBeUndefined();
  });

  it('rejects with typed errors that keep their code across the thread boundary', async () => {
    expect((await rejection(hub.async.callTool('nope', 'echo'))).code).toBe(ErrorCode.UNKNOWN_SERVER);
    const rpc = await rejection(hub.async.getPrompt('web', 'no-such-prompt'));
    expect(rpc.code).toBe(ErrorCode.RPC_ERROR);
    expect(rpc.data).toMatchObject({ server: 'web' });
  });

  it('times out with TIMEOUT, cancels the request and drops its late reply', async () => {
    const error = await rejection(hub.async.callTool('local', 'slow', { ms: 1_000 }, { timeoutMs: 100 }));
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await hub.async.callTool('local', 'echo', { text: 'fresh' })).content[0]).toEqual({ type: 'text', text: 'fresh' });
  });

  it('heals an expired session for async callers too', async () => {
    const before = (await http.stats()).initializes;
    await http.dropSessions();
    expect((await hub.async.callTool('web', 'echo', { text: 'healed' })).content[0]).toEqual({ type: 'text', text: 'healed' });
    expect((await http.stats()).initializes).toBe(before + 1);
  });
});

describe('an async client and the worker', () => {
  it('closing a client with a call pending rejects it CLOSED and leaves the worker serving everyone else', async () => {
    const client = AsyncMcpHub.attach(hub.handle());
    const pending = client.callTool('local', 'slow', { ms: 2_000 });
    client.close();
    expect((await rejection(pending)).code).toBe(ErrorCode.CLOSED);
    await new Promise((resolve) => setTimeout(resolve, 2_200)); // past the aborted call's settling
    expect(hub.callTool('local', 'echo', { text: 'worker alive' }).content[0]).toEqual({ type: 'text', text: 'worker alive' });
  });

  it('rejects pending calls with WORKER_EXITED as soon as the worker dies, not at their deadline', async () => {
    const doomed = McpHub.start({ mcpServers: { local: stdioFixtureCommand('doomed') } }, { eventLog: false, handlers: CRASH_HANDLERS });
    try {
      const started = performance.now();
      const pending = doomed.async.callTool('local', 'slow', { ms: 30_000 }, { timeoutMs: 60_000 });
      crashWorkers();
      expect((await rejection(pending)).code).toBe(ErrorCode.WORKER_EXITED);
      expect(performance.now() - started).toBeLessThan(20_000);
    } finally {
      doomed.close();
    }
  });
});
