/** `mcp-sync templates [server]`: the resource templates of every connected server, or of one. */
import type { Context } from './context.js';
import { listAcross } from './list.js';
import { ExitCode } from './output.js';

/** Runs `templates`. */
export async function run(ctx: Context, [server]: string[]): Promise<ExitCode> {
  const options = ctx.flags.timeoutMs === undefined ? {} : { timeoutMs: ctx.flags.timeoutMs };
  const templates = await listAcross(ctx, server, 'resource templates', (hub, name) => hub.listResourceTemplates(name, options));
  ctx.output.result(templates, () => {
    if (templates.length === 0) return ctx.output.note('No resource templates.');
    const rows = templates.map((template) => [
      template.server,
      template.uriTemplate,
      template.mimeType ?? '',
      template.description ?? template.name,
    ]);
    ctx.output.table(['SERVER', 'TEMPLATE', 'TYPE', 'DESCRIPTION'], rows);
  });
  return ExitCode.OK;
}
