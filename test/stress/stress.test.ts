import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpHub, type CallToolResult, type JsonObject } from '../../dist/src/index.js';
import { executionBounds, returnedCalls, runStress, type StressControl, type StressReport } from '../../dist/src/index.js';
import type { HttpFixtureServer } from '../helpers/servers.js';
import { startWebAndLocal, stopWebAndLocal } from '../helpers/web-and-local.js';

/**
 * A smaller `npm run stress` (scripts/stress.ts) through runStress: 4 pool threads × 2,000 calls
 * while faults hit, checking the same invariants. Gated — many threads, tight loops, killed
 * servers — it runs only when MCP_SYNC_STRESS=1 (describe.runIf below): `npm run test:stress`
 * locally and the stress job in CI.
 */
const THREADS = 4;
const CALLS = THREADS * 2_000;
const TIMEOUT_MS = 10_000;
/** RSS may grow this much between half-way and the end of a run. */
const RSS_SLACK_BYTES = 50 * 2 ** 20;

// Sent to the pool threads as source: self-contained.
const echoArgs = (i: number): JsonObject => ({ text: `stress-${i}` });
const echoed = (result: CallToolResult, args: JsonObject): boolean => {
  const block = result.content[0];
  return block?.type === 'text' && block.text === args['text'];
};
const text = (result: CallToolResult): string => (result.content[0]?.type === 'text' ? result.content[0].text : '');

/** Every planned call accounted for exactly once, matched, none hung, memory flat, and the server ran what it should. */
function expectSound(report: StressReport, executed: { low: number; high: number }): void {
  const returned = returnedCalls(report);
  expect(report.calls).toBe(CALLS);
  expect(returned + report.unfinished).toBe(CALLS);
  expect(report.mismatched).toBe(0);
  expect(report.hung).toBe(0);
  expect(report.ok).toBeGreaterThan(0);
  const bounds = executionBounds(report);
  expect(executed.high).toBeGreaterThanOrEqual(bounds.min); // none lost
  expect(executed.low).toBeLessThanOrEqual(bounds.max); // none run twice
  expect(report.rssSamples.end).toBeLessThanOrEqual(report.rssSamples.middle + RSS_SLACK_BYTES);
}

/** The load both phases put on their server: echo calls that each carry and check their own token. */
const ECHO_LOAD = { tool: 'echo', args: echoArgs, verify: echoed, threads: THREADS, calls: CALLS, timeoutMs: TIMEOUT_MS };

describe.runIf(process.env.MCP_SYNC_STRESS === '1')('stress: pool threads calling through one hub under faults', () => {
  let http: HttpFixtureServer;
  let hub: McpHub;

  beforeAll(async () => {
    ({ http, hub } = await startWebAndLocal());
  });

  afterAll(() => stopWebAndLocal({ http, hub }));

  it('accounts for every HTTP call exactly once while every session is dropped at random moments', async () => {
    const before = (await http.stats()).calls;
    const report = await runStress(hub, {
      ...ECHO_LOAD,
      server: 'web',
      faults: () => http.dropSessions(),
      faultIntervalMs: { min: 200, max: 600 },
    });
    const executed = (await http.stats()).calls - before; // the server process lives on: exact
    expectSound(report, { low: executed, high: executed });
    expect(report.faults).toBeGreaterThan(0);
    expect(report.recoveries).toBeGreaterThan(0);
    // An expired session is re-initialised and the call retried on the new one: callers never see it.
    expect(report.errors).toEqual({});
  });

  it('accounts for every stdio call exactly once while the child is killed at random moments', async () => {
    // A killed child takes its counter with it, so each kill reads it first: pause the callers,
    // read `count`, SIGSTOP the child (the count stays exact), resume — calls now queue on the
    // frozen child — and SIGKILL it with calls in flight. At most 2 kills: each spends a reconnect try.
    let counted = 0;
    let harnessCalls = 0;
    let kills = 0;
    const call = (tool: string): number => {
      const value = Number(text(hub.callTool('local', tool, {}, { timeoutMs: TIMEOUT_MS })));
      harnessCalls += 1;
      return value;
    };
    const generation = (): number => hub.servers().find((s) => s.name === 'local')?.generation ?? 0;
    const generationBefore = generation();
    const kill = async (control: StressControl): Promise<void> => {
      if (kills >= 2 || hub.waitForReady('local', { timeoutMs: TIMEOUT_MS }) !== 'ready' || !(await control.pause())) return;
      const pid = call('pid');
      counted += call('count');
      process.kill(pid, 'SIGSTOP');
      control.resume();
      await sleep(Math.random() * 20);
      process.kill(pid, 'SIGKILL');
      kills += 1;
    };
    const report = await runStress(hub, { ...ECHO_LOAD, server: 'local', faults: kill, faultIntervalMs: { min: 50, max: 200 } });
    expect(hub.waitForReady('local', { timeoutMs: TIMEOUT_MS })).toBe('ready');
    counted += call('count');
    expect(kills).toBeGreaterThan(0);
    expect(generation() - generationBefore).toBe(kills); // no child replaced behind our back
    const executed = counted - harnessCalls;
    expectSound(report, { low: executed, high: executed });
    // What a kill may cost: calls cut mid-flight, and fast failures while the breaker is open.
    const allowed = new Set(['OUTCOME_UNCERTAIN', 'CIRCUIT_OPEN', 'NOT_CONNECTED', 'TRANSPORT_ERROR']);
    expect(Object.keys(report.errors).filter((code) => !allowed.has(code))).toEqual([]);
  });
});
