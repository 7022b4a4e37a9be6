/**
 * Tool calls a server runs as tasks, in both eras. 2025-11-25: a `tools/call` asks for a task
 * (`params.task`), which is then polled (`tasks/get`), read (`tasks/result`) and cancelled
 * (`tasks/cancel`). 2026-07-28 (the tasks extension, SEP-2663; see task-extension.ts): the server
 * decides which calls become tasks, and `tasks/get` carries the final result (or error) inline.
 *
 * What makes them safe to use from a blocking call: creating a task is a tool call like any other
 * (an uncertain outcome stays uncertain, and nothing re-sends it), while reading one is harmless to
 * repeat — so a read cut by a dead link or a forgotten session is simply asked again once the
 * server is back, for as long as the caller's deadline allows. A task id outlives the session that
 * created it; that is how a task longer than a session's life completes through reconnects.
 */
import type { CallToolResult, Client, RequestOptions } from '@modelcontextprotocol/client';
import { ErrorCode, McpSyncError, taskRunsOn, type ErrorCode as Code } from '../../src/shared/errors.js';
import type { JsonObject, TaskInfo, TaskStatus } from '../../src/shared/types.js';
import { classify, type AbortReason } from '../recovery/classify.js';
import { withRecovery } from '../recovery/with-recovery.js';
import type { CallContext } from './inflight.js';
import type { ServerSession } from './server-session.js';
import { childSignal, sleep } from './signals.js';
import { markedTask } from './task-extension.js';

/** Final statuses: the task's result (or error) is ready and will not change. */
const FINAL: ReadonlySet<TaskStatus> = new Set<TaskStatus>(['completed', 'failed', 'cancelled']);
/** How often to poll when the server suggests nothing, and the bounds of what it may suggest. */
const POLL_DEFAULT_MS = 1_000;
const POLL_MIN_MS = 50;
const POLL_MAX_MS = 10_000;
/** How long the `tasks/cancel` sent after a caller gave up may take. */
const CANCEL_TIMEOUT_MS = 5_000;
/** Failures of a read that a healed link can undo: the read is asked again. */
const LINK_FAILURES: ReadonlySet<Code> = new Set<Code>([
  ErrorCode.NOT_CONNECTED,
  ErrorCode.TRANSPORT_ERROR,
  ErrorCode.OUTCOME_UNCERTAIN,
  ErrorCode.SESSION_EXPIRED,
  ErrorCode.CIRCUIT_OPEN,
]);

/** The SDK validates results of spec methods by the era's schema; task results are checked here. */
const AS_SENT = { '~standard': { version: 1, vendor: 'mcp-sync', validate: (value: unknown) => ({ value }) } } as const;

type Wire = (client: Client, options: RequestOptions) => Promise<unknown>;

function send(client: Client, method: string, params: JsonObject, options: RequestOptions): Promise<unknown> {
  const request = client.request as (
    request: { method: string; params: JsonObject },
    schema: unknown,
    options: RequestOptions,
  ) => Promise<unknown>;
  return request.call(client, { method, params }, AS_SENT, options);
}

/** A task as the server described it, or undefined when `value` is none. */
function taskOf(server: string, value: unknown): TaskInfo | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  const { taskId, status, statusMessage, createdAt, lastUpdatedAt } = fields;
  // 2026-07-28 names them ttlMs and pollIntervalMs.
  const ttl = fields['ttlMs'] ?? fields['ttl'];
  const pollInterval = fields['pollIntervalMs'] ?? fields['pollInterval'];
  if (typeof taskId !== 'string' || typeof status !== 'string') return undefined;
  return {
    server,
    taskId,
    status: status as TaskStatus,
    ...(typeof statusMessage === 'string' && { statusMessage }),
    ...(typeof createdAt === 'string' && { createdAt }),
    ...(typeof lastUpdatedAt === 'string' && { lastUpdatedAt }),
    ...((typeof ttl === 'number' || ttl === null) && { ttl }),
    ...(typeof pollInterval === 'number' && { pollInterval }),
  };
}

function malformed(server: string, method: string): McpSyncError {
  return new McpSyncError(ErrorCode.RPC_ERROR, `MCP server '${server}' answered ${method} without a task`, { server });
}

/** The task a 2026 server answered a `tools/call` with, if it did (see task-extension.ts). */
export function createdTask(server: string, result: CallToolResult): TaskInfo | undefined {
  const task = markedTask(result);
  return task === undefined ? undefined : taskOf(server, task);
}

/**
 * Whether `tool` may run as a task on this 2025 server: `'required'` or `'optional'` as the tool
 * says (`execution.taskSupport`), if the server runs `tools/call` as tasks at all; else undefined.
 * (A 2026-07-28 server decides for itself, call by call.)
 */
export function taskSupport(session: ServerSession, tool: string): 'required' | 'optional' | undefined {
  if (!session.catalog.capabilities.toolTasks) return undefined;
  const execution = session.tools.find((listed) => listed.name === tool)?.execution as { taskSupport?: string } | undefined;
  const support = execution?.taskSupport;
  return support === 'required' || support === 'optional' ? support : undefined;
}

/**
 * Starts `tool` as a task: one `tools/call` (asking for a task in 2025), under the usual recovery
 * rules (a refused request is retried on a new session; one that may have run is not). A server
 * that ran the tool at once instead answers with its result: `result` then holds it.
 */
export async function startToolTask(
  session: ServerSession,
  params: { name: string; arguments?: JsonObject },
  ctx: CallContext,
): Promise<{ task: TaskInfo; result?: undefined } | { task?: undefined; result: CallToolResult }> {
  const answer = await withRecovery(session, ctx, (client, options) =>
    client.getProtocolEra() === 'modern' ? client.callTool(params, options) : send(client, 'tools/call', { ...params, task: {} }, options),
  );
  const task = createdTask(session.name, answer as CallToolResult) ?? taskOf(session.name, (answer as { task?: unknown }).task);
  if (task !== undefined) return { task };
  if (Array.isArray((answer as { content?: unknown }).content)) return { result: answer as CallToolResult };
  throw malformed(session.name, 'tools/call');
}

/** The task's status now (`tasks/get`). */
export async function taskStatus(session: ServerSession, taskId: string, ctx: CallContext): Promise<TaskInfo> {
  return (await readTask(session, ctx, Date.now() + ctx.timeoutMs, taskId, 'tasks/get')).task;
}

/** Asks the server to cancel the task (`tasks/cancel`); its status after that (2026 only acknowledges: then asked). */
export async function cancelTask(session: ServerSession, taskId: string, ctx: CallContext): Promise<TaskInfo> {
  const deadline = Date.now() + ctx.timeoutMs;
  const answer = await withRecovery(session, ctx, (client, options) => send(client, 'tasks/cancel', { taskId }, options));
  return taskOf(session.name, answer) ?? (await readTask(session, ctx, deadline, taskId, 'tasks/get')).task;
}

/**
 * Waits for the task's result: polls `tasks/get` at the server's suggested interval until the task
 * is final (or asks for input, which `tasks/result` delivers to this client's handlers), then reads
 * `tasks/result`. Reads cut by a lost link or session are asked again on the healed one. When the
 * caller stops waiting (deadline, interrupt) the task runs on — unless `cancelOnAbort`, as for a
 * plain `callTool` the server chose to run as a task: then it is cancelled. Every error says which
 * task it concerns (`data.taskId`), so a caller can come back for it with `task(server, taskId)`.
 */
export async function taskResult(session: ServerSession, taskId: string, ctx: CallContext, cancelOnAbort = false): Promise<CallToolResult> {
  const deadline = Date.now() + ctx.timeoutMs;
  try {
    for (;;) {
      const { task, answer } = await readTask(session, ctx, deadline, taskId, 'tasks/get');
      if (FINAL.has(task.status) || task.status === 'input_required') {
        return (
          finalResult(session, task, answer) ?? ((await readTask(session, ctx, deadline, taskId, 'tasks/result')).answer as CallToolResult)
        );
      }
      const pause = Math.min(Math.max(task.pollInterval ?? POLL_DEFAULT_MS, POLL_MIN_MS), POLL_MAX_MS, deadline - Date.now());
      await sleep(pause, ctx.signal);
      if (ctx.signal.aborted || Date.now() >= deadline) throw stillRunning(session.name, ctx);
    }
  } catch (error) {
    const aborted = ctx.signal.aborted || Date.now() >= deadline || (error instanceof McpSyncError && error.code === ErrorCode.TIMEOUT);
    if (cancelOnAbort && aborted) void cancelQuietly(session, taskId);
    throw aboutTask(error, session.name, taskId, aborted ? (cancelOnAbort ? 'cancelled' : 'running') : undefined);
  }
}

/**
 * What a final (or input-wanting) task ends in, when the `tasks/get` answer says it: a 2026 answer
 * carries the result or the error inline; a cancelled task has none. Undefined when `tasks/result`
 * must be asked (2025).
 * @throws McpSyncError RPC_ERROR: the task failed, was cancelled, or wants input 2026-style
 */
function finalResult(session: ServerSession, task: TaskInfo, answer: unknown): CallToolResult | undefined {
  const { result, error, inputRequests } = answer as {
    result?: unknown;
    error?: { code?: unknown; message?: unknown };
    inputRequests?: unknown;
  };
  const server = session.name;
  if (typeof result === 'object' && result !== null) return result as CallToolResult;
  if (error !== undefined) {
    const code = typeof error.code === 'number' ? error.code : undefined;
    const message = `MCP server '${server}': task '${task.taskId}' failed: ${String(error.message)}${code === undefined ? '' : ` (JSON-RPC error ${code})`}`;
    throw new McpSyncError(ErrorCode.RPC_ERROR, message, {
      server,
      taskId: task.taskId,
      status: 'failed',
      ...(code !== undefined && { rpcCode: code }),
    });
  }
  if (task.status === 'cancelled') {
    throw new McpSyncError(ErrorCode.RPC_ERROR, `MCP server '${server}': task '${task.taskId}' was cancelled`, {
      server,
      status: 'cancelled',
    });
  }
  if (inputRequests !== undefined) {
    const message = `MCP server '${server}': task '${task.taskId}' asks for input (tasks/update), which mcp-sync does not answer yet in 2026-07-28`;
    throw new McpSyncError(ErrorCode.RPC_ERROR, message, { server, taskId: task.taskId, status: 'input_required' });
  }
  return undefined;
}

/**
 * A read of the task (`tasks/get`: its status, with the answer as sent; or `tasks/result`), asked
 * again after link failures until `deadline`.
 */
async function readTask(
  session: ServerSession,
  ctx: CallContext,
  deadline: number,
  taskId: string,
  method: 'tasks/get' | 'tasks/result',
): Promise<{ task: TaskInfo; answer: unknown }> {
  const unread: TaskInfo = { server: session.name, taskId, status: 'working' };
  const read: Wire = async (client, options) => {
    const answer = await send(client, method, { taskId }, options);
    if (method === 'tasks/result') return { task: unread, answer };
    const task = taskOf(session.name, answer);
    return task === undefined ? Promise.reject(malformed(session.name, method)) : { task, answer };
  };
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0 || ctx.signal.aborted) throw stillRunning(session.name, ctx);
    const generation = session.generation;
    // A controller per read: a dead link aborts only this read, never the caller's context.
    const own = childSignal(ctx.signal);
    try {
      return (await withRecovery(
        session,
        { ...ctx, controller: own.controller, signal: own.controller.signal, timeoutMs: left },
        read,
      )) as {
        task: TaskInfo;
        answer: unknown;
      };
    } catch (error) {
      if (!(error instanceof McpSyncError) || !LINK_FAILURES.has(error.code) || ctx.signal.aborted) throw error;
      // The server is away: wait for it (woken by the new session), or pause before asking again.
      const waitMs = Math.min(deadline - Date.now(), session.recoveryWaitMs);
      if (!(await session.waitForSession(generation, waitMs, ctx.signal))) await sleep(Math.min(POLL_DEFAULT_MS, waitMs), ctx.signal);
    } finally {
      own.dispose();
    }
  }
}

/** The caller stopped waiting while the task runs on: TIMEOUT, INTERRUPTED or CLOSED, as classify says them. */
function stillRunning(server: string, ctx: CallContext): McpSyncError {
  return classify(undefined, server, ctx.signal.aborted ? (ctx.signal.reason as AbortReason) : 'timeout');
}

/** `error`, saying which task it concerns — and, when the caller stopped waiting, what became of it. */
function aboutTask(error: unknown, server: string, taskId: string, left?: 'running' | 'cancelled'): McpSyncError {
  const failure = error instanceof McpSyncError ? error : new McpSyncError(ErrorCode.INTERNAL, String(error), { server });
  if (failure.data?.['taskId'] !== undefined) return failure;
  const about = left === 'running' ? taskRunsOn(server, taskId) : ` (task '${taskId}'${left === 'cancelled' ? ', cancelled' : ''})`;
  const message = failure.message + about;
  return new McpSyncError(failure.code, message, { ...failure.data, server, taskId }, { cause: failure.cause ?? failure });
}

/** `tasks/cancel` for a task nobody waits for any more; a failure only means it runs to its end. */
async function cancelQuietly(session: ServerSession, taskId: string): Promise<void> {
  const controller = new AbortController();
  const ctx: CallContext = { controller, signal: controller.signal, timeoutMs: CANCEL_TIMEOUT_MS };
  await cancelTask(session, taskId, ctx).catch(() => undefined);
}
