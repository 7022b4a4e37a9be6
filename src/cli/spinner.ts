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

/** Bytes of the status text the line shows after its label (progress, say). */
export const STATUS_BYTES = 256;

/** Sets the text the spinner line shows after its label (a call's progress); '' for none. */
export type SetStatus = (text: string) => void;

/**
 * Starts drawing `label` on stderr (after {@link SPINNER_DELAY_MS}) when `enabled` — a terminal —
 * and returns the function that stops it and erases the line before returning, and one that sets
 * the status text drawn after the label (shared memory: the drawing thread reads it each frame).
 */
export function startSpinner(enabled: boolean, label: string): (() => void) & { status: SetStatus } {
  if (!enabled) return Object.assign(() => undefined, { status: () => undefined });
  const flags = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  const words = new Int32Array(flags);
  const status = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT + STATUS_BYTES);
  const data: SpinnerData = { flags, label, delayMs: SPINNER_DELAY_MS, status };
  const worker = new Worker(SPINNER_URL, { workerData: data });
  worker.unref();
  const stop = (): void => {
    Atomics.store(words, 0, 1);
    Atomics.notify(words, 0);
    // Wait until the line is cleared (DONE); a thread still booting sees STOP first and draws nothing.
    Atomics.wait(words, 1, 0, STOP_WAIT_MS);
    void worker.terminate();
  };
  const length = new Int32Array(status, 0, 1);
  const bytes = new Uint8Array(status, Int32Array.BYTES_PER_ELEMENT);
  return Object.assign(stop, {
    // The length goes last (and is read first): the drawing thread never reads past what is written.
    status: (text: string) => {
      Atomics.store(length, 0, 0);
      const { written } = new TextEncoder().encodeInto(text, bytes);
      Atomics.store(length, 0, written);
    },
  });
}

/**
 * Runs the blocking `work` with `label` animated on stderr when `enabled`, and returns what it
 * returns; `work` may set a status text to show after the label.
 */
export function withSpinner<T>(enabled: boolean, label: string, work: (status: SetStatus) => T): T {
  const stop = startSpinner(enabled, label);
  try {
    return work(stop.status);
  } finally {
    stop();
  }
}
