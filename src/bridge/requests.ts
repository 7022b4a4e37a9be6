/**
 * The operations callers can ask of the worker, checked and turned into requests: which op,
 * which arguments, which deadline. Shared by the synchronous hub and the async façade, so both
 * validate and time out the same way. One check per client operation (the compiler insists, see
 * src/shared/operations.ts).
 */
import { DEFAULT_CALL_TIMEOUT_MS } from '../config/load-config.js';
import { ErrorCode, McpSyncError, unknownServerError } from '../shared/errors.js';
import { MAX_TIMEOUT_MS, type CallOptions, type CallerOp, type Op, type OpArgs, type ProgressRequest } from '../shared/operations.js';
import type { Progress } from '../shared/types.js';
import type { RequestMessage, ServerSummary } from '../shared/protocol.js';
import { assertJson } from './json-check.js';

export type { CallOptions } from '../shared/operations.js';

/** A request ready to post: `server` names the server for error data. */
export interface PreparedRequest<O extends Op = Op> {
  op: O;
  args: OpArgs<O>;
  timeoutMs: number;
  server?: string;
  /** Progress wanted: the callback stays on the caller's side, the rest goes to the worker. */
  progress?: CallerProgress;
  /** Past any cache (`CallOptions.refresh`). */
  refresh?: boolean;
}

/** Progress as the caller handles it (see {@link CallOptions.onProgress}). */
export interface CallerProgress extends ProgressRequest {
  onProgress: (progress: Progress) => void;
}

/** Deadline of operations that only read the worker's state (`servers()`, the catalog). */
export const STATUS_TIMEOUT_MS = 10_000;

/** Checks the arguments of an operation; returns the server it concerns, if any. @throws McpSyncError INVALID_ARGUMENT */
type Check<O extends CallerOp> = (args: OpArgs<O>) => string | undefined;

const CHECKS: { [O in CallerOp]: Check<O> } = {
  servers: () => undefined,
  listTools: ([server]) => server,
  callTool: ([server, tool, args]) => {
    assertString(tool, 'tool', server);
    if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) {
      throw new McpSyncError(ErrorCode.INVALID_ARGUMENT, `Arguments of tool '${tool}' on '${server}' must be a JSON object`, { server });
    }
    if (args !== undefined) assertJson(args, `Arguments of tool '${tool}' on '${server}'`, server);
    return server;
  },
  startTask: (args) => CHECKS.callTool(args),
  getTask: ([server, taskId]) => (assertString(taskId, 'taskId', server), server),
  taskResult: ([server, taskId]) => (assertString(taskId, 'taskId', server), server),
  cancelTask: ([server, taskId]) => (assertString(taskId, 'taskId', server), server),
  listResources: ([server]) => server,
  readResource: ([server, uri]) => (assertString(uri, 'uri', server), server),
  listResourceTemplates: ([server]) => server,
  readResourceTemplate: ([server, uriTemplate, variables]) => {
    assertString(uriTemplate, 'uriTemplate', server);
    const valid =
      typeof variables === 'object' &&
      variables !== null &&
      !Array.isArray(variables) &&
      Object.values(variables).every((v) => typeof v === 'string' || (Array.isArray(v) && v.every((item) => typeof item === 'string')));
    if (!valid) {
      const message = `Variables of template '${uriTemplate}' on '${server}' must be an object of strings (or arrays of strings)`;
      throw new McpSyncError(ErrorCode.INVALID_ARGUMENT, message, { server });
    }
    return server;
  },
  complete: ([server, ref, argument, context]) => {
    const refOk =
      typeof ref === 'object' &&
      ref !== null &&
      ((ref.type === 'ref/prompt' && typeof ref.name === 'string') || (ref.type === 'ref/resource' && typeof ref.uri === 'string'));
    if (!refOk) {
      const message = `complete() takes a reference {type: 'ref/prompt', name} or {type: 'ref/resource', uri}, got ${JSON.stringify(ref)}`;
      throw new McpSyncError(ErrorCode.INVALID_ARGUMENT, message, { server });
    }
    if (typeof argument !== 'object' || argument === null || typeof argument.name !== 'string' || typeof argument.value !== 'string') {
      throw new McpSyncError(ErrorCode.INVALID_ARGUMENT, `complete() takes an argument {name, value} of strings`, { server });
    }
    const strings =
      context === undefined ||
      (typeof context === 'object' && context !== null && Object.values(context).every((v) => typeof v === 'string'));
    if (!strings) throw new McpSyncError(ErrorCode.INVALID_ARGUMENT, `complete()'s context must be an object of strings`, { server });
    return server;
  },
  listPrompts: ([server]) => server,
  getPrompt: ([server, name, args]) => {
    assertString(name, 'name', server);
    const strings =
      args === undefined ||
      (typeof args === 'object' && args !== null && !Array.isArray(args) && Object.values(args).every((v) => typeof v === 'string'));
    if (!strings) {
      throw new McpSyncError(ErrorCode.INVALID_ARGUMENT, `Arguments of prompt '${name}' on '${server}' must be an object of strings`, {
        server,
      });
    }
    return server;
  },
  subscribe: ([server, uri]) => (assertString(uri, 'uri', server), server),
  unsubscribe: ([server, uri]) => (assertString(uri, 'uri', server), server),
  listSkills: ([server]) => server,
  readSkill: ([server, skill, file]) => {
    assertString(skill, 'skill', server);
    if (file !== undefined) assertString(file, 'file', server);
    return server;
  },
  ping: ([server]) => server,
};

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
    if (index >= 0) return index;
    const configured = this.servers.map(({ name }) => name);
    throw unknownServerError(server, configured);
  }

  get(server: string): ServerSummary {
    return this.servers[this.indexOf(server)]!;
  }

  /**
   * A client operation, checked, with its deadline: the call's, else the server's `timeout`; for
   * `servers()` {@link STATUS_TIMEOUT_MS}; for `listTools()` of every server the slowest `timeout`.
   * @throws McpSyncError UNKNOWN_SERVER, INVALID_ARGUMENT
   */
  prepare<O extends CallerOp>(op: O, args: OpArgs<O>, options: CallOptions = {}): PreparedRequest<O> {
    const server = (CHECKS[op] as Check<O>)(args);
    const progress = progressOf(options, server);
    if (options.refresh !== undefined && typeof options.refresh !== 'boolean') {
      throw new McpSyncError(ErrorCode.INVALID_ARGUMENT, `refresh must be true or false, got ${String(options.refresh)}`);
    }
    const withProgress = { ...(progress !== undefined && { progress }), ...(options.refresh === true && { refresh: true }) };
    if (server !== undefined) {
      return { op, args, server, timeoutMs: checkTimeout(options.timeoutMs ?? this.get(server).timeoutMs, server), ...withProgress };
    }
    const fallback =
      op === 'servers' ? STATUS_TIMEOUT_MS : Math.max(0, ...this.servers.map((summary) => summary.timeoutMs)) || DEFAULT_CALL_TIMEOUT_MS;
    return { op, args, timeoutMs: checkTimeout(options.timeoutMs ?? fallback), ...withProgress };
  }
}

/** The message that asks the worker for `request` (a progress callback stays with the caller). */
export function requestMessage(id: number, { op, args, timeoutMs, progress, refresh }: PreparedRequest): RequestMessage {
  const message: RequestMessage = { type: 'request', id, op, args, timeoutMs };
  if (progress !== undefined) {
    const { reset, maxTotalTimeoutMs } = progress;
    message.progress = { reset, ...(maxTotalTimeoutMs !== undefined && { maxTotalTimeoutMs }) };
  }
  if (refresh === true) message.refresh = true;
  return message;
}

/**
 * The progress options of a call, checked; undefined when no progress is wanted.
 * @throws McpSyncError INVALID_ARGUMENT
 */
function progressOf(options: CallOptions, server: string | undefined): CallerProgress | undefined {
  const { onProgress, resetTimeoutOnProgress, maxTotalTimeoutMs } = options;
  const invalid = (message: string): McpSyncError =>
    new McpSyncError(ErrorCode.INVALID_ARGUMENT, message, server === undefined ? undefined : { server });
  if (onProgress !== undefined && typeof onProgress !== 'function')
    throw invalid(`onProgress must be a function, got ${typeof onProgress}`);
  if (resetTimeoutOnProgress !== undefined && typeof resetTimeoutOnProgress !== 'boolean') {
    throw invalid(`resetTimeoutOnProgress must be true or false, got ${String(resetTimeoutOnProgress)}`);
  }
  if (maxTotalTimeoutMs !== undefined && resetTimeoutOnProgress !== true) {
    throw invalid('maxTotalTimeoutMs caps a deadline that progress restarts: give it with resetTimeoutOnProgress: true');
  }
  if (onProgress === undefined && resetTimeoutOnProgress !== true) return undefined;
  return {
    onProgress: onProgress ?? (() => undefined),
    reset: resetTimeoutOnProgress === true,
    ...(maxTotalTimeoutMs !== undefined && { maxTotalTimeoutMs: checkTimeout(maxTotalTimeoutMs, server) }),
  };
}

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
