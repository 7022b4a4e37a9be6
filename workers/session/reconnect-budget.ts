/**
 * Why a session reconnects, and how many reconnect attempts an outage may make, and how long to wait before each: 5 attempts
 * with doubling backoff by default. The budget and the backoff reset only once a session has
 * stayed healthy for `healthyResetMs` — a server that dies right after every reconnect is a crash
 * loop and must end parked — but, unlike hermes (#57129), they do reset, so a long-running
 * gateway is never given up on for good.
 */
import type { RecoveryOptions } from '../../src/shared/protocol.js';
import { sleep } from './signals.js';

/**
 * Why a reconnect was asked for: the server said it forgot the session (`expired`), or that it no
 * longer speaks the protocol version agreed on (`protocol`: upgraded or rolled back), the link died
 * under requests that were written (`lost`: they cannot be answered any more), or the server
 * cannot be reached at all (`unreachable`: requests in flight fail by themselves, certain of what
 * they were — a refused one was never sent — so they are left to do so).
 */
export type ReconnectCause = 'expired' | 'protocol' | 'lost' | 'unreachable';

/** The event log's line for each cause of a reconnect. */
export const RECONNECT_EVENTS: Record<ReconnectCause, string> = {
  expired: 'session expired; re-initialising',
  protocol: 'protocol version refused; negotiating again',
  lost: 'connection lost; reconnecting',
  unreachable: 'unreachable; reconnecting',
};

/** The server answered (it forgot us, or refused our version): it is alive, and its first attempt is free and immediate. */
export function answered(cause: ReconnectCause): boolean {
  return cause === 'expired' || cause === 'protocol';
}

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
