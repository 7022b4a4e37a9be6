/**
 * Opening a channel from any thread to a running hub's worker, given only its handle (plain
 * data). The channel is a BroadcastChannel with a unique name — a handle may be attached in many
 * threads at once, and a MessagePort can live in only one — announced on the hub's control
 * channel; the worker bumps the new slot once it serves it.
 */
import { randomUUID } from 'node:crypto';
import { BroadcastChannel } from 'node:worker_threads';
import { ErrorCode, McpSyncError } from '../shared/errors.js';
import { SLOT_SIGNAL, SLOT_WORDS, controlChannelName, type AttachMessage, type HubHandle } from '../shared/protocol.js';
import { WorkerState } from './worker-state.js';

/** How long attaching waits for the worker to start serving the new channel. */
export const ATTACH_TIMEOUT_MS = 10_000;

/**
 * Announces a new channel and blocks (briefly) until the worker serves it: a request sent
 * before that would be lost, since a BroadcastChannel delivers only to ends already open.
 * @throws McpSyncError WORKER_EXITED, CLOSED, TIMEOUT
 */
export function attachChannel(handle: HubHandle): { port: BroadcastChannel; slot: SharedArrayBuffer } {
  checkHandle(handle);
  const worker = new WorkerState(handle);
  const slot = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * SLOT_WORDS);
  const words = new Int32Array(slot);
  const message: AttachMessage = { channel: `mcp-sync:${handle.hubId}:${randomUUID()}`, slot };
  worker.assertAlive();
  const port = new BroadcastChannel(message.channel);
  const control = new BroadcastChannel(controlChannelName(handle.hubId));
  control.postMessage(message);
  control.close();
  const deadline = performance.now() + ATTACH_TIMEOUT_MS;
  while (Atomics.load(words, SLOT_SIGNAL) === 0) {
    const remaining = deadline - performance.now();
    try {
      worker.assertAlive();
      if (remaining <= 0)
        throw new McpSyncError(ErrorCode.TIMEOUT, `The mcp-sync I/O worker did not answer attach within ${ATTACH_TIMEOUT_MS} ms`);
    } catch (error) {
      port.close();
      throw error;
    }
    Atomics.wait(words, SLOT_SIGNAL, 0, remaining);
  }
  return { port, slot };
}

/**
 * A handle is the plain data of `hub.handle()`. The hub itself is the usual mistake: it cannot
 * cross threads, and the error says what to pass instead.
 * @throws McpSyncError INVALID_ARGUMENT
 */
function checkHandle(handle: unknown): asserts handle is HubHandle {
  const value = handle as (Partial<HubHandle> & { handle?: unknown }) | null;
  if (typeof value?.handle === 'function') {
    throw new McpSyncError(
      ErrorCode.INVALID_ARGUMENT,
      'attach() takes a handle, not a hub: pass hub.handle() (plain data any thread can receive)',
    );
  }
  const valid =
    typeof value?.hubId === 'string' &&
    value.hubState instanceof SharedArrayBuffer &&
    value.failure instanceof SharedArrayBuffer &&
    Array.isArray(value.servers);
  if (!valid) {
    throw new McpSyncError(
      ErrorCode.INVALID_ARGUMENT,
      `attach() takes the handle that hub.handle() returns (plain data), got ${describe(handle)}`,
    );
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== 'object') return typeof value;
  return `an object with keys ${
    Object.keys(value)
      .slice(0, 5)
      .map((key) => `'${key}'`)
      .join(', ') || 'none'
  }`;
}
