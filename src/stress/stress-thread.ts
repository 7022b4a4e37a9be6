/**
 * The thread side of the stress harness (run-stress.ts): the piscina task one pool thread runs, and
 * the shared memory both sides use. A thread attaches to the hub once, claims call numbers from a
 * shared counter, and writes every outcome into its own region — counters and a latency
 * histogram, never an object per call — so memory stays flat however many calls it makes, and
 * the runner reads the figures live (progress, hang watchdog) or after a thread got stuck.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, McpSyncError } from '../shared/errors.js';
import { McpHub } from '../bridge/hub.js';
import type { HubHandle } from '../shared/protocol.js';
import type { CallToolResult, JsonObject } from '../shared/types.js';

/** Outcome columns: every error code, then an `isError` result, then a throw that is not an McpSyncError. */
const ERROR_CODES: readonly string[] = Object.values(ErrorCode);
const TOOL_ERROR = ERROR_CODES.length;
const OTHER = ERROR_CODES.length + 1;
const OUTCOMES = ERROR_CODES.length + 2;
/** The key of an `isError` result's sample message in {@link ThreadSamples}. */
export const TOOL_ERROR_SAMPLE = 'isError';

/**
 * Control words shared by the runner and every thread: NEXT, the next call number to claim
 * (Atomics.add: unique across threads); STOP and PAUSED, start no new call (PAUSED: until it is 0
 * again); READY, threads attached; GO, set once all are, so every thread starts at once.
 */
export const CONTROL = { NEXT: 0, STOP: 1, PAUSED: 2, READY: 3, GO: 4 } as const;
const CONTROL_WORDS = 5;

/**
 * Words of one thread's region (Int32, written only by that thread): CALL_START, when the call in
 * flight started, in ms since the run's base time + 1 (0: none); OK; MISMATCHED; HUNG, calls that
 * returned past deadline + grace; MAX_US, the slowest successful call; PROGRESS, the progress
 * notifications its calls received; then one counter per OUTCOME_CODES entry; then the histogram
 * of successful calls' latencies.
 */
export const REGION = { CALL_START: 0, OK: 1, MISMATCHED: 2, HUNG: 3, MAX_US: 4, PROGRESS: 5, ERRORS: 6 } as const;
const HIST = REGION.ERRORS + OUTCOMES;

// The histogram (HDR-like): exact 1 µs buckets below 64 µs, then 64 buckets per power of two
// up to 2^31 µs (~36 min), so any latency is kept within ~1.6 % in a fixed 1,664 counters.
const SUB_BITS = 6;
const SUB = 1 << SUB_BITS;
const MAX_EXP = 31;
/** Buckets of the histogram, which ends each thread's region. */
export const HIST_BUCKETS = SUB + (MAX_EXP - SUB_BITS) * SUB;
const REGION_WORDS = HIST + HIST_BUCKETS;
/** The largest value a word of the region holds. */
const INT32_MAX = 0x7fffffff;

/** The histogram bucket of a latency in µs. */
export function bucketOf(us: number): number {
  const v = Math.min(Math.max(0, Math.round(us)), 2 ** MAX_EXP - 1);
  if (v < SUB) return v;
  const exp = 31 - Math.clz32(v); // floor(log2 v) ≥ SUB_BITS
  return SUB + (exp - SUB_BITS) * SUB + ((v >>> (exp - SUB_BITS)) - SUB);
}

/** The latency (µs) a bucket stands for: its midpoint. */
export function bucketValue(bucket: number): number {
  if (bucket < SUB) return bucket;
  const exp = Math.floor((bucket - SUB) / SUB) + SUB_BITS;
  return (SUB + ((bucket - SUB) % SUB) + 0.5) * 2 ** (exp - SUB_BITS);
}

/** The shared buffers of a run, and the time (Date.now()) that CALL_START counts from. */
export interface SharedStressMemory {
  control: SharedArrayBuffer;
  regions: SharedArrayBuffer;
  baseMs: number;
}

/** A run's shared memory: the control words and one region per thread. */
export class StressMemory {
  readonly control: Int32Array;
  readonly regions: Int32Array;
  readonly threads: number;
  /** The buffers and base time, to send to the threads (plain data). */
  readonly shared: SharedStressMemory;

  constructor(shared: SharedStressMemory) {
    this.shared = shared;
    this.control = new Int32Array(shared.control);
    this.regions = new Int32Array(shared.regions);
    this.threads = this.regions.length / REGION_WORDS;
  }

  /** Fresh, zeroed memory for `threads` threads; call starts count from now. */
  static create(threads: number): StressMemory {
    const words = (n: number): SharedArrayBuffer => new SharedArrayBuffer(n * Int32Array.BYTES_PER_ELEMENT);
    return new StressMemory({ control: words(CONTROL_WORDS), regions: words(threads * REGION_WORDS), baseMs: Date.now() });
  }

  /** Thread `t`'s region: a view, not a copy. */
  region(t: number): Int32Array {
    return this.regions.subarray(t * REGION_WORDS, (t + 1) * REGION_WORDS);
  }

  /** A region word summed over every thread. */
  sum(word: number): number {
    let n = 0;
    for (let t = 0; t < this.threads; t++) n += Atomics.load(this.regions, t * REGION_WORDS + word);
    return n;
  }

  /** Calls that threw an McpSyncError, by code, leaving out codes that never happened. */
  errors(): Record<string, number> {
    const entries = ERROR_CODES.map((code, c) => [code, this.sum(REGION.ERRORS + c)] as const);
    return Object.fromEntries(entries.filter(([, n]) => n > 0));
  }

  /** Calls answered with an `isError` result. */
  toolErrors(): number {
    return this.sum(REGION.ERRORS + TOOL_ERROR);
  }

  /** Calls that threw something other than an McpSyncError. */
  otherErrors(): number {
    return this.sum(REGION.ERRORS + OTHER);
  }

  /** Calls that returned and did not succeed: errors, tool errors and mismatches. */
  failed(): number {
    let n = this.sum(REGION.MISMATCHED);
    for (let c = 0; c < OUTCOMES; c++) n += this.sum(REGION.ERRORS + c);
    return n;
  }

  /** Marks a call in flight (`true`) or none on the thread owning `region`. */
  mark(region: Int32Array, inFlight: boolean): void {
    Atomics.store(region, REGION.CALL_START, inFlight ? Date.now() - this.shared.baseMs + 1 : 0);
  }

  /** How long thread `t`'s call in flight has run, in ms; -1 if it has none. */
  callAgeMs(t: number): number {
    const start = Atomics.load(this.regions, t * REGION_WORDS + REGION.CALL_START);
    return start === 0 ? -1 : Date.now() - this.shared.baseMs - (start - 1);
  }

  /** Sets a control word and wakes the threads sleeping on it. */
  set(word: number, value: number): void {
    Atomics.store(this.control, word, value);
    Atomics.notify(this.control, word);
  }

  /** Stops threads starting calls; resolves `true` once none is in flight, `false` if one is still after `quietWithinMs`. */
  async pause(quietWithinMs: number): Promise<boolean> {
    // The flag first, then the marks: threads do the reverse (see runStressThread).
    Atomics.store(this.control, CONTROL.PAUSED, 1);
    const until = Date.now() + quietWithinMs;
    for (let t = 0; t < this.threads; t = this.callAgeMs(t) < 0 ? t + 1 : t) {
      if (Date.now() > until || Atomics.load(this.control, CONTROL.STOP) !== 0) return false;
      if (this.callAgeMs(t) >= 0) await sleep(1);
    }
    return true;
  }

  /** Every thread's latency histogram (successful calls) merged, and the exact slowest call in µs. */
  histogram(): { buckets: Float64Array; maxUs: number } {
    const buckets = new Float64Array(HIST_BUCKETS);
    let maxUs = 0;
    for (let t = 0; t < this.threads; t++) {
      const region = this.region(t);
      for (let b = 0; b < HIST_BUCKETS; b++) buckets[b] = (buckets[b] ?? 0) + (region[HIST + b] ?? 0);
      maxUs = Math.max(maxUs, region[REGION.MAX_US] ?? 0);
    }
    return { buckets, maxUs };
  }

  /** p50/p95/p99 (bucket midpoints) and the exact max over every thread's histogram, in ms. */
  latencyMs(): { p50: number; p95: number; p99: number; max: number } {
    const { buckets, maxUs } = this.histogram();
    return { ...percentilesMs(buckets, maxUs), max: maxUs / 1000 };
  }
}

/** p50/p95/p99 of a histogram (bucket midpoints, never above `maxUs`), in ms; 0 when it is empty. */
export function percentilesMs(buckets: Float64Array, maxUs: number): { p50: number; p95: number; p99: number } {
  const total = buckets.reduce((a, b) => a + b, 0);
  const at = (q: number): number => {
    for (let b = 0, seen = 0; b < buckets.length; b++) {
      seen += buckets[b] ?? 0;
      if (seen > 0 && seen >= q * total) return Math.min(bucketValue(b), maxUs) / 1000;
    }
    return 0;
  };
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/** What the runner sends each pool thread: plain data (functions travel as source text). */
export interface StressTask {
  handle: HubHandle;
  /** This thread's region number. */
  index: number;
  memory: SharedStressMemory;
  server: string;
  tool: string;
  args: { value: JsonObject } | { source: string };
  /** Source of the `verify` function, if any. */
  verify: string | undefined;
  /** Calls in the whole run; -1 for no limit (the runner sets STOP). */
  total: number;
  timeoutMs: number;
  graceMs: number;
}

type Verify = (result: CallToolResult, args: JsonObject, i: number) => boolean;

/** Rebuilds a function from its source. `__name` is the helper esbuild (tsx, vitest) may insert. */
function revive<T>(source: string): T {
  return new Function('__name', `"use strict"; return (${source});`)((fn: unknown) => fn) as T;
}

/** The first message this thread saw per error code (and for an `isError` result, under {@link TOOL_ERROR_SAMPLE}). */
export type ThreadSamples = Record<string, string>;

/** How much of a sample message is kept. */
const SAMPLE_CHARS = 300;

/** The piscina task: attach once, then call until the budget is spent or the runner says stop. Returns its samples. */
export default function runStressThread(task: StressTask): ThreadSamples {
  const samples: ThreadSamples = {};
  const memory = new StressMemory(task.memory);
  const { control } = memory;
  const region = memory.region(task.index);
  const { args } = task;
  const makeArgs = 'value' in args ? () => args.value : revive<(i: number) => JsonObject>(args.source);
  const verify = task.verify === undefined ? undefined : revive<Verify>(task.verify);
  const client = McpHub.attach(task.handle);
  try {
    Atomics.add(control, CONTROL.READY, 1);
    while (Atomics.load(control, CONTROL.GO) === 0) Atomics.wait(control, CONTROL.GO, 0, 100);
    for (;;) {
      // Mark the call in flight BEFORE reading the pause flag: pause() sets the flag, then reads
      // the marks, so (Atomics being sequentially consistent) either this thread sees the pause
      // or the runner sees this call. A paused run has no call in flight.
      memory.mark(region, true);
      if (Atomics.load(control, CONTROL.STOP) !== 0) break;
      if (Atomics.load(control, CONTROL.PAUSED) !== 0) {
        memory.mark(region, false);
        Atomics.wait(control, CONTROL.PAUSED, 1, 100);
        continue;
      }
      const i = Atomics.add(control, CONTROL.NEXT, 1);
      if (task.total >= 0 && i >= task.total) break;
      callOnce(client, task, region, i, makeArgs(i), verify, samples);
    }
  } finally {
    memory.mark(region, false);
    client.close();
  }
  return samples;
}

/** Makes call `i` and records its outcome and latency in `region`. */
function callOnce(
  client: McpHub,
  task: StressTask,
  region: Int32Array,
  i: number,
  args: JsonObject,
  verify: Verify | undefined,
  samples: ThreadSamples,
): void {
  const started = performance.now();
  let column: number;
  try {
    const onProgress = (): void => void Atomics.add(region, REGION.PROGRESS, 1);
    const result = client.callTool(task.server, task.tool, args, { timeoutMs: task.timeoutMs, onProgress });
    if (result.isError === true) {
      column = REGION.ERRORS + TOOL_ERROR;
      samples[TOOL_ERROR_SAMPLE] ??= firstText(result).slice(0, SAMPLE_CHARS);
    } else {
      column = verify === undefined || matches(verify, result, args, i) ? REGION.OK : REGION.MISMATCHED;
    }
  } catch (error) {
    const code = error instanceof McpSyncError ? ERROR_CODES.indexOf(error.code) : -1;
    column = REGION.ERRORS + (code < 0 ? OTHER : code);
    samples[code < 0 ? 'other' : (error as McpSyncError).code] ??= String((error as Error)?.message ?? error).slice(0, SAMPLE_CHARS);
  }
  const us = (performance.now() - started) * 1000;
  Atomics.add(region, column, 1);
  // Only successes are timed: a fast-failing error (CIRCUIT_OPEN answers in µs) would make the
  // percentiles look better the worse the server does.
  if (column === REGION.OK) {
    Atomics.add(region, HIST + bucketOf(us), 1);
    if (us > Atomics.load(region, REGION.MAX_US)) Atomics.store(region, REGION.MAX_US, Math.min(us, INT32_MAX));
  }
  // The channel ends every call at its deadline: a call returning later than that plus the grace
  // means a deadline was not enforced.
  if (us > (task.timeoutMs + task.graceMs) * 1000) Atomics.add(region, REGION.HUNG, 1);
}

function firstText(result: CallToolResult): string {
  const block = result.content.find((b) => b.type === 'text');
  return block?.type === 'text' ? block.text : '';
}

function matches(verify: Verify, result: CallToolResult, args: JsonObject, i: number): boolean {
  try {
    return verify(result, args, i) === true;
  } catch {
    return false;
  }
}
