/**
 * ServerSession: one configured server's connection inside the I/O worker — connect (bounded
 * retries), discover, serve requests, reconnect when the session is lost, keep it alive while
 * idle, park it when it will not come back, close. Its state and session generation are mirrored
 * into the hub's shared memory so any thread can read or wait on them without a round trip.
 */
import type { Client, PriorDiscovery, RequestOptions, Tool } from '@modelcontextprotocol/client';
import { ErrorCode, McpSyncError } from '../../src/shared/errors.js';
import type { RecoveryOptions, ServerConfig, ServerInfo, ServerLogMessage, ServerState } from '../../src/shared/protocol.js';
import { CircuitBreaker } from '../recovery/breaker.js';
import { classify, type AbortReason } from '../recovery/classify.js';
import type { ClientHandlers } from './client-handlers.js';
import { InflightRequests, requestOptions, type CallContext } from './inflight.js';
import { Liveness, type LivenessHost } from './liveness.js';
import { answered, RECONNECT_EVENTS, ReconnectBudget, type ReconnectCause } from './reconnect-budget.js';

export type { ReconnectCause } from './reconnect-budget.js';
import { notConnectedError, serverInfo } from './session-report.js';
import { SessionState } from './session-state.js';
import { ResourceSubscriptions } from './subscriptions.js';
import { childSignal, sleep } from './signals.js';
import type { ServerLog } from '../logs/server-log.js';
import { openClient } from './open-client.js';
import { ToolCatalog } from './tool-catalog.js';

/** One line per recovery event, for the hub's log (never carries credentials). */
export type RecoveryLog = (server: string, event: string) => void;

/** What a session reports to the rest of the worker. */
export interface SessionHooks {
  log: RecoveryLog;
  /** The application's handlers for server-initiated requests. */
  handlers: ClientHandlers;
  /** The server's tool list changed (list_changed, re-listed). */
  toolsChanged(server: string): void;
  /** A resource this hub subscribed to changed (`notifications/resources/updated`). */
  resourceUpdated(server: string, uri: string): void;
  /** The server sent a log message. */
  serverLog(server: string, message: ServerLogMessage): void;
}

export class ServerSession {
  readonly config: ServerConfig;
  readonly breaker: CircuitBreaker;
  readonly #shared: SessionState;
  /** A stdio server's stderr log. */
  readonly #log: ServerLog | undefined;
  readonly #recovery: RecoveryOptions;
  readonly #hooks: SessionHooks;
  #client: Client | undefined;
  readonly #catalog = new ToolCatalog();
  /**
   * The protocol era this server answered with last (`protocol: auto`), handed back as `prior` so
   * that a known server is not probed again — kept across session expiries, dropped after an
   * outage or a failed connect (the server may have been upgraded meanwhile).
   */
  #verdict: PriorDiscovery | undefined;
  #error: McpSyncError | undefined;
  /** The last connect failed in a way another attempt cannot change (ENOENT, exit at start, 404). */
  #permanent = false;
  /** A reconnect attempt of the current outage has failed: callers stop waiting for it. */
  #outageFailing = false;
  /** Aborts connects, backoff sleeps and probes when the hub closes. */
  readonly #closing = new AbortController();
  /** The reconnect in progress: many failing callers share it (single flight). */
  #reconnecting: Promise<void> | undefined;
  /** Counted reconnect attempts since the session was last healthy, and the next backoff. */
  readonly #budget: ReconnectBudget;
  /** The parked/failed server's next connect probe. */
  #timer: NodeJS.Timeout | undefined;
  readonly #liveness: Liveness;
  /** The resources subscribed to, set up again on every new client. */
  readonly subscriptions: ResourceSubscriptions;
  readonly #inflight = new InflightRequests();

  constructor(
    config: ServerConfig,
    index: number,
    hubState: Int32Array,
    log: ServerLog | undefined,
    recovery: RecoveryOptions,
    hooks: SessionHooks,
  ) {
    this.config = config;
    this.#shared = new SessionState(hubState, index);
    this.#liveness = new Liveness(this.#livenessHost(), config.keepaliveIntervalMs, recovery.keepaliveTimeoutMs);
    const report = (event: string): void => hooks.log(config.name, event);
    this.subscriptions = new ResourceSubscriptions(this.#closing.signal, () => this.#client, report);
    this.#log = log;
    this.#recovery = recovery;
    this.#hooks = hooks;
    this.#budget = new ReconnectBudget(recovery);
    this.breaker = new CircuitBreaker(config.name, { threshold: recovery.breakerThreshold, cooldownMs: recovery.breakerCooldownMs });
  }

  get name(): string {
    return this.config.name;
  }

  get state(): ServerState {
    return this.#shared.state;
  }

  /** Incremented on every new session; a retry must run on a newer one than the failure's. */
  get generation(): number {
    return this.#shared.generation;
  }

  /** How long a call may wait for a reconnect. */
  get recoveryWaitMs(): number {
    return this.#recovery.reconnectWaitMs;
  }

  /** Tools found at the last discovery (kept fresh by list_changed). */
  get tools(): readonly Tool[] {
    return this.#catalog.tools;
  }

  /** Tools and capabilities, as discovered. */
  get catalog(): ToolCatalog {
    return this.#catalog;
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
      if (this.#hopeless()) break;
      await sleep(backoff, this.#closing.signal);
      if (this.#closing.signal.aborted) break; // closed during the backoff: no spawn after close()
      backoff = Math.min(backoff * 2, this.#recovery.maxBackoffMs);
    }
    if (this.state === 'closed') return;
    this.#shared.set('failed');
    this.#scheduleProbe();
  }

  /**
   * Runs one request on the live session. `fn` gets the client and SDK request options carrying
   * the caller's deadline and a signal that the caller, a close, or a dead link can abort.
   * @throws McpSyncError NOT_CONNECTED, or the classified failure of the request
   */
  async request<T>(ctx: CallContext, fn: (client: Client, options: RequestOptions) => Promise<T>): Promise<T> {
    const client = this.#client;
    if (this.state !== 'ready' || client === undefined) throw this.notConnected();
    // The request's own controller is short-lived, so the SDK may hold its signal (it never
    // removes its listener); tracked here so a dead link can abort it as 'lost'.
    this.#inflight.track(ctx.controller, client);
    try {
      const result = await fn(client, requestOptions(ctx));
      this.#liveness.touch();
      return result;
    } catch (error) {
      const aborted = ctx.signal.aborted ? (ctx.signal.reason as AbortReason) : undefined;
      const legacySession = client.getProtocolEra() !== 'modern' && client.transport?.sessionId !== undefined;
      throw classify(error, this.name, { aborted, hasSessionId: legacySession });
    } finally {
      this.#inflight.settle(ctx.controller, client);
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
  reconnect(cause: ReconnectCause, failedGeneration = this.generation): void {
    if (failedGeneration < this.generation || this.#reconnecting !== undefined) return;
    if (this.state === 'closed' || this.state === 'connecting') return;
    this.#reconnecting = this.#reconnectLoop(cause).finally(() => (this.#reconnecting = undefined));
  }

  /**
   * Resolves true as soon as a session newer than `afterGeneration` is ready — woken by the state
   * change itself, never by polling — and false after `waitMs`, on abort, or when the server
   * parks, fails or closes.
   */
  waitForSession(afterGeneration: number, waitMs: number, signal?: AbortSignal): Promise<boolean> {
    // A server that parked, failed or closed has no session coming, even while its reconnect
    // promise is still settling — and once an attempt of this outage failed (refused, timed out),
    // the next comes only after a backoff: callers fail now rather than wait it out.
    const stillComing = (): boolean => (this.state === 'reconnecting' || this.state === 'connecting') && !this.#outageFailing;
    return this.#shared.waitForNewer(afterGeneration, waitMs, stillComing, signal);
  }

  /**
   * After a call timed out or broke, checks the session in the background (one at a time): a
   * failed probe means the link is dead — in-flight calls end as OUTCOME_UNCERTAIN and it reconnects.
   */
  checkHealth(): void {
    this.#liveness.check();
  }

  /** True once a reconnect attempt of the current outage has failed: no session is imminent. */
  get reconnectFailing(): boolean {
    return this.state === 'reconnecting' && this.#outageFailing;
  }

  info(): ServerInfo {
    const { config, state, generation } = this;
    const facts = { tools: this.#catalog.tools.length, error: this.#error, breaker: this.breaker.status(), client: this.#client };
    return serverInfo({ config, state, generation, ...facts });
  }

  notConnected(): McpSyncError {
    return notConnectedError(this.name, this.state, this.#error);
  }

  /** Closes the session and its transport (a stdio child is ended). Idempotent. */
  async close(): Promise<void> {
    this.#closing.abort('close');
    clearTimeout(this.#timer);
    this.#liveness.stop();
    const client = this.#client;
    this.#client = undefined;
    this.#shared.set('closed');
    this.#inflight.closeRetired();
    if (client !== undefined) this.#inflight.abandon(client, 'close'); // pending calls end CLOSED
    // Waits until a stdio child and its group are gone (closing the same client twice shares one close).
    if (client !== undefined) await client.close();
    this.#shared.setPid(0);
  }

  async #reconnectLoop(cause: ReconnectCause): Promise<void> {
    this.#budget.beginOutage();
    // After an outage the server may come back upgraded, and a refused version says it was: its
    // era is asked afresh. A session expiry is the same server forgetting us: its verdict stands.
    if (cause !== 'expired') this.#verdict = undefined;
    // A server found unreachable has failed an attempt already: nobody waits for this reconnect.
    this.#outageFailing = cause === 'unreachable';
    this.#hooks.log(this.name, RECONNECT_EVENTS[cause]);
    this.#dropClient(cause);
    this.#shared.set('reconnecting');
    let free = answered(cause);
    while (!this.#closing.signal.aborted) {
      // A server that answered is alive: its first re-initialisation is free and immediate.
      if (!free && !(await this.#budget.next(this.#closing.signal))) break;
      free = false;
      if (await this.#tryOpen(Date.now() + this.config.connectTimeoutMs)) {
        this.breaker.reset();
        this.#hooks.log(this.name, `reconnected (session ${this.generation})`);
        return;
      }
      this.#outageFailing = true;
      this.#shared.notify(); // callers waiting for this reconnect re-check, and stop waiting
      if (this.#hopeless()) break;
    }
    if (this.state === 'closed') return;
    this.#hooks.log(
      this.name,
      `parked after ${this.#budget.attempts} failed reconnects; probing every ${Math.round(this.#recovery.parkedProbeMs / 1000)} s`,
    );
    this.#shared.set('parked');
    this.#scheduleProbe();
  }

  /** One connect attempt; false (with the error kept) when it fails. */
  async #tryOpen(deadline: number): Promise<boolean> {
    try {
      await this.#open(deadline);
      return this.state === 'ready';
    } catch (error) {
      this.#error = classify(error, this.name);
      return false;
    }
  }

  /**
   * The last connect failed in a way retrying cannot change: for want of a login (the probe picks
   * a new login up from the token file), or a permanent failure (see connect-errors.ts). The
   * server parks at once.
   */
  #hopeless(): boolean {
    return this.#permanent || this.#error?.code === ErrorCode.NEEDS_REAUTH;
  }

  /** Fresh transport + Client (the SDK cannot restart either), the era negotiated, the catalog discovered. */
  async #open(deadline: number): Promise<void> {
    this.#permanent = false;
    const own = childSignal(this.#closing.signal);
    const before = this.#catalog.fingerprint;
    const result = await openClient({
      config: this.config,
      transportHooks: {
        log: this.#log,
        report: (event) => this.#hooks.log(this.name, event),
        onSpawn: (pid) => this.#shared.setPid(pid),
      },
      handlers: this.#hooks.handlers,
      deadline,
      signal: own.controller.signal,
      prior: this.config.protocol === 'auto' ? this.#verdict : undefined,
      onToolsChanged: (client, tools) => {
        if (this.#client === client && this.#catalog.update(tools)) this.#hooks.toolsChanged(this.name);
      },
      onResourceUpdated: (uri) => this.#hooks.resourceUpdated(this.name, uri),
      onServerLog: (message) => this.#hooks.serverLog(this.name, message),
      discover: (client, options) => this.#catalog.discover(client, options),
    }).finally(() => own.dispose());
    if (!result.ok) {
      this.#shared.setPid(0);
      this.#verdict = undefined;
      this.#permanent = result.failure.permanent;
      throw result.failure.error;
    }
    const { client, verdict } = result.opened;
    if (this.#closing.signal.aborted) {
      await client.close();
      return;
    }
    this.#verdict = verdict;
    client.onclose = () => this.#onClientClosed(client);
    // A cut SSE stream leaves its request hanging to the deadline (only reported here): check now.
    client.onerror = (error) => {
      if (this.#client === client && /disconnected|terminated|fetch failed|ECONNRESET/i.test(error.message)) this.checkHealth();
    };
    this.#client = client;
    this.#error = undefined;
    this.#budget.ready();
    this.#liveness.touch();
    this.#shared.set('ready', true);
    this.#liveness.start();
    this.subscriptions.restore(client, this.config.timeoutMs);
    // A server that connected late, or came back with other tools: registries must hear of it.
    if (this.#catalog.fingerprint !== before) this.#hooks.toolsChanged(this.name);
  }

  /** The transport closed under a live session (child died, stream ended): reconnect. */
  #onClientClosed(client: Client): void {
    if (this.#client !== client) return; // an old client closing late
    this.#client = undefined;
    this.#shared.setPid(0);
    this.#error = new McpSyncError(ErrorCode.NOT_CONNECTED, `Connection to MCP server '${this.name}' was lost`, { server: this.name });
    this.reconnect('lost', this.generation);
  }

  /** Detaches the current client: retired after an expiry, abandoned when the link is lost (inflight.ts). */
  #dropClient(cause: ReconnectCause): void {
    const client = this.#client;
    this.#client = undefined;
    this.#liveness.stop();
    if (client === undefined) return;
    client.onclose = undefined;
    client.onerror = undefined;
    if (cause === 'lost') this.#inflight.abandon(client, 'lost');
    else this.#inflight.retire(client);
  }

  /** What liveness sees of this session. */
  #livenessHost(): LivenessHost {
    return {
      state: () => this.state,
      generation: () => this.generation,
      client: () => this.#client,
      name: this.name,
      closing: this.#closing.signal,
      busy: (client) => this.#inflight.busyOn(client),
      reconnect: (cause, generation) => this.reconnect(cause, generation),
      notConnected: () => this.notConnected(),
      log: (event) => this.#hooks.log(this.name, event),
    };
  }

  /** A failed or parked server tries again every `parkedProbeMs`, and comes back when it can. */
  #scheduleProbe(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (this.state !== 'parked' && this.state !== 'failed') return;
      void this.#tryOpen(Date.now() + this.config.connectTimeoutMs).then((ok) => {
        if (ok) {
          this.breaker.reset();
          this.#hooks.log(this.name, `back after probe (session ${this.generation})`);
        } else if (this.state === 'parked' || this.state === 'failed') {
          this.#scheduleProbe();
        }
      });
    }, this.#recovery.parkedProbeMs);
  }
}
