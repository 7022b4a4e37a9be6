/** `mcp-sync status`: connects to every enabled server and shows its state. */
import { ErrorCode } from '../shared/errors.js';
import { withHub } from './connect.js';
import type { Context } from './context.js';
import { ExitCode, quote } from './output.js';
import type { ServerInfo } from '../shared/protocol.js';

/** Runs `status`: exit 0 when every server is ready, 5 when one needs a login, else 4. */
export async function run(ctx: Context): Promise<ExitCode> {
  const config = ctx.config();
  return withHub(ctx, undefined, (hub) => {
    const servers = hub.servers();
    const needsLogin = servers.filter((info) => info.error?.code === ErrorCode.NEEDS_REAUTH && info.state !== 'ready');
    ctx.output.result({ config: { path: config.path, source: config.source }, servers }, () => {
      ctx.output.note(`Config: ${config.path} (from ${config.source})`);
      if (servers.length === 0) return ctx.output.note('No enabled servers.');
      const rows = servers.map((info) => [
        info.name,
        info.transport,
        info.state,
        info.era === undefined ? '-' : `${info.era} ${info.protocolVersion ?? ''}`.trim(),
        String(info.tools),
        String(info.generation),
        problemOf(info),
      ]);
      ctx.output.table(['SERVER', 'TRANSPORT', 'STATE', 'ERA', 'TOOLS', 'SESSION', 'PROBLEM'], rows);
      // A problem's whole message (a server's last stderr lines, what to fix) does not fit a table row.
      for (const info of servers) {
        const message = info.state === 'ready' ? undefined : info.error?.message;
        if (message !== undefined && message.includes('\n') && info.error?.code !== ErrorCode.NEEDS_REAUTH) {
          ctx.output.note(`\n'${info.name}': ${message}`);
        }
      }
      for (const info of needsLogin)
        ctx.output.note(`  → '${info.name}' needs a login: ${ctx.output.command(`login ${quote(info.name)}`)}`);
    });
    if (servers.every((info) => info.state === 'ready')) return ExitCode.OK;
    return needsLogin.length > 0 ? ExitCode.NEEDS_REAUTH : ExitCode.NOT_CONNECTED;
  });
}

/** One line: why the server is not ready, or that its circuit breaker is open. */
function problemOf(info: ServerInfo): string {
  const breaker = info.breaker === undefined ? '' : `breaker open after ${info.breaker.failures} failures, until ${info.breaker.retryAt}`;
  if (info.state === 'ready' || info.error === undefined) return breaker;
  if (info.error.code === ErrorCode.NEEDS_REAUTH) return 'needs an OAuth login';
  return `${info.error.code}: ${info.error.message.split('\n')[0]}`;
}
