/**
 * A progress line on stderr while this thread waits. `McpHub.start` and every call block the
 * calling thread in `Atomics.wait`, so the line cannot be animated from here: a small thread
 * (spinner-thread.ts) draws it and is stopped, through shared memory, when the work returns.
 */
import { Worker } from 'node:worker_threads';
import type { SpinnerData } from './spinner-thread.js';

/** How long work may take before the line appears. */
export const SPINNER_DELAY_MS = 250;
/** How long the main thread waits for the spinner to clear its line. */
const STOP_WAIT_MS = 1_000;

const SPINNER_URL = new URL(`./spinner-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * Starts drawing `label` on stderr (after {@link SPINNER_DELAY_MS}) when `enabled` — a terminal —
 * and returns the function that stops it and erases the line before returning.
 */
export function startSpinner(enabled: boolean, label: string): () => void {
  if (!enabled) return () => undefined;
  const flags = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  const words = new Int32Array(flags);
  const data: SpinnerData = { flags, label, delayMs: SPINNER_DELAY_MS };
  const worker = new Worker(SPINNER_URL, { workerData: data });
  worker.unref();
  return () => {
    Atomics.store(words, 0, 1);
    Atomics.notify(words, 0);
    // Wait until the line is cleared (DONE); a thread still booting sees STOP first and draws nothing.
    Atomics.wait(words, 1, 0, STOP_WAIT_MS);
    void worker.terminate();
  };
}

/** Runs the blocking `work` with `label` animated on stderr when `enabled`, and returns what it returns. */
export function withSpinner<T>(enabled: boolean, label: string, work: () => T): T {
  const stop = startSpinner(enabled, label);
  try {
    return work();
  } finally {
    stop();
  }
}
