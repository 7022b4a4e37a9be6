/**
 * `mcp-sync watch <server> <uri> [--duration S]`: subscribes to a resource and prints a line per
 * update (`<ISO time> <uri>`, or a JSON object with --json) until Ctrl-C or the duration.
 */
import { withHub } from './connect.js';
import type { Context } from './context.js';
import { untilStopped } from './logs.js';
import { ExitCode } from './output.js';

/** Runs `watch`. */
export async function run(ctx: Context, [server = '', uri = '']: string[]): Promise<ExitCode> {
  const options = ctx.flags.timeoutMs === undefined ? {} : { timeoutMs: ctx.flags.timeoutMs };
  return withHub(ctx, [server], async (hub) => {
    const stopListening = hub.onResourceUpdated((from, updated) => {
      if (from !== server) return;
      const at = new Date().toISOString();
      ctx.output.print(ctx.flags.json ? JSON.stringify({ at, server: from, uri: updated }) : `${at} ${updated}`);
    });
    hub.subscribe(server, uri, options);
    ctx.output.note(`Watching ${uri} on '${server}'${ctx.flags.durationMs === undefined ? ' (Ctrl-C to stop)' : ''} …`);
    await untilStopped(ctx.flags.durationMs);
    stopListening();
    hub.unsubscribe(server, uri, options);
    return ExitCode.OK;
  });
}
