/**
 * Listings across servers (`tools`, `resources`, `prompts`): one server's items, or every ready
 * server's — asked in parallel through the hub's async face — each item tagged with its server.
 * A server left out is named on stderr; a server that does not offer the kind of item at all
 * (JSON-RPC -32601) is skipped without a word.
 */
import type { AsyncMcpHub } from '../bridge/async-hub.js';
import { ErrorCode, McpSyncError } from '../shared/errors.js';
import { warnNotReady, withHub } from './connect.js';
import type { Context } from './context.js';
import { startSpinner } from './spinner.js';

/** JSON-RPC "Method not found": the server has no resources (or prompts) at all. */
const METHOD_NOT_FOUND = -32601;

/**
 * Starts a hub on `server` (or every server), lists with `list` and returns the items, each with
 * its `server`.
 * @throws McpSyncError from `list` when `server` is given; NOT_CONNECTED / NEEDS_REAUTH when no server is ready
 */
export async function listAcross<T extends object>(
  ctx: Context,
  server: string | undefined,
  what: string,
  list: (hub: AsyncMcpHub, server: string) => Promise<T[]>,
): Promise<(T & { server: string })[]> {
  return withHub(ctx, server === undefined ? undefined : [server], async (hub) => {
    if (server === undefined) warnNotReady(ctx, hub);
    const names = server === undefined ? hub.servers().flatMap((info) => (info.state === 'ready' ? [info.name] : [])) : [server];
    const stop = startSpinner(ctx.output.interactive, `listing the ${what} of ${names.map((name) => `'${name}'`).join(', ')}`);
    const lists = await Promise.allSettled(names.map((name) => list(hub.async, name))).finally(stop);
    return lists.flatMap((listed, i) => {
      const name = names[i] ?? '';
      if (listed.status === 'fulfilled') return listed.value.map((item) => ({ ...item, server: name }));
      if (server !== undefined) throw listed.reason;
      const error: unknown = listed.reason;
      const unsupported = error instanceof McpSyncError && error.code === ErrorCode.RPC_ERROR && error.data?.rpcCode === METHOD_NOT_FOUND;
      if (!unsupported) ctx.output.warn(`left out '${name}': ${error instanceof Error ? error.message : String(error)}`);
      return [];
    });
  });
}
