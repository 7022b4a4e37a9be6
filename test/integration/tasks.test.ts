import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, McpHub, type TaskInfo } from '../../dist/src/index.js';
import { block, catchError, firstText, onPoolThread } from '../helpers/calls.js';
import { everythingCommand, startHttpFixture, startModernHttp, type HttpFixtureServer, type ModernHttpServer } from '../helpers/servers.js';

/**
 * Tool calls a server runs as tasks (2025-11-25 tasks), against a real SDK server whose tasks
 * outlive its sessions (test/fixtures/fixture-tools.ts, `--tasks`): `job` must run as a task,
 * `maybe` may, `echo` may not. The server counts the jobs it started, finished and saw cancelled.
 */
let short: HttpFixtureServer; // every session lives 400 ms, busy or not
let steady: HttpFixtureServer;
let hub: McpHub;

beforeAll(async () => {
  [short, steady] = await Promise.all([startHttpFixture({ tasks: true, sessionLifeMs: 400 }), startHttpFixture({ tasks: true })]);
  hub = McpHub.start(
    {
      mcpServers: {
        short: { url: short.url },
        steady: { url: steady.url },
        everything: everythingCommand(),
      },
    },
    { eventLog: false },
  );
});

afterAll(async () => {
  hub?.close();
  await Promise.all([short?.stop(), steady?.stop()]);
});

describe('a tool the server runs as a task, through callTool', () => {
  it('outlives several sessions, completes through the reconnects, and runs once', async () => {
    const before = await short.stats();
    const generation = hub.servers()[0]!.generation;
    const result = hub.callTool('short', 'job', { ms: 1_500, text: 'survived' }, { timeoutMs: 30_000 });
    expect(firstText(result)).toBe('survived');
    const after = await short.stats();
    expect(after.jobsStarted - before.jobsStarted).toBe(1); // started once, never re-sent
    expect(after.jobsFinished - before.jobsFinished).toBe(1);
    expect(after.initializes - before.initializes).toBeGreaterThanOrEqual(2); // the sessions it outlived
    expect(hub.servers()[0]!.generation).toBeGreaterThan(generation);
  });

  it('a task that failed is the tool failing: an isError result, not a thrown error', () => {
    const result = hub.callTool('steady', 'job', { ms: 50, text: 'no', fail: true });
    expect(result.isError).toBe(true);
    expect(firstText(result)).toBe('job failed: no');
  });

  it('a caller that stops waiting cancels the task on the server (tasks/cancel)', async () => {
    const before = await steady.stats();
    const error = catchError(() => hub.callTool('steady', 'job', { ms: 1_500 }, { timeoutMs: 500 }));
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    // When its work ends, the job finds its task cancelled and cannot store a result.
    expect(await until(async () => (await steady.stats()).jobsCancelled > before.jobsCancelled)).toBe(true);
    const after = await steady.stats();
    expect(after.jobsStarted - before.jobsStarted).toBe(1);
    expect(after.jobsFinished).toBe(before.jobsFinished);
  });
});

describe('startTool, TaskHandle and task(server, taskId)', () => {
  it('returns at once with a handle whose status, result and plain data work from any thread', async () => {
    const handle = hub.startTool('steady', 'job', { ms: 600, text: 'later' });
    expect(JSON.parse(JSON.stringify(handle))).toEqual({ server: 'steady', taskId: handle.taskId });
    const status: TaskInfo = handle.status();
    expect(status).toMatchObject({ server: 'steady', taskId: handle.taskId, status: 'working', pollInterval: 100 });
    // Another thread, given only the id, waits for the same task.
    const fromPool = await onPoolThread<{ content: { type: string; text?: string }[] }>(
      hub.handle(),
      'taskResult',
      'steady',
      handle.taskId,
    );
    expect(firstText(fromPool)).toBe('later');
    expect(firstText(hub.task('steady', handle.taskId).result())).toBe('later');
    expect(handle.status().status).toBe('completed');
  });

  it('a handle made on a pool thread crosses to this one as { server, taskId }', async () => {
    const ref = await onPoolThread<{ server: string; taskId: string }>(hub.handle(), 'startTool', 'steady', 'job', {
      ms: 100,
      text: 'pooled',
    });
    expect(Object.keys(ref).sort()).toEqual(['server', 'taskId']);
    expect(firstText(hub.task(ref.server, ref.taskId).result())).toBe('pooled');
  });

  it('result({ timeoutMs }) that runs out leaves the task running and says which task; asking again gets it', () => {
    const handle = hub.startTool('steady', 'job', { ms: 1_000, text: 'patient' });
    const error = catchError(() => handle.result({ timeoutMs: 200 }));
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    expect(error.data).toMatchObject({ server: 'steady', taskId: handle.taskId });
    expect(error.message).toContain(handle.taskId);
    expect(firstText(handle.result({ timeoutMs: 10_000 }))).toBe('patient');
  });

  it('cancel() ends the task on the server; its result is then an error', () => {
    const handle = hub.startTool('steady', 'job', { ms: 60_000 });
    expect(handle.cancel()).toMatchObject({ taskId: handle.taskId, status: 'cancelled' });
    expect(handle.status().status).toBe('cancelled');
    block(50);
    expect(handle.status().status).toBe('cancelled'); // final: the job's late result does not replace it
  });

  it('a tool that may run as a task starts as one when asked', () => {
    const handle = hub.startTool('steady', 'maybe', { ms: 50, text: 'optional' });
    expect(handle.taskId).not.toBe('');
    expect(firstText(handle.result())).toBe('optional');
  });

  it('a tool that is no task cannot be started as one: INVALID_ARGUMENT, nothing sent', async () => {
    const before = (await steady.stats()).calls;
    const error = catchError(() => hub.startTool('steady', 'echo', { text: 'x' }));
    expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(error.message).toContain(`its tool 'echo' does not run as a task`);
    expect((await steady.stats()).calls).toBe(before);
  });

  it('a task survives its session: started on one, finished on a later one', async () => {
    const handle = hub.startTool('short', 'job', { ms: 1_200, text: 'across' });
    const before = await short.stats();
    block(900); // at least two of its 400 ms sessions end meanwhile
    expect(firstText(handle.result({ timeoutMs: 20_000 }))).toBe('across');
    expect((await short.stats()).initializes).toBeGreaterThan(before.initializes);
  });

  it('the async façade: startTool resolves with a handle; result() resolves with the task’s result', async () => {
    const handle = await hub.async.startTool('steady', 'job', { ms: 100, text: 'async' });
    expect((await handle.status()).taskId).toBe(handle.taskId);
    expect(firstText(await handle.result())).toBe('async');
    expect(firstText(await hub.async.task('steady', handle.taskId).result())).toBe('async');
  });
});

describe('server-everything, a third-party task server', () => {
  it('its task-required research tool is a plain callTool; startTool and task() reach the same tasks', () => {
    const report = hub.callTool('everything', 'simulate-research-query', { topic: 'blocking clients' }, { timeoutMs: 60_000 });
    expect(report.isError).not.toBe(true);
    expect(JSON.stringify(report.content)).toContain('blocking clients');
    const handle = hub.startTool('everything', 'simulate-research-query', { topic: 'handles' });
    expect(hub.task('everything', handle.taskId).status().status).toBe('working');
    expect(JSON.stringify(handle.result({ timeoutMs: 60_000 }).content)).toContain('handles');
  });
});

/** Polls `check` for up to 5 s. */
async function until(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe('2026-07-28: the tasks extension (SEP-2663)', () => {
  let modern: ModernHttpServer;
  let hub2026: McpHub;

  beforeAll(async () => {
    modern = await startModernHttp();
    hub2026 = McpHub.start({ mcpServers: { m: { url: modern.url } } }, { eventLog: false });
  });

  afterAll(async () => {
    hub2026?.close();
    await modern?.stop();
  });

  const tasksOf = async () => (await modern.stats()).tasks!;

  it('declares the extension on every request; a call the server makes a task is a plain callTool', async () => {
    const before = await tasksOf();
    expect(firstText(hub2026.callTool('m', 'long_job', { ms: 400, text: 'decided by the server' }))).toBe('decided by the server');
    const after = await tasksOf();
    expect(after.jobsStarted - before.jobsStarted).toBe(1);
    expect(after.jobsFinished - before.jobsFinished).toBe(1);
    expect(after.undeclared).toBe(0);
    const requests = (await modern.stats()).requests;
    const call = requests.filter((request) => request.method === 'tools/call' && request.target === 'long_job').at(-1);
    const declared = call?.meta?.['io.modelcontextprotocol/clientCapabilities'] as { extensions?: Record<string, unknown> } | undefined;
    expect(declared?.extensions).toHaveProperty(['io.modelcontextprotocol/tasks']);
    // Polled with tasks/get, its Mcp-Name the task id (SEP-2663's HTTP binding, set by the SDK).
    const polls = requests.filter((request) => request.method === 'tasks/get');
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.at(-1)?.headers['mcp-name']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('startTool, status, task() and a pool thread; the result comes inline from tasks/get', async () => {
    const handle = hub2026.startTool('m', 'long_job', { ms: 500, text: 'inline' });
    expect(handle.status()).toMatchObject({ server: 'm', taskId: handle.taskId, status: 'working', ttl: 600_000, pollInterval: 100 });
    const fromPool = await onPoolThread<{ content: { type: string; text?: string }[] }>(hub2026.handle(), 'taskResult', 'm', handle.taskId);
    expect(firstText(fromPool)).toBe('inline');
    expect(firstText(hub2026.task('m', handle.taskId).result())).toBe('inline');
    expect(firstText(hub2026.callTool('m', 'long_job', { ms: 50, text: 'bad', fail: true }))).toBe('job failed: bad');
  });

  it('cancel() ends it; its result is then RPC_ERROR saying so; a caller that gives up cancels it', async () => {
    const handle = hub2026.startTool('m', 'long_job', { ms: 60_000 });
    expect(handle.cancel()).toMatchObject({ taskId: handle.taskId, status: 'cancelled' });
    const error = catchError(() => handle.result());
    expect(error.code).toBe(ErrorCode.RPC_ERROR);
    expect(error.data).toMatchObject({ server: 'm', taskId: handle.taskId, status: 'cancelled' });
    const before = await tasksOf();
    expect(catchError(() => hub2026.callTool('m', 'long_job', { ms: 1_500 }, { timeoutMs: 400 })).code).toBe(ErrorCode.TIMEOUT);
    expect(await until(async () => (await tasksOf()).jobsCancelled > before.jobsCancelled)).toBe(true);
    expect((await tasksOf()).jobsFinished).toBe(before.jobsFinished);
  });

  it('a call the server answers at once gives a handle holding its result', () => {
    const handle = hub2026.startTool('m', 'echo', { text: 'at once' });
    expect(handle.taskId).toBe('');
    expect(handle.status().status).toBe('completed');
    expect(firstText(handle.result())).toBe('at once');
  });
});
