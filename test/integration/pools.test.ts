import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { Tinypool } from 'tinypool';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpHub } from '../../dist/src/index.js';
import type { PoolTask } from '../fixtures/pool-task.js';
import { startHttpFixture, stdioFixtureCommand, type HttpFixtureServer } from '../helpers/servers.js';

/** The handle works in real pools: piscina and tinypool threads call through the one I/O worker. */
const TASK = fileURLToPath(new URL('../../dist/test/fixtures/pool-task.js', import.meta.url));
let http: HttpFixtureServer;
let hub: McpHub;

beforeAll(async () => {
  // This server drops any session whose client fails to answer its ping within 200 ms.
  http = await startHttpFixture({ name: 'web', pingClientsMs: 200 });
  hub = McpHub.start({ mcpServers: { web: { url: http.url }, local: stdioFixtureCommand('local') } }, { eventLog: false });
});

afterAll(async () => {
  hub?.close();
  await http?.stop();
});

type Result = { threadId: number; results: string[]; errors: string[] };

function task(overrides: Partial<PoolTask>): PoolTask {
  return { handle: hub.handle(), server: 'local', tool: 'echo', args: { text: 'pooled' }, calls: 20, ...overrides };
}

describe.each([
  ['piscina', () => new Piscina({ filename: TASK, minThreads: 4, maxThreads: 4 })],
  ['tinypool', () => new Tinypool({ filename: TASK, minThreads: 4, maxThreads: 4 })],
] as const)('%s threads', (_name, makePool) => {
  it('call MCP synchronously through a handle, all sharing the one I/O worker', async () => {
    const pool = makePool();
    try {
      const done = (await Promise.all(Array.from({ length: 8 }, () => pool.run(task({}))))) as Result[];
      expect(new Set(done.map((d) => d.threadId)).size).toBeGreaterThan(1);
      for (const d of done) {
        expect(d.errors).toEqual([]);
        expect(d.results).toEqual(Array(20).fill('pooled'));
      }
      expect(hub.servers().find((s) => s.name === 'local')?.generation).toBe(1); // one session, shared
    } finally {
      await pool.destroy();
    }
  });
});

describe('CPU-bound callers', () => {
  it('keep their sessions: the I/O worker answers server pings while every caller burns CPU', async () => {
    hub.callTool('web', 'echo', { text: 'warm' });
    const before = await http.stats();
    const pool = new Piscina({ filename: TASK, minThreads: 2, maxThreads: 2 });
    try {
      // Two pool threads and the main thread spin for 3 s without touching their event loops.
      const burning = [0, 1].map(() => pool.run(task({ server: 'web', busyMs: 3_000, calls: 1, args: { text: 'after the burn' } })));
      const until = Date.now() + 3_000;
      while (Date.now() < until) Math.sqrt(Math.random());
      const done = (await Promise.all(burning)) as Result[];
      for (const d of done) expect(d).toMatchObject({ errors: [], results: ['after the burn'] });
    } finally {
      await pool.destroy();
    }
    const after = await http.stats();
    expect(after.clientPingsAnswered).toBeGreaterThan(before.clientPingsAnswered);
    expect(after.clientPingFailures).toBe(before.clientPingFailures);
    expect(after.initializes).toBe(before.initializes); // never dropped, never re-initialised
  });
});
