/**
 * `npm run bench` (part 3): the bridge's own cost and how it scales — an operation the worker
 * answers without I/O (`hub.servers()` on a hub with no servers) next to a minimal hand-rolled
 * Atomics bridge and synckit, in the same run; a 100 KB echo through the bridge; and the total
 * no-I/O throughput of 1, 2, 4 and 8 caller threads sharing one I/O worker.
 */
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createSyncFn } from 'synckit';
import { McpHub } from '../dist/src/index.js';
import { stdioFixtureCommand } from '../test/helpers/servers.js';
import { MinimalBridge } from './minimal-bridge.js';
import { median } from './median.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);
const CALLS = 20_000;
const THROUGHPUT_MS = 2_000;

function perCallUs(calls: number, fn: () => unknown): number {
  const start = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return ((performance.now() - start) * 1000) / calls;
}

async function throughput(hub: McpHub, callers: number): Promise<number> {
  const gate = new SharedArrayBuffer(4);
  const url = new URL('./workers/bridge-caller.mjs', import.meta.url);
  const workers = Array.from({ length: callers }, () => new Worker(url, { workerData: { handle: hub.handle(), ms: THROUGHPUT_MS, gate } }));
  await Promise.all(workers.map((worker) => once(worker, 'message')));
  const counts = workers.map((worker) => once(worker, 'message').then(([count]) => count as number));
  Atomics.store(new Int32Array(gate), 0, 1);
  Atomics.notify(new Int32Array(gate), 0);
  const total = (await Promise.all(counts)).reduce((a, b) => a + b, 0);
  await Promise.all(workers.map((worker) => worker.terminate()));
  return total / (THROUGHPUT_MS / 1000);
}

const empty = McpHub.start({ mcpServers: {} }, { eventLog: false });
const stdio = McpHub.start({ mcpServers: { stdio: stdioFixtureCommand('bench-stdio') } }, { eventLog: false });
const bridge = new MinimalBridge();
const synckit = createSyncFn<(value: unknown) => unknown>(new URL('./workers/synckit-echo.mjs', import.meta.url).href);
const payload = { text: 'x'.repeat(100 * 1024) };
try {
  const rows = { minimal: [] as number[], synckit: [] as number[], hub: [] as number[] };
  perCallUs(CALLS / 4, () => bridge.call(1));
  perCallUs(CALLS / 4, () => synckit(1));
  perCallUs(CALLS / 4, () => empty.servers());
  for (let round = 0; round < ROUNDS; round++) {
    rows.minimal.push(perCallUs(CALLS, () => bridge.call(1)));
    rows.synckit.push(perCallUs(CALLS, () => synckit(1)));
    rows.hub.push(perCallUs(CALLS, () => empty.servers()));
  }
  perCallUs(50, () => stdio.callTool('stdio', 'echo', payload));
  const big = median(Array.from({ length: ROUNDS }, () => perCallUs(100, () => stdio.callTool('stdio', 'echo', payload))));
  const scaling: [number, number][] = [];
  for (const callers of [1, 2, 4, 8]) scaling.push([callers, await throughput(empty, callers)]);

  const base = median(rows.minimal);
  console.log(
    `\nmcp-sync bridge bench — node ${process.version}, ${availableParallelism()} CPUs, median of ${ROUNDS} rounds × ${CALLS} calls\n`,
  );
  console.log('bridge only (no I/O)                          per call   vs minimal');
  console.log(`  minimal hand-rolled Atomics bridge          ${base.toFixed(1).padStart(6)} µs        1.00`);
  console.log(
    `  synckit createSyncFn                        ${median(rows.synckit).toFixed(1).padStart(6)} µs   ${(median(rows.synckit) / base).toFixed(2).padStart(9)}`,
  );
  console.log(
    `  mcp-sync hub.servers()                      ${median(rows.hub).toFixed(1).padStart(6)} µs   ${(median(rows.hub) / base).toFixed(2).padStart(9)}`,
  );
  console.log(`\n100 KB echo through the bridge (stdio server)  ${(big / 1000).toFixed(2)} ms per call`);
  console.log('\ncallers sharing one I/O worker (no-I/O calls, total)');
  for (const [callers, rate] of scaling)
    console.log(
      `  ${String(callers).padStart(2)} caller${callers === 1 ? ' ' : 's'}   ${Math.round(rate).toLocaleString('en-US').padStart(8)} calls/s`,
    );
} finally {
  empty.close();
  stdio.close();
  await bridge.close();
}
