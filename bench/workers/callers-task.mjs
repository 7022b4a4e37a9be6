// The piscina task of bench/callers.ts: one caller thread. Through a hub it attaches once (the
// client stays in module scope for the pool thread's life); through the floor (bench/sdk-floor.ts)
// it gets a channel of its own per task and calls as SdkFloor.callTool does. It counts itself ready
// at the gate, waits for the go, then for `ms` does `workUs` of synchronous CPU work and one
// callTool(server, 'echo'), again and again. Task: { handle | floor: { port, sab }, server, ms,
// workUs, gate } where gate is a SharedArrayBuffer of two Int32 words, [ready, go]. Returns
// { calls, elapsedMs, waitMs } (waitMs: time inside callTool).
import { performance } from 'node:perf_hooks';
import { receiveMessageOnPort } from 'node:worker_threads';
import { McpHub } from '../../dist/src/index.js';

/** Attached clients, one per hub this thread has called (by hub id). */
const clients = new Map();
const args = { text: 'hello' };

/** The floor's caller side: post, then wait on the word until the answer is there. */
function floorClient({ port, sab }) {
  const word = new Int32Array(sab);
  let id = 0;
  return {
    callTool(_server, name, args) {
      port.postMessage({ id: ++id, name, args });
      for (;;) {
        const seen = Atomics.load(word, 0);
        const entry = receiveMessageOnPort(port);
        if (entry?.message.id === id) {
          if (entry.message.error !== undefined) throw new Error(entry.message.error);
          return entry.message.value;
        }
        if (entry === undefined) Atomics.wait(word, 0, seen, 10_000);
      }
    },
  };
}

function attached(handle) {
  if (!clients.has(handle.hubId)) clients.set(handle.hubId, McpHub.attach(handle));
  return clients.get(handle.hubId);
}

export default function callers({ handle, floor, server, ms, workUs, gate }) {
  const caller = floor === undefined ? attached(handle) : floorClient(floor);
  const word = new Int32Array(gate);
  Atomics.add(word, 0, 1);
  Atomics.wait(word, 1, 0);
  let [calls, waitMs] = [0, 0];
  const start = performance.now();
  for (let now = start; now < start + ms; calls++) {
    for (const end = now + workUs / 1000; performance.now() < end;) Math.sqrt(Math.random());
    const sent = performance.now();
    caller.callTool(server, 'echo', args);
    now = performance.now();
    waitMs += now - sent;
  }
  floor?.port.close();
  return { calls, elapsedMs: performance.now() - start, waitMs };
}
