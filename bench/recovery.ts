/**
 * `npm run bench:recovery` (also the tail of `npm run bench`): how long a caller waits when a
 * server fails under the hub — an HTTP server forgets every session, a stdio child dies — next to
 * a plain call on a live session and to what one fresh SDK connection costs, all measured in this
 * process on loopback, in interleaved trials (load from the rest of the machine hits every case
 * alike). Prints p50/p99 per case.
 */
import { availableParallelism } from 'node:os';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpHub, McpSyncError } from '../dist/src/index.js';
import { startHttpFixture, stdioFixtureCommand } from '../test/helpers/servers.js';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const HTTP_TRIALS = Math.max(200, Math.round(300 * SCALE));
const STDIO_TRIALS = Math.max(50, Math.round(60 * SCALE));
/** Live-session calls per trial: cheap, so more samples for their p99. */
const LIVE_PER_TRIAL = 4;
const WARMUP_TRIALS = 10;
const ARGS = { text: 'hello' };

interface Case {
  name: string;
  samplesMs: number[];
}

function newCase(name: string): Case {
  return { name, samplesMs: [] };
}

/** Runs `fn`, adding its duration to `into` unless this is a warm-up trial. */
async function timed(into: Case, record: boolean, fn: () => unknown): Promise<void> {
  const start = performance.now();
  await fn();
  if (record) into.samplesMs.push(performance.now() - start);
}

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** One fresh SDK client: connect (initialize), optionally tools/list as the hub's re-init does, call; close untimed. */
async function freshConnect(
  into: Case,
  record: boolean,
  transport: () => StdioClientTransport | StreamableHTTPClientTransport,
  list: boolean,
) {
  const client = new Client({ name: 'bench', version: '1' });
  await timed(into, record, async () => {
    await client.connect(transport());
    if (list) await client.listTools();
    await client.callTool({ name: 'echo', arguments: ARGS });
  });
  await client.close();
}

function generation(hub: McpHub, server: string): number {
  return hub.servers().find((info) => info.name === server)?.generation ?? NaN;
}

async function benchHttp(): Promise<Case[]> {
  const http = await startHttpFixture({ name: 'bench-http' });
  const hub = McpHub.start({ mcpServers: { http: { url: http.url } } }, { eventLog: false });
  const live = newCase('http   hub.callTool, live session');
  const recover = newCase('http   sessions dropped → hub.callTool returns (404, re-init, retry)');
  const fresh = newCase('http   SDK fresh connect → callTool');
  const freshList = newCase('http   SDK fresh connect → tools/list → callTool');
  const transport = () => new StreamableHTTPClientTransport(new URL(http.url));
  let skipped = 0;
  try {
    for (let trial = -WARMUP_TRIALS; trial < HTTP_TRIALS; trial++) {
      const record = trial >= 0;
      for (let i = 0; i < LIVE_PER_TRIAL; i++) await timed(live, record, () => hub.callTool('http', 'echo', ARGS));
      const before = generation(hub, 'http');
      await http.dropSessions();
      await timed(recover, record, () => hub.callTool('http', 'echo', ARGS));
      // Every recorded trial must have re-initialised exactly once, on the caller's own call.
      if (generation(hub, 'http') !== before + 1) skipped++;
      await freshConnect(fresh, record, transport, false);
      await freshConnect(freshList, record, transport, true);
    }
  } finally {
    hub.close();
    await http.stop();
  }
  if (skipped > 0) console.log(`(http: ${skipped} trials did not re-initialise exactly once)`);
  return [live, recover, fresh, freshList];
}

async function benchStdio(): Promise<Case[]> {
  const stdio = stdioFixtureCommand('bench-stdio');
  // healthyResetMs 0: every death is a new outage whose first reconnect is immediate (with the
  // default 60 s, back-to-back deaths would wait out the reconnect backoff from the second on).
  const hub = McpHub.start({ mcpServers: { stdio } }, { eventLog: false, recovery: { healthyResetMs: 0 } });
  const live = newCase('stdio  hub.callTool, live child');
  const recover = newCase('stdio  child dies (die tool) → next hub.callTool returns');
  const noticed = newCase('stdio    of which: the die call ends OUTCOME_UNCERTAIN (death seen)');
  const respawn = newCase('stdio    of which: next call waits for respawn + re-init, runs');
  const fresh = newCase('stdio  SDK fresh spawn + connect → callTool');
  const freshList = newCase('stdio  SDK fresh spawn + connect → tools/list → callTool');
  const transport = () => new StdioClientTransport({ ...stdio, stderr: 'ignore' });
  try {
    for (let trial = -WARMUP_TRIALS; trial < STDIO_TRIALS; trial++) {
      const record = trial >= 0;
      for (let i = 0; i < LIVE_PER_TRIAL; i++) await timed(live, record, () => hub.callTool('stdio', 'echo', ARGS));
      const start = performance.now();
      // The child exits while running `die`: that call breaks mid-call (not retried); the hub is
      // already reconnecting when it returns, and the next call waits for the new child.
      await timed(noticed, record, () => {
        try {
          hub.callTool('stdio', 'die');
        } catch (error) {
          if (!(error instanceof McpSyncError && error.code === 'OUTCOME_UNCERTAIN')) throw error;
        }
      });
      await timed(respawn, record, () => hub.callTool('stdio', 'echo', ARGS));
      if (record) recover.samplesMs.push(performance.now() - start);
      await freshConnect(fresh, record, transport, false);
      await freshConnect(freshList, record, transport, true);
    }
  } finally {
    hub.close();
  }
  return [live, recover, noticed, respawn, fresh, freshList];
}

function print(cases: Case[]): void {
  console.log(`mcp-sync recovery bench — node ${process.version}, ${availableParallelism()} CPUs, loopback`);
  console.log('command: npm run bench:recovery (also run by npm run bench)');
  console.log('');
  const width = Math.max(...cases.map((row) => row.name.length));
  console.log(`${'case'.padEnd(width)}  ${'trials'.padStart(6)}  ${'p50'.padStart(9)}  ${'p99'.padStart(9)}`);
  for (const row of cases) {
    const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 1)} ms`.padStart(9);
    console.log(
      `${row.name.padEnd(width)}  ${String(row.samplesMs.length).padStart(6)}  ${ms(percentile(row.samplesMs, 50))}  ${ms(percentile(row.samplesMs, 99))}`,
    );
  }
  console.log('');
  console.log('Each trial, interleaved: live calls, one fault + the next call, one fresh SDK connection of each kind.');
  console.log("Fresh connections are closed untimed; the hub's re-init also runs tools/list (discovery), hence both baselines.");
  console.log('Session expiry: the first re-init is immediate (default recovery options).');
  console.log('stdio: recovery { healthyResetMs: 0 }, so each death is a fresh outage whose first reconnect is immediate.');
}

const http = await benchHttp();
const stdio = await benchStdio();
print([...http, ...stdio]);
const p50 = (row: Case | undefined): number => percentile(row?.samplesMs ?? [], 50);
const added = (row: Case | undefined, base: Case | undefined): string => {
  const ms = p50(row) - p50(base);
  return `${ms < 0 ? '−' : '+'}${Math.abs(ms).toFixed(1)} ms`;
};
console.log(
  `recovery p50 vs a fresh connect + tools/list + call p50: http ${added(http[1], http[3])} (the failed request it retries), ` +
    `stdio ${added(stdio[3], stdio[5])} once the death is seen.`,
);
