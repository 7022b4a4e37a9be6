/**
 * How many reconnect attempts an outage may make, and how long to wait before each: 5 attempts
 * with doubling backoff by default. The budget and the backoff reset only once a session has
 * stayed healthy for `healthyResetMs` — a server that dies right after every reconnect is a crash
 * loop and must end parked — but, unlike hermes (#57129), they do reset, so a long-running
 * gateway is never given up on for good.
 */
import type { RecoveryOptions } from '../../src/shared/protocol.js';
import { sleep } from './signals.js';

export class ReconnectBudget {
  readonly #options: RecoveryOptions;
  #attempts = 0;
  #backoffMs: number;
  #readySince = 0;

  constructor(options: RecoveryOptions) {
    this.#options = options;
    this.#backoffMs = options.backoffMs;
  }

  /** Attempts made since the session was last healthy. */
  get attempts(): number {
    return this.#attempts;
  }

  /** A session just became ready: the healthy clock starts. */
  ready(): void {
    this.#readySince = Date.now();
  }

  /** An outage begins: a fresh budget if the last session stayed healthy long enough. */
  beginOutage(): void {
    if (this.#readySince > 0 && Date.now() - this.#readySince >= this.#options.healthyResetMs) {
      this.#attempts = 0;
      this.#backoffMs = this.#options.backoffMs;
    }
  }

  /** Waits out the backoff and takes one attempt; false when the budget is spent. */
  async next(signal: AbortSignal): Promise<boolean> {
    if (this.#attempts >= this.#options.reconnectRetries) return false;
    if (this.#attempts > 0) {
      await sleep(this.#backoffMs, signal);
      this.#backoffMs = Math.min(this.#backoffMs * 2, this.#options.maxBackoffMs);
    }
    this.#attempts++;
    return true;
  }
}
