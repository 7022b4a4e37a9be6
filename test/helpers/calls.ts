/** Small helpers the integration tests share for blocking calls and their results. */
import { once } from 'node:events';
import { BroadcastChannel, Worker } from 'node:worker_threads';
import { expect } from 'vitest';
import { McpSyncError, type HubHandle } from '../../dist/src/index.js';

/** The first text block of a result ('' when there is none). */
export function firstText(result: { content: { type: string; text?: string }[] }): string {
  const block = result.content[0];
  return block?.type === 'text' ? (block.text ?? '') : '';
}

/** Runs `fn`, which must throw an McpSyncError, and returns it. */
export function catchError(fn: () => unknown): McpSyncError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(McpSyncError);
    return error as McpSyncError;
  }
  throw new Error('expected an McpSyncError');
}

/** Sleeps this thread without spinning (the hub's worker keeps running meanwhile). */
export function block(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The handlers module that lets {@link crashWorkers} crash a hub's worker (pass it as StartOptions.handlers). */
export const CRASH_HANDLERS = new URL('../../dist/test/fixtures/crash-handlers.js', import.meta.url);

/** Crashes the I/O worker of every hub started with {@link CRASH_HANDLERS}, with an uncaught exception. */
export function crashWorkers(): void {
  const channel = new BroadcastChannel('mcp-sync-test:crash-worker');
  channel.postMessage('crash');
  channel.close();
}

/** Runs `op(...args)` on an attached client in a new thread (test/fixtures/attached-op.ts) and returns its value. */
export async function onPoolThread<T>(handle: HubHandle, op: string, ...args: unknown[]): Promise<T> {
  const worker = new Worker(new URL('../../dist/test/fixtures/attached-op.js', import.meta.url), { workerData: { handle, op, args } });
  let reply: { value?: T; error?: { code: string; message: string } } | undefined;
  worker.on('message', (message: typeof reply) => (reply = message));
  // A thread that hangs fails its test with where it hung (answered or not), never the whole file.
  let hung = false;
  const stuck = setTimeout(() => ((hung = true), void worker.terminate()), POOL_THREAD_DEADLINE_MS);
  try {
    // `once` rejects on the thread's 'error' event: a thread that fails to load fails the test.
    await once(worker, 'exit');
  } finally {
    clearTimeout(stuck);
  }
  if (hung) throw new Error(`the pool thread running ${op} hung ${reply === undefined ? 'before answering' : 'after answering'}`);
  if (reply === undefined) throw new Error(`the pool thread running ${op} ended without an answer`);
  if (reply.error !== undefined) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.value as T;
}

/** How long {@link onPoolThread} lets its thread run before ending it. */
const POOL_THREAD_DEADLINE_MS = 45_000;
