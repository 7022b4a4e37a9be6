/**
 * Starting a hub for one CLI command: the servers the command is about (all, or the one it names),
 * a progress line on a terminal while they connect, and `close()` however the command ends — after
 * its error, if it fails, is printed.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ErrorCode, fromWire, McpSyncError } from '../shared/errors.js';
import { McpHub } from '../bridge/hub.js';
import type { ServerInfo } from '../shared/protocol.js';
import type { Context } from './context.js';
import { quote, ReportedError } from './output.js';
import { hubConfig } from './find-config.js';
import { withSpinner, type SetStatus } from './spinner.js';

/**
 * Starts a hub on `ctx`'s config — only the servers in `only`, when given — runs `fn` with it and
 * closes it. What `fn` throws is reported before the hub closes, then thrown as a ReportedError.
 * @throws CliError UNKNOWN_SERVER (a name in `only` is not configured); ReportedError
 */
export async function withHub<T>(ctx: Context, only: string[] | undefined, fn: (hub: McpHub) => T | Promise<T>): Promise<T> {
  const config = ctx.config();
  const start = hubConfig(config, only);
  const names = only ?? config.servers.filter((server) => server.enabled).map((server) => server.name);
  const label = `connecting to ${names.length === 1 ? `MCP server '${names[0]}'` : `${names.length} MCP servers (${names.join(', ')})`}`;
  // A handlers module answers the servers' requests (sampling, elicitation, roots), as StartOptions.handlers.
  const handlers = ctx.flags.handlers === undefined ? {} : { handlers: pathToFileURL(resolve(ctx.flags.handlers)) };
  const hub = withSpinner(ctx.output.interactive, label, () => McpHub.start(start, handlers));
  try {
    return await fn(hub);
  } catch (error) {
    // Said now, not after close(): a server still busy with the failed call (a timeout) is given
    // its grace periods to end, seconds in which the user would see nothing.
    throw new ReportedError(ctx.output.fail(error));
  } finally {
    hub.close();
  }
}

/** Runs a blocking call with a progress line (`label`) on a terminal. */
export function blocking<T>(ctx: Context, label: string, call: (status: SetStatus) => T): T {
  return withSpinner(ctx.output.interactive, label, call);
}

/**
 * Throws the reason `server` has no session — NEEDS_REAUTH when it needs a login, else
 * NOT_CONNECTED with the connect error — unless it is ready.
 */
export function requireReady(hub: McpHub, server: string): void {
  const info = hub.servers().find((candidate) => candidate.name === server);
  if (info === undefined || info.state === 'ready') return;
  throw notReadyError(info);
}

/** The error that says why `info`'s server is not ready. */
export function notReadyError(info: ServerInfo): McpSyncError {
  if (info.error?.code === ErrorCode.NEEDS_REAUTH) return fromWire(info.error);
  const why = info.error === undefined ? info.state : `${info.state}: ${info.error.message}`;
  return new McpSyncError(ErrorCode.NOT_CONNECTED, `MCP server '${info.name}' is not connected (${why})`, { server: info.name });
}

/**
 * Warns on stderr about every server of `hub` that is not ready (their items are missing from a
 * listing); throws when none is, so an empty listing is never mistaken for "no tools".
 */
export function warnNotReady(ctx: Context, hub: McpHub): void {
  const servers = hub.servers();
  const down = servers.filter((info) => info.state !== 'ready');
  if (servers.length > 0 && down.length === servers.length && down[0] !== undefined) throw notReadyError(down[0]);
  for (const info of down) {
    const error = notReadyError(info);
    const hint = error.code === ErrorCode.NEEDS_REAUTH ? ` (run: ${ctx.output.command(`login ${quote(info.name)}`)})` : '';
    ctx.output.warn(`left out '${info.name}': ${error.message}${hint}`);
  }
}
