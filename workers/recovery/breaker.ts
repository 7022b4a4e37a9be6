/**
 * Per-server circuit breaker: after `threshold` consecutive failures the server is left alone for
 * `cooldownMs` — calls fail fast with CIRCUIT_OPEN and never touch it. After the cooldown exactly
 * one call goes through as a probe (half-open); its success closes the breaker, its failure
 * re-opens it for another cooldown. A successful reconnect resets it.
 */
import { ErrorCode, McpSyncError } from '../../src/shared/errors.js';
import type { BreakerStatus } from '../../src/shared/protocol.js';

/** Breaker settings; `now` is injectable so tests drive time without sleeping. */
export interface BreakerOptions {
  threshold: number;
  cooldownMs: number;
  now?: () => number;
}

export class CircuitBreaker {
  readonly #server: string;
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  #failures = 0;
  /** When the breaker opened; undefined while closed. */
  #openedAt: number | undefined;
  /** True while the one half-open probe is in flight. */
  #probing = false;

  constructor(server: string, options: BreakerOptions) {
    this.#server = server;
    this.#threshold = options.threshold;
    this.#cooldownMs = options.cooldownMs;
    this.#now = options.now ?? Date.now;
  }

  /** Consecutive failures counted so far. */
  get failures(): number {
    return this.#failures;
  }

  get isOpen(): boolean {
    return this.#openedAt !== undefined;
  }

  /**
   * Lets a call through, or throws CIRCUIT_OPEN. After the cooldown the first caller becomes
   * the probe; others keep failing fast until it settles.
   * @throws McpSyncError CIRCUIT_OPEN
   */
  admit(): void {
    if (this.#openedAt === undefined) return;
    const remainingMs = this.#openedAt + this.#cooldownMs - this.#now();
    if (remainingMs <= 0 && !this.#probing) {
      this.#probing = true;
      return;
    }
    const seconds = Math.max(1, Math.ceil(remainingMs / 1000));
    throw new McpSyncError(
      ErrorCode.CIRCUIT_OPEN,
      `MCP server '${this.#server}' is unreachable after ${this.#failures} consecutive failures; calls fail fast for ~${seconds} s more, then one is let through to probe it.`,
      { server: this.#server, failures: this.#failures, retryAfterMs: Math.max(0, remainingMs) },
    );
  }

  /** The server answered: close the breaker. */
  success(): void {
    this.reset();
  }

  /** The server failed a call: count it; at the threshold (or a failed probe) open for a cooldown. */
  failure(): void {
    this.#failures++;
    if (this.#probing || this.#failures >= this.#threshold) this.#openedAt = this.#now();
    this.#probing = false;
  }

  /** What `servers()` shows of the breaker: undefined while it is closed. */
  status(): BreakerStatus | undefined {
    if (this.#openedAt === undefined) return undefined;
    const retryAt = this.#openedAt + this.#cooldownMs;
    return { open: true, failures: this.#failures, retryAt: new Date(retryAt).toISOString(), halfOpen: this.#now() >= retryAt };
  }

  /** A call that said nothing about the server's health (interrupted) ends: free the probe slot. */
  release(): void {
    this.#probing = false;
  }

  reset(): void {
    this.#failures = 0;
    this.#openedAt = undefined;
    this.#probing = false;
  }
}
