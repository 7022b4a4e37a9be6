/**
 * Opening a channel from any thread to a running hub's worker, given only its handle (plain
 * data). The channel is a BroadcastChannel with a unique name — a handle may be attached in many
 * threads at once, and a MessagePort can live in only one — announced on the hub's control
 * channel; the worker bumps the new slot once it serves it.
 */
import { randomUUID } from 'node:crypto';
import { BroadcastChannel } from 'node:worker_threads';
import { ErrorCode, McpSyncError } from './errors.js';
import {
  HUB_WORKER,
  SLOT_SIGNAL,
  SLOT_WORDS,
  WORKER_CLOSED,
  WORKER_DEAD,
  controlChannelName,
  type AttachMessage,
  type HubHandle,
} from './protocol.js';

/** How long attaching waits for the worker to start serving the new channel. */
export const ATTACH_TIMEOUT_MS = 10_000;

/**
 * Announces a new channel and blocks (briefly) until the worker serves it: a request sent
 * before that would be lost, since a BroadcastChannel delivers only to ends already open.
 * @throws McpSyncError WORKER_EXITED, CLOSED, TIMEOUT
 */
export function attachChannel(handle: HubHandle): { port: BroadcastChannel; slot: SharedArrayBuffer } {
  const state = new Int32Array(handle.hubState);
  const slot = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * SLOT_WORDS);
  const words = new Int32Array(slot);
  const message: AttachMessage = { channel: `mcp-sync:${handle.hubId}:${randomUUID()}`, slot };
  assertRunning(state);
  const port = new BroadcastChannel(message.channel);
  const control = new BroadcastChannel(controlChannelName(handle.hubId));
  control.postMessage(message);
  control.close();
  const deadline = performance.now() + ATTACH_TIMEOUT_MS;
  while (Atomics.load(words, SLOT_SIGNAL) === 0) {
    const remaining = deadline - performance.now();
    try {
      assertRunning(state);
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

function assertRunning(state: Int32Array): void {
  const worker = Atomics.load(state, HUB_WORKER);
  if (worker === WORKER_DEAD) throw new McpSyncError(ErrorCode.WORKER_EXITED, 'The mcp-sync I/O worker exited');
  if (worker === WORKER_CLOSED) throw new McpSyncError(ErrorCode.CLOSED, 'This mcp-sync hub is closed');
}
