/**
 * Keepalive timing: while a session is idle, fire a probe every `intervalMs`. Any successful
 * traffic counts as a probe (`touch()`), so a busy session is never pinged.
 */
export class Keepalive {
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #lastActivity = 0;

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** The session just proved alive. */
  touch(): void {
    this.#lastActivity = Date.now();
  }

  /**
   * Runs `probe` once the session has been idle for a whole interval; `probe` resolves true to
   * keep the timer going (it succeeded) or false to stop (the session is being replaced).
   */
  start(probe: () => Promise<boolean>): void {
    this.stop();
    const dueIn = this.#lastActivity + this.#intervalMs - Date.now();
    this.#timer = setTimeout(
      () => {
        if (Date.now() - this.#lastActivity < this.#intervalMs) return this.start(probe);
        void probe().then((again) => again && this.start(probe));
      },
      Math.max(0, dueIn),
    );
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
