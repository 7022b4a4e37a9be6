/**
 * The operations callers can ask of the worker, checked and turned into requests: which op,
 * which arguments, which deadline. Shared by the synchronous hub and the async façade, so both
 * validate and time out the same way.
 */
import { DEFAULT_CALL_TIMEOUT_MS } from '../config/load-config.js';
import { ErrorCode, McpSyncError } from '../shared/errors.js';
import { assertJson } from './json-check.js';
import type { Op, ServerSummary } from '../shared/protocol.js';
import type { JsonObject } from '../shared/types.js';

/** Options of one call. */
export interface CallOptions {
  /** Deadline of this call in milliseconds. @default the server's `timeout` (120 s) */
  timeoutMs?: number;
}

/** A request ready to post: `server` names the server for error data. */
export interface PreparedRequest {
  op: Op;
  args: unknown[];
  timeoutMs: number;
  server?: string;
}

/** Deadline of operations that only read the worker's state (`servers()`). */
export const STATUS_TIMEOUT_MS = 10_000;

/** The configured servers as the caller side knows them: names and deadlines, in config order. */
export class ServerTable {
  readonly servers: readonly ServerSummary[];

  constructor(servers: readonly ServerSummary[]) {
    this.servers = servers;
  }

  /** @throws McpSyncError UNKNOWN_SERVER, INVALID_ARGUMENT */
  indexOf(server: string): number {
    assertString(server, 'server', server);
    const index = this.servers.findIndex((summary) => summary.name === server);
    if (index < 0) {
      const known = this.servers.map((summary) => `'${summary.name}'`).join(', ') || 'none';
      throw new McpSyncError(ErrorCode.UNKNOWN_SERVER, `Unknown MCP server '${server}' (configured: ${known})`, { server });
    }
    return index;
  }

  get(server: string): ServerSummary {
    return this.servers[this.indexOf(server)]!;
  }

  /** A request to one server, with its deadline (the call's, else the server's). */
  request(op: Op, server: string, args: unknown[], options: CallOptions): PreparedRequest {
    return { op, args, server, timeoutMs: checkTimeout(options.timeoutMs ?? this.get(server).timeoutMs, server) };
  }

  status(): PreparedRequest {
    return { op: 'servers', args: [], timeoutMs: STATUS_TIMEOUT_MS };
  }

  listTools(server: string | undefined, options: CallOptions): PreparedRequest {
    if (server !== undefined) return this.request('listTools', server, [server], options);
    const slowest = Math.max(0, ...this.servers.map((summary) => summary.timeoutMs));
    return { op: 'listTools', args: [undefined], timeoutMs: checkTimeout(options.timeoutMs ?? (slowest || DEFAULT_CALL_TIMEOUT_MS)) };
  }

  callTool(server: string, tool: string, args: JsonObject | undefined, options: CallOptions): PreparedRequest {
    assertString(tool, 'tool', server);
    if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) {
      throw new McpSyncError(ErrorCode.INVALID_ARGUMENT, `Arguments of tool '${tool}' on '${server}' must be a JSON object`, { server });
    }
    if (args !== undefined) assertJson(args, `Arguments of tool '${tool}' on '${server}'`, server);
    return this.request('callTool', server, [server, tool, args], options);
  }

  readResource(server: string, uri: string, options: CallOptions): PreparedRequest {
    assertString(uri, 'uri', server);
    return this.request('readResource', server, [server, uri], options);
  }

  getPrompt(server: string, name: string, args: Record<string, string> | undefined, options: CallOptions): PreparedRequest {
    assertString(name, 'name', server);
    if (
      args !== undefined &&
      (args === null || typeof args !== 'object' || Array.isArray(args) || Object.values(args).some((v) => typeof v !== 'string'))
    ) {
      throw new McpSyncError(ErrorCode.INVALID_ARGUMENT, `Arguments of prompt '${name}' on '${server}' must be an object of strings`, {
        server,
      });
    }
    return this.request('getPrompt', server, [server, name, args], options);
  }
}

/** setTimeout's limit: a longer delay fires at once (Node warns TimeoutOverflowWarning). */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** @throws McpSyncError INVALID_ARGUMENT unless 0 < timeoutMs ≤ {@link MAX_TIMEOUT_MS} */
export function checkTimeout(timeoutMs: number, server?: string): number {
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs) || timeoutMs > MAX_TIMEOUT_MS) {
    throw new McpSyncError(
      ErrorCode.INVALID_ARGUMENT,
      `timeoutMs must be a positive number of milliseconds up to ${MAX_TIMEOUT_MS}, got ${String(timeoutMs)}`,
      server === undefined ? undefined : { server },
    );
  }
  return timeoutMs;
}

function assertString(value: unknown, what: string, server: string): void {
  if (typeof value !== 'string' || value === '') {
    throw new McpSyncError(ErrorCode.INVALID_ARGUMENT, `'${what}' must be a non-empty string, got ${JSON.stringify(value)}`, { server });
  }
}
