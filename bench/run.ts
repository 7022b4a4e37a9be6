/**
 * `npm run bench`: the cost of calling MCP synchronously through mcp-sync, next to the SDK's own
 * async Client against the same server — the v2 Client the worker uses (the baseline), and the
 * 1.x one — and next to the floor of the design: the same v2 Client in a worker thread behind the
 * smallest Atomics bridge (bench/sdk-floor.ts). Measured in one process, in many short interleaved
 * rounds (so load from the rest of the machine hits them all alike: each case's round is a few
 * tens of milliseconds from the others'). Prints per-call medians, the spread over rounds (10th to
 * 90th percentile), and ratios to the SDK and to the floor.
 */
import { availableParallelism } from 'node:os';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as V1StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport as V1StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpHub } from '../dist/src/index.js';
import { startHttpFixture, stdioFixtureCommand } from '../test/helpers/servers.js';
import { MinimalBridge } from './minimal-bridge.js';
import { SdkFloor } from './sdk-floor.js';
import { median, quantile } from './median.js';
import { roundOrder, timeCalls } from './measure.js';
import { countListenerWarnings } from './listener-warnings.mjs';

/**
 * Many short rounds rather than a few long ones: on a noisy 2-core machine, load comes and goes
 * within seconds, and only cases measured close together in time meet the same load. With 7
 * rounds of 2,000 calls the median of stdio hub/floor moved by ~0.1 between runs; with 60 of 200,
 * by a few hundredths (bench/README.md).
 */
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 60);
/**
 * The bridge alone keeps long rounds: how long two threads ping-pong decides whether the scheduler
 * has put them on one vCPU yet, and a bare round trip costs 13–30 µs before that, 40–47 after
 * (bench/README.md). Long rounds measure the settled case, as a program calling all day would.
 */
const BRIDGE_ROUNDS = 7;
/** The floor's row: the v2 Client in a worker behind the minimal bridge. */
const FLOOR = 'floor: SDK v2 in a worker, minimal bridge (sync)';
/** The same, each call with an abort signal and a timeout (what a call that must not hang needs). */
const FLOOR_DEADLINE = 'floor + a deadline per call (signal, timeout)';
const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);

interface Row {
  name: string;
  baseline: string;
  perCallUs: number[];
  /** CPU time of this process per call (caller and worker threads; not the server's process). */
  cpuUs: number[];
}
const rows: Row[] = [];

/** How a group runs: `rounds` of `calls` calls per case, after `warmUp` calls of each. */
interface Plan {
  rounds: number;
  calls: number;
  warmUp: number;
}

/** Runs `baseline` and each subject in alternating rounds after a warm-up; records them all. */
async function compare(
  group: string,
  { rounds, calls, warmUp }: Plan,
  baseline: [string, () => unknown],
  ...subjects: [string, () => unknown][]
): Promise<void> {
  const cases = [baseline, ...subjects];
  console.error(`${group}: ${calls} calls × ${rounds} rounds × ${cases.length} cases …`);
  for (const [, fn] of cases) await timeCalls(warmUp, fn);
  const base: Row = { name: `${group}: ${baseline[0]}`, baseline: '', perCallUs: [], cpuUs: [] };
  const measured = [base, ...subjects.map(([name]): Row => ({ name: `${group}: ${name}`, baseline: base.name, perCallUs: [], cpuUs: [] }))];
  for (let round = 0; round < rounds; round++) {
    for (const i of roundOrder(round, cases.length)) {
      const [wall, cpu] = await timeCalls(calls, cases[i]![1]);
      measured[i]!.perCallUs.push(wall);
      measured[i]!.cpuUs.push(cpu);
    }
  }
  rows.push(...measured);
}

const listenerWarnings = countListenerWarnings();

async function main(): Promise<void> {
  const http = await startHttpFixture({ name: 'bench-http' });
  const stdio = stdioFixtureCommand('bench-stdio');
  const hub = McpHub.start({ mcpServers: { stdio, http: { url: http.url } } });
  // The baseline is the SDK client the worker itself uses (v2); the 1.x client is shown beside it.
  const sdkStdio = new Client({ name: 'bench', version: '2' });
  await sdkStdio.connect(new StdioClientTransport({ ...stdio, stderr: 'ignore' }));
  const sdkHttp = new Client({ name: 'bench', version: '2' });
  await sdkHttp.connect(new StreamableHTTPClientTransport(new URL(http.url)));
  const v1Stdio = new V1Client({ name: 'bench', version: '1' });
  await v1Stdio.connect(new V1StdioClientTransport({ ...stdio, stderr: 'ignore' }));
  const v1Http = new V1Client({ name: 'bench', version: '1' });
  await v1Http.connect(new V1StreamableHTTPClientTransport(new URL(http.url)));
  const bridge = new MinimalBridge();
  const [floorStdio, floorHttp, deadlineStdio, deadlineHttp] = await Promise.all([
    SdkFloor.start(stdio),
    SdkFloor.start({ url: http.url }),
    SdkFloor.start(stdio, { deadline: true }),
    SdkFloor.start({ url: http.url }, { deadline: true }),
  ]);
  const args = { text: 'hello' };
  try {
    await compare(
      'stdio echo',
      { rounds: ROUNDS, calls: 200 * SCALE, warmUp: 1_000 * SCALE },
      ['SDK v2 Client.callTool (async)', () => sdkStdio.callTool({ name: 'echo', arguments: args })],
      ['SDK 1.x Client.callTool (async)', () => v1Stdio.callTool({ name: 'echo', arguments: args })],
      [FLOOR, () => floorStdio.callTool('echo', args)],
      [FLOOR_DEADLINE, () => deadlineStdio.callTool('echo', args)],
      ['hub.callTool (sync)', () => hub.callTool('stdio', 'echo', args)],
    );
    await compare(
      'http echo',
      { rounds: ROUNDS, calls: 40 * SCALE, warmUp: 200 * SCALE },
      ['SDK v2 Client.callTool (async)', () => sdkHttp.callTool({ name: 'echo', arguments: args })],
      ['SDK 1.x Client.callTool (async)', () => v1Http.callTool({ name: 'echo', arguments: args })],
      [FLOOR, () => floorHttp.callTool('echo', args)],
      [FLOOR_DEADLINE, () => deadlineHttp.callTool('echo', args)],
      ['hub.callTool (sync)', () => hub.callTool('http', 'echo', args)],
    );
    await compare(
      'bridge only',
      { rounds: BRIDGE_ROUNDS, calls: 10_000 * SCALE, warmUp: 5_000 * SCALE },
      ['minimal hand-rolled Atomics bridge', () => bridge.call(args)],
      ['hub.servers() (no I/O)', () => hub.servers()],
    );
  } finally {
    hub.close();
    await Promise.all([
      sdkStdio.close(),
      sdkHttp.close(),
      v1Stdio.close(),
      v1Http.close(),
      bridge.close(),
      floorStdio.close(),
      floorHttp.close(),
      deadlineStdio.close(),
      deadlineHttp.close(),
    ]);
    await http.stop();
  }
  print();
}

function print(): void {
  const rounds = `median of ${ROUNDS} short interleaved rounds (the bridge alone: ${BRIDGE_ROUNDS} long ones)`;
  console.log(`mcp-sync bench — node ${process.version}, ${availableParallelism()} CPUs, ${rounds}`);
  console.log('');
  const width = Math.max(...rows.map((row) => row.name.length));
  const header = ['per call', 'spread', 'vs SDK', 'added', 'vs floor', 'CPU/call', 'vs floor'];
  const widths = [10, 15, 6, 9, 8, 10, 8];
  console.log(`${'case'.padEnd(width)}  ${header.map((title, i) => title.padStart(widths[i]!)).join('  ')}`);
  for (const row of rows) {
    const value = median(row.perCallUs);
    const base = rows.find((other) => other.name === row.baseline);
    const group = row.name.slice(0, row.name.indexOf(':'));
    const floor = rows.find((other) => other.name === `${group}: ${FLOOR}`);
    const spread = `${quantile(row.perCallUs, 0.1).toFixed(0)}–${quantile(row.perCallUs, 0.9).toFixed(0)} µs`;
    const ratio = base === undefined ? '' : (value / median(base.perCallUs)).toFixed(2);
    const added = base === undefined ? '' : `${(value - median(base.perCallUs)).toFixed(0)} µs`;
    const besideFloor = floor !== undefined && floor !== row && !row.name.includes('SDK');
    const vsFloor = besideFloor ? (value / median(floor.perCallUs)).toFixed(2) : '';
    const cpu = median(row.cpuUs);
    const cpuVsFloor = besideFloor ? (cpu / median(floor.cpuUs)).toFixed(2) : '';
    const cells = [`${value.toFixed(1)} µs`, spread, ratio, added, vsFloor, `${cpu.toFixed(1)} µs`, cpuVsFloor];
    console.log(`${row.name.padEnd(width)}  ${cells.map((cell, i) => cell.padStart(widths[i]!)).join('  ')}`);
  }
  // Per round, the hub over each floor: how steady the ratio is, not just its median.
  console.log('');
  console.log('hub / floor per round:             10th    25th  median    75th    90th  rounds ≤ 1.05');
  for (const group of ['stdio echo', 'http echo']) {
    const hub = rows.find((row) => row.name === `${group}: hub.callTool (sync)`);
    for (const [label, name] of [
      ['floor', FLOOR],
      ['floor + deadline', FLOOR_DEADLINE],
    ] as const) {
      const floor = rows.find((row) => row.name === `${group}: ${name}`);
      if (hub === undefined || floor === undefined) continue;
      for (const [what, of] of [
        ['time', (row: Row) => row.perCallUs],
        ['CPU', (row: Row) => row.cpuUs],
      ] as const) {
        const ratios = of(hub).map((us, i) => us / of(floor)[i]!);
        const shown = [0.1, 0.25, 0.5, 0.75, 0.9].map((q) => quantile(ratios, q).toFixed(2).padStart(6)).join('  ');
        const within = `${ratios.filter((r) => r <= 1.05).length}/${ratios.length}`.padStart(14);
        console.log(`${`${group}, ${label}, ${what}:`.padEnd(34)}${shown}  ${within}`);
      }
    }
  }
  if (listenerWarnings() > 0)
    console.log(`\n(${listenerWarnings()} MaxListenersExceededWarning from the SDK 1.x client's abort-listener leak)`);
}

await main();
