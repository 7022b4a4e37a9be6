/**
 * One server must not starve the others on the shared I/O worker by flooding it with
 * notifications (a logging loop, progress on every byte). Each server gets a token bucket: up
 * to {@link NOTIFICATION_BURST} at once and {@link NOTIFICATIONS_PER_SECOND} sustained; past that,
 * notifications are dropped before the SDK parses or dispatches them — answers to requests never
 * are — and the number dropped is reported to the event log at most every few seconds.
 */

/** Sustained notifications per second a server may send before the excess is dropped. */
export const NOTIFICATIONS_PER_SECOND = 1_000;
/** Notifications a server may send at once, above the sustained rate. */
export const NOTIFICATION_BURST = 1_000;
/** How often at most the dropped count is reported. */
const REPORT_EVERY_MS = 5_000;

export class NotificationBudget {
  readonly #report: (event: string) => void;
  #tokens = NOTIFICATION_BURST;
  #refilledAt = performance.now();
  #dropped = 0;
  #timer: NodeJS.Timeout | undefined;

  /** `report` is told, at most every few seconds, how many notifications were dropped (an event-log line). */
  constructor(report: (event: string) => void) {
    this.#report = report;
  }

  /** True while a notification would be dropped (lets a reader skip even parsing one). */
  get exhausted(): boolean {
    this.#refill();
    return this.#tokens < 1;
  }

  /** Takes one notification's token: true to deliver it, false to drop it (and count it). */
  take(): boolean {
    this.#refill();
    if (this.#tokens >= 1) {
      this.#tokens--;
      return true;
    }
    this.drop();
    return false;
  }

  /** Counts a notification dropped without asking (see {@link exhausted}). */
  drop(): void {
    this.#dropped++;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      const dropped = this.#dropped;
      this.#dropped = 0;
      this.#tell(dropped);
    }, REPORT_EVERY_MS).unref();
  }

  /** Stops the pending report (the transport closed); what was dropped is reported now. */
  flush(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#dropped > 0) this.#tell(this.#dropped);
    this.#dropped = 0;
  }

  #tell(dropped: number): void {
    this.#report(`dropped ${dropped} notifications (more than ${NOTIFICATIONS_PER_SECOND}/s: the server is flooding)`);
  }

  #refill(): void {
    const now = performance.now();
    this.#tokens = Math.min(NOTIFICATION_BURST, this.#tokens + ((now - this.#refilledAt) * NOTIFICATIONS_PER_SECOND) / 1000);
    this.#refilledAt = now;
  }
}

/** A JSON-RPC notification: a method and no id. */
export function isNotification(message: unknown): boolean {
  return typeof message === 'object' && message !== null && 'method' in message && !('id' in message);
}
