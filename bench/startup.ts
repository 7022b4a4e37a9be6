/**
 * `npm run bench` (part 4): start-up. Whole processes, interleaved, so that each row pays Node's
 * own boot as a user does:
 *
 * - the CLI's cold run, `mcp-sync tools --json` on one and on ten stdio servers, next to a minimal
 *   script that does the same with the SDK's v2 client alone (bench/workers/sdk-tools.mjs);
 * - `McpHub.start` with 1 and with 10 stdio servers — the Node fixture (ten Node servers booting at
 *   once on this machine's cores measure its CPU), and a shell server that spends no CPU and takes
 *   0.3 s to answer initialize (bench/fixtures/slow-start.sh): with parallel connects, ten take
 *   about as long as one.
 *
 * Prints medians, the spread over rounds (min–max) and the ratios. Needs `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixturePath, stdioFixtureCommand } from '../test/helpers/servers.js';
import { median } from './median.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mcp-sync-startup-'));
const slowStart = fileURLToPath(new URL('./fixtures/slow-start.sh', import.meta.url));

/** A config file of `count` servers made by `server(i)`. */
function config(name: string, count: number, server: (i: number) => object): string {
  const path = join(dir, `${name}.json`);
  const mcpServers = Object.fromEntries(Array.from({ length: count }, (_, i) => [`s${i}`, server(i)]));
  writeFileSync(path, JSON.stringify({ mcpServers }));
  return path;
}

const node = (i: number): object => stdioFixtureCommand(`s${i}`);
const shell = (): object => ({ command: slowStart, args: ['0.3'] });
/** A process that starts a hub on `path` and exits once it has: the start's own time on its stdout. */
const startHub = (path: string): [string, string[]] => [
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `import { McpHub } from ${JSON.stringify(`${root}dist/src/index.js`)};
     const t = performance.now(); const hub = McpHub.start(${JSON.stringify(path)}, { eventLog: false });
     const ms = performance.now() - t; hub.close(); console.log(ms);`,
  ],
];

interface Case {
  name: string;
  run: () => number;
  times: number[];
}
/** Wall time of a whole process, in ms. */
const whole =
  (command: string, args: string[]): (() => number) =>
  () => {
    const start = performance.now();
    execFileSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'], cwd: root });
    return performance.now() - start;
  };
/** The start time the process itself printed, in ms. */
const reported =
  (command: string, args: string[]): (() => number) =>
  () =>
    Number(execFileSync(command, args, { stdio: ['ignore', 'pipe', 'inherit'], cwd: root, encoding: 'utf8' }));

const one = config('one', 1, node);
const ten = config('ten', 10, node);
const fixture = stdioFixtureCommand('s0');
const sdkScript = (count: number): (() => number) =>
  whole(process.execPath, ['bench/workers/sdk-tools.mjs', String(count), fixture.command, ...fixture.args]);
const cases: Case[] = [
  { name: 'minimal SDK v2 script: connect, tools/list, print', run: sdkScript(1), times: [] },
  {
    name: 'mcp-sync tools --json (the CLI, cold)',
    run: whole(process.execPath, ['bin/mcp-sync.js', 'tools', '--json', '-c', one]),
    times: [],
  },
  { name: 'the SDK script, 10 Node stdio servers', run: sdkScript(10), times: [] },
  {
    name: 'mcp-sync tools --json, 10 Node stdio servers',
    run: whole(process.execPath, ['bin/mcp-sync.js', 'tools', '--json', '-c', ten]),
    times: [],
  },
  { name: 'McpHub.start, 1 Node stdio server', run: reported(...startHub(one)), times: [] },
  { name: 'McpHub.start, 10 Node stdio servers', run: reported(...startHub(ten)), times: [] },
  { name: 'McpHub.start, 1 shell server (0.3 s initialize)', run: reported(...startHub(config('one-slow', 1, shell))), times: [] },
  { name: 'McpHub.start, 10 shell servers (0.3 s initialize)', run: reported(...startHub(config('ten-slow', 10, shell))), times: [] },
];

try {
  console.error(`start-up: ${cases.length} cases × ${ROUNDS} rounds …`);
  for (const c of cases) c.run(); // warm the file system cache
  for (let round = 0; round < ROUNDS; round++) for (const c of cases) c.times.push(c.run());
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const row = (c: Case, base?: Case): string => {
  const ms = median(c.times);
  const spread = `${Math.round(Math.min(...c.times))}–${Math.round(Math.max(...c.times))} ms`;
  const ratio = base === undefined ? '' : (ms / median(base.times)).toFixed(2);
  return `${c.name.padEnd(52)} ${ms.toFixed(0).padStart(6)} ms ${spread.padStart(14)} ${ratio.padStart(7)}`;
};
const [sdk, cli, sdk10, cli10, node1, node10, shell1, shell10] = cases as [Case, Case, Case, Case, Case, Case, Case, Case];
console.log(`\nmcp-sync start-up — node ${process.version}, ${availableParallelism()} CPUs, median of ${ROUNDS} interleaved rounds\n`);
console.log(`${'case'.padEnd(52)} ${'median'.padStart(9)} ${'spread'.padStart(14)}   ratio`);
console.log(row(sdk));
console.log(`${row(cli, sdk)}  (vs the SDK script)`);
console.log(row(sdk10));
console.log(`${row(cli10, sdk10)}  (vs the SDK script)`);
console.log(row(node1));
console.log(`${row(node10, node1)}  (vs 1 server)`);
console.log(row(shell1));
console.log(`${row(shell10, shell1)}  (vs 1 server)`);
console.log(`\n(the hub rows are McpHub.start alone, timed inside a fresh process; ${fixturePath('stdio-server')} is the Node server)`);
