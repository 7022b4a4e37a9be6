/**
 * What a caller thread reads of the I/O worker's life from shared memory, and the error it means:
 * a worker that died (WORKER_EXITED, with what it said as it died) or a hub that was closed
 * (CLOSED). Every caller — the synchronous channel, attaching, the async façade, waitForReady —
 * asks here.
 */
import { ErrorCode, McpSyncError } from '../shared/errors.js';
import {
  HUB_WORKER,
  SERVER_STATE,
  SERVER_STATES,
  WORKER_CLOSED,
  WORKER_DEAD,
  readWorkerFailure,
  serverWord,
  type HubHandle,
  type ServerState,
} from '../shared/protocol.js';
import { closedError } from './call-errors.js';

/** A view of one hub's worker word and failure text. */
export class WorkerState {
  readonly #words: Int32Array;
  readonly #failure: SharedArrayBuffer;

  constructor(handle: Pick<HubHandle, 'hubState' | 'failure'>) {
    this.#words = new Int32Array(handle.hubState);
    this.#failure = handle.failure;
  }

  /** The raw value of the worker word (for waiting on it). */
  get value(): number {
    return Atomics.load(this.#words, HUB_WORKER);
  }

  /** True once the worker has died or the hub was closed. */
  get gone(): boolean {
    const value = this.value;
    return value === WORKER_DEAD || value === WORKER_CLOSED;
  }

  /** WORKER_EXITED (with the worker's last words) or CLOSED once it is gone; undefined while it runs. */
  error(server?: string): McpSyncError | undefined {
    const value = this.value;
    const data = server === undefined ? undefined : { server };
    if (value === WORKER_CLOSED) return closedError(server);
    if (value !== WORKER_DEAD) return undefined;
    const said = readWorkerFailure(this.#failure);
    return new McpSyncError(ErrorCode.WORKER_EXITED, `The mcp-sync I/O worker exited${said === '' ? '' : `: ${said}`}`, data);
  }

  /** Server `index`'s connection state, as the worker last wrote it. */
  serverState(index: number): ServerState {
    return SERVER_STATES[Atomics.load(this.#words, serverWord(index, SERVER_STATE))] ?? 'closed';
  }

  /**
   * Sleeps on server `index`'s state word until it is `ready` or `closed`, or `deadline`
   * (performance.now()) passes; returns the state seen last. Woken by the worker's state change
   * itself (no polling). `closed()` says whether the caller's own client was closed meanwhile.
   * @throws McpSyncError CLOSED, WORKER_EXITED
   */
  waitForServer(index: number, deadline: number, closed: () => boolean, server: string): ServerState {
    const word = serverWord(index, SERVER_STATE);
    for (;;) {
      const value = Atomics.load(this.#words, word);
      const state = SERVER_STATES[value] ?? 'closed';
      const remaining = deadline - performance.now();
      if (state === 'ready' || state === 'closed') return state;
      if (closed()) throw closedError(server);
      if (this.value === WORKER_DEAD) this.assertAlive(server);
      if (remaining <= 0) return state;
      Atomics.wait(this.#words, word, value, remaining);
    }
  }

  /** @throws McpSyncError WORKER_EXITED or CLOSED once the worker is gone */
  assertAlive(server?: string): void {
    const error = this.error(server);
    if (error !== undefined) throw error;
  }
}
