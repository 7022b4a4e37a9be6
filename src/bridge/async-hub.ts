/**
 * The async façade: the hub's operations as promises, for code that can await. It speaks the
 * same channel protocol to the same worker — the worker dispatches its requests into the same one
 * API object as the synchronous callers' — over a channel of its own.
 *
 * Not comlink: comlink would need a second dispatch path in the worker (its own `expose`), loses
 * our error codes across the thread boundary unless its throw handler is replaced on both sides,
 * and cannot carry the cancel-on-timeout message; this file is the whole of the façade.
 */
import type { BroadcastChannel } from 'node:worker_threads';
import { attachChannel } from './attach.js';
import { fromWire } from '../shared/errors.js';
import { requestMessage, ServerTable, type CallerProgress, type CallOptions } from './requests.js';
import { clientClosedError, timeoutError } from './call-errors.js';
import type { AsyncClient, CallerOp, OpArgs, OpResult } from '../shared/operations.js';
import { AsyncTaskHandle } from './task-handle.js';
import { HUB_WORKER, type CallerMessage, type HubHandle, type ReplyMessage, type ServerInfo } from '../shared/protocol.js';
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

/** Longest single wait on the worker word while calls are pending. */
const WATCH_SLICE_MS = 1_000;

/** Atomics.waitAsync (V8 ≥ 8.7, Node ≥ 16), typed here because TS's ES2023 lib lacks it. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: Int32Array,
      index: number,
      value: number,
      timeoutMs: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync.bind(Atomics);

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
  /** Re-arms the deadline (progress with resetTimeoutOnProgress). */
  rearm(): void;
  progress?: CallerProgress;
}

/** A hub's operations as promises. Get one with `hub.async`, or `AsyncMcpHub.attach(handle)` in any thread. */
export class AsyncMcpHub implements AsyncClient {
  readonly #port: BroadcastChannel;
  readonly #state: Int32Array;
  readonly #worker: WorkerState;
  readonly #table: ServerTable;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #closed = false;
  #watching = false;

  private constructor(port: BroadcastChannel, handle: HubHandle) {
    this.#port = port;
    this.#state = new Int32Array(handle.hubState);
    this.#worker = new WorkerState(handle);
    this.#table = new ServerTable(handle.servers);
    this.#port.onmessage = (event) => this.#settle((event as unknown as { data: ReplyMessage }).data);
    // Keeps the process alive only while a promise is pending.
    this.#port.unref();
  }

  /**
   * Attaches to a running hub from this thread. Blocks briefly until the worker serves the channel.
   * @throws McpSyncError WORKER_EXITED, CLOSED, TIMEOUT
   */
  static attach(handle: HubHandle): AsyncMcpHub {
    return new AsyncMcpHub(attachChannel(handle).port, handle);
  }

  servers(options?: CallOptions): Promise<ServerInfo[]> {
    return this.#call('servers', [], options);
  }

  listTools(server?: string, options?: CallOptions): Promise<Tool[]> {
    return this.#call('listTools', [server], options);
  }

  callTool(server: string, tool: string, args?: JsonObject, options?: CallOptions): Promise<CallToolResult> {
    return this.#call('callTool', [server, tool, args], options);
  }

  listResources(server: string, options?: CallOptions): Promise<Resource[]> {
    return this.#call('listResources', [server], options);
  }

  readResource(server: string, uri: string, options?: CallOptions): Promise<ReadResourceResult> {
    return this.#call('readResource', [server, uri], options);
  }

  listResourceTemplates(server?: string, options?: CallOptions): Promise<ResourceTemplate[]> {
    return this.#call('listResourceTemplates', [server], options);
  }

  readResourceTemplate(
    server: string,
    uriTemplate: string,
    variables: Record<string, string | string[]>,
    options?: CallOptions,
  ): Promise<ReadResourceResult> {
    return this.#call('readResourceTemplate', [server, uriTemplate, variables], options);
  }

  complete(
    server: string,
    ref: CompletionReference,
    argument: { name: string; value: string },
    context?: Record<string, string>,
    options?: CallOptions,
  ): Promise<Completion> {
    return this.#call('complete', [server, ref, argument, context], options);
  }

  listPrompts(server: string, options?: CallOptions): Promise<Prompt[]> {
    return this.#call('listPrompts', [server], options);
  }

  getPrompt(server: string, name: string, args?: Record<string, string>, options?: CallOptions): Promise<GetPromptResult> {
    return this.#call('getPrompt', [server, name, args], options);
  }

  async subscribe(server: string, uri: string, options?: CallOptions): Promise<void> {
    await this.#call('subscribe', [server, uri], options);
  }

  async unsubscribe(server: string, uri: string, options?: CallOptions): Promise<void> {
    await this.#call('unsubscribe', [server, uri], options);
  }

  listSkills(server: string, options?: CallOptions): Promise<Skill[]> {
    return this.#call('listSkills', [server], options);
  }

  readSkill(server: string, skill: string, file?: string, options?: CallOptions): Promise<SkillFile> {
    return this.#call('readSkill', [server, skill, file], options);
  }

  /** As {@link McpHub.startTool}: resolves with a handle once the task is started. */
  async startTool(server: string, tool: string, args?: JsonObject, options?: CallOptions): Promise<AsyncTaskHandle> {
    return new AsyncTaskHandle(this, await this.#call('startTask', [server, tool, args], options));
  }

  /** As {@link McpHub.task}. */
  task(server: string, taskId: string): AsyncTaskHandle {
    this.#table.prepare('getTask', [server, taskId]);
    return new AsyncTaskHandle(this, { server, taskId });
  }

  getTask(server: string, taskId: string, options?: CallOptions): Promise<TaskInfo> {
    return this.#call('getTask', [server, taskId], options);
  }

  taskResult(server: string, taskId: string, options?: CallOptions): Promise<CallToolResult> {
    return this.#call('taskResult', [server, taskId], options);
  }

  cancelTask(server: string, taskId: string, options?: CallOptions): Promise<TaskInfo> {
    return this.#call('cancelTask', [server, taskId], options);
  }

  async ping(server: string, options?: CallOptions): Promise<void> {
    await this.#call('ping', [server], options);
  }

  /** Closes this façade's channel (never the hub); pending calls reject with CLOSED. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#post({ type: 'detach' });
    this.#port.close();
    for (const [id, pending] of this.#pending) this.#fail(id, pending, clientClosedError());
  }

  /** Checks and posts an operation; errors in its arguments reject the promise, never throw. */
  async #call<O extends CallerOp>(op: O, args: OpArgs<O>, options?: CallOptions): Promise<OpResult<O>> {
    const request = this.#table.prepare(op, args, options);
    if (this.#closed) throw clientClosedError(request.server);
    this.#worker.assertAlive(request.server);
    const id = ++this.#nextId;
    const { progress } = request;
    const started = Date.now();
    const cap = progress?.maxTotalTimeoutMs === undefined ? Infinity : started + progress.maxTotalTimeoutMs;
    return new Promise((resolve, reject) => {
      const expire = (): void => {
        const pending = this.#pending.get(id);
        if (pending === undefined) return;
        this.#post({ type: 'cancel', id, reason: 'timeout' });
        this.#fail(id, pending, timeoutError(request.op, request.timeoutMs, request.server, request.args));
      };
      const pending: Pending = {
        resolve,
        reject,
        timer: setTimeout(expire, Math.min(request.timeoutMs, cap - started)),
        rearm: () => {
          clearTimeout(pending.timer);
          pending.timer = setTimeout(expire, Math.max(0, Math.min(request.timeoutMs, cap - Date.now())));
        },
        ...(progress !== undefined && { progress }),
      };
      this.#pending.set(id, pending);
      if (this.#pending.size === 1) {
        this.#port.ref();
        this.#watchWorker();
      }
      this.#post(requestMessage(id, request));
    });
  }

  /**
   * While calls are pending, watch the worker word (Atomics.waitAsync, in slices so nothing is
   * left waiting once idle): a worker that dies or a hub that closes rejects every pending call at
   * once with WORKER_EXITED / CLOSED instead of leaving it to its deadline.
   */
  #watchWorker(): void {
    if (this.#watching || this.#closed) return;
    const gone = this.#worker.error();
    if (gone !== undefined) {
      for (const [id, pending] of this.#pending) this.#fail(id, pending, gone);
      return;
    }
    const worker = this.#worker.value;
    if (this.#pending.size === 0) return;
    const waited = waitAsync(this.#state, HUB_WORKER, worker, WATCH_SLICE_MS);
    if (!waited.async) return void queueMicrotask(() => this.#watchWorker());
    this.#watching = true;
    void waited.value.then(() => {
      this.#watching = false;
      this.#watchWorker();
    });
  }

  /**
   * A reply arrived: settle its promise (a reply to a call that already timed out is dropped). A
   * progress notification runs the call's callback; one that throws ends the call with its error.
   */
  #settle(reply: ReplyMessage): void {
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;
    if (reply.type === 'progress') {
      if (pending.progress?.reset === true) pending.rearm();
      try {
        pending.progress?.onProgress(reply.progress);
      } catch (error) {
        this.#post({ type: 'cancel', id: reply.id, reason: 'interrupt' });
        this.#fail(reply.id, pending, error);
      }
      return;
    }
    this.#forget(reply.id, pending);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(fromWire(reply.error));
  }

  #fail(id: number, pending: Pending, error: unknown): void {
    this.#forget(id, pending);
    pending.reject(error);
  }

  #forget(id: number, pending: Pending): void {
    clearTimeout(pending.timer);
    this.#pending.delete(id);
    if (this.#pending.size === 0 && !this.#closed) this.#port.unref();
  }

  #post(message: CallerMessage): void {
    this.#port.postMessage(message);
  }
}
