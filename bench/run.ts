/**
 * `npm run bench`: the cost of calling MCP synchronously through mcp-sync, next to the SDK's own
 * async Client against the same server, measured in one process, in interleaved rounds (so load
 * from the rest of the machine hits both sides alike). Prints per-call medians and ratios.
 */
import { availableParallelism } from 'node:os';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpHub } from '../dist/src/index.js';
import { startHttpFixture, stdioFixtureCommand } from '../test/helpers/servers.js';
import { MinimalBridge } from './minimal-bridge.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);
const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);

interface Row {
  name: string;
  baseline: string;
  perCallUs: number[];
}
const rows: Row[] = [];

/** Per-call time of `fn` over `calls` calls, in microseconds. */
async function timeCalls(calls: number, fn: () => unknown): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < calls; i++) await fn();
  return ((performance.now() - start) * 1000) / calls;
}

/** Runs `baseline` and `subject` in alternating rounds after a warm-up; records both. */
async function compare(group: string, calls: number, baseline: [string, () => unknown], subject: [string, () => unknown]): Promise<void> {
  await timeCalls(Math.ceil(calls / 2), baseline[1]);
  await timeCalls(Math.ceil(calls / 2), subject[1]);
  const a: Row = { name: `${group}: ${baseline[0]}`, baseline: '', perCallUs: [] };
  const b: Row = { name: `${group}: ${subject[0]}`, baseline: a.name, perCallUs: [] };
  for (let round = 0; round < ROUNDS; round++) {
    a.perCallUs.push(await timeCalls(calls, baseline[1]));
    b.perCallUs.push(await timeCalls(calls, subject[1]));
  }
  rows.push(a, b);
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

// The SDK's own HTTP client (the baseline) leaks one abort listener per request on its shared
// signal; mcp-sync's transports do not (workers/transport/guarded-fetch.ts). Count the warnings instead
// of letting them bury the table.
let listenerWarnings = 0;
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name === 'MaxListenersExceededWarning') listenerWarnings++;
  else console.warn(warning);
});

async function main(): Promise<void> {
  const http = await startHttpFixture({ name: 'bench-http' });
  const stdio = stdioFixtureCommand('bench-stdio');
  const hub = McpHub.start({ mcpServers: { stdio, http: { url: http.url } } });
  const sdkStdio = new Client({ name: 'bench', version: '1' });
  await sdkStdio.connect(new StdioClientTransport({ ...stdio, stderr: 'ignore' }));
  const sdkHttp = new Client({ name: 'bench', version: '1' });
  await sdkHttp.connect(new StreamableHTTPClientTransport(new URL(http.url)));
  const bridge = new MinimalBridge();
  const args = { text: 'hello' };
  try {
    await compare(
      'stdio echo',
      2000 * SCALE,
      ['SDK Client.callTool (async)', () => sdkStdio.callTool({ name: 'echo', arguments: args })],
      ['hub.callTool (sync)', () => hub.callTool('stdio', 'echo', args)],
    );
    await compare(
      'http echo',
      400 * SCALE,
      ['SDK Client.callTool (async)', () => sdkHttp.callTool({ name: 'echo', arguments: args })],
      ['hub.callTool (sync)', () => hub.callTool('http', 'echo', args)],
    );
    await compare(
      'bridge only',
      10_000 * SCALE,
      ['minimal hand-rolled Atomics bridge', () => bridge.call(args)],
      ['hub.servers() (no I/O)', () => hub.servers()],
    );
  } finally {
    hub.close();
    await Promise.all([sdkStdio.close(), sdkHttp.close(), bridge.close()]);
    await http.stop();
  }
  print();
}

function print(): void {
  console.log(`mcp-sync bench — node ${process.version}, ${availableParallelism()} CPUs, median of ${ROUNDS} interleaved rounds`);
  console.log('');
  const width = Math.max(...rows.map((row) => row.name.length));
  console.log(`${'case'.padEnd(width)}  ${'per call'.padStart(10)}  ${'ratio'.padStart(6)}  ${'added'.padStart(9)}`);
  for (const row of rows) {
    const value = median(row.perCallUs);
    const base = rows.find((other) => other.name === row.baseline);
    const ratio = base === undefined ? '' : (value / median(base.perCallUs)).toFixed(2);
    const added = base === undefined ? '' : `${(value - median(base.perCallUs)).toFixed(0)} µs`;
    console.log(`${row.name.padEnd(width)}  ${`${value.toFixed(1)} µs`.padStart(10)}  ${ratio.padStart(6)}  ${added.padStart(9)}`);
  }
  if (listenerWarnings > 0)
    console.log(`\n(${listenerWarnings} MaxListenersExceededWarning from the SDK baseline client's abort-listener leak)`);
}

await main();
