/**
 * A server's connection state and session generation, mirrored into the hub's shared memory
 * (so any thread reads them without a round trip, and `hub.waitForReady()` sleeps on the state
 * word), plus in-worker waiters woken by each change — nothing here polls.
 */
import { SERVER_GENERATION, SERVER_PID, SERVER_STATE, SERVER_STATES, serverWord, type ServerState } from '../../src/shared/protocol.js';

export class SessionState {
  readonly #words: Int32Array;
  readonly #index: number;
  #state: ServerState = 'connecting';
  #generation = 0;
  readonly #listeners = new Set<() => void>();

  constructor(words: Int32Array, index: number) {
    this.#words = words;
    this.#index = index;
    this.#publish();
  }

  get state(): ServerState {
    return this.#state;
  }

  /** Incremented on every new session; a retry must run on a newer one than the failure's. */
  get generation(): number {
    return this.#generation;
  }

  set(state: ServerState, newSession = false): void {
    if (newSession) this.#generation++;
    this.#state = state;
    this.#publish();
    this.notify();
  }

  /** Wakes the in-worker waiters to re-check their conditions (something other than the state changed). */
  notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /** Publishes the stdio child's pid: the hub kills it if the process exits without close(). */
  setPid(pid: number): void {
    Atomics.store(this.#words, serverWord(this.#index, SERVER_PID), pid);
  }

  /**
   * Resolves true as soon as a session newer than `afterGeneration` is ready — woken by the
   * state change itself — and false after `waitMs`, on abort, or once `stillComing()` says no
   * session is on its way (parked, failed, closed).
   */
  waitForNewer(afterGeneration: number, waitMs: number, stillComing: () => boolean, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.#state === 'ready' && this.#generation > afterGeneration) finish(true);
        else if (!stillComing()) finish(false);
      };
      const timer = setTimeout(() => finish(false), waitMs);
      const onAbort = (): void => finish(false);
      const finish = (value: boolean): void => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
      this.#listeners.add(check);
      signal?.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }

  /** Generation first, then state, then notify: a thread woken on the state word reads both. */
  #publish(): void {
    Atomics.store(this.#words, serverWord(this.#index, SERVER_GENERATION), this.#generation);
    const stateWord = serverWord(this.#index, SERVER_STATE);
    Atomics.store(this.#words, stateWord, SERVER_STATES.indexOf(this.#state));
    Atomics.notify(this.#words, stateWord);
  }
}
