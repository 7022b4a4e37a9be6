/** `mcp-sync call <server> <tool> [json-args]`: one tool call, its result printed. */
import { readFileSync } from 'node:fs';
import { parseJsonArgs } from './args.js';
import { blocking, withHub } from './connect.js';
import type { Context } from './context.js';
import { ExitCode } from './output.js';
import { renderCallResult } from './render.js';

/** Runs `call`: exit 0, or 6 when the tool reports an error (its result is printed all the same). */
export async function run(ctx: Context, [server = '', tool = '', json]: string[]): Promise<ExitCode> {
  const args = parseJsonArgs(json, () => readFileSync(0, 'utf8'));
  const options = ctx.flags.timeoutMs === undefined ? {} : { timeoutMs: ctx.flags.timeoutMs };
  return withHub(ctx, [server], (hub) => {
    const result = blocking(ctx, `calling '${tool}' on '${server}'`, () => hub.callTool(server, tool, args, options));
    ctx.output.result(result, () => ctx.output.print(renderCallResult(result)));
    if (result.isError !== true) return ExitCode.OK;
    ctx.output.note(`mcp-sync: the tool '${tool}' on '${server}' reported an error (isError: true)`);
    return ExitCode.TOOL_ERROR;
  });
}
