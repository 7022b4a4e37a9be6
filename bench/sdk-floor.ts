/**
 * The fair floor for a design that runs every byte of MCP I/O in a worker: the SDK's own client in
 * a worker thread (bench/workers/sdk-floor.mjs) behind the smallest Atomics bridge, the same as
 * bench/minimal-bridge.ts but with a real call behind it. What the hub adds over this is its own.
 */
import { once } from 'node:events';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

type Server = { url: string } | { command: string; args: string[] };

export class SdkFloor {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #word: Int32Array;
  #id = 0;

  private constructor(worker: Worker, port: MessagePort, word: Int32Array) {
    this.#worker = worker;
    this.#port = port;
    this.#word = word;
  }

  /**
   * Starts the worker and connects its client to `server`. `deadline`: each call gets a signal and
   * a timeout; `openedAsWorker`: a stdio client opened as mcp-sync's worker opens it (our
   * transport, open-client.ts) instead of the SDK's own.
   */
  static async start(server: Server, { deadline = false, openedAsWorker = false } = {}): Promise<SdkFloor> {
    const { port1, port2 } = new MessageChannel();
    const sab = new SharedArrayBuffer(4);
    const worker = new Worker(new URL('./workers/sdk-floor.mjs', import.meta.url), {
      workerData: { port: port2, sab, server, deadline, openedAsWorker },
      transferList: [port2],
    });
    await once(worker, 'message');
    return new SdkFloor(worker, port1, new Int32Array(sab));
  }

  /** One synchronous tool call; throws if no answer comes within a minute (a bench must not hang). */
  callTool(name: string, args: Record<string, unknown>): unknown {
    const id = ++this.#id;
    this.#port.postMessage({ id, name, args });
    for (const giveUp = performance.now() + 60_000; ;) {
      if (performance.now() > giveUp) throw new Error(`the floor's worker did not answer call ${id} within 60 s`);
      const seen = Atomics.load(this.#word, 0);
      const entry = receiveMessageOnPort(this.#port) as { message: { id: number; value?: unknown; error?: string } } | undefined;
      if (entry?.message.id === id) {
        if (entry.message.error !== undefined) throw new Error(entry.message.error);
        return entry.message.value;
      }
      if (entry === undefined) Atomics.wait(this.#word, 0, seen, 10_000);
    }
  }

  /**
   * A channel of its own for another caller thread (a piscina task): its port and wake word. The
   * thread calls as {@link SdkFloor.callTool} does (bench/workers/callers-task.mjs).
   */
  caller(): { port: MessagePort; sab: SharedArrayBuffer } {
    const { port1, port2 } = new MessageChannel();
    const sab = new SharedArrayBuffer(4);
    this.#worker.postMessage({ port: port2, sab }, [port2]);
    return { port: port1, sab };
  }

  async close(): Promise<void> {
    await endWorker(this.#worker, this.#port);
  }
}

/**
 * Closes `port`, on which the worker closes its client and exits by itself; terminated only if it
 * has not within 10 s. Terminated at once, the thread ends before its client has ended the
 * server, and the child, spawned by a loop that is gone, is never reaped (a zombie for the rest
 * of the bench).
 */
export async function endWorker(worker: Worker, port: MessagePort): Promise<void> {
  const exited = once(worker, 'exit');
  port.close();
  const late = setTimeout(() => void worker.terminate(), 10_000);
  await exited;
  clearTimeout(late);
}
