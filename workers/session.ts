/**
 * ServerSession: one configured server's connection inside the I/O worker — connect (bounded
 * retries), discover, serve requests, reconnect when the session is lost, keep it alive while
 * idle, park it when it will not come back, close. Its state and session generation are mirrored
 * into the hub's shared memory so any thread can read or wait on them without a round trip.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ErrorCode as RpcCode, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, McpSyncError, toWire } from '../src/errors.js';
import {
  SERVER_GENERATION,
  SERVER_PID,
  SERVER_STATE,
  SERVER_STATES,
  serverWord,
  type RecoveryOptions,
  type ServerConfig,
  type ServerInfo,
  type ServerState,
} from '../src/protocol.js';
import { CircuitBreaker } from './breaker.js';
import { classify, type AbortReason } from './classify.js';
import { listAllPages } from './paginate.js';
import { createTransport } from './transports.js';

/** How this client introduces itself in `initialize`. */
export const CLIENT_INFO = { name: 'mcp-sync', version: '0.1.0' } as const;

/** What one request needs from the dispatcher: its abort signal and its deadline. */
export interface CallContext {
  /** Aborted when the caller gives up; `signal.reason` is an {@link AbortReason}. */
  signal: AbortSignal;
  timeoutMs: number;
}

/** Why a reconnect was asked for: the server said it forgot the session, or the link died. */
export type ReconnectCause = 'expired' | 'lost';

/** One line per recovery event, for the hub's log (never carries credentials). */
export type RecoveryLog = (server: string, event: string) => void;

export class ServerSession {
  readonly config: ServerConfig;
  readonly breaker: CircuitBreaker;
  readonly #words: Int32Array;
  readonly #index: number;
  readonly #logDir: string;
  readonly #recovery: RecoveryOptions;
  readonly #log: RecoveryLog;
  #client: Client | undefined;
  #state: ServerState = 'connecting';
  #generation = 0;
  #tools: Tool[] = [];
  #error: McpSyncError | undefined;
  /** Aborts connects, backoff sleeps and probes when the hub closes. */
  readonly #closing = new AbortController();
  /** The reconnect in progress: many failing callers share it (single flight). */
  #reconnecting: Promise<void> | undefined;
  /** Counted reconnect attempts since the session was last healthy, and the next backoff. */
  #attempts = 0;
  #backoffMs: number;
  #readySince = 0;
  /** Called on every state change: the in-worker waiters for a new session. */
  readonly #listeners = new Set<() => void>();
  #timer: NodeJS.Timeout | undefined;
  #lastActivity = 0;
  #pingUnsupported = false;
  #healthCheck: Promise<void> | undefined;
  /** Requests in flight, with the client each runs on: aborted as 'lost' when its link is dead. */
  readonly #inflight = new Map<AbortController, Client>();
  /** Clients replaced after a session expiry, closed once their last request has settled. */
  readonly #retired = new Set<Client>();

  constructor(config: ServerConfig, index: number, hubState: Int32Array, logDir: string, recovery: RecoveryOptions, log: RecoveryLog) {
    this.config = config;
    this.#index = index;
    this.#words = hubState;
    this.#logDir = logDir;
    this.#recovery = recovery;
    this.#log = log;
    this.#backoffMs = recovery.backoffMs;
    this.breaker = new CircuitBreaker(config.name, { threshold: recovery.breakerThreshold, cooldownMs: recovery.breakerCooldownMs });
    this.#publish();
  }

  get name(): string {
    return this.config.name;
  }

  get state(): ServerState {
    return this.#state;
  }

  /** Incremented on every new session; a retry must run on a newer one than the failure's. */
  get generation(): number {
    return this.#generation;
  }

  /** How long a call may wait for a reconnect. */
  get recoveryWaitMs(): number {
    return this.#recovery.reconnectWaitMs;
  }

  /** Tools found at the last discovery. */
  get tools(): readonly Tool[] {
    return this.#tools;
  }

  /**
   * Initial connect: one attempt plus `connectRetries` retries with doubling backoff, the whole
   * bounded by `connectTimeoutMs`. Never throws: a server that cannot come up ends `failed`
   * (and keeps probing every `parkedProbeMs`), with its error kept for `servers()` and its calls.
   */
  async connect(): Promise<void> {
    const deadline = Date.now() + this.config.connectTimeoutMs;
    let backoff = this.#recovery.backoffMs;
    for (let attempt = 0; ; attempt++) {
      if (await this.#tryOpen(deadline)) return;
      // No retry that could only start at or after the deadline: it would replace the real
      // failure (ENOENT, 401, refused) with a bare timeout.
      if (attempt >= this.#recovery.connectRetries || Date.now() + backoff >= deadline || this.#closing.signal.aborted) break;
      if (this.#needsLogin()) break;
      await sleep(backoff, this.#closing.signal);
      backoff = Math.min(backoff * 2, this.#recovery.maxBackoffMs);
    }
    if (this.#state === 'closed') return;
    this.#setState('failed');
    this.#scheduleProbe();
  }

  /**
   * Runs one request on the live session. `fn` gets the client and SDK request options carrying
   * the caller's deadline and a signal that the caller, a close, or a dead link can abort.
   * @throws McpSyncError NOT_CONNECTED, or the classified failure of the request
   */
  async request<T>(ctx: CallContext, fn: (client: Client, options: RequestOptions) => Promise<T>): Promise<T> {
    const client = this.#client;
    if (this.#state !== 'ready' || client === undefined) throw this.notConnected();
    const own = childSignal(ctx.signal);
    this.#inflight.set(own.controller, client);
    try {
      const result = await fn(client, { signal: own.controller.signal, timeout: ctx.timeoutMs, maxTotalTimeout: ctx.timeoutMs });
      this.#lastActivity = Date.now();
      return result;
    } catch (error) {
      const reason = own.controller.signal.aborted ? (own.controller.signal.reason as AbortReason) : undefined;
      throw classify(error, this.name, reason);
    } finally {
      own.dispose();
      this.#inflight.delete(own.controller);
      if (this.#retired.has(client) && !this.#busy(client)) this.#closeClient(client);
    }
  }

  /**
   * Asks for a new session because the one of `failedGeneration` failed, and waits for it: true
   * once a session newer than `failedGeneration` is ready, false if none comes within `waitMs`
   * (or the server is parked, failed or closed meanwhile). Many callers share one reconnect.
   */
  async renew(cause: ReconnectCause, failedGeneration: number, waitMs: number, signal?: AbortSignal): Promise<boolean> {
    this.reconnect(cause, failedGeneration);
    return this.waitForSession(failedGeneration, waitMs, signal);
  }

  /**
   * Starts a reconnect in the background unless one runs already or the failed session was
   * already replaced. A session expiry proves the server alive: its first attempt is immediate
   * and free; a lost link counts against the budget, with backoff.
   */
  reconnect(cause: ReconnectCause, failedGeneration = this.#generation): void {
    if (failedGeneration < this.#generation || this.#reconnecting !== undefined) return;
    if (this.#state === 'closed' || this.#state === 'connecting') return;
    this.#reconnecting = this.#reconnectLoop(cause).finally(() => (this.#reconnecting = undefined));
  }

  /**
   * Resolves true as soon as a session newer than `afterGeneration` is ready — woken by the state
   * change itself, never by polling — and false after `waitMs`, on abort, or when the server
   * parks, fails or closes.
   */
  waitForSession(afterGeneration: number, waitMs: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.#state === 'ready' && this.#generation > afterGeneration) finish(true);
        else if (this.#state !== 'reconnecting' && this.#state !== 'connecting' && this.#reconnecting === undefined) finish(false);
      };
      const timer = setTimeout(() => finish(false), waitMs);
      const onAbort = (): void => finish(false);
      const finish = (value: boolean): void => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
      this.#listeners.add(check);
      signal?.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }

  /**
   * After a call timed out or broke, checks the session in the background (one at a time): a
   * failed ping means the link is dead — in-flight calls end as OUTCOME_UNCERTAIN and it reconnects.
   */
  checkHealth(): void {
    if (this.#state !== 'ready' || this.#healthCheck !== undefined) return;
    const generation = this.#generation;
    this.#healthCheck = this.#probe()
      .then(
        () => undefined,
        (error: unknown) => this.#onProbeFailed(error, generation, 'health check'),
      )
      .finally(() => (this.#healthCheck = undefined));
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

  /**
   * The error of a call that finds no live session: NOT_CONNECTED — or the last connect's
   * NEEDS_REAUTH, which tells the caller what to do about it.
   */
  notConnected(): McpSyncError {
    const error = this.#error;
    if (error?.code === ErrorCode.NEEDS_REAUTH && this.#state !== 'closed') return error;
    const why = this.#state === 'closed' ? 'closed' : this.#error?.message;
    return new McpSyncError(ErrorCode.NOT_CONNECTED, `MCP server '${this.name}' is not connected${why === undefined ? '' : ` (${why})`}`, {
      server: this.name,
      state: this.#state,
    });
  }

  /** Closes the session and its transport (a stdio child is ended). Idempotent. */
  async close(): Promise<void> {
    this.#closing.abort('close');
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    this.#setState('closed');
    for (const retired of this.#retired) this.#closeClient(retired);
    if (client !== undefined) await client.close();
    this.#setPid(0);
  }

  async #reconnectLoop(cause: ReconnectCause): Promise<void> {
    if (this.#readySince > 0 && Date.now() - this.#readySince >= this.#recovery.healthyResetMs) {
      // Healthy long enough: this outage gets a fresh budget (hermes never reset it, #57129).
      this.#attempts = 0;
      this.#backoffMs = this.#recovery.backoffMs;
    }
    this.#log(this.name, cause === 'expired' ? 'session expired; re-initialising' : 'connection lost; reconnecting');
    this.#dropClient(cause);
    this.#setState('reconnecting');
    let free = cause === 'expired';
    while (!this.#closing.signal.aborted) {
      if (!free) {
        if (this.#attempts >= this.#recovery.reconnectRetries) break;
        if (this.#attempts > 0) {
          await sleep(this.#backoffMs, this.#closing.signal);
          this.#backoffMs = Math.min(this.#backoffMs * 2, this.#recovery.maxBackoffMs);
        }
        this.#attempts++;
      }
      free = false;
      if (await this.#tryOpen(Date.now() + this.config.connectTimeoutMs)) {
        this.breaker.reset();
        this.#log(this.name, `reconnected (session ${this.#generation})`);
        return;
      }
      if (this.#needsLogin()) break;
    }
    if (this.#state === 'closed') return;
    this.#log(
      this.name,
      `parked after ${this.#attempts} failed reconnects; probing every ${Math.round(this.#recovery.parkedProbeMs / 1000)} s`,
    );
    this.#setState('parked');
    this.#scheduleProbe();
  }

  /** One connect attempt; false (with the error kept) when it fails. */
  async #tryOpen(deadline: number): Promise<boolean> {
    try {
      await this.#open(deadline);
      return this.#state === 'ready';
    } catch (error) {
      this.#error = classify(error, this.name);
      return false;
    }
  }

  /**
   * The last connect failed for want of a login: retrying cannot help until the user logs in,
   * so the server parks at once (its probe picks a new login up from the token file).
   */
  #needsLogin(): boolean {
    return this.#error?.code === ErrorCode.NEEDS_REAUTH;
  }

  /** Fresh transport + Client (the SDK cannot restart either), initialize, discover. */
  async #open(deadline: number): Promise<void> {
    const remaining = deadline - Date.now();
    if (remaining <= 0)
      throw new McpSyncError(ErrorCode.TIMEOUT, `MCP server '${this.name}' did not connect in time`, { server: this.name });
    const transport = createTransport(this.config, this.#logDir, (pid) => this.#setPid(pid));
    const client = new Client(CLIENT_INFO, { capabilities: {} });
    const own = childSignal(this.#closing.signal);
    const options: RequestOptions = { timeout: remaining, maxTotalTimeout: remaining, signal: own.controller.signal };
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
    } finally {
      own.dispose();
    }
    if (this.#closing.signal.aborted) {
      await client.close();
      return;
    }
    client.onclose = () => this.#onClientClosed(client);
    // An SSE stream cut under a pending request leaves it hanging until its deadline (the SDK
    // only reports it here): check the link now instead.
    client.onerror = (error) => {
      if (this.#client === client && /disconnected|terminated|fetch failed|ECONNRESET/i.test(error.message)) this.checkHealth();
    };
    this.#client = client;
    this.#error = undefined;
    this.#generation++;
    this.#readySince = Date.now();
    this.#lastActivity = Date.now();
    this.#setState('ready');
    this.#scheduleKeepalive();
  }

  /** The transport closed under a live session (child died, stream ended): reconnect. */
  #onClientClosed(client: Client): void {
    if (this.#client !== client) return; // an old client closing late
    this.#client = undefined;
    this.#setPid(0);
    this.#error = new McpSyncError(ErrorCode.NOT_CONNECTED, `Connection to MCP server '${this.name}' was lost`, { server: this.name });
    this.reconnect('lost', this.#generation);
  }

  /**
   * Detaches the current client. A lost link is closed at once, its pending calls ending as
   * OUTCOME_UNCERTAIN. After a session expiry the old client is only retired: requests still in
   * flight on it were sent on a session the server no longer knows, so the server will reject
   * them unrun and each caller retries on the new session — closing it now would turn those safe
   * retries into "outcome uncertain" errors.
   */
  #dropClient(cause: ReconnectCause): void {
    const client = this.#client;
    this.#client = undefined;
    clearTimeout(this.#timer);
    if (client === undefined) return;
    client.onclose = undefined;
    client.onerror = undefined;
    if (cause === 'expired' && this.#busy(client)) {
      this.#retired.add(client);
      return;
    }
    for (const [request, on] of this.#inflight) if (on === client) request.abort('lost');
    this.#closeClient(client);
  }

  #busy(client: Client): boolean {
    for (const on of this.#inflight.values()) if (on === client) return true;
    return false;
  }

  #closeClient(client: Client): void {
    this.#retired.delete(client);
    void client.close().catch(() => undefined);
  }

  /** Keepalive: while idle, probe every `keepaliveIntervalMs`; traffic counts as a probe. */
  #scheduleKeepalive(): void {
    clearTimeout(this.#timer);
    const dueIn = this.#lastActivity + this.config.keepaliveIntervalMs - Date.now();
    this.#timer = setTimeout(
      () => {
        if (this.#state !== 'ready') return;
        if (Date.now() - this.#lastActivity < this.config.keepaliveIntervalMs) return this.#scheduleKeepalive();
        const generation = this.#generation;
        this.#probe().then(
          () => this.#scheduleKeepalive(),
          (error: unknown) => this.#onProbeFailed(error, generation, 'keepalive'),
        );
      },
      Math.max(0, dueIn),
    );
  }

  /** `ping`, or `tools/list` for a server that does not implement ping (-32601). */
  async #probe(): Promise<void> {
    const client = this.#client;
    if (client === undefined) throw this.notConnected();
    const own = childSignal(this.#closing.signal);
    const options: RequestOptions = { timeout: this.#recovery.keepaliveTimeoutMs, signal: own.controller.signal };
    try {
      if (!this.#pingUnsupported) {
        try {
          await client.ping(options);
          this.#lastActivity = Date.now();
          return;
        } catch (error) {
          if (!(error instanceof McpError && error.code === RpcCode.MethodNotFound)) throw error;
          this.#pingUnsupported = true;
        }
      }
      await client.listTools({}, options);
      this.#lastActivity = Date.now();
    } finally {
      own.dispose();
    }
  }

  #onProbeFailed(error: unknown, generation: number, what: string): void {
    if (generation !== this.#generation || this.#state !== 'ready') return;
    const failure = classify(error, this.name);
    if (failure.code === ErrorCode.CLOSED) return;
    this.#log(this.name, `${what} failed (${failure.code})`);
    this.reconnect(failure.code === ErrorCode.SESSION_EXPIRED ? 'expired' : 'lost', generation);
  }

  /** A failed or parked server tries again every `parkedProbeMs`, and comes back when it can. */
  #scheduleProbe(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (this.#state !== 'parked' && this.#state !== 'failed') return;
      void this.#tryOpen(Date.now() + this.config.connectTimeoutMs).then((ok) => {
        if (ok) {
          this.breaker.reset();
          this.#log(this.name, `back after probe (session ${this.#generation})`);
        } else if (this.#state === 'parked' || this.#state === 'failed') {
          this.#scheduleProbe();
        }
      });
    }, this.#recovery.parkedProbeMs);
  }

  /** Publishes the stdio child's pid: the hub kills it if the process exits without close(). */
  #setPid(pid: number): void {
    Atomics.store(this.#words, serverWord(this.#index, SERVER_PID), pid);
  }

  #setState(state: ServerState): void {
    this.#state = state;
    this.#publish();
    for (const listener of [...this.#listeners]) listener();
  }

  /** Mirrors state and generation into shared memory and wakes any thread waiting on them. */
  #publish(): void {
    Atomics.store(this.#words, serverWord(this.#index, SERVER_GENERATION), this.#generation);
    const stateWord = serverWord(this.#index, SERVER_STATE);
    Atomics.store(this.#words, stateWord, SERVER_STATES.indexOf(this.#state));
    Atomics.notify(this.#words, stateWord);
  }
}

/**
 * A signal of its own for one SDK request, aborted (with the same reason) when `parent` is. The
 * SDK never removes the abort listener it adds to a request's signal, so a long-lived signal
 * must never be handed to it directly; `dispose()` unlinks this one from `parent`.
 */
function childSignal(parent: AbortSignal): { controller: AbortController; dispose(): void } {
  const controller = new AbortController();
  const forward = (): void => controller.abort(parent.reason);
  if (parent.aborted) forward();
  else parent.addEventListener('abort', forward, { once: true });
  return { controller, dispose: () => parent.removeEventListener('abort', forward) };
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
