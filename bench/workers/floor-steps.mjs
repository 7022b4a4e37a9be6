/* global AbortController, process -- Node globals in this plain-JS worker */
// The worker of bench/floor-steps.ts: the floor (bench/workers/sdk-floor.mjs, which also gives the
// first two steps: the SDK's client, and the client opened as mcp-sync's worker opens it) made like
// the hub's I/O worker one step further. workerData: { port, sab, server, step } — step 'shape':
// the client as the worker opens it, with the hub's request and reply messages; 'layers': that,
// with a per-request controller in two maps and as many promise layers as the worker's path
// (dispatch → api → withRecovery → session.request). Each reply bumps and wakes the word at
// `sab[0]` (the hub's slot signal word). Answers 'ready' on parentPort once connected.
import { parentPort, workerData } from 'node:worker_threads';
import { openAsWorker } from './open-as-worker.mjs';

const { port, sab, server, step } = workerData;
const word = new Int32Array(sab);
const wake = () => (Atomics.add(word, 0, 1), Atomics.notify(word, 0));
const deadline = (signal, timeoutMs) => ({ signal, timeout: timeoutMs, maxTotalTimeout: timeoutMs });
const client = await openAsWorker(server);

if (step === 'shape') {
  port.on('message', ({ id, args: [, name, args], timeoutMs }) => {
    const reply = (result) => (port.postMessage({ type: 'reply', id, ...result }), wake());
    client.callTool({ name, arguments: args }, deadline(new AbortController().signal, timeoutMs)).then(
      (value) => reply({ ok: true, value }),
      (error) => reply({ ok: false, error: String(error) }),
    );
  });
} else {
  const inflight = new Map();
  const tracked = new Map();
  const request = async (ctx, params) => {
    tracked.set(ctx.controller, client);
    try {
      return await client.callTool(params, deadline(ctx.signal, ctx.timeoutMs)).then((result) => result);
    } finally {
      tracked.delete(ctx.controller);
    }
  };
  const recovering = async (ctx, params) => request(ctx, params);
  const callTool = async (name, args, ctx) => {
    const result = await recovering(ctx, { name, arguments: args });
    return result;
  };
  const dispatch = async ([, name, args], ctx) => {
    try {
      return { ok: true, value: await callTool(name, args, ctx) };
    } catch (error) {
      return { ok: false, error: String(error) };
    }
  };
  port.on('message', ({ id, args, timeoutMs }) => {
    const controller = new AbortController();
    inflight.set(id, controller);
    void dispatch(args, { controller, signal: controller.signal, timeoutMs }).then((result) => {
      inflight.delete(id);
      port.postMessage({ type: 'reply', id, ...result });
      wake();
    });
  });
}
// The bench's end: the client (and its child) closed, then the thread ends (bench/sdk-floor.ts endWorker).
port.on('close', () => void client.close().finally(() => process.exit(0)));
parentPort.postMessage('ready');
