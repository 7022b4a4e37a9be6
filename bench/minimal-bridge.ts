/**
 * The baseline for the bridge's own cost: the smallest correct sync-over-worker bridge we could
 * write by hand — post on a MessagePort, Atomics.wait on a shared word, the worker answers at once.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, sab } = workerData;
const word = new Int32Array(sab);
port.on('message', (message) => {
  port.postMessage({ id: message.id, value: message.value });
  Atomics.add(word, 0, 1);
  Atomics.notify(word, 0);
});
`;

export class MinimalBridge {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #word: Int32Array;
  #id = 0;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    const sab = new SharedArrayBuffer(4);
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, sab }, transferList: [port2] });
    this.#port = port1;
    this.#word = new Int32Array(sab);
  }

  /** One synchronous round trip carrying `value`. */
  call(value: unknown): unknown {
    const id = ++this.#id;
    this.#port.postMessage({ id, value });
    for (;;) {
      const seen = Atomics.load(this.#word, 0);
      const entry = receiveMessageOnPort(this.#port) as { message: { id: number; value: unknown } } | undefined;
      if (entry !== undefined && entry.message.id === id) return entry.message.value;
      if (entry === undefined) Atomics.wait(this.#word, 0, seen, 10_000);
    }
  }

  async close(): Promise<void> {
    this.#port.close();
    await this.#worker.terminate();
  }
}
