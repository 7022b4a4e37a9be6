/**
 * Handles to tasks a server runs for tool calls (2025-11-25 tasks, the 2026-07-28 tasks extension), for the synchronous hub and the
 * async façade. A handle is `{ server, taskId }` plus methods: the pair is plain data (it survives
 * `postMessage` and JSON), and any thread turns it back into a handle with `hub.task(server, taskId)`.
 */
import type { CallOptions } from '../shared/operations.js';
import type { CallToolResult, TaskInfo } from '../shared/types.js';

/** What names a task: enough to find it again from any thread, after any reconnect. */
export interface TaskRef {
  server: string;
  taskId: string;
}

/** What a handle asks of its hub. */
interface TaskClient<Wrap extends 'sync' | 'async'> {
  getTask(server: string, taskId: string, options?: CallOptions): Wrap extends 'sync' ? TaskInfo : Promise<TaskInfo>;
  taskResult(server: string, taskId: string, options?: CallOptions): Wrap extends 'sync' ? CallToolResult : Promise<CallToolResult>;
  cancelTask(server: string, taskId: string, options?: CallOptions): Wrap extends 'sync' ? TaskInfo : Promise<TaskInfo>;
}

/** What both handles hold: the task's name, their hub, and a result the server gave at once. */
abstract class TaskName<Client> implements TaskRef {
  readonly server: string;
  readonly taskId: string;
  // Private fields: a handle posted to another thread arrives as `{ server, taskId }` only.
  readonly #hub: Client;
  /** The result, when the server ran the tool at once instead of starting a task. */
  readonly #result: CallToolResult | undefined;

  constructor(hub: Client, ref: TaskRef & { result?: CallToolResult | undefined }) {
    this.server = ref.server;
    this.taskId = ref.taskId;
    this.#hub = hub;
    this.#result = ref.result;
  }

  protected get hub(): Client {
    return this.#hub;
  }

  protected get early(): CallToolResult | undefined {
    return this.#result;
  }

  /** The status of a task that was never one (its result came at once). */
  protected get done(): TaskInfo {
    return { server: this.server, taskId: this.taskId, status: 'completed' };
  }

  toJSON(): TaskRef {
    return { server: this.server, taskId: this.taskId };
  }
}

/** A task started with `startTool`, or named with `task(server, taskId)`. */
export class TaskHandle extends TaskName<TaskClient<'sync'>> {
  /** The task's status now (`tasks/get`). @throws McpSyncError as `callTool` */
  status(options?: CallOptions): TaskInfo {
    return this.early === undefined ? this.hub.getTask(this.server, this.taskId, options) : this.done;
  }

  /**
   * Blocks until the task's result, at most `options.timeoutMs` (default: the server's `timeout`):
   * polled at the server's interval, across reconnects. A TIMEOUT leaves the task running; ask again.
   * @throws McpSyncError TIMEOUT (with `data.taskId`), RPC_ERROR (the task failed or was cancelled), …
   */
  result(options?: CallOptions): CallToolResult {
    return this.early ?? this.hub.taskResult(this.server, this.taskId, options);
  }

  /** Asks the server to cancel the task; its status after that. */
  cancel(options?: CallOptions): TaskInfo {
    return this.early === undefined ? this.hub.cancelTask(this.server, this.taskId, options) : this.done;
  }
}

/** {@link TaskHandle} for the async façade: the same methods, returning promises. */
export class AsyncTaskHandle extends TaskName<TaskClient<'async'>> {
  async status(options?: CallOptions): Promise<TaskInfo> {
    return this.early === undefined ? this.hub.getTask(this.server, this.taskId, options) : this.done;
  }

  async result(options?: CallOptions): Promise<CallToolResult> {
    return this.early ?? this.hub.taskResult(this.server, this.taskId, options);
  }

  async cancel(options?: CallOptions): Promise<TaskInfo> {
    return this.early === undefined ? this.hub.cancelTask(this.server, this.taskId, options) : this.done;
  }
}
