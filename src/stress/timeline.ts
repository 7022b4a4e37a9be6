/**
 * A stress run over time: every second (or so) the runner samples the shared counters, and the
 * difference to the previous sample becomes one point — calls/s, p50/p95/p99 of the calls that
 * succeeded in that interval, failures by code, reconnects. The points stay few: past
 * {@link MAX_POINTS} neighbours are merged, so a run of hours costs what one of minutes does.
 */
import { REGION, bucketValue, percentilesMs, type StressMemory } from './stress-thread.js';

/** One interval of a run. */
export interface StressPoint {
  /** End of the interval, in ms since the calls started. */
  atMs: number;
  /** Length of the interval, in ms. */
  spanMs: number;
  /** Calls that returned in the interval, whatever their outcome. */
  calls: number;
  /** Of those, the ones that failed (errors, tool errors, mismatches), by code (`isError`, `mismatched`, `other`). */
  failures: Record<string, number>;
  /** Latency of the interval's successful calls, in ms (0 when none succeeded). */
  p50: number;
  p95: number;
  p99: number;
  /** New sessions of the server in the interval (a reconnect each). */
  recoveries: number;
}

/** A bin of the latency histogram of a whole run: successful calls up to `upToMs`. */
export interface LatencyBin {
  upToMs: number;
  count: number;
}

/** Most points a timeline keeps before it merges neighbours. */
export const MAX_POINTS = 600;
/** A shorter interval is merged into the point before it. */
const MIN_SPAN_MS = 250;

interface Snapshot {
  atMs: number;
  ok: number;
  failures: Record<string, number>;
  buckets: Float64Array;
  generation: number;
}

export class StressTimeline {
  readonly #points: StressPoint[] = [];
  #last: Snapshot;

  constructor(memory: StressMemory, generation: number) {
    this.#last = snapshot(memory, 0, generation);
  }

  get points(): readonly StressPoint[] {
    return this.#points;
  }

  /** Closes the interval since the last sample at `atMs` (ms since the calls started). */
  sample(memory: StressMemory, atMs: number, generation: number): void {
    const now = snapshot(memory, atMs, generation);
    const last = this.#last;
    if (now.atMs <= last.atMs) return;
    const failures: Record<string, number> = {};
    for (const [code, n] of Object.entries(now.failures)) {
      const delta = n - (last.failures[code] ?? 0);
      if (delta > 0) failures[code] = delta;
    }
    const buckets = now.buckets.map((n, b) => n - (last.buckets[b] ?? 0));
    const ok = now.ok - last.ok;
    const slowest = maxBucketUs(buckets);
    const point: StressPoint = {
      atMs: now.atMs,
      spanMs: now.atMs - last.atMs,
      calls: ok + Object.values(failures).reduce((a, b) => a + b, 0),
      failures,
      ...percentilesMs(buckets, slowest),
      recoveries: Math.max(0, now.generation - last.generation),
    };
    // A sliver (the run's last moments) joins the point before it rather than drawing a spike.
    const previous = this.#points.at(-1);
    if (previous !== undefined && point.spanMs < MIN_SPAN_MS) this.#points[this.#points.length - 1] = mergePoints(previous, point);
    else this.#points.push(point);
    this.#last = now;
    if (this.#points.length > MAX_POINTS) this.#halve();
  }

  /** Merges neighbours pairwise. */
  #halve(): void {
    const merged: StressPoint[] = [];
    for (let i = 0; i < this.#points.length; i += 2) {
      const [a, b] = [this.#points[i]!, this.#points[i + 1]];
      merged.push(b === undefined ? a : mergePoints(a, b));
    }
    this.#points.splice(0, this.#points.length, ...merged);
  }
}

/** Two neighbouring points as one: counts add up; p50 is weighted by calls, p95/p99 keep the worse. */
function mergePoints(a: StressPoint, b: StressPoint): StressPoint {
  const failures = { ...a.failures };
  for (const [code, n] of Object.entries(b.failures)) failures[code] = (failures[code] ?? 0) + n;
  const calls = a.calls + b.calls;
  return {
    atMs: b.atMs,
    spanMs: a.spanMs + b.spanMs,
    calls,
    failures,
    p50: calls === 0 ? 0 : (a.p50 * a.calls + b.p50 * b.calls) / calls,
    p95: Math.max(a.p95, b.p95),
    p99: Math.max(a.p99, b.p99),
    recoveries: a.recoveries + b.recoveries,
  };
}

/** The run's latency histogram in at most ~40 bins (powers of √2 from 10 µs), empty bins left out. */
export function latencyBins(memory: StressMemory): LatencyBin[] {
  const { buckets } = memory.histogram();
  const bins = new Map<number, number>();
  buckets.forEach((count, b) => {
    if (count === 0) return;
    const us = Math.max(10, bucketValue(b));
    const upToUs = 10 * Math.SQRT2 ** Math.ceil(Math.log(us / 10) / Math.log(Math.SQRT2));
    bins.set(upToUs, (bins.get(upToUs) ?? 0) + count);
  });
  return [...bins.entries()].sort(([a], [b]) => a - b).map(([upToUs, count]) => ({ upToMs: upToUs / 1000, count }));
}

function snapshot(memory: StressMemory, atMs: number, generation: number): Snapshot {
  const failures: Record<string, number> = { ...memory.errors() };
  const [isError, mismatched, other] = [memory.toolErrors(), memory.sum(REGION.MISMATCHED), memory.otherErrors()];
  if (isError > 0) failures['isError'] = isError;
  if (mismatched > 0) failures['mismatched'] = mismatched;
  if (other > 0) failures['other'] = other;
  return { atMs, ok: memory.sum(REGION.OK), failures, buckets: memory.histogram().buckets, generation };
}

/** The largest latency (µs) a histogram holds: its highest non-empty bucket. */
function maxBucketUs(buckets: Float64Array): number {
  for (let b = buckets.length - 1; b >= 0; b--) if ((buckets[b] ?? 0) > 0) return bucketValue(b);
  return 0;
}
