/**
 * ServerSession: one configured server's connection inside the I/O worker — connect (with
 * bounded retries), discover, serve requests, close. Its state and session generation are
 * mirrored into the hub's shared memory so any thread can read them without a round trip.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, McpSyncError, toWire } from '../src/errors.js';
import {
  SERVER_GENERATION,
  SERVER_PID,
  SERVER_STATE,
  SERVER_STATES,
  serverWord,
  type ServerConfig,
  type ServerInfo,
  type ServerState,
} from '../src/protocol.js';
import { classify, type AbortReason } from './classify.js';
import { listAllPages } from './paginate.js';
import { createTransport } from './transports.js';

/** How this client introduces itself in `initialize`. */
export const CLIENT_INFO = { name: 'mcp-sync', version: '0.1.0' } as const;
/** Initial connect: retries after the first attempt, first backoff, backoff cap. */
export const CONNECT_RETRIES = 3;
export const CONNECT_BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 60_000;

/** What one request needs from the dispatcher: its abort signal and its deadline. */
export interface CallContext {
  /** Aborted when the caller gives up; `signal.reason` is an {@link AbortReason}. */
  signal: AbortSignal;
  timeoutMs: number;
}

export class ServerSession {
  readonly config: ServerConfig;
  readonly #words: Int32Array;
  readonly #index: number;
  readonly #logDir: string;
  #client: Client | undefined;
  #state: ServerState = 'connecting';
  #generation = 0;
  #tools: Tool[] = [];
  #error: McpSyncError | undefined;
  /** Aborts a connect in progress (and its backoff sleeps) when the hub closes. */
  readonly #closing = new AbortController();

  constructor(config: ServerConfig, index: number, hubState: Int32Array, logDir: string) {
    this.config = config;
    this.#index = index;
    this.#words = hubState;
    this.#logDir = logDir;
    this.#publish();
  }

  get name(): string {
    return this.config.name;
  }

  /** Tools found at the last discovery. */
  get tools(): readonly Tool[] {
    return this.#tools;
  }

  /**
   * Initial connect: one attempt plus up to {@link CONNECT_RETRIES} retries with doubling
   * backoff, the whole bounded by `connectTimeoutMs`. Never throws: a server that cannot come up
   * ends `failed`, with its error kept for `servers()` and for the calls that reach it.
   */
  async connect(): Promise<void> {
    const deadline = Date.now() + this.config.connectTimeoutMs;
    let backoff = CONNECT_BACKOFF_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#open(deadline);
        return;
      } catch (error) {
        this.#error = classify(error, this.name);
      }
      // No retry that could only start at or after the deadline: it would replace the real
      // failure (ENOENT, 401, refused) with a bare timeout.
      if (attempt >= CONNECT_RETRIES || Date.now() + backoff >= deadline || this.#closing.signal.aborted) break;
      await sleep(backoff, this.#closing.signal);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
    if (this.#state !== 'closed') this.#setState('failed');
  }

  /**
   * Runs one request on the live session. `fn` gets the client and the SDK request options
   * carrying the caller's signal and deadline.
   * @throws McpSyncError NOT_CONNECTED, or the classified failure of the request
   */
  async request<T>(ctx: CallContext, fn: (client: Client, options: RequestOptions) => Promise<T>): Promise<T> {
    const client = this.#client;
    if (this.#state !== 'ready' || client === undefined) throw this.#notConnected();
    try {
      return await fn(client, { signal: ctx.signal, timeout: ctx.timeoutMs, maxTotalTimeout: ctx.timeoutMs });
    } catch (error) {
      throw classify(error, this.name, ctx.signal.aborted ? (ctx.signal.reason as AbortReason) : undefined);
    }
  }

  info(): ServerInfo {
    const info: ServerInfo = {
      name: this.name,
      transport: this.config.transport,
      state: this.#state,
      tools: this.#tools.length,
      generation: this.#generation,
    };
    if (this.#state !== 'ready' && this.#error !== undefined) info.error = toWire(this.#error);
    return info;
  }

  /** Closes the session and its transport (a stdio child is ended). Idempotent. */
  async close(): Promise<void> {
    this.#closing.abort('close');
    const client = this.#client;
    this.#client = undefined;
    this.#setState('closed');
    if (client !== undefined) await client.close();
    this.#setPid(0);
  }

  /** One connect attempt: fresh transport + Client, initialize, discover. */
  async #open(deadline: number): Promise<void> {
    const remaining = deadline - Date.now();
    if (remaining <= 0)
      throw new McpSyncError(ErrorCode.TIMEOUT, `MCP server '${this.name}' did not connect in time`, { server: this.name });
    const transport = createTransport(this.config, this.#logDir, (pid) => this.#setPid(pid));
    const client = new Client(CLIENT_INFO, { capabilities: {} });
    const options: RequestOptions = { timeout: remaining, maxTotalTimeout: remaining, signal: this.#closing.signal };
    try {
      await client.connect(transport, options);
      this.#tools = client.getServerCapabilities()?.tools
        ? await listAllPages(
            (cursor) => client.listTools(cursor === undefined ? {} : { cursor }, options),
            (page) => page.tools,
          )
        : [];
    } catch (error) {
      await client.close().catch(() => undefined);
      this.#setPid(0);
      throw error;
    }
    if (this.#closing.signal.aborted) {
      await client.close();
      return;
    }
    client.onclose = () => this.#onConnectionLost(client);
    this.#client = client;
    this.#error = undefined;
    this.#generation++;
    this.#setState('ready');
  }

  /** The transport closed under a live session (child died, stream ended). */
  #onConnectionLost(client: Client): void {
    if (this.#client !== client) return; // an old client closing late
    this.#client = undefined;
    this.#setPid(0);
    this.#error = new McpSyncError(ErrorCode.NOT_CONNECTED, `Connection to MCP server '${this.name}' was lost`, { server: this.name });
    if (this.#state !== 'closed') this.#setState('failed');
  }

  /** Publishes the stdio child's pid: the hub kills it if the process exits without close(). */
  #setPid(pid: number): void {
    Atomics.store(this.#words, serverWord(this.#index, SERVER_PID), pid);
  }

  #notConnected(): McpSyncError {
    const why = this.#state === 'closed' ? 'closed' : this.#error?.message;
    return new McpSyncError(ErrorCode.NOT_CONNECTED, `MCP server '${this.name}' is not connected${why === undefined ? '' : ` (${why})`}`, {
      server: this.name,
      state: this.#state,
    });
  }

  #setState(state: ServerState): void {
    this.#state = state;
    this.#publish();
  }

  /** Mirrors state and generation into shared memory and wakes any thread waiting on them. */
  #publish(): void {
    Atomics.store(this.#words, serverWord(this.#index, SERVER_GENERATION), this.#generation);
    const stateWord = serverWord(this.#index, SERVER_STATE);
    Atomics.store(this.#words, stateWord, SERVER_STATES.indexOf(this.#state));
    Atomics.notify(this.#words, stateWord);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
