/**
 * McpHub: MCP servers as synchronous function calls. `McpHub.start()` spawns the I/O worker,
 * which owns every connection; each method posts a request on this thread's channel and blocks
 * in Atomics.wait until the worker answers.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { Channel } from './channel.js';
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
  WORKER_DEAD,
  WORKER_RUNNING,
  WORKER_STARTING,
  DEFAULT_RECOVERY,
  type Op,
  type RecoveryOptions,
  type ServerConfig,
  type ServerInfo,
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

/** A set of MCP servers behind one I/O worker, called synchronously from this thread. */
export class McpHub {
  readonly #channel: Channel;
  readonly #worker: Worker;
  readonly #hubState: Int32Array;
  readonly #configs: ReadonlyMap<string, ServerConfig>;
  readonly #forgetOrphans: () => void;
  #closed = false;

  private constructor(worker: Worker, channel: Channel, hubState: Int32Array, configs: ServerConfig[]) {
    this.#worker = worker;
    this.#channel = channel;
    this.#hubState = hubState;
    this.#configs = new Map(configs.map((config) => [config.name, config]));
    this.#forgetOrphans = killOrphansOnExit(hubState, configs.length);
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
    const hubState = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (HUB_HEADER_WORDS + SERVER_WORDS * configs.length));
    const slot = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * SLOT_WORDS);
    const { port1, port2 } = new MessageChannel();
    const logDir = options.logDir ?? DEFAULT_LOG_DIR;
    const init: WorkerInit = {
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
    const hub = new McpHub(worker, new Channel(port1, slot, hubState), state, configs);
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
   * A server's connection state, read from shared memory: no round trip to the worker.
   * @throws McpSyncError UNKNOWN_SERVER
   */
  state(server: string): ServerState {
    return SERVER_STATES[Atomics.load(this.#hubState, serverWord(this.#indexOf(server), SERVER_STATE))] ?? 'closed';
  }

  /**
   * Blocks until `server` has a ready session, or `timeoutMs` passes; returns the state it saw
   * last. Event-driven: the thread sleeps on the server's shared state word and the worker's
   * state change wakes it at once (no polling).
   * @throws McpSyncError UNKNOWN_SERVER, WORKER_EXITED, CLOSED
   */
  waitForReady(server: string, options: CallOptions = {}): ServerState {
    const word = serverWord(this.#indexOf(server), SERVER_STATE);
    const deadline = performance.now() + (options.timeoutMs ?? this.#configs.get(server)!.connectTimeoutMs);
    for (;;) {
      const value = Atomics.load(this.#hubState, word);
      const state = SERVER_STATES[value] ?? 'closed';
      const remaining = deadline - performance.now();
      if (state === 'ready' || state === 'closed' || remaining <= 0) return state;
      this.#assertWorkerAlive(server);
      Atomics.wait(this.#hubState, word, value, remaining);
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
      const deadline = Math.max(0, ...[...this.#configs.values()].map((config) => config.timeoutMs));
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
   * Shuts every server down in parallel (bounded) and stops the worker; stdio children are
   * ended. Idempotent; later calls throw CLOSED.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (Atomics.load(this.#hubState, HUB_WORKER) === WORKER_RUNNING) this.#channel.request('close', [], CLOSE_WAIT_MS);
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
    this.#forgetOrphans();
    this.#channel.close();
    void this.#worker.terminate();
  }

  #call(op: Op, server: string, args: unknown[], options: CallOptions): unknown {
    return this.#request(op, args, options.timeoutMs ?? this.#configOf(server).timeoutMs, server);
  }

  #configOf(server: string): ServerConfig {
    assertString(server, 'server', server);
    const config = this.#configs.get(server);
    if (config === undefined) {
      const known = [...this.#configs.keys()].map((name) => `'${name}'`).join(', ') || 'none';
      throw new McpSyncError(ErrorCode.UNKNOWN_SERVER, `Unknown MCP server '${server}' (configured: ${known})`, { server });
    }
    return config;
  }

  #indexOf(server: string): number {
    return [...this.#configs.values()].indexOf(this.#configOf(server));
  }

  #assertWorkerAlive(server: string): void {
    if (this.#closed) throw new McpSyncError(ErrorCode.CLOSED, 'This mcp-sync hub is closed', { server });
    if (Atomics.load(this.#hubState, HUB_WORKER) === WORKER_DEAD)
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
