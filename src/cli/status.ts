/** `mcp-sync status`: connects to every enabled server and shows its state. */
import { ErrorCode } from '../errors.js';
import { withHub } from './connect.js';
import type { Context } from './context.js';
import { ExitCode, quote } from './output.js';

/** Runs `status`: exit 0 when every server is ready, 5 when one needs a login, else 4. */
export async function run(ctx: Context): Promise<ExitCode> {
  const config = ctx.config();
  return withHub(ctx, undefined, (hub) => {
    const servers = hub.servers();
    const needsLogin = servers.filter((info) => info.error?.code === ErrorCode.NEEDS_REAUTH && info.state !== 'ready');
    ctx.output.result({ config: { path: config.path, source: config.source }, servers }, () => {
      ctx.output.note(`Config: ${config.path} (from ${config.source})`);
      if (servers.length === 0) return ctx.output.note('No enabled servers.');
      const rows = servers.map((info) => {
        const problem = info.state === 'ready' || info.error === undefined ? '' : problemOf(info.error.code, info.error.message);
        return [info.name, info.transport, info.state, String(info.tools), String(info.generation), problem];
      });
      ctx.output.table(['SERVER', 'TRANSPORT', 'STATE', 'TOOLS', 'SESSION', 'PROBLEM'], rows);
      for (const info of needsLogin)
        ctx.output.note(`  → '${info.name}' needs a login: ${ctx.output.command(`login ${quote(info.name)}`)}`);
    });
    if (servers.every((info) => info.state === 'ready')) return ExitCode.OK;
    return needsLogin.length > 0 ? ExitCode.NEEDS_REAUTH : ExitCode.NOT_CONNECTED;
  });
}

function problemOf(code: string, message: string): string {
  return code === ErrorCode.NEEDS_REAUTH ? 'needs an OAuth login' : `${code}: ${message}`;
}
