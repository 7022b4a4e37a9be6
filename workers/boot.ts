/**
 * The first code the I/O worker runs — preloaded with `--import` ahead of any loader the host
 * passes on, so that whatever ends the thread from then on (close, an uncaught exception, a loader
 * or module that fails to load, process.exit) wakes every blocked caller at once: they see the
 * worker DEAD, with its own error, instead of sleeping until their deadline.
 */
import { workerData } from 'node:worker_threads';
import {
  HUB_WORKER,
  SLOT_SIGNAL,
  WORKER_DEAD,
  WORKER_RUNNING,
  WORKER_STARTING,
  writeWorkerFailure,
  type WorkerInit,
} from '../src/shared/protocol.js';

const init = workerData as WorkerInit;
const hubState = new Int32Array(init.hubState);

/** Every caller slot the worker serves (the hub's own first); io-worker.ts adds and removes attached ones. */
export const slots: Int32Array[] = [new Int32Array(init.slot)];

let fatal: unknown;
process.on('uncaughtExceptionMonitor', (error) => (fatal ??= error));

process.on('exit', (code) => {
  if (fatal !== undefined || code !== 0) writeWorkerFailure(init.failure, describe(fatal, code));
  // A worker that exits after close() is CLOSED, not DEAD: callers then see CLOSED.
  Atomics.compareExchange(hubState, HUB_WORKER, WORKER_STARTING, WORKER_DEAD);
  Atomics.compareExchange(hubState, HUB_WORKER, WORKER_RUNNING, WORKER_DEAD);
  for (const slot of slots) wake(slot);
  // Threads sleeping on the worker word (the async façade) or on a server's state word
  // (waitForReady) must wake too: every word of the hub state.
  for (let word = 0; word < hubState.length; word++) Atomics.notify(hubState, word);
});

/** Bumps a caller's signal word: it wakes and finds its reply (or the worker gone). */
export function wake(slot: Int32Array): void {
  Atomics.add(slot, SLOT_SIGNAL, 1);
  Atomics.notify(slot, SLOT_SIGNAL);
}

function describe(error: unknown, code: number): string {
  if (error === undefined) return `it exited with code ${code}`;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `${text}${error instanceof Error && error.stack !== undefined ? `\n${error.stack.split('\n').slice(1, 4).join('\n')}` : ''}`;
}
