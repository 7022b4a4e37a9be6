/**
 * What only the thread that started a hub owns: the worker itself and the orphan sweep — so what
 * only it does: ask the worker to shut every server down, and stop it.
 */
import type { Worker } from 'node:worker_threads';
import { HUB_WORKER, WORKER_CLOSED, WORKER_RUNNING } from '../shared/protocol.js';
import type { Channel } from './channel.js';

/** How long `close()` waits for the worker to shut every server down. */
export const CLOSE_WAIT_MS = 8_000;

export class HubOwner {
  readonly #worker: Worker;
  readonly #forgetOrphans: () => void;
  readonly #state: Int32Array;
  readonly #channel: Channel;

  constructor(worker: Worker, forgetOrphans: () => void, state: Int32Array, channel: Channel) {
    this.#worker = worker;
    this.#forgetOrphans = forgetOrphans;
    this.#state = state;
    this.#channel = channel;
  }

  /** Shuts every server down in parallel (bounded), then the worker; stdio children are ended. */
  close(): void {
    let graceful = false;
    try {
      if (Atomics.load(this.#state, HUB_WORKER) === WORKER_RUNNING) {
        this.#channel.request({ op: 'close', args: [], timeoutMs: CLOSE_WAIT_MS });
        graceful = true;
      }
    } catch {
      // The worker is gone or did not answer in time: what it left behind is killed below.
    }
    this.shutDown(graceful);
  }

  /**
   * Marks the hub CLOSED (so no thread ever reads DEAD for a hub closed on purpose), kills any
   * stdio child the worker did not end, closes the channel, and — unless the worker is already
   * exiting by itself after a graceful close, running its exit hook that wakes every attached
   * caller — terminates it.
   */
  shutDown(graceful = false): void {
    Atomics.compareExchange(this.#state, HUB_WORKER, WORKER_RUNNING, WORKER_CLOSED);
    Atomics.notify(this.#state, HUB_WORKER);
    this.#forgetOrphans();
    this.#channel.close();
    if (!graceful) void this.#worker.terminate();
  }
}
