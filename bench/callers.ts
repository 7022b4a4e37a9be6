/**
 * `npx tsx bench/callers.ts` (after `npm run build`): many callers. N = 1, 2, 4, 8 piscina threads,
 * each attached once to one hub, call `echo` in a loop through it (sync) for a fixed time, started
 * together through a gate; next to the SDK's v2 async Client on the main thread with the same N
 * calls in flight (N async loops, each awaiting callTool). Over stdio and over loopback HTTP; then
 * with CPU-bound callers — W of synchronous work before each call, in each thread for the hub, and
 * in each async loop for the Client, where it all serializes on one event loop and stalls its I/O.
 * The floor is the same caller threads, each behind its own minimal bridge to the SDK's client in
 * one worker (bench/sdk-floor.ts): what any design with blocking callers and one I/O worker pays.
 * Interleaved rounds; prints medians, and the min–max spread over rounds of hub/async and hub/floor.
 * BENCH_ROUNDS (default 3) and BENCH_MS (per measurement, default 400) adjust the run.
 */
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Piscina } from 'piscina';
import { McpHub, type HubHandle } from '../dist/src/index.js';
import { startHttpFixture, stdioFixtureCommand } from '../test/helpers/servers.js';
import { SdkFloor } from './sdk-floor.js';
import { median } from './median.js';
import { countListenerWarnings } from './listener-warnings.mjs';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const MS = Number(process.env['BENCH_MS'] ?? 400);
const CALLERS = [1, 2, 4, 8];
/** Synchronous CPU work per call, in µs: none, then callers that are CPU-bound. */
const WORK_US = [0, 200, 1000];
const listenerWarnings = countListenerWarnings();
const TASK = fileURLToPath(new URL('./workers/callers-task.mjs', import.meta.url));
const args = { text: 'hello' };

interface Run {
  /** Calls per second, all callers together. */
  rate: number;
  /** Mean time from a call's start to its result, in µs (for async: until its await resumes). */
  waitUs: number;
}
interface TaskResult {
  calls: number;
  elapsedMs: number;
  waitMs: number;
}

/** "200 µs", "1 ms". */
const workLabel = (us: number): string => (us >= 1000 ? `${us / 1000} ms` : `${us} µs`);

function busy(us: number): void {
  for (const end = performance.now() + us / 1000; performance.now() < end;) Math.sqrt(Math.random());
}

/** How a pool thread reaches the server: the hub's handle, or a channel of its own to the floor. */
type Via = { handle: HubHandle } | { floor: SdkFloor };

/** N pool threads call `server` through the hub or the floor for `ms`, released together. */
async function threadsRun(pool: Piscina, via: Via, server: string, callers: number, workUs: number, ms: number): Promise<Run> {
  const gate = new SharedArrayBuffer(8);
  const word = new Int32Array(gate);
  const run = (): Promise<TaskResult> => {
    const task = { server, ms, workUs, gate };
    if ('handle' in via) return pool.run({ ...task, handle: via.handle }) as Promise<TaskResult>;
    const floor = via.floor.caller();
    return pool.run({ ...task, floor }, { transferList: [floor.port] }) as Promise<TaskResult>;
  };
  const tasks = Array.from({ length: callers }, run);
  try {
    while (Atomics.load(word, 0) < callers) await Promise.race([sleep(1), ...tasks]);
  } finally {
    // Open the gate even if a thread failed, so the others are not left waiting at it.
    Atomics.store(word, 1, 1);
    Atomics.notify(word, 1);
  }
  const done = await Promise.all(tasks);
  const calls = done.reduce((sum, t) => sum + t.calls, 0);
  return {
    rate: done.reduce((sum, t) => sum + (t.calls * 1000) / t.elapsedMs, 0),
    waitUs: (done.reduce((sum, t) => sum + t.waitMs, 0) * 1000) / calls,
  };
}

/** N async loops on this thread, each awaiting `client.callTool` in turn, for `ms`. */
async function asyncRun(client: Client, callers: number, workUs: number, ms: number): Promise<Run> {
  let [calls, waitMs] = [0, 0];
  const start = performance.now();
  const loop = async (): Promise<void> => {
    while (performance.now() < start + ms) {
      busy(workUs);
      const sent = performance.now();
      await client.callTool({ name: 'echo', arguments: args });
      waitMs += performance.now() - sent;
      calls++;
    }
  };
  await Promise.all(Array.from({ length: callers }, loop));
  return { rate: (calls * 1000) / (performance.now() - start), waitUs: (waitMs * 1000) / calls };
}

interface Row {
  label: string;
  hub: Run[];
  floor: Run[];
  async: Run[];
}

async function main(): Promise<void> {
  const http = await startHttpFixture({ name: 'bench-http' });
  const stdio = stdioFixtureCommand('bench-stdio');
  const hub = McpHub.start({ mcpServers: { stdio, http: { url: http.url } } }, { eventLog: false });
  const pool = new Piscina({ filename: TASK, minThreads: Math.max(...CALLERS), maxThreads: Math.max(...CALLERS) });
  const sdk = { stdio: new Client({ name: 'bench', version: '2' }), http: new Client({ name: 'bench', version: '2' }) };
  // The floor's calls carry a deadline, as the hub's do (see bench/run.ts).
  const floors = {
    stdio: await SdkFloor.start(stdio, { deadline: true }),
    http: await SdkFloor.start({ url: http.url }, { deadline: true }),
  };
  const rows: Row[] = [];
  try {
    await sdk.stdio.connect(new StdioClientTransport({ ...stdio, stderr: 'ignore' }));
    await sdk.http.connect(new StreamableHTTPClientTransport(new URL(http.url)));
    const cases = (['stdio', 'http'] as const).flatMap((server) =>
      WORK_US.flatMap((workUs) => CALLERS.map((callers) => ({ server, workUs, callers }))),
    );
    for (const { server, workUs, callers } of cases) {
      const work = workUs === 0 ? '' : ` + ${workLabel(workUs)} CPU`;
      rows.push({ label: `${server} echo${work}, ${callers} caller${callers === 1 ? '' : 's'}`, hub: [], floor: [], async: [] });
    }
    console.error(`${cases.length} cases × 3 × ${ROUNDS} rounds × ${MS} ms …`);
    // Warm-up: every pool thread attaches, the clients and the JIT settle.
    for (const server of ['stdio', 'http'] as const) {
      await threadsRun(pool, { handle: hub.handle() }, server, Math.max(...CALLERS), 0, MS / 2);
      await threadsRun(pool, { floor: floors[server] }, server, Math.max(...CALLERS), 0, MS / 2);
      await asyncRun(sdk[server], Math.max(...CALLERS), 0, MS / 2);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, { server, workUs, callers }] of cases.entries()) {
        rows[i]!.hub.push(await threadsRun(pool, { handle: hub.handle() }, server, callers, workUs, MS));
        rows[i]!.floor.push(await threadsRun(pool, { floor: floors[server] }, server, callers, workUs, MS));
        rows[i]!.async.push(await asyncRun(sdk[server], callers, workUs, MS));
      }
    }
  } finally {
    await pool.destroy();
    hub.close();
    await Promise.all([sdk.stdio.close(), sdk.http.close(), floors.stdio.close(), floors.http.close()]);
    await http.stop();
  }
  print(rows);
}

function print(rows: Row[]): void {
  const cpus = availableParallelism();
  console.log(`\nmcp-sync callers bench — node ${process.version}, ${cpus} CPUs (availableParallelism)`);
  console.log(`median of ${ROUNDS} interleaved rounds × ${MS} ms per figure; spread: slowest–fastest round`);
  console.log(`hub: N piscina threads, each attached once, calling hub.callTool (sync) in a loop`);
  console.log(`floor: the same threads, each through its own minimal bridge to the SDK's v2 Client in one worker (bench/sdk-floor.ts)`);
  console.log(`async: the SDK's v2 Client on the main thread, N calls in flight (N loops, each awaiting callTool)`);
  console.log(`ratios: medians of the per-round ratios; wait: mean µs from a call's start to its result (async: until its await resumes)`);
  if (cpus < 8) console.log(`(with ${cpus} CPUs, ${CALLERS.filter((n) => n > cpus).join(' and ')} caller threads are oversubscribed)`);
  const width = Math.max(...rows.map((row) => row.label.length));
  const widths = [8, 8, 8, 9, 11, 9, 11, 9, 10];
  const header = ['hub/s', 'floor/s', 'async/s', 'hub/async', 'spread', 'hub/floor', 'spread', 'hub wait', 'async wait'];
  const line = (label: string, cells: string[]): void =>
    console.log(`${label.padEnd(width)}  ${cells.map((cell, i) => cell.padStart(widths[i]!)).join('  ')}`);
  const count = (n: number): string => Math.round(n).toLocaleString('en-US');
  const ratio = (n: number): string => n.toFixed(2);
  const spread = (values: number[]): string => `${ratio(Math.min(...values))}–${ratio(Math.max(...values))}`;
  for (const [i, row] of rows.entries()) {
    if (i % CALLERS.length === 0) {
      console.log('');
      line('', header);
    }
    const [hub, floor, async] = [row.hub, row.floor, row.async].map((runs) => runs.map((r) => r.rate)) as [number[], number[], number[]];
    const vsAsync = hub.map((rate, round) => rate / async[round]!);
    const vsFloor = hub.map((rate, round) => rate / floor[round]!);
    line(row.label, [
      count(median(hub)),
      count(median(floor)),
      count(median(async)),
      ratio(median(vsAsync)),
      spread(vsAsync),
      ratio(median(vsFloor)),
      spread(vsFloor),
      `${median(row.hub.map((r) => r.waitUs)).toFixed(0)} µs`,
      `${median(row.async.map((r) => r.waitUs)).toFixed(0)} µs`,
    ]);
  }
  const ceilings = WORK_US.filter((us) => us > 0).map((us) => `${workLabel(us)}: ${count(1e6 / us)}`);
  console.log(`\nWith W µs of CPU work per call, one event loop never passes 1e6/W calls/s (${ceilings.join(', ')}) however many`);
  console.log(`calls are in flight: each answer waits behind the other loops' work (async wait). Threads share ${cpus} CPUs.`);
  if (listenerWarnings() > 0)
    console.log(`(${listenerWarnings()} MaxListenersExceededWarning from the SDK's async HTTP client's abort-listener leak)`);
}

await main();
