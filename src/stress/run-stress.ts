/**
 * The stress harness: N pool threads (piscina), each attached to one hub, call one tool as fast as
 * they can while the caller injects faults; then a report of throughput, latency, errors by code,
 * hangs, recoveries and memory. Every figure lives in shared memory (stress-thread.ts), so the
 * runner holds no object per call and can still read a thread that got stuck.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ErrorCode, McpSyncError, unknownServerError } from '../shared/errors.js';
import type { McpHub } from '../bridge/hub.js';
import { CONTROL, REGION, StressMemory, type StressTask, type ThreadSamples } from './stress-thread.js';
import { StressTimeline, latencyBins, type LatencyBin, type StressPoint } from './timeline.js';
import type { CallToolResult, JsonObject } from '../shared/types.js';

/** How often the runner samples memory, reports progress and looks for hung calls. */
export const STRESS_TICK_MS = 100;
/** How often the timeline samples the run. */
const TIMELINE_MS = 1_000;
/** Default extra time past a call's deadline before it counts as hung. */
export const DEFAULT_STRESS_GRACE_MS = 5_000;
/** Default range of the random wait before each fault. */
export const DEFAULT_FAULT_INTERVAL_MS = { min: 500, max: 2_000 } as const;
/**
 * Where in the run (fraction of the calls, or of `durationMs`) RSS is read for `rssSamples.middle`
 * and `.end`: the median of the samples over each window, so that where one isolate's GC cycle
 * happens to be at one instant does not decide the figure.
 */
const RSS_WINDOWS = { middle: [0.4, 0.6], end: [0.9, 1] } as const;
/**
 * The pool threads' young generation, MB: their garbage is short-lived, and V8's default (grown to
 * 32 MB of semi-spaces per thread under load) would make the harness's own threads the largest,
 * least steady part of the RSS it reports.
 */
const POOL_YOUNG_GENERATION_MB = 6;
/** How long the runner waits for every pool thread to attach. */
const READY_TIMEOUT_MS = 30_000;

/** Progress of a run, as given to {@link StressOptions.onProgress}. */
export interface StressProgress {
  /** Calls that returned so far, whatever their outcome. */
  done: number;
  /** Calls planned, when the run is bounded by `calls`. */
  total?: number;
  /** Returned calls that did not succeed (errors and mismatches). */
  errors: number;
  elapsedMs: number;
}

/** Given to {@link StressOptions.faults}: quiesce the callers, e.g. to read a server-side counter at a quiet moment. */
export interface StressControl {
  /** Stops threads starting calls; resolves `true` once none is in flight (`false`: one outlived its deadline + grace). */
  pause(): Promise<boolean>;
  /** Lets the threads go on. The harness also resumes after every fault. */
  resume(): void;
}

/** Options of {@link runStress}. `calls` or `durationMs` is required; with both, whichever ends first. */
export interface StressOptions {
  /** The configured server to call. */
  server: string;
  /** The tool to call. */
  tool: string;
  /** Arguments of call `i` (0-based, unique across threads); a function must be self-contained (sent as source). @default {} */
  args?: JsonObject | ((i: number) => JsonObject);
  /**
   * Whether a reply answers its request (e.g. echoes the call's unique token); self-contained, sent as
   * source like `args`. An `isError` result counts as a tool error, whatever this says. @default any non-error result
   */
  verify?: (result: CallToolResult, args: JsonObject, i: number) => boolean;
  /** Caller threads (the piscina pool's size). */
  threads: number;
  /** Calls in all, shared by the threads. @default unbounded */
  calls?: number;
  /** Start no call after this long. @default unbounded */
  durationMs?: number;
  /** Deadline of each call. @default the server's `timeout` */
  timeoutMs?: number;
  /** Extra time past a call's deadline before it counts as hung. @default 5000 */
  graceMs?: number;
  /** Called every {@link STRESS_TICK_MS} ms and once at the end. @default none */
  onProgress?: (progress: StressProgress) => void;
  /** Injects a fault (drop sessions, kill a server…) at random moments, one at a time. @default none */
  faults?: (control: StressControl) => Promise<void> | void;
  /** Range of the random wait before each fault, ms. @default {min: 500, max: 2000} */
  faultIntervalMs?: { min: number; max: number };
}

/** What a run measured. Latencies are those of the calls that succeeded (`ok`); errors are counted, not timed. */
export interface StressReport {
  /** Calls started: `ok + mismatched + Σ errors + unfinished`. */
  calls: number;
  /** Calls whose result matched their request. */
  ok: number;
  /** Calls that threw an McpSyncError, by its code (only codes that happened). */
  errors: Partial<Record<ErrorCode, number>>;
  /** Calls the tool answered with `isError: true`: the tool ran and reported a failure. */
  toolErrors: number;
  /** Calls that threw something other than an McpSyncError (a bug: report it). */
  otherErrors: number;
  /** One message per kind of failure seen: per error code, `isError` (a tool error's text) and `other`. */
  samples: Record<string, string>;
  /** Calls whose result did not match their request. */
  mismatched: number;
  /** Calls that outlived their deadline + grace: returned late, or never (then also `unfinished`). */
  hung: number;
  /** Calls still blocked when the harness gave up on their threads. */
  unfinished: number;
  durationMs: number;
  callsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Highest RSS of this process (every thread, the I/O worker included) seen during the run. */
  peakRssBytes: number;
  /**
   * RSS when the calls started; around half-way and at the end, each the median of the samples
   * over 40–60 % and 90–100 % of the run: a flat run has end ≈ middle.
   */
  rssSamples: { start: number; middle: number; end: number };
  /** New sessions of the server during the run (its generation delta in `hub.servers()`). */
  recoveries: number;
  /** Progress notifications the calls received (each on the thread that made the call). */
  progress: number;
  /** Faults injected. */
  faults: number;
  /** The run over time, about a point per second (merged pairwise past 600 points). */
  timeline: StressPoint[];
  /** The latency histogram of the successful calls, in bins of √2 from 10 µs. */
  latencyHistogram: LatencyBin[];
}

/**
 * Calls `tool` on `server` from `threads` pool threads at once (each attaches to `hub` once),
 * injecting `faults` at random moments, and reports what happened. Never hangs on a stuck call:
 * once every unfinished thread is blocked past its deadline + grace, it stops waiting for them.
 * Needs the `piscina` package.
 * @throws McpSyncError INVALID_ARGUMENT, UNKNOWN_SERVER, TIMEOUT (threads did not attach), INTERNAL (no piscina)
 */
export async function runStress(hub: McpHub, options: StressOptions): Promise<StressReport> {
  const { threads, calls, durationMs, server } = options;
  const { servers } = hub.handle();
  const summary = servers.find((s) => s.name === server);
  const names = servers.map(({ name }) => name);
  if (summary === undefined) throw unknownServerError(server, names);
  const badCalls = calls !== undefined && !(Number.isInteger(calls) && calls >= 0);
  if (!Number.isInteger(threads) || threads < 1 || badCalls || (calls === undefined && durationMs === undefined)) {
    throw new McpSyncError(ErrorCode.INVALID_ARGUMENT, `runStress needs threads ≥ 1 (got ${threads}) and calls ≥ 0 or durationMs`);
  }
  const timeoutMs = options.timeoutMs ?? summary.timeoutMs;
  const graceMs = options.graceMs ?? DEFAULT_STRESS_GRACE_MS;
  const { Piscina } = await import('piscina').catch((cause: unknown) => {
    throw new McpSyncError(ErrorCode.INTERNAL, 'runStress needs the piscina package: npm install piscina', undefined, { cause });
  });
  const generation = (): number => hub.servers().find((s) => s.name === server)?.generation ?? 0;
  const generationBefore = generation();

  const memory = StressMemory.create(threads);
  const args = options.args ?? {};
  const task: Omit<StressTask, 'index'> = {
    handle: hub.handle(),
    memory: memory.shared,
    server,
    tool: options.tool,
    args: typeof args === 'function' ? { source: args.toString() } : { value: args },
    verify: options.verify?.toString(),
    total: calls ?? -1,
    timeoutMs,
    graceMs,
  };
  const filename = fileURLToPath(new URL(`./stress-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
  const pool = new Piscina({
    filename,
    minThreads: threads,
    maxThreads: threads,
    resourceLimits: { maxYoungGenerationSizeMb: POOL_YOUNG_GENERATION_MB },
  });
  const finished = new Array<boolean>(threads).fill(false);
  const samples: Record<string, string> = {};
  let failure: unknown;
  const allDone = Promise.all(
    finished.map((_, index) =>
      (pool.run({ ...task, index }) as Promise<ThreadSamples>).then(
        (seen) => void (Object.entries(seen).forEach(([key, message]) => (samples[key] ??= message)), (finished[index] = true)),
        (error: unknown) => void ((failure ??= error), (finished[index] = true)),
      ),
    ),
  );
  const stop = (): void => [CONTROL.STOP, CONTROL.GO].forEach((word) => memory.set(word, 1));

  try {
    for (const readyBy = Date.now() + READY_TIMEOUT_MS; Atomics.load(memory.control, CONTROL.READY) < threads; await sleep(5)) {
      if (failure !== undefined) throw failure;
      if (Date.now() > readyBy) throw new McpSyncError(ErrorCode.TIMEOUT, `Stress threads did not attach within ${READY_TIMEOUT_MS} ms`);
    }
    const rss = process.memoryUsage.rss;
    const rssSamples = { start: rss(), middle: 0, end: 0 };
    let peakRssBytes = rssSamples.start;
    const windows = { middle: [] as number[], end: [] as number[] };
    const started = performance.now();
    const progress = (): void => {
      const errors = memory.failed();
      const done = memory.sum(REGION.OK) + errors;
      options.onProgress?.({ done, ...(calls === undefined ? {} : { total: calls }), errors, elapsedMs: performance.now() - started });
    };
    memory.set(CONTROL.GO, 1);
    const timeline = new StressTimeline(memory, generationBefore);
    let sampledAt = 0;

    let [running, unfinished] = [true, 0];
    // A fault injector that throws ends the run, and runStress rethrows its error.
    const faulting = runFaults(options, memory, () => running, timeoutMs + graceMs).catch((error: unknown) => {
      failure ??= error;
      stop();
      return 0;
    });
    void allDone.then(() => (running = false));
    while (running) {
      await Promise.race([allDone, sleep(STRESS_TICK_MS)]);
      const elapsed = performance.now() - started;
      const now = rss();
      peakRssBytes = Math.max(peakRssBytes, now);
      const part =
        calls === undefined ? elapsed / (durationMs ?? Infinity) : (memory.sum(REGION.OK) + memory.failed()) / Math.max(1, calls);
      for (const name of ['middle', 'end'] as const) {
        if (part >= RSS_WINDOWS[name][0] && part < RSS_WINDOWS[name][1]) windows[name].push(now);
      }
      if (durationMs !== undefined && elapsed >= durationMs) stop();
      if (elapsed - sampledAt >= TIMELINE_MS) timeline.sample(memory, (sampledAt = elapsed), generation());
      progress();
      // Every thread still out is blocked past its deadline + grace: stop waiting for them.
      const waiting = finished.filter((done) => !done).length;
      const stuck = finished.filter((done, t) => !done && memory.callAgeMs(t) > timeoutMs + graceMs).length;
      if (running && waiting > 0 && stuck === waiting) [unfinished, running] = [stuck, false];
    }
    const elapsedMs = performance.now() - started;
    stop();
    const faults = await faulting;
    if (failure !== undefined) throw failure;
    rssSamples.end = median([...windows.end, rss()]);
    rssSamples.middle = windows.middle.length > 0 ? median(windows.middle) : rssSamples.end;
    timeline.sample(memory, elapsedMs, generation());
    progress();

    const ok = memory.sum(REGION.OK);
    const returned = ok + memory.failed();
    return {
      calls: returned + unfinished,
      ok,
      errors: memory.errors(),
      toolErrors: memory.toolErrors(),
      otherErrors: memory.otherErrors(),
      samples,
      mismatched: memory.sum(REGION.MISMATCHED),
      hung: memory.sum(REGION.HUNG) + unfinished,
      unfinished,
      durationMs: elapsedMs,
      callsPerSecond: returned / (elapsedMs / 1000),
      latencyMs: memory.latencyMs(),
      peakRssBytes: Math.max(peakRssBytes, rssSamples.end),
      rssSamples,
      recoveries: generation() - generationBefore,
      progress: memory.sum(REGION.PROGRESS),
      faults,
      timeline: [...timeline.points],
      latencyHistogram: latencyBins(memory),
    };
  } finally {
    stop();
    // Threads stuck in a call end with the pool: Worker#terminate interrupts Atomics.wait.
    await pool.destroy();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Calls that returned, whatever their outcome: a sound run has `returnedCalls + unfinished = calls`. */
export function returnedCalls(report: StressReport): number {
  const errors = Object.values(report.errors).reduce((a, b) => a + (b ?? 0), 0);
  return report.ok + report.mismatched + report.toolErrors + report.otherErrors + errors;
}

/**
 * The range a server-side counter of executed calls must fall in if no call was lost or run twice:
 * at least every call known to have run (ok, mismatched, tool errors, RESPONSE_TOO_LARGE), at most
 * those plus every call whose outcome is unknown (OUTCOME_UNCERTAIN, TIMEOUT, INTERRUPTED,
 * WORKER_EXITED, INTERNAL, other errors, unfinished). Every other code says the call did not run:
 * SESSION_EXPIRED, NOT_CONNECTED, …
 */
export function executionBounds(report: StressReport): { min: number; max: number } {
  const count = (code: ErrorCode): number => report.errors[code] ?? 0;
  const min = report.ok + report.mismatched + report.toolErrors + count(ErrorCode.RESPONSE_TOO_LARGE);
  const uncertain = [ErrorCode.OUTCOME_UNCERTAIN, ErrorCode.TIMEOUT, ErrorCode.INTERRUPTED, ErrorCode.WORKER_EXITED, ErrorCode.INTERNAL];
  const unknown = uncertain.reduce((n, c) => n + count(c), 0) + report.otherErrors;
  return { min, max: min + unknown + report.unfinished };
}

/** Injects `options.faults` at random moments while `active()`, one at a time; returns how many ran. */
async function runFaults(options: StressOptions, memory: StressMemory, active: () => boolean, quietWithinMs: number): Promise<number> {
  const { faults } = options;
  if (faults === undefined) return 0;
  const { min, max } = options.faultIntervalMs ?? DEFAULT_FAULT_INTERVAL_MS;
  const control: StressControl = { pause: () => memory.pause(quietWithinMs), resume: () => memory.set(CONTROL.PAUSED, 0) };
  let count = 0;
  for (let wait = min + Math.random() * (max - min); ; wait = min + Math.random() * (max - min)) {
    // Wait in short steps, so the run's end is not held up by a long wait.
    for (const until = Date.now() + wait; active() && Date.now() < until;) await sleep(Math.min(STRESS_TICK_MS, until - Date.now()));
    if (!active()) return count;
    try {
      await faults(control);
    } finally {
      control.resume();
    }
    count += 1;
  }
}
