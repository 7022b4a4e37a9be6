/** `mcp-sync call <server> <tool> [json-args]`: one tool call, its result printed. */
import { readFileSync } from 'node:fs';
import { parseJsonArgs } from './args.js';
import { blocking, withHub } from './connect.js';
import type { Context } from './context.js';
import { ExitCode } from './output.js';
import { renderCallResult } from './render.js';
import type { CallToolResult, Progress } from '../shared/types.js';

/** `3/10 (30 %) copying`, `3 copying`. */
export function describeProgress({ progress, total, message }: Progress): string {
  const share = total !== undefined && total > 0 ? `/${total} (${Math.round((100 * progress) / total)} %)` : '';
  return `${progress}${share}${message === undefined ? '' : ` ${message}`}`;
}

/** Runs `call`: exit 0, or 6 when the tool reports an error (its result is printed all the same). */
export async function run(ctx: Context, [server = '', tool = '', json]: string[]): Promise<ExitCode> {
  const args = parseJsonArgs(json, () => readFileSync(0, 'utf8'));
  const options = ctx.flags.timeoutMs === undefined ? {} : { timeoutMs: ctx.flags.timeoutMs };
  return withHub(ctx, [server], (hub) => {
    // The server's progress notifications, shown on the progress line (they arrive on this thread).
    const result = blocking(ctx, `calling '${tool}' on '${server}'`, (status) =>
      hub.callTool(server, tool, args, { ...options, onProgress: (progress) => status(describeProgress(progress)) }),
    );
    return printCallResult(ctx, result, `the tool '${tool}' on '${server}'`);
  });
}

/** A tool result, printed (JSON with --json): exit 0, or 6 when `what` reported an error (`isError`). */
export function printCallResult(ctx: Context, result: CallToolResult, what: string): ExitCode {
  ctx.output.result(result, () => ctx.output.print(renderCallResult(result)));
  if (result.isError !== true) return ExitCode.OK;
  ctx.output.note(`mcp-sync: ${what} reported an error (isError: true)`);
  return ExitCode.TOOL_ERROR;
}
