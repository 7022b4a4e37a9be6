/**
 * McpHub: MCP servers as synchronous function calls. `McpHub.start()` spawns the I/O worker,
 * which owns every connection; each method posts a request on this thread's channel and blocks
 * in Atomics.wait until the worker answers.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { BroadcastChannel, MessageChannel, Worker } from 'node:worker_threads';
import { Channel, interrupt, type InterruptToken } from './channel.js';
import { DEFAULT_CALL_TIMEOUT_MS, loadConfig } from './config.js';
import { ErrorCode, McpSyncError } from './errors.js';
import { killOrphansOnExit } from './orphans.js';
import {
  HUB_HEADER_WORDS,
  HUB_WORKER,
  SERVER_STATE,
  SERVER_STATES,
  SERVER_WORDS,
  SLOT_SIGNAL,
  serverWord,
  SLOT_WORDS,
  WORKER_CLOSED,
  WORKER_DEAD,
  WORKER_RUNNING,
  WORKER_STARTING,
  DEFAULT_RECOVERY,
  controlChannelName,
  type AttachMessage,
  type HubHandle,
  type Op,
  type RecoveryOptions,
  type ServerInfo,
  type ServerSummary,
  type ServerState,
  type WorkerInit,
} from './protocol.js';
import type { CallToolResult, GetPromptResult, JsonObject, Prompt, ReadResourceResult, Resource, Tool } from './types.js';

const WORKER_URL = new URL('../workers/io-worker.js', import.meta.url);
/** Default directory of stdio servers' stderr logs. */
export const DEFAULT_LOG_DIR = join(tmpdir(), 'mcp-sync', 'logs');
/** Deadline of operations that only read the worker's state (`servers()`). */
export const STATUS_TIMEOUT_MS = 10_000;
/** Extra time `start()` allows beyond the slowest server's connectTimeout. */
export const START_GRACE_MS = 10_000;
/** How long `close()` waits for the worker to shut every server down. */
export const CLOSE_WAIT_MS = 8_000;
/** How long `attach()` waits for the worker to start serving the new channel. */
export const ATTACH_TIMEOUT_MS = 10_000;

/** Options of {@link McpHub.start}. */
export interface StartOptions {
  /** Directory for stdio servers' stderr logs (`<server>.log`). @default `<os tmpdir>/mcp-sync/logs` */
  logDir?: string;
  /** Environment for `${VAR}` interpolation in the config. @default process.env */
  env?: NodeJS.ProcessEnv;
  /**
   * Where recovery events (session expired, reconnected, parked …) are logged, one line each:
   * `'stderr'`, a file path, or `false` for none. @default `<logDir>/mcp-sync.log`
   */
  eventLog?: 'stderr' | string | false;
  /** Tuning of self-healing (backoffs, budgets, breaker); see {@link RecoveryOptions}. @default DEFAULT_RECOVERY */
  recovery?: Partial<RecoveryOptions>;
}

/** Options of one call. */
export interface CallOptions {
  /** Deadline of this call in milliseconds. @default the server's `timeout` (120 s) */
  timeoutMs?: number;
}

/** What only the thread that started the hub owns: the worker, and the orphan sweep. */
interface Owner {
  worker: Worker;
  forgetOrphans: () => void;
}

/**
 * A set of MCP servers behind one I/O worker, called synchronously from this thread. Made by
 * {@link McpHub.start} (the owner) or {@link McpHub.attach} (a client of the same worker in
 * another thread).
 */
export class McpHub {
  readonly #channel: Channel;
  readonly #hubId: string;
  readonly #hubState: SharedArrayBuffer;
  readonly #state: Int32Array;
  readonly #servers: readonly ServerSummary[];
  readonly #owner: Owner | undefined;
  #closed = false;

  private constructor(hubId: string, channel: Channel, hubState: SharedArrayBuffer, servers: readonly ServerSummary[], owner?: Owner) {
    this.#hubId = hubId;
    this.#channel = channel;
    this.#hubState = hubState;
    this.#state = new Int32Array(hubState);
    this.#servers = servers;
    this.#owner = owner;
  }

  /**
   * Loads the configuration, starts the I/O worker and connects every enabled server in
   * parallel. Blocks until each server is ready or has failed; a server that fails does not
   * fail the hub (see {@link McpHub.servers}).
   * @param configOrPath a config object, or the path of a JSON or YAML file
   * @throws McpSyncError INVALID_CONFIG, WORKER_EXITED, TIMEOUT
   */
  static start(configOrPath: string | Record<string, unknown>, options: StartOptions = {}): McpHub {
    const configs = loadConfig(configOrPath, options.env).filter((config) => config.enabled);
    const hubId = randomUUID();
    const hubState = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (HUB_HEADER_WORDS + SERVER_WORDS * configs.length));
    const slot = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * SLOT_WORDS);
    const { port1, port2 } = new MessageChannel();
    const logDir = options.logDir ?? DEFAULT_LOG_DIR;
    const init: WorkerInit = {
      hubId,
      servers: configs,
      hubState,
      port: port2,
      slot,
      logDir,
      recovery: recoveryOptions(options.recovery),
      eventLog: options.eventLog === false ? null : (options.eventLog ?? join(logDir, 'mcp-sync.log')),
      debugOps: process.env['MCP_SYNC_DEBUG_OPS'] === '1',
    };
    const worker = new Worker(WORKER_URL, { workerData: init, transferList: [port2] });
    const state = new Int32Array(hubState);
    const slotWords = new Int32Array(slot);
    // Seen only when this thread is not blocked (e.g. a pool thread is waiting while this one
    // idles); a blocked caller is woken by the worker's own exit hook, or by its deadline.
    worker.on('exit', () => {
      Atomics.compareExchange(state, HUB_WORKER, WORKER_STARTING, WORKER_DEAD);
      Atomics.compareExchange(state, HUB_WORKER, WORKER_RUNNING, WORKER_DEAD);
      Atomics.add(slotWords, SLOT_SIGNAL, 1);
      Atomics.notify(slotWords, SLOT_SIGNAL);
    });
    // An uncaught error in the worker surfaces as WORKER_EXITED on the next call; without a
    // listener it would crash this process instead.
    worker.on('error', () => undefined);
    worker.unref();
    const servers = configs.map(({ name, timeoutMs, connectTimeoutMs }) => ({ name, timeoutMs, connectTimeoutMs }));
    const owner = { worker, forgetOrphans: killOrphansOnExit(state, configs.length) };
    const hub = new McpHub(hubId, new Channel(port1, slot, hubState), hubState, servers, owner);
    const slowest = Math.max(0, ...configs.map((config) => config.connectTimeoutMs));
    try {
      hub.#request('start', [], slowest + START_GRACE_MS);
    } catch (error) {
      hub.#shutDown();
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
    const state = new Int32Array(handle.hubState);
    const worker = Atomics.load(state, HUB_WORKER);
    if (worker === WORKER_DEAD) throw new McpSyncError(ErrorCode.WORKER_EXITED, 'The mcp-sync I/O worker exited');
    if (worker === WORKER_CLOSED) throw new McpSyncError(ErrorCode.CLOSED, 'This mcp-sync hub is closed');
    const slot = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * SLOT_WORDS);
    const words = new Int32Array(slot);
    const message: AttachMessage = { channel: `mcp-sync:${handle.hubId}:${randomUUID()}`, slot };
    // Open our end before announcing it: a BroadcastChannel delivers only to ends already open.
    const channel = new Channel(new BroadcastChannel(message.channel), slot, handle.hubState);
    const control = new BroadcastChannel(controlChannelName(handle.hubId));
    control.postMessage(message);
    control.close();
    // The worker bumps our slot once it serves the channel; requests sent before would be lost.
    const deadline = performance.now() + ATTACH_TIMEOUT_MS;
    while (Atomics.load(words, SLOT_SIGNAL) === 0) {
      const remaining = deadline - performance.now();
      const now = Atomics.load(state, HUB_WORKER);
      if (now === WORKER_DEAD || now === WORKER_CLOSED || remaining <= 0) {
        channel.close();
        if (remaining <= 0)
          throw new McpSyncError(ErrorCode.TIMEOUT, `The mcp-sync I/O worker did not answer attach within ${ATTACH_TIMEOUT_MS} ms`);
        throw new McpSyncError(now === WORKER_DEAD ? ErrorCode.WORKER_EXITED : ErrorCode.CLOSED, 'The mcp-sync hub is not running');
      }
      Atomics.wait(words, SLOT_SIGNAL, 0, remaining);
    }
    return new McpHub(handle.hubId, channel, handle.hubState, handle.servers);
  }

  /**
   * A token that lets another thread interrupt the call this client is blocked in: send it to
   * that thread (plain data) and call {@link McpHub.interrupt} there.
   */
  interruptToken(): InterruptToken {
    return this.#channel.interruptToken();
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
    return { hubId: this.#hubId, hubState: this.#hubState, servers: this.#servers };
  }

  /**
   * A server's connection state, read from shared memory: no round trip to the worker.
   * @throws McpSyncError UNKNOWN_SERVER
   */
  state(server: string): ServerState {
    return SERVER_STATES[Atomics.load(this.#state, serverWord(this.#indexOf(server), SERVER_STATE))] ?? 'closed';
  }

  /**
   * Blocks until `server` has a ready session, or `timeoutMs` passes; returns the state it saw
   * last. Event-driven: the thread sleeps on the server's shared state word and the worker's
   * state change wakes it at once (no polling).
   * @throws McpSyncError UNKNOWN_SERVER, WORKER_EXITED, CLOSED
   */
  waitForReady(server: string, options: CallOptions = {}): ServerState {
    const word = serverWord(this.#indexOf(server), SERVER_STATE);
    const deadline = performance.now() + (options.timeoutMs ?? this.#summaryOf(server).connectTimeoutMs);
    for (;;) {
      const value = Atomics.load(this.#state, word);
      const state = SERVER_STATES[value] ?? 'closed';
      const remaining = deadline - performance.now();
      if (state === 'ready' || state === 'closed' || remaining <= 0) return state;
      this.#assertWorkerAlive(server);
      Atomics.wait(this.#state, word, value, remaining);
    }
  }

  /** Every enabled server with its transport, state, tool count and, when not ready, its error. */
  servers(): ServerInfo[] {
    return this.#request('servers', [], STATUS_TIMEOUT_MS) as ServerInfo[];
  }

  /**
   * Lists the tools of one server, or of every ready server, following every page.
   * @throws McpSyncError UNKNOWN_SERVER, NOT_CONNECTED, TIMEOUT, RPC_ERROR, TRANSPORT_ERROR
   */
  listTools(server?: string, options: CallOptions = {}): Tool[] {
    if (server === undefined) {
      const deadline = Math.max(0, ...this.#servers.map((config) => config.timeoutMs));
      return this.#request('listTools', [undefined], options.timeoutMs ?? (deadline || DEFAULT_CALL_TIMEOUT_MS)) as Tool[];
    }
    return this.#call('listTools', server, [server], options) as Tool[];
  }

  /**
   * Calls a tool. A tool's own failure comes back as a result with `isError: true`, not thrown.
   * @throws McpSyncError UNKNOWN_SERVER, NOT_CONNECTED, TIMEOUT, RPC_ERROR, TRANSPORT_ERROR, OUTCOME_UNCERTAIN, INVALID_ARGUMENT
   */
  callTool(server: string, tool: string, args?: JsonObject, options: CallOptions = {}): CallToolResult {
    assertString(tool, 'tool', server);
    if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) {
      throw new McpSyncError(ErrorCode.INVALID_ARGUMENT, `Arguments of tool '${tool}' on '${server}' must be a JSON object`, { server });
    }
    return this.#call('callTool', server, [server, tool, args], options) as CallToolResult;
  }

  /** Lists every page of a server's resources. @throws McpSyncError as {@link McpHub.listTools} */
  listResources(server: string, options: CallOptions = {}): Resource[] {
    return this.#call('listResources', server, [server], options) as Resource[];
  }

  /** Reads one resource. @throws McpSyncError as {@link McpHub.callTool} */
  readResource(server: string, uri: string, options: CallOptions = {}): ReadResourceResult {
    assertString(uri, 'uri', server);
    return this.#call('readResource', server, [server, uri], options) as ReadResourceResult;
  }

  /** Lists every page of a server's prompts. @throws McpSyncError as {@link McpHub.listTools} */
  listPrompts(server: string, options: CallOptions = {}): Prompt[] {
    return this.#call('listPrompts', server, [server], options) as Prompt[];
  }

  /** Gets a prompt, filled with `args`. @throws McpSyncError as {@link McpHub.callTool} */
  getPrompt(server: string, name: string, args?: Record<string, string>, options: CallOptions = {}): GetPromptResult {
    assertString(name, 'name', server);
    return this.#call('getPrompt', server, [server, name, args], options) as GetPromptResult;
  }

  /** Pings a server. @throws McpSyncError as {@link McpHub.listTools} */
  ping(server: string, options: CallOptions = {}): void {
    this.#call('ping', server, [server], options);
  }

  /**
   * On the hub that started it: shuts every server down in parallel (bounded) and stops the
   * worker; stdio children are ended. On an attached client: closes only this thread's channel.
   * Idempotent; later calls on this object throw CLOSED.
   */
  close(): void {
    if (this.#closed) return;
    if (this.#owner === undefined) {
      this.#closed = true;
      this.#channel.detach();
      return;
    }
    this.#closed = true;
    try {
      if (Atomics.load(this.#state, HUB_WORKER) === WORKER_RUNNING) this.#channel.request('close', [], CLOSE_WAIT_MS);
    } catch {
      // The worker is gone or did not answer in time: what it left behind is killed below.
    }
    this.#shutDown();
  }

  /** @internal Test hook: makes the worker throw an uncaught error (only with MCP_SYNC_DEBUG_OPS=1). */
  debugCrashWorker(): void {
    this.#request('debugCrash', [], STATUS_TIMEOUT_MS);
  }

  /** Kills any stdio child the worker did not end, closes the channel, stops the worker. */
  #shutDown(): void {
    this.#closed = true;
    this.#owner?.forgetOrphans();
    this.#channel.close();
    void this.#owner?.worker.terminate();
  }

  #call(op: Op, server: string, args: unknown[], options: CallOptions): unknown {
    return this.#request(op, args, options.timeoutMs ?? this.#summaryOf(server).timeoutMs, server);
  }

  #summaryOf(server: string): ServerSummary {
    return this.#servers[this.#indexOf(server)]!;
  }

  #indexOf(server: string): number {
    assertString(server, 'server', server);
    const index = this.#servers.findIndex((summary) => summary.name === server);
    if (index < 0) {
      const known = this.#servers.map((summary) => `'${summary.name}'`).join(', ') || 'none';
      throw new McpSyncError(ErrorCode.UNKNOWN_SERVER, `Unknown MCP server '${server}' (configured: ${known})`, { server });
    }
    return index;
  }

  #assertWorkerAlive(server: string): void {
    if (this.#closed) throw new McpSyncError(ErrorCode.CLOSED, 'This mcp-sync hub is closed', { server });
    if (Atomics.load(this.#state, HUB_WORKER) === WORKER_DEAD)
      throw new McpSyncError(ErrorCode.WORKER_EXITED, 'The mcp-sync I/O worker exited', { server });
  }

  #request(op: Op, args: unknown[], timeoutMs: number, server?: string): unknown {
    if (this.#closed)
      throw new McpSyncError(ErrorCode.CLOSED, 'This mcp-sync hub is closed', server === undefined ? undefined : { server });
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
      throw new McpSyncError(
        ErrorCode.INVALID_ARGUMENT,
        `timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}`,
        server === undefined ? undefined : { server },
      );
    }
    return this.#channel.request(op, args, timeoutMs, server);
  }
}

function recoveryOptions(overrides: Partial<RecoveryOptions> = {}): RecoveryOptions {
  const merged = { ...DEFAULT_RECOVERY, ...overrides };
  for (const [key, value] of Object.entries(merged)) {
    if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
      throw new McpSyncError(ErrorCode.INVALID_ARGUMENT, `recovery.${key} must be a non-negative number, got ${JSON.stringify(value)}`);
    }
  }
  return merged;
}

function assertString(value: unknown, what: string, server: string): void {
  if (typeof value !== 'string' || value === '') {
    throw new McpSyncError(ErrorCode.INVALID_ARGUMENT, `'${what}' must be a non-empty string, got ${JSON.stringify(value)}`, { server });
  }
}
