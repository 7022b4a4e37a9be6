/** `mcp-sync tools [server]`: the tools of every connected server, or of one. */
import type { Context } from './context.js';
import { listAcross } from './list.js';
import { ExitCode } from './output.js';
import { renderParameters } from './render.js';

/** Runs `tools`. */
export async function run(ctx: Context, [server]: string[]): Promise<ExitCode> {
  const options = ctx.flags.timeoutMs === undefined ? {} : { timeoutMs: ctx.flags.timeoutMs };
  const tools = await listAcross(ctx, server, 'tools', (hub, name) => hub.listTools(name, options));
  ctx.output.result(tools, () => {
    if (tools.length === 0) return ctx.output.note('No tools.');
    const rows = tools.map((tool) => [tool.server, tool.name, renderParameters(tool.inputSchema), tool.description ?? '']);
    ctx.output.table(['SERVER', 'TOOL', 'ARGS', 'DESCRIPTION'], rows);
  });
  return ExitCode.OK;
}
