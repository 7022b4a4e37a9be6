/**
 * McpHub: MCP servers as synchronous function calls. `McpHub.start()` spawns the I/O worker,
 * which owns every connection; each method posts a request on this thread's channel and blocks
 * in Atomics.wait until the worker answers. `McpHub.attach(handle)` does the same from any other
 * thread, over the same worker and sessions.
 */
import { AsyncMcpHub } from './async-hub.js';
import { attachChannel } from './attach.js';
import { Channel, interrupt, type InterruptToken } from './channel.js';
import { STATUS_TIMEOUT_MS, ServerTable, checkTimeout, type CallOptions, type PreparedRequest } from './requests.js';
import type { CallerOp, Op, OpArgs, OpResult, SyncClient } from '../shared/operations.js';
import { TaskHandle } from './task-handle.js';
import { killOrphansOnExit } from './orphans.js';
import { HubOwner } from './hub-owner.js';
import type { HubHandle, ServerInfo, ServerLogMessage, ServerState } from '../shared/protocol.js';
import { buildToolEntries, type ToolEntriesOptions, type ToolEntry } from '../registry/entries.js';
import { keepRegistered, type RegistrationChanges, type ToolRegistry } from '../registry/register.js';
import { HubEvents } from './hub-events.js';
import { spawnWorker, type StartOptions } from './start.js';
import { closedError } from './call-errors.js';
import { WorkerState } from './worker-state.js';
import type {
  CallToolResult,
  Completion,
  CompletionReference,
  GetPromptResult,
  JsonObject,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  Skill,
  SkillFile,
  TaskInfo,
  Tool,
} from '../shared/types.js';

/** Extra time `start()` allows beyond the slowest server's connectTimeout. */
export const START_GRACE_MS = 10_000;

/**
 * A set of MCP servers behind one I/O worker, called synchronously from this thread. Made by
 * {@link McpHub.start} (the owner) or {@link McpHub.attach} (a client of the same worker in
 * another thread).
 */
export class McpHub implements SyncClient {
  readonly #channel: Channel;
  readonly #handle: HubHandle;
  readonly #worker: WorkerState;
  readonly #table: ServerTable;
  readonly #owner: HubOwner | undefined;
  #async: AsyncMcpHub | undefined;
  readonly #events: HubEvents;
  #detachOnExit: (() => void) | undefined;
  #closed = false;

  private constructor(channel: Channel, handle: HubHandle, owner?: (channel: Channel) => HubOwner) {
    this.#channel = channel;
    this.#handle = handle;
    this.#worker = new WorkerState(handle);
    this.#table = new ServerTable(handle.servers);
    this.#events = new HubEvents(handle.hubId);
    this.#owner = owner?.(channel);
  }

  /**
   * Loads the configuration, starts the I/O worker and connects every enabled server in
   * parallel. Blocks until each server is ready or has failed; a server that fails does not
   * fail the hub (see {@link McpHub.servers}).
   * @param configOrPath a config object, or the path of a JSON or YAML file
   * @throws McpSyncError INVALID_CONFIG, INVALID_ARGUMENT, WORKER_EXITED, TIMEOUT
   */
  static start(configOrPath: string | Record<string, unknown>, options: StartOptions = {}): McpHub {
    const spawned = spawnWorker(configOrPath, options);
    const servers = spawned.configs.map(({ name, timeoutMs, connectTimeoutMs, tools }) => ({ name, timeoutMs, connectTimeoutMs, tools }));
    const handle: HubHandle = { hubId: spawned.hubId, hubState: spawned.hubState, failure: spawned.failure, servers };
    const forgetOrphans = killOrphansOnExit(new Int32Array(spawned.hubState), servers.length);
    const owner = (channel: Channel): HubOwner => new HubOwner(spawned.worker, forgetOrphans, new Int32Array(spawned.hubState), channel);
    const hub = new McpHub(new Channel(spawned.port, spawned.slot, handle), handle, owner);
    const slowest = Math.max(0, ...servers.map((server) => server.connectTimeoutMs));
    try {
      hub.#send({ op: 'start', args: [], timeoutMs: slowest + START_GRACE_MS });
    } catch (error) {
      // As close() does: the servers spawned already (early-children.ts) end with the hub.
      hub.#closed = true;
      hub.#owner?.close();
      throw error;
    }
    return hub;
  }

  /**
   * Attaches this thread to a running hub: the same synchronous methods, the same I/O worker and
   * sessions. Any number of threads may attach the same handle; `close()` on an attached client
   * closes only its channel, never the hub.
   * @throws McpSyncError WORKER_EXITED, CLOSED, TIMEOUT (the worker did not answer the attach)
   */
  static attach(handle: HubHandle): McpHub {
    const { port, slot } = attachChannel(handle);
    const hub = new McpHub(new Channel(port, slot, handle), handle);
    // A pool thread that ends without close() still detaches: the worker cannot see a
    // BroadcastChannel peer go, and would keep serving its channel forever.
    hub.#detachOnExit = () => hub.close();
    process.once('exit', hub.#detachOnExit);
    return hub;
  }

  /**
   * Interrupts the call in flight on the client that made `token`, from any thread: it wakes at
   * once with INTERRUPTED, the server is sent `notifications/cancelled`, nothing is retried and
   * the circuit breaker is left alone.
   */
  static interrupt(token: InterruptToken): void {
    interrupt(token);
  }

  /**
   * A handle to this hub for another thread: plain data, pass it in `workerData` or as a task
   * argument (no transferList), then call {@link McpHub.attach} there.
   */
  handle(): HubHandle {
    return this.#handle;
  }

  /**
   * A token that lets another thread interrupt the call this client is blocked in: send it to
   * that thread (plain data) and call {@link McpHub.interrupt} there.
   */
  interruptToken(): InterruptToken {
    return this.#channel.interruptToken();
  }

  /** The same operations as promises, over the same worker (its own channel; made on first use). */
  get async(): AsyncMcpHub {
    if (this.#closed) throw closedError();
    this.#async ??= AsyncMcpHub.attach(this.#handle);
    return this.#async;
  }

  /**
   * A server's connection state, read from shared memory: no round trip to the worker.
   * @throws McpSyncError UNKNOWN_SERVER
   */
  state(server: string): ServerState {
    return this.#worker.serverState(this.#table.indexOf(server));
  }

  /**
   * Blocks until `server` has a ready session, or `timeoutMs` passes; returns the state it saw
   * last. Event-driven: the thread sleeps on the server's shared state word and the worker's
   * state change wakes it at once (no polling).
   * @throws McpSyncError UNKNOWN_SERVER, WORKER_EXITED, CLOSED
   */
  waitForReady(server: string, options: CallOptions = {}): ServerState {
    const deadline = performance.now() + checkTimeout(options.timeoutMs ?? this.#table.get(server).connectTimeoutMs, server);
    return this.#worker.waitForServer(this.#table.indexOf(server), deadline, () => this.#closed, server);
  }

  /** Every enabled server with its transport, state, tool count, session generation and, when not ready, its error. */
  servers(options?: CallOptions): ServerInfo[] {
    return this.#call('servers', [], options);
  }

  /**
   * Lists the tools of one server, or of every ready server (leaving out any that fails to
   * answer), following every page.
   * @throws McpSyncError UNKNOWN_SERVER, NOT_CONNECTED, TIMEOUT, RPC_ERROR, TRANSPORT_ERROR, OUTCOME_UNCERTAIN, SESSION_EXPIRED, NEEDS_REAUTH, CIRCUIT_OPEN, INTERRUPTED, INVALID_ARGUMENT
   */
  listTools(server?: string, options?: CallOptions): Tool[] {
    return this.#call('listTools', [server], options);
  }

  /**
   * Calls a tool. A tool's own failure comes back as a result with `isError: true`, not thrown.
   * @throws McpSyncError UNKNOWN_SERVER, UNKNOWN_TOOL, NOT_CONNECTED, TIMEOUT, RPC_ERROR, TRANSPORT_ERROR, OUTCOME_UNCERTAIN,
   * RESPONSE_TOO_LARGE, SESSION_EXPIRED, NEEDS_REAUTH, CIRCUIT_OPEN, INTERRUPTED, INVALID_ARGUMENT
   */
  callTool(server: string, tool: string, args?: JsonObject, options?: CallOptions): CallToolResult {
    return this.#call('callTool', [server, tool, args], options);
  }

  /**
   * Starts a tool as a task and returns at once with a handle to it: on a 2025 server a tool whose
   * `execution.taskSupport` is `optional` or `required`; on a 2026 server any (the server decides —
   * one it answers at once gives a handle holding the result). The start is a tool call:
   * an uncertain outcome is reported as such and never re-sent, so a task is never started twice.
   * @throws McpSyncError INVALID_ARGUMENT (the server cannot run it as a task), as {@link McpHub.callTool}
   */
  startTool(server: string, tool: string, args?: JsonObject, options?: CallOptions): TaskHandle {
    return new TaskHandle(this, this.#call('startTask', [server, tool, args], options));
  }

  /** A handle to a task of `server` known by its id, from any thread (see {@link McpHub.startTool}). */
  task(server: string, taskId: string): TaskHandle {
    this.#table.prepare('getTask', [server, taskId]);
    return new TaskHandle(this, { server, taskId });
  }

  /** A task's status now (`tasks/get`). @throws McpSyncError as {@link McpHub.callTool} */
  getTask(server: string, taskId: string, options?: CallOptions): TaskInfo {
    return this.#call('getTask', [server, taskId], options);
  }

  /**
   * Blocks until a task's result, within `options.timeoutMs`: polled at the server's interval and
   * across reconnects; a TIMEOUT leaves the task running. @throws McpSyncError as {@link McpHub.callTool}
   */
  taskResult(server: string, taskId: string, options?: CallOptions): CallToolResult {
    return this.#call('taskResult', [server, taskId], options);
  }

  /** Asks the server to cancel a task; its status after that. @throws McpSyncError as {@link McpHub.callTool} */
  cancelTask(server: string, taskId: string, options?: CallOptions): TaskInfo {
    return this.#call('cancelTask', [server, taskId], options);
  }

  /** Lists every page of a server's resources. @throws McpSyncError as {@link McpHub.listTools} */
  listResources(server: string, options?: CallOptions): Resource[] {
    return this.#call('listResources', [server], options);
  }

  /** Reads one resource. @throws McpSyncError as {@link McpHub.callTool} */
  readResource(server: string, uri: string, options?: CallOptions): ReadResourceResult {
    return this.#call('readResource', [server, uri], options);
  }

  /**
   * Lists every page of resource templates of one server, or of every ready server (each tagged
   * with its server; a server that fails to answer is left out).
   * @throws McpSyncError as {@link McpHub.listTools}
   */
  listResourceTemplates(server?: string, options?: CallOptions): ResourceTemplate[] {
    return this.#call('listResourceTemplates', [server], options);
  }

  /**
   * Reads the resource `uriTemplate` names once `variables` are filled in (RFC 6570, e.g.
   * `file:///{+path}` with `{path: 'docs/a.md'}`). @throws McpSyncError as {@link McpHub.callTool}
   */
  readResourceTemplate(
    server: string,
    uriTemplate: string,
    variables: Record<string, string | string[]>,
    options?: CallOptions,
  ): ReadResourceResult {
    return this.#call('readResourceTemplate', [server, uriTemplate, variables], options);
  }

  /**
   * Candidate values for a prompt argument or a resource template variable, given what is typed
   * so far (`argument.value`) and the other arguments already chosen (`context`).
   * @throws McpSyncError as {@link McpHub.callTool}
   */
  complete(
    server: string,
    ref: CompletionReference,
    argument: { name: string; value: string },
    context?: Record<string, string>,
    options?: CallOptions,
  ): Completion {
    return this.#call('complete', [server, ref, argument, context], options);
  }

  /** Lists every page of a server's prompts. @throws McpSyncError as {@link McpHub.listTools} */
  listPrompts(server: string, options?: CallOptions): Prompt[] {
    return this.#call('listPrompts', [server], options);
  }

  /** Gets a prompt, filled with `args`. @throws McpSyncError as {@link McpHub.callTool} */
  getPrompt(server: string, name: string, args?: Record<string, string>, options?: CallOptions): GetPromptResult {
    return this.#call('getPrompt', [server, name, args], options);
  }

  /**
   * Subscribes to the updates of resource `uri` (2025: `resources/subscribe`; 2026-07-28: a
   * `subscriptions/listen` stream). They reach every {@link McpHub.onResourceUpdated} listener, in
   * any thread. The subscription is the hub's: it is set up again after every reconnect.
   * @throws McpSyncError as {@link McpHub.callTool}
   */
  subscribe(server: string, uri: string, options?: CallOptions): void {
    this.#call('subscribe', [server, uri], options);
  }

  /** Ends a subscription made with {@link McpHub.subscribe}. @throws McpSyncError as {@link McpHub.callTool} */
  unsubscribe(server: string, uri: string, options?: CallOptions): void {
    this.#call('unsubscribe', [server, uri], options);
  }

  /**
   * Lists a server's skills (the `io.modelcontextprotocol/skills` extension, SEP-2640): nothing is
   * read until {@link McpHub.readSkill} asks. Empty for a server without the extension.
   * @throws McpSyncError as {@link McpHub.listTools}
   */
  listSkills(server: string, options?: CallOptions): Skill[] {
    return this.#call('listSkills', [server], options);
  }

  /**
   * Reads one file of a skill — `skill` is its `SKILL.md` URI or its name; `file` a path relative
   * to the skill's root (default: the `SKILL.md` itself) — and checks it against the server's
   * entry: listed, size, digest, and for `SKILL.md` the frontmatter.
   * @throws McpSyncError SKILL_UNVERIFIED when a check fails (do not use the file); as {@link McpHub.callTool}
   */
  readSkill(server: string, skill: string, file?: string, options?: CallOptions): SkillFile {
    return this.#call('readSkill', [server, skill, file], options);
  }

  /** Pings a server. @throws McpSyncError as {@link McpHub.listTools} */
  ping(server: string, options?: CallOptions): void {
    this.#call('ping', [server], options);
  }

  /**
   * One registry entry per MCP tool (after `tools.include/exclude`) and per server utility
   * (resources / prompts, when advertised and not switched off): hermes-compatible
   * `(args) => string` handlers that call this hub from the thread that runs them.
   */
  toolEntries(options: ToolEntriesOptions = {}): ToolEntry[] {
    const catalog = this.#send({ op: 'catalog', args: [], timeoutMs: STATUS_TIMEOUT_MS });
    return buildToolEntries(this, catalog, this.#handle.servers, options);
  }

  /**
   * Registers {@link McpHub.toolEntries} into `registry`, never replacing a tool a non-MCP toolset
   * owns, and keeps it current: when a server's tool list changes, only what changed is
   * re-registered (on this thread, when its event loop runs) and `onChanged` is told.
   * @returns a function that stops the live updates
   */
  registerInto(
    registry: ToolRegistry,
    options: ToolEntriesOptions & { onChanged?: (server: string, changes: RegistrationChanges) => void } = {},
  ): () => void {
    return keepRegistered(registry, {
      entries: () => this.toolEntries(options),
      onToolsChanged: (listener) => this.onToolsChanged((server) => this.#closed || listener(server)),
      warn: options.onWarning ?? ((message: string) => console.warn(message)),
      ...(options.onChanged !== undefined && { onChanged: options.onChanged }),
    });
  }

  /**
   * Calls `listener(server)` whenever a server's tool list changed (`notifications/tools/list_changed`,
   * re-listed in the background). It runs on this thread's event loop. Returns the unsubscribe.
   */
  onToolsChanged(listener: (server: string) => void): () => void {
    return this.#events.listen((event) => event.type === 'toolsChanged' && listener(event.server));
  }

  /**
   * Calls `listener(server, uri)` whenever a subscribed resource changes ({@link McpHub.subscribe}),
   * in this thread's event loop — whichever thread subscribed. Returns the function that stops it.
   */
  onResourceUpdated(listener: (server: string, uri: string) => void): () => void {
    return this.#events.listen((event) => event.type === 'resourceUpdated' && listener(event.server, event.uri));
  }

  /**
   * Calls `listener(server, message)` for every log message a server sends (`{level, logger?, data}`;
   * config `logLevel` sets the least severe wanted), on this thread's event loop, in any thread.
   * They are also written to the event log. Returns the function that stops it.
   */
  onServerLog(listener: (server: string, message: ServerLogMessage) => void): () => void {
    return this.#events.listen((event) => event.type === 'serverLog' && listener(event.server, event.message));
  }

  /**
   * On the hub that started it: shuts every server down in parallel (bounded) and stops the
   * worker; stdio children are ended. On an attached client: closes only this thread's channels.
   * Idempotent; later calls on this object throw CLOSED.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#async?.close();
    this.#events.close();
    if (this.#owner === undefined) {
      if (this.#detachOnExit !== undefined) process.off('exit', this.#detachOnExit);
      this.#channel.detach();
      return;
    }
    this.#owner.close();
  }

  #call<O extends CallerOp>(op: O, args: OpArgs<O>, options?: CallOptions): OpResult<O> {
    return this.#send(this.#table.prepare(op, args, options));
  }

  #send<O extends Op>(request: PreparedRequest<O>): OpResult<O> {
    if (this.#closed) throw closedError(request.server);
    return this.#channel.request(request);
  }
}
