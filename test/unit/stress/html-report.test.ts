import { describe, expect, it } from 'vitest';
import { stressReportHtml } from '../../../src/stress/html-report.js';
import type { StressReport } from '../../../src/stress/run-stress.js';
import { HIST_BUCKETS, StressMemory, REGION, bucketOf } from '../../../src/stress/stress-thread.js';
import { MAX_POINTS, StressTimeline, latencyBins } from '../../../src/stress/timeline.js';

/** A report as a run with two failure codes and a reconnect at 2 s would give. */
function report(): StressReport {
  return {
    calls: 1200,
    ok: 1190,
    errors: { OUTCOME_UNCERTAIN: 4, TIMEOUT: 2 },
    toolErrors: 4,
    otherErrors: 0,
    samples: { OUTCOME_UNCERTAIN: `server said <script>alert("x")</script> & left`, TIMEOUT: 'MCP call timed out', isError: 'boom' },
    mismatched: 0,
    hung: 0,
    unfinished: 0,
    durationMs: 3000,
    callsPerSecond: 400,
    latencyMs: { p50: 0.4, p95: 1.2, p99: 3.5, max: 12 },
    peakRssBytes: 120 * 2 ** 20,
    rssSamples: { start: 1, middle: 1, end: 1 },
    recoveries: 1,
    progress: 0,
    faults: 1,
    timeline: [
      { atMs: 1000, spanMs: 1000, calls: 400, failures: {}, p50: 0.4, p95: 1, p99: 2, recoveries: 0 },
      { atMs: 2000, spanMs: 1000, calls: 380, failures: { OUTCOME_UNCERTAIN: 4, TIMEOUT: 2 }, p50: 0.5, p95: 1.5, p99: 3.5, recoveries: 1 },
      { atMs: 3000, spanMs: 1000, calls: 420, failures: { isError: 4 }, p50: 0.4, p95: 1, p99: 2, recoveries: 0 },
    ],
    latencyHistogram: [
      { upToMs: 0.32, count: 700 },
      { upToMs: 0.64, count: 400 },
      { upToMs: 2.56, count: 90 },
    ],
  };
}

describe('the stress report page', () => {
  const html = stressReportHtml(report(), { server: 'web', tool: 'echo', threads: 4, startedAt: new Date('2026-11-27T10:00:00Z') });

  it('is one self-contained page: no script, no link, nothing fetched', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|src=|href=|url\(|https?:/i);
  });

  it('draws calls/s and p50/p95/p99 over time, the histogram and failures by code, with the reconnect marked', () => {
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html.match(/<polyline /g)).toHaveLength(4); // calls/s; p50, p95, p99
    expect(html).toContain('<title>reconnect</title>');
    expect(html).toContain('OUTCOME_UNCERTAIN: 4 (at 2.0 s)');
    expect(html).toContain('≤ 640 µs: 400 calls');
  });

  it('names the run and shows one sample message per code, escaped', () => {
    expect(html).toContain('<title>mcp-sync stress: web / echo</title>');
    expect(html).toContain('1,200 (1,190 ok, 10 not)');
    expect(html).toContain('server said &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; left');
  });
});

describe('the timeline', () => {
  /** Thread 0 of `memory` records `n` more successful calls of `us` µs each. */
  function succeed(memory: StressMemory, n: number, us: number): void {
    const region = memory.region(0);
    region[REGION.OK] = (region[REGION.OK] ?? 0) + n;
    const hist = region.length - HIST_BUCKETS; // the histogram ends the region
    region[hist + bucketOf(us)] = (region[hist + bucketOf(us)] ?? 0) + n;
    region[REGION.MAX_US] = Math.max(region[REGION.MAX_US] ?? 0, us);
  }

  /** A timeline sampled after each `[calls, µs, atMs, generation]` step (calls of µs each, then a sample). */
  function sampled(steps: [number, number, number, number][]): { memory: StressMemory; timeline: StressTimeline } {
    const memory = StressMemory.create(1);
    const timeline = new StressTimeline(memory, 1);
    for (const [calls, us, atMs, generation] of steps) {
      succeed(memory, calls, us);
      timeline.sample(memory, atMs, generation);
    }
    return { memory, timeline };
  }

  it('makes a point per sample from the differences: calls, percentiles of that interval only, reconnects', () => {
    const { memory, timeline } = sampled([
      [100, 200, 1000, 1],
      [50, 5_000, 2000, 2],
    ]);
    const [first, second] = timeline.points;
    expect(first).toMatchObject({ atMs: 1000, spanMs: 1000, calls: 100, recoveries: 0 });
    expect(first!.p99).toBeCloseTo(0.2, 1);
    expect(second).toMatchObject({ atMs: 2000, calls: 50, recoveries: 1 });
    expect(second!.p50).toBeGreaterThan(4.9); // the earlier fast calls are not in this interval
    expect(latencyBins(memory).reduce((n, bin) => n + bin.count, 0)).toBe(150);
  });

  it('stays small on a long run: neighbours merge, and no call is lost', () => {
    const { timeline } = sampled(Array.from({ length: 2 * MAX_POINTS + 10 }, (_, i) => [3, 100, (i + 1) * 1000, 1]));
    expect(timeline.points.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(timeline.points.reduce((n, point) => n + point.calls, 0)).toBe(3 * (2 * MAX_POINTS + 10));
  });

  it('folds a sliver at the end into the point before it', () => {
    const { timeline } = sampled([
      [10, 100, 1000, 1],
      [1, 100, 1010, 1],
    ]);
    expect(timeline.points).toHaveLength(1);
    expect(timeline.points[0]).toMatchObject({ atMs: 1010, spanMs: 1010, calls: 11 });
  });
});
