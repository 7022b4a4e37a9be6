/**
 * SDK and transport failures → McpSyncError with a stable code. The one place that knows the
 * SDK's error classes; recovery decisions (issue: self-healing) branch on the codes it yields.
 */
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode as RpcCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, McpSyncError } from '../src/errors.js';

/** Why a request was aborted by us: the caller's deadline passed, or another thread interrupted. */
export type AbortReason = 'timeout' | 'interrupt' | 'close';

/** Maps `error` raised while serving `server` to a typed McpSyncError (idempotent). */
export function classify(error: unknown, server: string, aborted?: AbortReason): McpSyncError {
  if (error instanceof McpSyncError) return error;
  if (aborted === 'interrupt') return new McpSyncError(ErrorCode.INTERRUPTED, 'MCP call interrupted', { server }, { cause: error });
  if (aborted === 'close') return new McpSyncError(ErrorCode.CLOSED, `MCP server '${server}' was closed`, { server }, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  if (aborted === 'timeout') return new McpSyncError(ErrorCode.TIMEOUT, `MCP call to '${server}' timed out`, { server }, { cause: error });
  if (error instanceof McpError) {
    if (error.code === RpcCode.RequestTimeout) {
      return new McpSyncError(ErrorCode.TIMEOUT, `MCP call to '${server}' timed out: ${message}`, { server }, { cause: error });
    }
    if (error.code === RpcCode.ConnectionClosed) {
      return new McpSyncError(
        ErrorCode.OUTCOME_UNCERTAIN,
        `Connection to MCP server '${server}' closed mid-call; the call may or may not have run`,
        { server },
        { cause: error },
      );
    }
    return new McpSyncError(ErrorCode.RPC_ERROR, message, { server, rpcCode: error.code }, { cause: error });
  }
  if (error instanceof UnauthorizedError) {
    return new McpSyncError(
      ErrorCode.NEEDS_REAUTH,
      `MCP server '${server}' rejected our credentials: ${message}`,
      { server, httpStatus: 401 },
      { cause: error },
    );
  }
  if (error instanceof StreamableHTTPError || error instanceof SseError) {
    const status = typeof error.code === 'number' && error.code > 0 ? error.code : undefined;
    const data = status === undefined ? { server } : { server, httpStatus: status };
    return new McpSyncError(ErrorCode.TRANSPORT_ERROR, `MCP server '${server}': ${message}`, data, { cause: error });
  }
  if (message === 'Not connected') {
    return new McpSyncError(ErrorCode.NOT_CONNECTED, `MCP server '${server}' is not connected`, { server }, { cause: error });
  }
  return new McpSyncError(ErrorCode.TRANSPORT_ERROR, `MCP server '${server}': ${describe(error)}`, { server }, { cause: error });
}

/** An error's message plus the message of its cause (fetch hides ECONNREFUSED in `cause`). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
