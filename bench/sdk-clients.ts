/**
 * `npx tsx bench/sdk-clients.ts`: the SDK's 1.x Client and its v2 Client side by side, async, in
 * one process, interleaved: `echo` over stdio — the SDK's transports, mcp-sync's own stdio
 * transport, and the client opened and called as the worker does (open-client.ts; a signal and
 * deadlines on every call) — what the SDK itself costs per call, before any thread crossing.
 * Needs `npm run build`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as V1Stdio } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Client as V2Client } from '@modelcontextprotocol/client';
import { StdioClientTransport as V2Stdio } from '@modelcontextprotocol/client/stdio';
import { loadConfig } from '../dist/src/index.js';
import { createTransport } from '../dist/workers/transport/create-transport.js';
import { secureLogDir } from '../dist/workers/logs/log-files.js';
import { ServerLog } from '../dist/workers/logs/server-log.js';
import { stdioFixtureCommand } from '../test/helpers/servers.js';
import { openAsWorker } from './workers/open-as-worker.mjs';
import { median } from './median.js';
import { timeCalls } from './measure.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);
const CALLS = 2_000;

/** What the worker gives every call: its own signal, and the deadline as timeout and cap. */
const workerOptions = () => ({ signal: new AbortController().signal, timeout: 120_000, maxTotalTimeout: 120_000 });

const { command, args } = stdioFixtureCommand('sdk-bench');
const v1 = new V1Client({ name: 'bench', version: '1' });
await v1.connect(new V1Stdio({ command, args, stderr: 'ignore' }));
const v2 = new V2Client({ name: 'bench', version: '2' });
await v2.connect(new V2Stdio({ command, args, stderr: 'ignore' }));
// The v2 Client over mcp-sync's own stdio transport, plain, and as the worker opens it (open-client.ts).
const [config] = loadConfig({ mcpServers: { s: { command, args } } });
const logDir = mkdtempSync(join(tmpdir(), 'mcp-sync-bench-'));
secureLogDir(logDir);
const hooks = { log: new ServerLog(logDir, 's'), report: () => undefined, onSpawn: () => undefined };
const ours = new V2Client({ name: 'bench', version: '2' });
await ours.connect(createTransport(config!, hooks) as never);
const worker = await openAsWorker({ command, args });
const params = { name: 'echo', arguments: { text: 'hi' } };
const cases: [string, () => Promise<unknown>][] = [
  ['v1 Client.callTool (SDK stdio)', () => v1.callTool(params)],
  ['v2 Client.callTool (SDK stdio)', () => v2.callTool(params)],
  ['v2 Client.callTool (our stdio)', () => ours.callTool(params)],
  ["v2 (SDK stdio), with the worker's call options", () => v2.callTool(params, workerOptions())],
  ['v2, opened and called as the worker does', () => worker.callTool(params, workerOptions())],
  ['v1, with the same call options', () => v1.callTool(params, undefined, workerOptions())],
];
const results = cases.map(() => [] as number[]);
const cpu = cases.map(() => [] as number[]);
for (const [, fn] of cases) await timeCalls(CALLS, fn); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, [, fn]] of cases.entries()) {
    const [wall, used] = await timeCalls(CALLS, fn);
    results[i]!.push(wall);
    cpu[i]!.push(used);
  }
}
const base = median(results[0]!);
console.log(`SDK clients, node ${process.version}, median of ${ROUNDS} interleaved rounds × ${CALLS} calls`);
console.log(`${'case'.padEnd(48)} per call  ratio  CPU/call (this process)`);
for (const [i, [name]] of cases.entries()) {
  const us = median(results[i]!);
  console.log(
    `${name.padEnd(48)} ${us.toFixed(1).padStart(6)} µs  ${(us / base).toFixed(2)}  ${median(cpu[i]!).toFixed(1).padStart(6)} µs`,
  );
}
await Promise.all([v1.close(), v2.close(), ours.close(), worker.close()]);
rmSync(logDir, { recursive: true, force: true });
