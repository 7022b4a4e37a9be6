/**
 * The worker's operations, declared once: each name with its argument tuple and its result. Every
 * side is derived from this table or checked against it by the compiler — the worker's API object
 * ({@link WorkerApiOf}), the synchronous hub and attached clients ({@link SyncClientOf}), the async
 * façade ({@link AsyncClientOf}), and the per-operation request checks (src/bridge/requests.ts).
 * Adding an operation here fails to compile until every one of them has it.
 */
import type { ServerCatalog, ServerInfo } from './protocol.js';
import type {
  CallToolResult,
  GetPromptResult,
  JsonObject,
  Completion,
  CompletionReference,
  Progress,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  Skill,
  SkillFile,
  TaskInfo,
  Tool,
} from './types.js';

/** Name → `[arguments, result]` of every operation of the I/O worker. */
// A type, not an interface: a type literal fits OperationTable's index signature.
export type Operations = {
  /** Connects every server; resolves once each is ready or has failed. */
  start: { args: []; result: ServerInfo[] };
  servers: { args: []; result: ServerInfo[] };
  /** Every server's discovered tools and capabilities (no server I/O): what registries build from. */
  catalog: { args: []; result: ServerCatalog[] };
  listTools: { args: [server: string | undefined]; result: Tool[] };
  callTool: { args: [server: string, tool: string, args: JsonObject | undefined]; result: CallToolResult };
  listResources: { args: [server: string]; result: Resource[] };
  readResource: { args: [server: string, uri: string]; result: ReadResourceResult };
  /** Every page of resource templates of one server, or of every ready server. */
  listResourceTemplates: { args: [server: string | undefined]; result: ResourceTemplate[] };
  /** Reads the resource a template names once `variables` are filled in (RFC 6570 expansion). */
  readResourceTemplate: {
    args: [server: string, uriTemplate: string, variables: Record<string, string | string[]>];
    result: ReadResourceResult;
  };
  /** Candidate values for a prompt argument or a template variable (`completion/complete`). */
  complete: {
    args: [
      server: string,
      ref: CompletionReference,
      argument: { name: string; value: string },
      context: Record<string, string> | undefined,
    ];
    result: Completion;
  };
  listPrompts: { args: [server: string]; result: Prompt[] };
  getPrompt: { args: [server: string, name: string, args: Record<string, string> | undefined]; result: GetPromptResult };
  /** Subscribes to a resource's updates (kept across reconnects); they reach `onResourceUpdated` listeners. */
  subscribe: { args: [server: string, uri: string]; result: void };
  unsubscribe: { args: [server: string, uri: string]; result: void };
  /** The server's skills (SEP-2640), listed: nothing is read. */
  listSkills: { args: [server: string]; result: Skill[] };
  /** One file of a skill (`file` relative to its root; default its SKILL.md), read and verified. */
  readSkill: { args: [server: string, skill: string, file: string | undefined]; result: SkillFile };
  /**
   * Starts a tool as a task (2025-11-25 tasks, or the 2026-07-28 extension); `hub.startTool` wraps it in a TaskHandle. A server
   * that ran the tool at once instead gives its `result` (and an empty `taskId`).
   */
  startTask: { args: [server: string, tool: string, args: JsonObject | undefined]; result: TaskInfo & { result?: CallToolResult } };
  /** A task's status now (`tasks/get`). */
  getTask: { args: [server: string, taskId: string]; result: TaskInfo };
  /** Waits for a task's result (polling, across reconnects, within the call's deadline). */
  taskResult: { args: [server: string, taskId: string]; result: CallToolResult };
  /** Asks the server to cancel a task; its status after that. */
  cancelTask: { args: [server: string, taskId: string]; result: TaskInfo };
  ping: { args: [server: string]; result: void };
  close: { args: []; result: void };
};

/** The shape of an operation table. */
export type OperationTable = Record<string, { args: unknown[]; result: unknown }>;

/** Names of the operations. */
export type Op = keyof Operations;

/** Every operation's name, at run time (a missing or extra name fails to compile). */
export const OPS: ReadonlySet<string> = new Set(
  Object.keys({
    start: true,
    servers: true,
    catalog: true,
    listTools: true,
    callTool: true,
    listResources: true,
    readResource: true,
    listResourceTemplates: true,
    readResourceTemplate: true,
    complete: true,
    listPrompts: true,
    getPrompt: true,
    subscribe: true,
    unsubscribe: true,
    listSkills: true,
    readSkill: true,
    startTask: true,
    getTask: true,
    taskResult: true,
    cancelTask: true,
    ping: true,
    close: true,
  } satisfies Record<Op, true>),
);
export type OpArgs<O extends Op> = Operations[O]['args'];
export type OpResult<O extends Op> = Operations[O]['result'];

/** Operations the hub uses itself, not methods callers call by name. */
export type InternalOp = 'start' | 'catalog' | 'close' | 'startTask';
/** Operations every client (sync, attached, async) offers as a method of the same name. */
export type ClientOp = Exclude<Op, InternalOp>;
/** Operations a caller's request names, checked before it is posted (src/bridge/requests.ts). */
export type CallerOp = ClientOp | 'startTask';

/** Options of one call. */
export interface CallOptions {
  /** Deadline of this call in milliseconds. @default the server's `timeout` (120 s) */
  timeoutMs?: number;
  /**
   * Called on the calling thread, synchronously, for each progress notification the server sends
   * for this call (the caller wakes, runs it, and goes back to waiting). A callback that throws
   * ends the call: it is cancelled and the callback's error is thrown. @default none
   */
  onProgress?: (progress: Progress) => void;
  /** Each progress notification restarts the `timeoutMs` deadline (up to `maxTotalTimeoutMs`). @default false */
  resetTimeoutOnProgress?: boolean;
  /** With `resetTimeoutOnProgress`: the call's deadline however much progress comes. @default none */
  maxTotalTimeoutMs?: number;
  /**
   * Listings and `readResource`: ask the server, even while a list it said may be cached
   * (`ttlMs`, 2026-07-28) is still fresh; a tool list so fetched also refreshes the registry's
   * catalog. @default false
   */
  refresh?: boolean;
}

/** What of {@link CallOptions} reaches the worker: progress wanted, and how it moves the deadline. */
export interface ProgressRequest {
  reset: boolean;
  maxTotalTimeoutMs?: number;
}

/** The worker's API object for table `T`: every operation, taking its arguments and then the request's context. */
export type WorkerApiOf<T extends OperationTable, Context> = {
  [O in keyof T]: (...args: [...T[O]['args'], Context]) => Promise<T[O]['result']> | T[O]['result'];
};

/** A synchronous client of table `T`: a method per client operation, its arguments then call options. */
export type SyncClientOf<T extends OperationTable> = {
  [O in Exclude<keyof T, InternalOp>]: (...args: [...T[O]['args'], options?: CallOptions]) => T[O]['result'];
};

/** An asynchronous client of table `T`: the same methods, returning promises. */
export type AsyncClientOf<T extends OperationTable> = {
  [O in Exclude<keyof T, InternalOp>]: (...args: [...T[O]['args'], options?: CallOptions]) => Promise<T[O]['result']>;
};

/** Every method a client of the hub has for the worker's operations. */
export type SyncClient = SyncClientOf<Operations>;
export type AsyncClient = AsyncClientOf<Operations>;

/** setTimeout's limit: a longer delay fires at once (Node warns TimeoutOverflowWarning). */
export const MAX_TIMEOUT_MS = 2_147_483_647;
