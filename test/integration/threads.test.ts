import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpHub, type HubHandle } from '../../dist/src/index.js';
import { startHttpFixture, stdioFixtureCommand, type HttpFixtureServer } from '../helpers/servers.js';

/** Many threads, one I/O worker: plain worker_threads attached with a handle. */
const CALLER = fileURLToPath(new URL('../../dist/test/fixtures/attached-caller.js', import.meta.url));
let http: HttpFixtureServer;
let hub: McpHub;

beforeAll(async () => {
  http = await startHttpFixture({ name: 'web' });
  hub = McpHub.start({ mcpServers: { web: { url: http.url }, local: stdioFixtureCommand('local') } }, { eventLog: false });
});

afterAll(async () => {
  hub?.close();
  await http?.stop();
});

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
