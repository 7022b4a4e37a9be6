/**
 * Why a connect attempt failed, said so that a user knows what to do — and whether trying again
 * could help. A command that does not exist, a server that exits while starting, a URL that
 * answers 404 to `initialize` will fail the same way every time: those are not retried (the
 * parked probe still tries now and then), and their errors name the key to fix.
 */
import { SdkError, SdkErrorCode, SdkHttpError, SseError, type Transport } from '@modelcontextprotocol/client';
import { ErrorCode, McpSyncError } from '../../src/shared/errors.js';
import type { ServerConfig } from '../../src/shared/protocol.js';
import { classify, rpcMessage } from '../recovery/classify.js';
import { StdioTransport } from '../transport/stdio-transport.js';

/** A failed connect attempt: its error, and whether another attempt could go otherwise. */
export interface ConnectFailure {
  error: McpSyncError;
  permanent: boolean;
}

/**
 * Describes the failure of a connect attempt of `config` over `transport`; `timedOut` when its
 * deadline (connectTimeout) passed.
 */
export function connectFailure(error: unknown, config: ServerConfig, transport: Transport | undefined, timedOut: boolean): ConnectFailure {
  const server = config.name;
  if (error instanceof McpSyncError && error.code !== ErrorCode.TIMEOUT) return { error, permanent: false };
  const stdio = transport instanceof StdioTransport ? transport : undefined;
  if (timedOut || error instanceof McpSyncError || (SdkError.isInstance(error) && error.code === SdkErrorCode.RequestTimeout)) {
    const seconds = Number((config.connectTimeoutMs / 1000).toFixed(3));
    const stderr = stdio?.stderrTail() ?? '';
    const message =
      `MCP server '${server}' did not finish connecting within ${seconds} s (its connectTimeout); ` +
      `raise 'connectTimeout' in its config if it is slow to start${stderr === '' ? '' : `. Its last stderr lines:\n${stderr}`}`;
    return {
      error: new McpSyncError(ErrorCode.TIMEOUT, message, { server, connectTimeoutMs: config.connectTimeoutMs }, { cause: error }),
      permanent: false,
    };
  }
  if (
    config.protocol === 'modern' &&
    SdkError.isInstance(error) &&
    error.code === SdkErrorCode.EraNegotiationFailed &&
    error.cause === undefined
  ) {
    const message =
      `MCP server '${server}' does not speak MCP 2026-07-28 (${rpcMessage(error.message)}), but its config says 'protocol: "modern"'. ` +
      `Set 'protocol' to "auto" (or "legacy") in its config.`;
    return {
      error: new McpSyncError(ErrorCode.TRANSPORT_ERROR, message, { server, protocol: 'modern' }, { cause: error }),
      permanent: true,
    };
  }
  // The 2026 probe runs first: what stopped it is in its cause.
  const cause =
    SdkError.isInstance(error) && error.code === SdkErrorCode.EraNegotiationFailed && error.cause !== undefined ? error.cause : error;
  const spawnCode = (cause as NodeJS.ErrnoException | null)?.code;
  if (config.transport === 'stdio' && (spawnCode === 'ENOENT' || spawnCode === 'EACCES')) {
    const problem = spawnCode === 'ENOENT' ? 'was not found' : 'cannot be executed (permission denied)';
    const where = config.command.includes('/') ? '' : ' on PATH';
    const message =
      `MCP server '${server}': the command '${config.command}' ${problem}${where} (spawn ${spawnCode}). ` +
      `Check 'command' in its config${where === '' ? '' : ', or give its full path'}.`;
    return {
      error: new McpSyncError(ErrorCode.TRANSPORT_ERROR, message, { server, command: config.command, errno: spawnCode }, { cause: error }),
      permanent: true,
    };
  }
  const exit = stdio?.exit;
  if (stdio !== undefined && exit !== undefined) {
    const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    const stderr = stdio.stderrTail();
    const message =
      `MCP server '${server}' ${how} while starting` +
      (stderr === '' ? ' and wrote nothing to stderr' : `. Its last stderr lines:\n${stderr}`) +
      `\n(its whole stderr log: ${stdio.logPath})`;
    const data = { server, exitCode: exit.code, signal: exit.signal, stderr, log: stdio.logPath };
    return { error: new McpSyncError(ErrorCode.TRANSPORT_ERROR, message, data, { cause: error }), permanent: true };
  }
  const status = SdkHttpError.isInstance(cause) ? cause.status : SseError.isInstance(cause) ? cause.code : undefined;
  if (config.transport !== 'stdio' && (status === 404 || status === 405)) {
    const message =
      `MCP server '${server}' answered HTTP ${status} to initialize at ${config.url}: ` +
      `check the URL path in its config (usually /mcp${config.transport === 'sse' ? ', or /sse for a legacy SSE server' : ''})`;
    return {
      error: new McpSyncError(ErrorCode.TRANSPORT_ERROR, message, { server, httpStatus: status, url: config.url }, { cause: error }),
      permanent: true,
    };
  }
  const failure = classify(error, server, { hasSessionId: false, connecting: true });
  if (failure.code === ErrorCode.RPC_ERROR) {
    // An error answer to initialize: the server refuses us (a protocol version it does not speak…).
    const said = failure.message.replace(/^MCP server '[^']*': /, '');
    const pinned = config.protocol === 'legacy';
    const hint = pinned ? `. Its config says 'protocol: "legacy"': if it speaks only MCP 2026-07-28, set 'protocol' to "auto"` : '';
    const message = `MCP server '${server}' refused to initialize: ${said}${hint}`;
    return { error: new McpSyncError(ErrorCode.RPC_ERROR, message, failure.data, { cause: error }), permanent: pinned };
  }
  return { error: failure, permanent: false };
}
