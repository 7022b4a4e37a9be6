/**
 * `tsx bench/memory.ts` (after `npm run build`): what a hub costs in memory.
 *
 *   (a) Idle servers: host RSS of a hub with 0, 1 and 10 idle connected stdio fixture servers,
 *       each measured in a fresh process after a forced GC (host thread and I/O worker), median
 *       of BENCH_MEMORY_RUNS runs; the RSS per server is the slope. The children's own RSS
 *       (VmRSS of each fixture process) is shown beside it, for reference: it is not the host's.
 *   (b) Calls: host RSS over BENCH_MEMORY_CALLS calls of `echo` on one hub with one stdio server,
 *       from this thread, sampled every tenth: RSS as it is, then after a forced GC, and the
 *       I/O worker's heap used after that GC. Flat means end within 10 % of the middle.
 *
 * The I/O worker's heap is read without product hooks: a tiny module handed to the worker with
 * `--import` (the worker keeps the host's `--import` flags) answers on a BroadcastChannel.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BroadcastChannel } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { McpHub, type CallToolResult } from '../dist/src/index.js';
import { stdioFixtureCommand } from '../test/helpers/servers.js';
import { median } from './median.js';

const RUNS = Number(process.env['BENCH_MEMORY_RUNS'] ?? 5);
const CALLS = Number(process.env['BENCH_MEMORY_CALLS'] ?? 1_000_000);
const SERVER_COUNTS = [0, 1, 10];
const MB = 2 ** 20;
const CHANNEL = 'mcp-sync-bench-memory';

/** Loaded into the I/O worker: on 'gc', collects garbage and answers with its heap. */
const PROBE = `data:text/javascript,${encodeURIComponent(`
  import { BroadcastChannel, isMainThread, workerData } from 'node:worker_threads';
  import v8 from 'node:v8';
  import vm from 'node:vm';
  if (!isMainThread && workerData && typeof workerData === 'object' && 'hubId' in workerData) {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc');
    const channel = new BroadcastChannel(${JSON.stringify(CHANNEL)});
    channel.unref();
    channel.onmessage = () => { gc(); gc(); channel.postMessage({ heapUsed: process.memoryUsage().heapUsed }); };
  }
`)}`;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const probe = new BroadcastChannel(CHANNEL);
probe.unref();

/** Forces a GC here and in the I/O worker; resolves with the worker's heap used (NaN if it did not answer). */
async function collect(): Promise<number> {
  gc();
  gc();
  const answer = new Promise<number>((resolve) => {
    const timer = setTimeout(() => resolve(NaN), 2_000);
    probe.onmessage = (event) => {
      clearTimeout(timer);
      resolve((event as unknown as { data: { heapUsed: number } }).data.heapUsed);
    };
  });
  probe.ref();
  probe.postMessage('gc');
  const heapUsed = await answer;
  probe.unref();
  // Let freed pages go back (V8 unmaps them on a task after the GC).
  await sleep(200);
  gc();
  return heapUsed;
}

function vmRssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? NaN : Number(match[1]) * 1024;
}

const text = (result: CallToolResult): string => (result.content[0]?.type === 'text' ? result.content[0].text : '');

const mb = (bytes: number, digits = 1): string => (bytes / MB).toFixed(digits);

/** One measurement, in this (fresh) process: a hub with `count` idle stdio servers. */
async function idle(count: number): Promise<{ hostRss: number; workerHeap: number; childRss: number[] }> {
  const servers = Object.fromEntries(Array.from({ length: count }, (_, i) => [`idle${i}`, stdioFixtureCommand(`idle${i}`)]));
  const hub = McpHub.start({ mcpServers: servers }, { eventLog: false });
  try {
    const pids = Object.keys(servers).map((name) => Number(text(hub.callTool(name, 'pid', {}))));
    await sleep(1_000); // idle: connected, nothing in flight
    const workerHeap = await collect();
    return { hostRss: process.memoryUsage.rss(), workerHeap, childRss: pids.map(vmRssBytes) };
  } finally {
    hub.close();
  }
}

/** Host RSS over `calls` calls on one hub with one stdio server. */
async function overCalls(calls: number): Promise<void> {
  const hub = McpHub.start({ mcpServers: { local: stdioFixtureCommand('local') } }, { eventLog: false });
  const step = Math.max(1, Math.floor(calls / 10));
  const rows: Record<string, string | number>[] = [];
  const afterGc: number[] = [];
  try {
    for (let i = 0; i <= calls; i++) {
      if (i % step === 0 || i === calls) {
        const rss = process.memoryUsage.rss();
        const workerHeap = await collect();
        afterGc.push(process.memoryUsage.rss());
        rows.push({ calls: i, 'RSS MB': mb(rss), 'RSS after GC MB': mb(afterGc.at(-1)!), 'worker heap MB': mb(workerHeap, 2) });
      }
      if (i < calls) hub.callTool('local', 'echo', { text: `call-${i}` });
    }
  } finally {
    hub.close();
  }
  console.log(`\n(b) ${calls} calls of echo on one hub, one stdio server, one caller thread:`);
  console.table(rows);
  const [start, middle, end] = [afterGc[0]!, afterGc[Math.floor(afterGc.length / 2)]!, afterGc.at(-1)!];
  const drift = ((end - middle) / middle) * 100;
  console.log(
    `RSS after GC start/middle/end: ${mb(start, 0)}/${mb(middle, 0)}/${mb(end, 0)} MB; end vs middle ${drift >= 0 ? '+' : ''}${drift.toFixed(1)} % (${Math.abs(drift) <= 10 ? 'flat' : 'NOT flat'} within 10 %)`,
  );
}

async function main(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const results = new Map<number, { hostRss: number[]; workerHeap: number[]; childRss: number[] }>(
    SERVER_COUNTS.map((n) => [n, { hostRss: [], workerHeap: [], childRss: [] }]),
  );
  console.error(`(a) idle servers: ${SERVER_COUNTS.join(', ')} servers × ${RUNS} runs, each in a fresh process …`);
  for (let run = 0; run < RUNS; run++) {
    for (const n of SERVER_COUNTS) {
      const child = spawnSync(process.execPath, [...process.execArgv, '--import', PROBE, self, 'idle', String(n)], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`idle run with ${n} servers failed: ${child.stderr}`);
      const one = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Awaited<ReturnType<typeof idle>>;
      const into = results.get(n)!;
      into.hostRss.push(one.hostRss);
      into.workerHeap.push(one.workerHeap);
      into.childRss.push(...one.childRss);
    }
  }
  const base = results.get(0)!;
  const rows = SERVER_COUNTS.map((n) => {
    const r = results.get(n)!;
    const perServer = (values: number[], base: number[], digits = 1): string =>
      n === 0 ? '' : mb((median(values) - median(base)) / n, digits);
    return {
      servers: n,
      'host RSS MB': mb(median(r.hostRss)),
      'spread MB': `${mb(Math.min(...r.hostRss))}–${mb(Math.max(...r.hostRss))}`,
      'host RSS per server MB': perServer(r.hostRss, base.hostRss),
      'worker heap MB': mb(median(r.workerHeap), 2),
      'worker heap per server MB': perServer(r.workerHeap, base.workerHeap, 2),
      'child RSS MB (each, median)': n === 0 ? '' : mb(median(r.childRss)),
    };
  });
  console.log(`mcp-sync memory — node ${process.version}, median of ${RUNS} runs, after a forced GC (host thread and I/O worker)\n`);
  console.log('(a) a hub with idle connected stdio fixture servers:');
  console.table(rows);
  // (b) in a fresh process too, with the probe in its worker.
  const calls = spawnSync(process.execPath, [...process.execArgv, '--import', PROBE, self, 'calls', String(CALLS)], {
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (calls.status !== 0) throw new Error('the calls run failed');
}

const [mode, arg] = process.argv.slice(2);
if (mode === 'idle') console.log(JSON.stringify(await idle(Number(arg))));
else if (mode === 'calls') await overCalls(Number(arg));
else await main();
