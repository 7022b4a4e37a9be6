// A thread that attaches to the hub and makes no-I/O calls (hub.servers()) for `ms`, then
// reports how many it made. workerData: { handle, ms, gate }.
import { performance } from 'node:perf_hooks';
import { workerData, parentPort } from 'node:worker_threads';
import { McpHub } from '../../dist/src/index.js';

const { handle, ms, gate } = workerData;
const client = McpHub.attach(handle);
parentPort.postMessage('ready');
Atomics.wait(new Int32Array(gate), 0, 0);
let calls = 0;
const until = performance.now() + ms;
while (performance.now() < until) {
  client.servers();
  calls++;
}
client.close();
parentPort.postMessage(calls);
