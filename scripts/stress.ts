/**
 * `npm run stress`: the stress harness against the built library and the fixture servers.
 *
 *   (a) HTTP echo, STRESS_THREADS × STRESS_CALLS/STRESS_THREADS calls, every session dropped at
 *       random moments (0.5–2 s apart);
 *   (b) stdio echo, STRESS_THREADS × STRESS_STDIO_CALLS/STRESS_THREADS calls, the child killed at
 *       random moments (0.5–2 s apart, at most STRESS_STDIO_KILLS times).
 *
 * Then it checks, per phase: every call accounted for once (calls = ok + errors + mismatched +
 * unfinished = planned), every reply matched its request (each call echoes its own token), the
 * server-side count of executed echo calls lies within executionBounds() (no call lost, none run
 * twice), no call hung, RSS flat (end ≤ middle + STRESS_RSS_SLACK_MB). Prints a table; exits 1 on
 * a violated invariant. Scale it with STRESS_THREADS, STRESS_CALLS, STRESS_STDIO_CALLS,
 * STRESS_STDIO_KILLS, STRESS_TIMEOUT_MS, STRESS_RSS_SLACK_MB. Run `npm run build` first.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  McpHub,
  executionBounds,
  returnedCalls,
  runStress,
  type CallToolResult,
  type JsonObject,
  type StressControl,
  type StressReport,
} from '../dist/src/index.js';
import { startHttpFixture, stdioFixtureCommand } from '../test/helpers/servers.js';

const setting = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const THREADS = setting('STRESS_THREADS', 4);
const HTTP_CALLS = setting('STRESS_CALLS', 100_000);
const STDIO_CALLS = setting('STRESS_STDIO_CALLS', 100_000);
const TIMEOUT_MS = setting('STRESS_TIMEOUT_MS', 10_000);
// Each lost stdio link spends one of the 5 reconnect tries (with doubling backoff), which come
// back only after 60 s of health: a 6th kill within a minute would park the server for 5 min.
const STDIO_KILLS = setting('STRESS_STDIO_KILLS', 4);
const RSS_SLACK_BYTES = setting('STRESS_RSS_SLACK_MB', 50) * 2 ** 20;

// Sent to the pool threads as source: self-contained, no outer variables.
const echoArgs = (i: number): JsonObject => ({ text: `stress-${i}` });
const echoed = (result: CallToolResult, args: JsonObject): boolean => {
  const block = result.content[0];
  return block?.type === 'text' && block.text === args['text'];
};

const text = (result: CallToolResult): string => (result.content[0]?.type === 'text' ? result.content[0].text : '');
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);

/** One phase's result: its report, the server-side executed count (or range), and what it violated. */
interface Phase {
  name: string;
  planned: number;
  report: StressReport;
  executed: { low: number; high: number };
  violations: string[];
  note: string;
}

function check(phase: Omit<Phase, 'violations'>): Phase {
  const { report: r, planned, executed } = phase;
  const violations: string[] = [];
  const returned = returnedCalls(r);
  if (r.calls !== returned + r.unfinished || r.calls !== planned)
    violations.push(`accounting: ${r.calls} calls, ${returned} returned, ${planned} planned`);
  if (r.mismatched > 0) violations.push(`${r.mismatched} replies did not match their request`);
  if (r.hung > 0) violations.push(`${r.hung} calls hung past deadline + grace (${r.unfinished} never returned)`);
  const bounds = executionBounds(r);
  if (executed.high < bounds.min) violations.push(`lost: server ran ${executed.high} calls at most, ${bounds.min} certainly ran`);
  if (executed.low > bounds.max) violations.push(`duplicated: server ran ${executed.low} calls at least, at most ${bounds.max} may have`);
  if (r.rssSamples.end > r.rssSamples.middle + RSS_SLACK_BYTES) {
    violations.push(
      `memory grew: RSS ${mb(r.rssSamples.middle)} MB around half-way, ${mb(r.rssSamples.end)} MB at the end (medians over 40–60 % and 90–100 % of the run)`,
    );
  }
  return { ...phase, violations };
}

let lastPrint = 0;
function progress(name: string) {
  return (p: { done: number; total?: number; errors: number; elapsedMs: number }): void => {
    if (Date.now() - lastPrint < 1000 && p.done !== p.total) return;
    lastPrint = Date.now();
    process.stderr.write(`  ${name}: ${p.done}/${p.total ?? '?'} calls, ${p.errors} errors, ${(p.elapsedMs / 1000).toFixed(1)} s\n`);
  };
}

const logDir = mkdtempSync(join(tmpdir(), 'mcp-sync-stress-'));
const http = await startHttpFixture({ name: 'web' });
const hub = McpHub.start({ mcpServers: { web: { url: http.url }, local: stdioFixtureCommand('local') } }, { logDir });
const phases: Phase[] = [];
try {
  // (a) HTTP: every session dropped at random moments. The HTTP server process lives on, so its
  // counter of executed tool calls (summed over every session, dropped ones included) is exact.
  process.stderr.write(`(a) HTTP echo: ${THREADS} threads × ${HTTP_CALLS / THREADS} calls, sessions dropped every 0.5–2 s\n`);
  const httpBefore = (await http.stats()).calls;
  const httpReport = await runStress(hub, {
    server: 'web',
    tool: 'echo',
    args: echoArgs,
    verify: echoed,
    threads: THREADS,
    calls: HTTP_CALLS,
    timeoutMs: TIMEOUT_MS,
    onProgress: progress('http'),
    faults: () => http.dropSessions(),
  });
  const httpExecuted = (await http.stats()).calls - httpBefore;
  phases.push(
    check({ name: 'http', planned: HTTP_CALLS, report: httpReport, executed: { low: httpExecuted, high: httpExecuted }, note: '' }),
  );

  // (b) stdio: the child killed at random moments. A killed child takes its counter with it, so
  // each kill reads it first: pause the callers (no call in flight), read `count`, SIGSTOP the
  // child (it runs nothing more: the count stays exact), resume the callers — their calls now
  // queue on the frozen child — and SIGKILL it 0–30 ms later, with calls in flight.
  process.stderr.write(
    `(b) stdio echo: ${THREADS} threads × ${STDIO_CALLS / THREADS} calls, child killed every 0.5–2 s (at most ${STDIO_KILLS} times)\n`,
  );
  const tally = { counted: 0, harnessRan: 0, harnessUnknown: 0, kills: 0, skipped: 0 };
  const generation = (): number => hub.servers().find((s) => s.name === 'local')?.generation ?? 0;
  const generationBefore = generation();
  const harnessCall = (tool: string): number | undefined => {
    try {
      const value = Number(text(hub.callTool('local', tool, {}, { timeoutMs: TIMEOUT_MS })));
      tally.harnessRan += 1;
      return value;
    } catch {
      tally.harnessUnknown += 1;
      return undefined;
    }
  };
  const killChild = async (control: StressControl): Promise<void> => {
    if (tally.kills >= STDIO_KILLS) return;
    hub.waitForReady('local', { timeoutMs: TIMEOUT_MS });
    const pid = (await control.pause()) ? harnessCall('pid') : undefined;
    const count = pid === undefined ? undefined : harnessCall('count');
    if (pid === undefined || count === undefined) {
      tally.skipped += 1; // not killed: its counter is read later
      return;
    }
    tally.counted += count;
    process.kill(pid, 'SIGSTOP');
    control.resume();
    await sleep(Math.random() * 30);
    process.kill(pid, 'SIGKILL');
    tally.kills += 1;
  };
  const stdioReport = await runStress(hub, {
    server: 'local',
    tool: 'echo',
    args: echoArgs,
    verify: echoed,
    threads: THREADS,
    calls: STDIO_CALLS,
    timeoutMs: TIMEOUT_MS,
    onProgress: progress('stdio'),
    faults: killChild,
    faultIntervalMs: { min: 500, max: 2_000 },
  });
  const state = hub.waitForReady('local', { timeoutMs: TIMEOUT_MS });
  const last = harnessCall('count');
  if (last === undefined) throw new Error(`could not read the last stdio child's counter (server ${state})`);
  const sessions = generation() - generationBefore;
  tally.counted += last;
  // Each counter includes the harness's own pid/count calls that ran on that child.
  const stdioExecuted = { low: tally.counted - tally.harnessRan - tally.harnessUnknown, high: tally.counted - tally.harnessRan };
  const stdio = check({
    name: 'stdio',
    planned: STDIO_CALLS,
    report: stdioReport,
    executed: stdioExecuted,
    note: `${tally.kills} kills, ${tally.skipped} skipped, ${sessions} respawns`,
  });
  // A child replaced without our kill (say a health check restarting it) took uncounted calls with it.
  if (sessions !== tally.kills) stdio.violations.push(`${sessions} new sessions for ${tally.kills} kills`);
  phases.push(stdio);
} finally {
  hub.close();
  await http.stop();
}

const rows = phases.map(({ name, report: r, executed, note }) => ({
  phase: name,
  calls: r.calls,
  ok: r.ok,
  'calls/s': Math.round(r.callsPerSecond),
  'p50 ms': r.latencyMs.p50.toFixed(2),
  'p95 ms': r.latencyMs.p95.toFixed(2),
  'p99 ms': r.latencyMs.p99.toFixed(2),
  'max ms': r.latencyMs.max.toFixed(0),
  'peak MB': mb(r.peakRssBytes),
  'RSS MB start/mid/end': `${mb(r.rssSamples.start)}/${mb(r.rssSamples.middle)}/${mb(r.rssSamples.end)}`,
  'server ran': executed.low === executed.high ? executed.low : `${executed.low}–${executed.high}`,
  'ran (bounds)': `${executionBounds(r).min}–${executionBounds(r).max}`,
  recoveries: r.recoveries,
  faults: `${r.faults}${note === '' ? '' : ` (${note})`}`,
}));
console.table(rows);
for (const { name, report } of phases) console.log(`${name} errors by code: ${JSON.stringify(report.errors)}`);
console.log(`event log: ${join(logDir, 'mcp-sync.log')}`);
const violations = phases.flatMap(({ name, violations: v }) => v.map((line) => `${name}: ${line}`));
for (const line of violations) console.error(`VIOLATED ${line}`);
console.log(violations.length === 0 ? 'stress: every invariant held' : `stress: ${violations.length} invariant(s) violated`);
process.exitCode = violations.length === 0 ? 0 : 1;
