import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, tempDir, useCliFixtures } from '../helpers/cli.js';

/** `mcp-sync stress`, the real binary against real fixture servers: the summary, JSON and exit codes. */
const fixtures = useCliFixtures();
const run = fixtures.run;

interface Summary {
  server: string;
  tool: string;
  threads: number;
  calls: number;
  ok: number;
  errors: Record<string, number>;
  toolErrors: number;
  samples: Record<string, string>;
  mismatched: number;
  hung: number;
  callsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  peakRssBytes: number;
  recoveries: number;
}

describe('mcp-sync stress', () => {
  it('makes exactly --calls calls from --threads threads and reports them as JSON', async () => {
    const before = (await fixtures.http().stats()).calls;
    const result = run('stress', 'web', 'echo', '{"text":"load"}', '--threads', '2', '--calls', '200', '--json');
    expect(result.code, result.stderr).toBe(0);
    const summary = json<Summary>(result);
    expect(summary).toMatchObject({ server: 'web', tool: 'echo', threads: 2, calls: 200, ok: 200, errors: {}, mismatched: 0, hung: 0 });
    expect(summary.callsPerSecond).toBeGreaterThan(0);
    expect(summary.latencyMs.p50).toBeGreaterThan(0);
    expect(summary.latencyMs.p50).toBeLessThanOrEqual(summary.latencyMs.p95);
    expect(summary.latencyMs.p95).toBeLessThanOrEqual(summary.latencyMs.p99);
    expect(summary.peakRssBytes).toBeGreaterThan(0);
    expect(summary.recoveries).toBe(0);
    // The server saw every call, once.
    expect((await fixtures.http().stats()).calls - before).toBe(200);
  });

  it('prints a summary for people, with no progress line when stderr is not a terminal', () => {
    const result = run('stress', 'local', 'echo', '{"text":"x"}', '-t', '3', '-n', '90');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Stress: 'echo' on 'local' from 3 threads$/m);
    expect(result.stdout).toMatch(/^ {2}calls\s+90 \(90 ok\)$/m);
    expect(result.stdout).toMatch(/^ {2}latency\s+p50 [\d.]+ ms · p95 [\d.]+ ms · p99 [\d.]+ ms · max [\d.]+ ms$/m);
    expect(result.stdout).toMatch(/^ {2}errors\s+none$/m);
    expect(result.stdout).toMatch(/^ {2}peak memory\s+\d+ MB RSS/m);
    expect(result.stderr).not.toContain('\r');
  });

  it('--report writes the run as a self-contained page; --json carries the same timeline', () => {
    const page = join(tempDir(), 'run.html');
    const result = run('stress', 'local', 'echo', '{"text":"x"}', '--threads', '2', '--duration', '2.5', '--report', page, '--json');
    expect(result.code, result.stderr).toBe(0);
    const summary = json<Summary & { timeline: { atMs: number; calls: number }[]; latencyHistogram: { count: number }[] }>(result);
    expect(summary.timeline.length).toBeGreaterThanOrEqual(2); // a point a second
    expect(summary.timeline.reduce((n, point) => n + point.calls, 0)).toBe(summary.calls);
    expect(summary.latencyHistogram.reduce((n, bin) => n + bin.count, 0)).toBe(summary.ok);
    expect(result.stderr).toContain(`the run as a page: ${page}`);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('<title>mcp-sync stress: local / echo</title>');
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(3);
    expect(html).not.toMatch(/<script|src=|href=|https?:/i);
  });

  it('stops at --duration when no --calls is given', () => {
    const started = performance.now();
    const summary = json<Summary>(run('stress', 'local', 'echo', '{"text":"x"}', '--threads', '2', '--duration', '0.5', '--json'));
    expect(summary.calls).toBeGreaterThan(0);
    expect(summary.ok).toBe(summary.calls);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('exits 1 when calls fail, with the errors by code', () => {
    const result = run('stress', 'web', 'fail', '{"message":"no"}', '--threads', '2', '--calls', '20', '--json');
    expect(result.code).toBe(1);
    expect(json<Summary>(result)).toMatchObject({ calls: 20, ok: 0, errors: {}, toolErrors: 20, samples: { isError: 'no' } });
    expect(result.stderr).toContain('20 of 20 calls did not succeed');
  });

  it('exits 4 for a server it cannot call, and 2 for bad numbers', () => {
    expect(run('stress', 'nope', 'echo', '-n', '5').code).toBe(4);
    expect(run('stress', 'web', 'echo', '--calls', '1.5').code).toBe(2);
    expect(run('stress', 'web', 'echo', '--duration', 'soon').code).toBe(2);
  });
});
