/**
 * The one wording of the errors a caller's own side raises — a closed hub or client, a deadline
 * passed, an interrupt — whichever client raises them (the synchronous channel, the async façade,
 * attaching, waitForReady).
 */
import { ErrorCode, McpSyncError, taskRunsOn } from '../shared/errors.js';

function dataFor(server: string | undefined): { server: string } | undefined {
  return server === undefined ? undefined : { server };
}

/** The hub this client belongs to was closed (by its owner, or this object). */
export function closedError(server?: string): McpSyncError {
  return new McpSyncError(ErrorCode.CLOSED, 'This mcp-sync hub is closed', dataFor(server));
}

/** This attached client (or async façade) was closed; the hub may live on. */
export function clientClosedError(server?: string): McpSyncError {
  return new McpSyncError(ErrorCode.CLOSED, 'This mcp-sync client is closed', dataFor(server));
}

/** A call passed its deadline (the request is being cancelled). */
export function timeoutError(op: string, timeoutMs: number, server?: string, args: readonly unknown[] = []): McpSyncError {
  const seconds = Number((timeoutMs / 1000).toFixed(3));
  const message = `MCP ${op}${server === undefined ? '' : ` on '${server}'`} timed out after ${seconds} s`;
  // Waiting for a task gave up, the task did not: say which, and how to come back for it.
  const taskId = op === 'taskResult' || op === 'getTask' ? args[1] : undefined;
  if (typeof taskId !== 'string') return new McpSyncError(ErrorCode.TIMEOUT, message, dataFor(server));
  return new McpSyncError(ErrorCode.TIMEOUT, message + taskRunsOn(server ?? '', taskId), { ...dataFor(server), taskId });
}

/** Another thread interrupted the call (hermes' wording, which the registry handlers return as is). */
export function interruptedError(server?: string): McpSyncError {
  return new McpSyncError(ErrorCode.INTERRUPTED, 'MCP call interrupted: user sent a new message', dataFor(server));
}
