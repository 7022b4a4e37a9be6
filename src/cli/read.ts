/** `mcp-sync read <server> <uri>`: a resource's contents. */
import { blocking, withHub } from './connect.js';
import type { Context } from './context.js';
import { ExitCode } from './output.js';
import { renderReadResult } from './render.js';

/** Runs `read`. */
export async function run(ctx: Context, [server = '', uri = '']: string[]): Promise<ExitCode> {
  const options = ctx.flags.timeoutMs === undefined ? {} : { timeoutMs: ctx.flags.timeoutMs };
  return withHub(ctx, [server], (hub) => {
    const result = blocking(ctx, `reading ${uri} from '${server}'`, () => hub.readResource(server, uri, options));
    ctx.output.result(result, () => ctx.output.print(renderReadResult(result)));
    return ExitCode.OK;
  });
}
