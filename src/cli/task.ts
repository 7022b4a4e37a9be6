/**
 * `mcp-sync task start <server> <tool> [json-args]` and `task status|result|cancel <server> <taskId>`:
 * tool calls the server runs as tasks (2025-11-25 tasks, and the 2026-07-28 tasks extension). An HTTP server's task outlives this
 * process: start it, and ask for its status or result later, from another run, by its id (a stdio
 * server's tasks end with its process, which is this run's).
 */
import { readFileSync } from 'node:fs';
import { parseJsonArgs } from './args.js';
import { blocking, withHub } from './connect.js';
import type { Context } from './context.js';
import { ExitCode, usageError } from './output.js';
import { printCallResult } from './call.js';
import type { TaskInfo } from '../shared/types.js';

const ACTIONS = ['start', 'status', 'result', 'cancel'] as const;

/** Runs `task`: exit 0, or 6 when the task's result is a tool error. */
export async function run(ctx: Context, [action = '', server = '', target = '', json]: string[]): Promise<ExitCode> {
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw usageError(`task takes one of ${ACTIONS.join(', ')} first, got '${action}'`);
  }
  if (action !== 'start' && json !== undefined) throw usageError(`task ${action} takes <server> <taskId>, and nothing after them`);
  const options = ctx.flags.timeoutMs === undefined ? {} : { timeoutMs: ctx.flags.timeoutMs };
  const args = action === 'start' ? parseJsonArgs(json, () => readFileSync(0, 'utf8')) : undefined;
  return withHub(ctx, [server], (hub) => {
    if (action === 'start') {
      const handle = blocking(ctx, `starting '${target}' on '${server}'`, () => hub.startTool(server, target, args, options));
      if (handle.taskId !== '') return printTask(ctx, handle.status(options));
      // The server ran it at once (2026: the server decides): there is no task, only the result.
      ctx.output.note(`mcp-sync: '${server}' ran '${target}' at once, without a task; its result:`);
      return printCallResult(ctx, handle.result(), `the tool '${target}' on '${server}'`);
    }
    if (action === 'status') return printTask(ctx, hub.getTask(server, target, options));
    if (action === 'cancel') return printTask(ctx, hub.cancelTask(server, target, options));
    const result = blocking(ctx, `waiting for task ${target} on '${server}'`, () => hub.taskResult(server, target, options));
    return printCallResult(ctx, result, `task ${target} on '${server}'`);
  });
}

/** A task's id and status: JSON with --json, else `<taskId>  <status>  [message]` and how to go on. */
function printTask(ctx: Context, task: TaskInfo): ExitCode {
  ctx.output.result(task, () => {
    ctx.output.print([task.taskId, task.status, task.statusMessage].filter((part) => part !== undefined).join('  '));
    if (task.status === 'working' || task.status === 'input_required') {
      ctx.output.note(`Its result: mcp-sync task result ${task.server} ${task.taskId}`);
    }
  });
  return ExitCode.OK;
}
