/** How a session describes itself: its `servers()` row, and the error of a call that finds no session. */
import type { Client } from '@modelcontextprotocol/client';
import { ErrorCode, McpSyncError, toWire } from '../../src/shared/errors.js';
import type { BreakerStatus, ServerConfig, ServerInfo, ServerState } from '../../src/shared/protocol.js';

/** What a session knows of itself for its `servers()` row. */
export interface SessionFacts {
  config: ServerConfig;
  state: ServerState;
  tools: number;
  generation: number;
  error: McpSyncError | undefined;
  breaker: BreakerStatus | undefined;
  /** The live client: era, protocol version and instructions come from it. */
  client: Client | undefined;
}

/** The `servers()` row; the last error only while not ready. */
export function serverInfo({ config, state, tools, generation, error, breaker, client }: SessionFacts): ServerInfo {
  const info: ServerInfo = { name: config.name, transport: config.transport, state, tools, generation };
  if (state !== 'ready' && error !== undefined) info.error = toWire(error);
  if (breaker !== undefined) info.breaker = breaker;
  const era = client?.getProtocolEra();
  const protocolVersion = client?.getNegotiatedProtocolVersion();
  const instructions = client?.getInstructions();
  if (era !== undefined) info.era = era;
  if (protocolVersion !== undefined) info.protocolVersion = protocolVersion;
  if (instructions !== undefined) info.instructions = instructions;
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
