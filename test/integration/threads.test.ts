import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, McpHub, McpSyncError, type HubHandle } from '../../dist/src/index.js';
import type { HttpFixtureServer } from '../helpers/servers.js';
import { startWebAndLocal, stopWebAndLocal } from '../helpers/web-and-local.js';

/** Many threads, one I/O worker: plain worker_threads attached with a handle. */
const CALLER = fileURLToPath(new URL('../../dist/test/fixtures/attached-caller.js', import.meta.url));
const INTERRUPTER = fileURLToPath(new URL('../../dist/test/fixtures/interrupter.js', import.meta.url));
let http: HttpFixtureServer;
let hub: McpHub;

beforeAll(async () => {
  ({ http, hub } = await startWebAndLocal());
});

afterAll(() => stopWebAndLocal({ http, hub }));

interface Done {
  results: string[];
  errors: string[];
}

/** Starts `threads` callers attached to `handle`; resolves once all attached, with a release(). */
async function callers(handle: HubHandle, threads: number, job: { server: string; tool: string; args: object; calls: number }) {
  const gate = new SharedArrayBuffer(4);
  const workers = Array.from({ length: threads }, () => new Worker(CALLER, { workerData: { handle, gate, ...job } }));
  const done = workers.map(
    (worker) =>
      new Promise<Done>((resolve, reject) => {
        worker.on('message', (message: { type: string } & Done) => message.type === 'done' && resolve(message));
        worker.on('error', reject);
      }),
  );
  await Promise.all(workers.map((worker) => once(worker, 'message')));
  return {
    release: async (): Promise<Done[]> => {
      Atomics.store(new Int32Array(gate), 0, 1);
      Atomics.notify(new Int32Array(gate), 0);
      return Promise.all(done);
    },
  };
}

describe('a handle attached in many threads', () => {
  it('gives each thread the same synchronous API over the one I/O worker', async () => {
    const run = await callers(hub.handle(), 4, { server: 'local', tool: 'echo', args: { text: 'from a thread' }, calls: 50 });
    const done = await run.release();
    for (const thread of done) {
      expect(thread.errors).toEqual([]);
      expect(thread.results).toEqual(Array(50).fill('from a thread'));
    }
    // Closing the attached clients did not close the hub.
    expect(hub.callTool('local', 'echo', { text: 'hub still open' }).content[0]).toEqual({ type: 'text', text: 'hub still open' });
  });

  it('re-initialises once when many callers hit the same expired session', async () => {
    hub.callTool('web', 'echo', { text: 'warm' });
    const before = (await http.stats()).initializes;
    const run = await callers(hub.handle(), 4, { server: 'web', tool: 'echo', args: { text: 'healed' }, calls: 1 });
    await http.dropSessions();
    const done = await run.release();
    for (const thread of done) {
      expect(thread.errors).toEqual([]);
      expect(thread.results).toEqual(['healed']);
    }
    expect((await http.stats()).initializes).toBe(before + 1);
  });
});

describe('interrupts', () => {
  it('wake a blocked caller at once from another thread, cancel the request, and retry nothing', async () => {
    const before = await http.stats();
    const interrupter = new Worker(INTERRUPTER, { workerData: { token: hub.interruptToken(), afterMs: 300 } });
    const started = performance.now();
    let error: unknown;
    try {
      hub.callTool('web', 'slow', { ms: 30_000 }, { timeoutMs: 60_000 });
    } catch (caught) {
      error = caught;
    }
    const elapsed = performance.now() - started;
    await interrupter.terminate();
    expect(error).toBeInstanceOf(McpSyncError);
    expect((error as McpSyncError).code).toBe(ErrorCode.INTERRUPTED);
    expect(elapsed).toBeLessThan(20_000);
    // The server was told: its handler saw notifications/cancelled. Nothing ran twice.
    const deadline = Date.now() + 10_000;
    let after = await http.stats();
    while (after.cancelled === before.cancelled && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = await http.stats();
    }
    expect(after.cancelled).toBe(before.cancelled + 1);
    expect(after.calls).toBe(before.calls + 1);
    expect(after.initializes).toBe(before.initializes);
    // The breaker was not touched and the session is fine: the next call just works.
    expect(hub.callTool('web', 'echo', { text: 'next' }).content[0]).toEqual({ type: 'text', text: 'next' });
  });

  it('is dropped when no call is in flight', () => {
    McpHub.interrupt(hub.interruptToken());
    expect(hub.callTool('local', 'echo', { text: 'unaffected' }).content[0]).toEqual({ type: 'text', text: 'unaffected' });
  });
});

describe('one crash, many callers', () => {
  it('fails the calls the dead child took with it, without opening the circuit breaker', async () => {
    const run = await callers(hub.handle(), 4, { server: 'local', tool: 'slow', args: { ms: 10_000, dieAfterMs: 300 }, calls: 1 });
    const done = await run.release();
    for (const thread of done) {
      expect(thread.results).toEqual([]);
      expect(['OUTCOME_UNCERTAIN', 'NOT_CONNECTED']).toContain(thread.errors[0]);
    }
    // Four failures from one incident: the breaker (threshold 3) stays closed, the child is back.
    expect(hub.callTool('local', 'echo', { text: 'respawned' }).content[0]).toEqual({ type: 'text', text: 'respawned' });
  });
});
