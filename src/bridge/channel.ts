/**
 * One caller ↔ worker channel: a MessagePort plus an Int32Array slot on shared memory. The
 * caller posts a request and blocks in Atomics.wait until the worker posts the reply and bumps
 * the slot, the deadline passes, another thread interrupts, or the worker dies.
 */
import { receiveMessageOnPort, type BroadcastChannel, type MessagePort } from 'node:worker_threads';
import { ErrorCode, McpSyncError, fromWire } from '../shared/errors.js';
import type { Op, OpResult } from '../shared/operations.js';
import { SLOT_INTERRUPT, SLOT_SIGNAL, type CallerMessage, type HubHandle, type ReplyMessage } from '../shared/protocol.js';
import type { Progress } from '../shared/types.js';
import { clientClosedError, interruptedError, timeoutError } from './call-errors.js';
import { requestMessage, type CallerProgress, type PreparedRequest } from './requests.js';
import { WorkerState } from './worker-state.js';

/** Values of the slot's interrupt word: none pending, or interrupt the call in flight. */
const NO_INTERRUPT = 0;
const INTERRUPT = 1;
/** Longest single Atomics.wait: how late a caller notices a worker that died without its exit hook. */
const MAX_WAIT_SLICE_MS = 1_000;

/**
 * Lets another thread interrupt the call this thread is blocked in. Plain data: post it to any
 * thread, which calls {@link interrupt} with it.
 */
export interface InterruptToken {
  readonly slot: SharedArrayBuffer;
}

/**
 * Interrupts the call in flight on the channel of `token`, from any thread: the blocked caller
 * wakes at once with INTERRUPTED and the worker cancels the request. An interrupt that arrives
 * while no call is in flight is dropped at the start of the next call.
 */
export function interrupt(token: InterruptToken): void {
  const slot = new Int32Array(token.slot);
  Atomics.store(slot, SLOT_INTERRUPT, INTERRUPT);
  // Bump, not just notify: a caller between reading the word and sleeping on it must see a change.
  Atomics.add(slot, SLOT_SIGNAL, 1);
  Atomics.notify(slot, SLOT_SIGNAL);
}

/** The blocking end of a channel. Not thread-safe: one channel belongs to one thread. */
export class Channel {
  // The hub's own channel is a MessagePort; an attached thread's is a BroadcastChannel. Node
  // drains both with receiveMessageOnPort.
  readonly #port: MessagePort | BroadcastChannel;
  readonly #slot: Int32Array;
  readonly #slotBuffer: SharedArrayBuffer;
  readonly #worker: WorkerState;
  #nextId = 0;
  #closed = false;
  #inProgressCallback = false;

  constructor(port: MessagePort | BroadcastChannel, slot: SharedArrayBuffer, hub: Pick<HubHandle, 'hubState' | 'failure'>) {
    this.#port = port;
    this.#slot = new Int32Array(slot);
    this.#slotBuffer = slot;
    this.#worker = new WorkerState(hub);
    // The caller side never listens for 'message' (it drains with receiveMessageOnPort), so
    // the port must not keep the event loop alive: a script that forgets close() still exits.
    this.#port.unref();
  }

  /**
   * Posts `op(args)` and blocks until its reply, at most `timeoutMs` — running `progress`'s callback
   * here, on this thread, for each progress notification that comes first.
   * @throws McpSyncError TIMEOUT, INTERRUPTED, WORKER_EXITED, CLOSED, or the worker's error; what the progress callback throws
   */
  request<O extends Op>(request: PreparedRequest<O>): OpResult<O> {
    const { op, timeoutMs, server, progress } = request;
    if (this.#closed) throw clientClosedError(server);
    // A call from inside a progress callback would drain (and drop) the reply of the call it is in.
    if (this.#inProgressCallback) {
      throw new McpSyncError(ErrorCode.INVALID_ARGUMENT, 'A call cannot be made from inside an onProgress callback on the same thread', {
        ...(server !== undefined && { server }),
      });
    }
    this.#worker.assertAlive(server);
    const id = ++this.#nextId;
    // An interrupt aimed at an earlier call must not hit this one.
    Atomics.store(this.#slot, SLOT_INTERRUPT, NO_INTERRUPT);
    try {
      this.#post(requestMessage(id, request));
    } catch (error) {
      // Structured clone refused the arguments (a function, a symbol…): the caller's mistake.
      throw new McpSyncError(
        ErrorCode.INVALID_ARGUMENT,
        `Arguments of ${op} cannot be sent to the I/O worker: ${String(error)}`,
        server === undefined ? undefined : { server },
      );
    }
    const started = performance.now();
    const cap = progress?.maxTotalTimeoutMs === undefined ? Infinity : started + progress.maxTotalTimeoutMs;
    let deadline = Math.min(started + timeoutMs, cap);
    for (;;) {
      // Read the signal word BEFORE draining the port: if the worker replies after the drain,
      // it has already bumped the word, so Atomics.wait returns at once instead of sleeping.
      const seen = Atomics.load(this.#slot, SLOT_SIGNAL);
      let entry = receiveMessageOnPort(this.#port as MessagePort) as { message: ReplyMessage } | undefined;
      // The worker may have queued the reply just before it went: one last look, then give up.
      if (entry === undefined && this.#worker.gone) {
        entry = receiveMessageOnPort(this.#port as MessagePort) as { message: ReplyMessage } | undefined;
        if (entry === undefined) this.#worker.assertAlive(server);
      }
      if (entry !== undefined) {
        const reply = entry.message;
        // A late reply to a call that already timed out or was interrupted: drop it, never
        // take it as the answer to this call.
        if (reply.id !== id) continue;
        if (reply.type === 'progress') {
          if (progress?.reset === true) deadline = Math.min(performance.now() + timeoutMs, cap);
          this.#deliver(progress, reply.progress, id);
          continue;
        }
        if (reply.ok) return reply.value as OpResult<O>;
        throw fromWire(reply.error);
      }
      if (Atomics.load(this.#slot, SLOT_INTERRUPT) === INTERRUPT) {
        this.#post({ type: 'cancel', id, reason: 'interrupt' });
        throw interruptedError(server);
      }
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        this.#post({ type: 'cancel', id, reason: 'timeout' });
        throw timeoutError(op, timeoutMs, server, request.args);
      }
      // Sleep in slices of at most a second: a worker stopped by terminate() runs no exit hook,
      // so a caller in another thread re-reads the worker word rather than sleep to its deadline.
      Atomics.wait(this.#slot, SLOT_SIGNAL, seen, Math.min(remaining, MAX_WAIT_SLICE_MS));
    }
  }

  /** Runs the progress callback; one that throws ends the call (cancelled, its error thrown). */
  #deliver(progress: CallerProgress | undefined, value: Progress, id: number): void {
    if (progress === undefined) return;
    this.#inProgressCallback = true;
    try {
      progress.onProgress(value);
    } catch (error) {
      this.#post({ type: 'cancel', id, reason: 'interrupt' });
      throw error;
    } finally {
      this.#inProgressCallback = false;
    }
  }

  /** A token another thread can use to interrupt this channel's call in flight. */
  interruptToken(): InterruptToken {
    return { slot: this.#slotBuffer };
  }

  /** Tells the worker to stop serving this channel (an attached client closing), then closes it. */
  detach(): void {
    if (this.#closed) return;
    try {
      this.#post({ type: 'detach' });
    } catch {
      // the worker is gone already
    }
    this.close();
  }

  /** Stops using this channel; its port is closed. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#port.close();
  }

  #post(message: CallerMessage): void {
    this.#port.postMessage(message);
  }
}
