/** `mcp-sync resources [server]`: the resources of every connected server, or of one. */
import type { Context } from './context.js';
import { listAcross } from './list.js';
import { ExitCode } from './output.js';

/** Runs `resources`. */
export async function run(ctx: Context, [server]: string[]): Promise<ExitCode> {
  const options = ctx.flags.timeoutMs === undefined ? {} : { timeoutMs: ctx.flags.timeoutMs };
  const resources = await listAcross(ctx, server, 'resources', (hub, name) => hub.listResources(name, options));
  ctx.output.result(resources, () => {
    if (resources.length === 0) return ctx.output.note('No resources.');
    const rows = resources.map((resource) => [
      resource.server,
      resource.uri,
      resource.mimeType ?? '',
      resource.description ?? resource.name,
    ]);
    ctx.output.table(['SERVER', 'URI', 'TYPE', 'DESCRIPTION'], rows);
  });
  return ExitCode.OK;
}
