/** `mcp-sync prompts [server]`: the prompts of every connected server, or of one. */
import type { Context } from './context.js';
import { listAcross } from './list.js';
import { ExitCode } from './output.js';

/** Runs `prompts`. */
export async function run(ctx: Context, [server]: string[]): Promise<ExitCode> {
  const options = ctx.flags.timeoutMs === undefined ? {} : { timeoutMs: ctx.flags.timeoutMs };
  const prompts = await listAcross(ctx, server, 'prompts', (hub, name) => hub.listPrompts(name, options));
  ctx.output.result(prompts, () => {
    if (prompts.length === 0) return ctx.output.note('No prompts.');
    const rows = prompts.map((prompt) => {
      const args = (prompt.arguments ?? []).map((arg) => (arg.required === true ? arg.name : `${arg.name}?`)).join(', ');
      return [prompt.server, prompt.name, args, prompt.description ?? ''];
    });
    ctx.output.table(['SERVER', 'PROMPT', 'ARGS', 'DESCRIPTION'], rows);
  });
  return ExitCode.OK;
}
