/** How a session describes itself: its `servers()` row, and the error of a call that finds no session. */
import { ErrorCode, McpSyncError, toWire } from '../../src/shared/errors.js';
import type { BreakerStatus, ServerConfig, ServerInfo, ServerState } from '../../src/shared/protocol.js';

/** The `servers()` row; the last error only while not ready. */
export function serverInfo(
  config: ServerConfig,
  state: ServerState,
  tools: number,
  generation: number,
  error: McpSyncError | undefined,
  breaker: BreakerStatus | undefined,
): ServerInfo {
  const info: ServerInfo = { name: config.name, transport: config.transport, state, tools, generation };
  if (state !== 'ready' && error !== undefined) info.error = toWire(error);
  if (breaker !== undefined) info.breaker = breaker;
  return info;
}

/**
 * The error of a call that finds no live session: NOT_CONNECTED with the reason — or the last
 * connect's NEEDS_REAUTH, which tells the caller what to do about it.
 */
export function notConnectedError(server: string, state: ServerState, error: McpSyncError | undefined): McpSyncError {
  if (error?.code === ErrorCode.NEEDS_REAUTH && state !== 'closed') return error;
  const why = state === 'closed' ? 'closed' : error?.message;
  return new McpSyncError(ErrorCode.NOT_CONNECTED, `MCP server '${server}' is not connected${why === undefined ? '' : ` (${why})`}`, {
    server,
    state,
  });
}
