import { threadId, Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, McpHub, type Progress } from '../../dist/src/index.js';
import type { ModernStats } from '../fixtures/modern-server.js';
import { catchError, firstText } from '../helpers/calls.js';
import { bothErasServers, startModernHttp, type ModernHttpServer } from '../helpers/servers.js';

/**
 * Progress notifications delivered on the caller's own thread: the blocked caller wakes, runs its
 * callback synchronously, and waits again — on the main thread, on a pool thread, through the
 * async façade; in both protocol eras and from a third-party server.
 */
const CALLER = fileURLToPath(new URL('../../dist/test/fixtures/attached-caller.js', import.meta.url));
let modern: ModernHttpServer;
let hub: McpHub;

beforeAll(async () => {
  modern = await startModernHttp();
  hub = McpHub.start(
    {
      mcpServers: bothErasServers(modern.url),
    },
    { eventLog: false },
  );
});

afterAll(async () => {
  hub?.close();
  await modern?.stop();
});

/** The `slow` tool of the 2026 fixture in `steps` steps of `stepMs`, with the progress it reported. */
function slowWithProgress(server: string, steps: number, stepMs = 20): { text: string; seen: { thread: number; progress: Progress }[] } {
  const seen: { thread: number; progress: Progress }[] = [];
  const result = hub.callTool(
    server,
    'slow',
    { ms: steps * stepMs, steps },
    { onProgress: (progress) => seen.push({ thread: threadId, progress }) },
  );
  return { text: firstText(result), seen };
}

describe('onProgress on the calling thread', () => {
  it.each(['web', 'local', 'legacy'])('%s: every notification, in order, on this thread, before the call returns', (server) => {
    const { text, seen } = slowWithProgress(server, 4);
    expect(text).toBe('done');
    expect(seen.map((entry) => entry.thread)).toEqual([threadId, threadId, threadId, threadId]);
    expect(seen.map((entry) => entry.progress)).toEqual([1, 2, 3, 4].map((progress) => ({ progress, total: 4 })));
  });

  it("server-everything's long-running operation reports each step", () => {
    const seen: Progress[] = [];
    hub.callTool(
      'everything',
      'trigger-long-running-operation',
      { duration: 1, steps: 4 },
      { onProgress: (progress) => seen.push(progress) },
    );
    expect(seen.map((progress) => progress.progress)).toEqual([1, 2, 3, 4]);
    expect(seen.every((progress) => progress.total === 4)).toBe(true);
  });

  it('the last notification is not lost when it arrives with the result (200 fast calls, stdio and HTTP)', () => {
    for (const server of ['local', 'web']) {
      let incomplete = 0;
      for (let i = 0; i < 200; i++) if (slowWithProgress(server, 3, 0).seen.length !== 3) incomplete += 1;
      expect(incomplete, server).toBe(0);
    }
  });

  it('calls from two threads never see each other’s progress', async () => {
    const worker = new Worker(CALLER, {
      workerData: { handle: hub.handle(), server: 'local', tool: 'slow', args: { ms: 300, steps: 5 }, calls: 3, progress: true },
    });
    const done = new Promise<{ threadId: number; progress: { threadId: number; progress: Progress }[]; errors: string[] }>(
      (resolve, reject) => {
        worker.on('message', (message: { type: string }) => message.type === 'done' && resolve(message as never));
        worker.once('error', reject);
      },
    );
    // Meanwhile, on this thread, calls of another shape (3 steps, not 5).
    const mine = [slowWithProgress('local', 3, 50), slowWithProgress('web', 3, 50), slowWithProgress('local', 3, 50)];
    const theirs = await done;
    expect(theirs.errors).toEqual([]);
    expect(theirs.threadId).not.toBe(threadId);
    expect(theirs.progress).toHaveLength(15);
    expect(theirs.progress.every((entry) => entry.threadId === theirs.threadId && entry.progress.total === 5)).toBe(true);
    for (const { seen } of mine)
      expect(seen.map((entry) => [entry.thread, entry.progress.total])).toEqual([
        [threadId, 3],
        [threadId, 3],
        [threadId, 3],
      ]);
  });
});

describe('deadlines and progress', () => {
  it('resetTimeoutOnProgress lets a call that keeps reporting outlive its timeoutMs; without it the call times out', () => {
    const slow = { ms: 1_500, steps: 10 };
    expect(firstText(hub.callTool('local', 'slow', slow, { timeoutMs: 600, resetTimeoutOnProgress: true }))).toBe('done');
    expect(catchError(() => hub.callTool('local', 'slow', slow, { timeoutMs: 600, onProgress: () => undefined })).code).toBe(
      ErrorCode.TIMEOUT,
    );
  });

  it('maxTotalTimeoutMs caps a deadline that progress keeps restarting', () => {
    const options = { timeoutMs: 600, resetTimeoutOnProgress: true, maxTotalTimeoutMs: 900 };
    expect(catchError(() => hub.callTool('local', 'slow', { ms: 3_000, steps: 20 }, options)).code).toBe(ErrorCode.TIMEOUT);
  });

  it('a callback that throws ends the call with its error; the server is told to stop', async () => {
    const before = (await modern.stats()).cancelled;
    const stop = new Error('enough');
    let thrown: unknown;
    try {
      hub.callTool(
        'web',
        'slow',
        { ms: 5_000, steps: 50 },
        {
          onProgress: () => {
            throw stop;
          },
        },
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBe(stop);
    const until = Date.now() + 10_000;
    let stats: ModernStats = await modern.stats();
    while (stats.cancelled === before && Date.now() < until)
      stats = await new Promise((resolve) => setTimeout(() => resolve(modern.stats()), 50));
    expect(stats.cancelled).toBe(before + 1);
    expect(firstText(hub.callTool('web', 'echo', { text: 'next' }))).toBe('next');
  });

  it('a call made from inside a callback is refused (it would swallow the reply it is waiting for)', () => {
    const error = catchError(() => hub.callTool('local', 'slow', { ms: 100, steps: 2 }, { onProgress: () => hub.servers() }));
    expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(error.message).toContain('inside an onProgress callback');
    expect(firstText(hub.callTool('local', 'echo', { text: 'fine' }))).toBe('fine');
  });

  it('refuses options that do not fit', () => {
    expect(catchError(() => hub.callTool('local', 'echo', { text: 'x' }, { onProgress: 'yes' as never })).code).toBe(
      ErrorCode.INVALID_ARGUMENT,
    );
    const capAlone = catchError(() => hub.callTool('local', 'echo', { text: 'x' }, { maxTotalTimeoutMs: 1_000 }));
    expect(capAlone.message).toContain('give it with resetTimeoutOnProgress: true');
  });
});

describe('the async façade', () => {
  it('runs onProgress as notifications arrive, and resets its deadline the same way', async () => {
    const seen: Progress[] = [];
    const result = await hub.async.callTool(
      'local',
      'slow',
      { ms: 1_200, steps: 8 },
      {
        timeoutMs: 500,
        resetTimeoutOnProgress: true,
        onProgress: (progress) => seen.push(progress),
      },
    );
    expect(firstText(result)).toBe('done');
    expect(seen.map((progress) => progress.progress)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const stop = new Error('async enough');
    await expect(
      hub.async.callTool(
        'local',
        'slow',
        { ms: 1_000, steps: 10 },
        {
          onProgress: () => {
            throw stop;
          },
        },
      ),
    ).rejects.toBe(stop);
  });
});
