/**
 * The thread behind {@link import('./spinner.js').withSpinner}: draws a progress line on stderr while
 * the main thread is blocked (in `McpHub.start` or a call). It writes with `writeSync(2)` — a
 * worker's `process.stderr` is relayed through the main thread's event loop, which is blocked —
 * and clears its line itself before it acknowledges the stop, so the main thread never prints
 * into a half-drawn line.
 */
import { writeSync } from 'node:fs';
import { workerData } from 'node:worker_threads';

/** What the main thread passes in `workerData`. */
export interface SpinnerData {
  /** Words: [STOP (set by the main thread), DONE (set here once the line is cleared)]. */
  flags: SharedArrayBuffer;
  /** The text after the spinner, e.g. "connecting to 2 MCP servers (web, files)". */
  label: string;
  /** Draw nothing if stopped within this time: fast operations do not flicker. */
  delayMs: number;
  /** A status text to draw after the label: an Int32 byte length, then UTF-8 bytes. */
  status: SharedArrayBuffer;
}

const FRAMES = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
const FRAME_MS = 100;
const [STOP, DONE] = [0, 1];

const { flags, label, delayMs, status } = workerData as SpinnerData;
const words = new Int32Array(flags);
const statusLength = new Int32Array(status, 0, 1);
const statusBytes = new Uint8Array(status, Int32Array.BYTES_PER_ELEMENT);

/** The status text now (a copy: the main thread may be rewriting it). */
function statusText(): string {
  const length = Atomics.load(statusLength, 0);
  return length === 0 ? '' : ` — ${new TextDecoder().decode(statusBytes.slice(0, length))}`;
}
const started = Date.now();
let drawn = false;
// Atomics.wait returns 'timed-out' while nobody set STOP: draw a frame each time.
if (Atomics.wait(words, STOP, 0, delayMs) === 'timed-out') {
  for (let frame = 0; ; frame += 1) {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    writeSync(2, `\r\x1b[K${FRAMES[frame % FRAMES.length]} ${label}… ${seconds} s${statusText()}`);
    drawn = true;
    if (Atomics.wait(words, STOP, 0, FRAME_MS) !== 'timed-out') break;
  }
}
if (drawn) writeSync(2, '\r\x1b[K');
Atomics.store(words, DONE, 1);
Atomics.notify(words, DONE);
