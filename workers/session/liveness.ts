/**
 * Is the session alive? Keepalive while it is idle, a health check after a call timed out or
 * broke, and what a failed probe means. A 2025-era session is pinged — or, for a server that
 * answers ping with -32601 (Method not found), asked for its tools, remembered so it is asked
 * only once. A 2026-07-28 server has no ping: it is asked `server/discover` (never from a cache).
 * Any successful traffic counts as a probe (`touch()`), so a busy session is never pinged.
 */
import { ProtocolError, ProtocolErrorCode, type Client, type RequestOptions } from '@modelcontextprotocol/client';
import { ErrorCode, type McpSyncError } from '../../src/shared/errors.js';
import type { ServerState } from '../../src/shared/protocol.js';
import { classify, expiryCause } from '../recovery/classify.js';
import type { ReconnectCause } from './reconnect-budget.js';
import { childSignal } from './signals.js';

/** What liveness needs from its session. */
export interface LivenessHost {
  state(): ServerState;
  generation(): number;
  /** The live client, if any. */
  client(): Client | undefined;
  readonly name: string;
  /** Aborted when the session closes: probes stop. */
  readonly closing: AbortSignal;
  /** Calls are in flight on `client`. */
  busy(client: Client | undefined): boolean;
  reconnect(cause: ReconnectCause, failedGeneration: number): void;
  notConnected(): McpSyncError;
  log(event: string): void;
}

export class Liveness {
  readonly #host: LivenessHost;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  #timer: NodeJS.Timeout | undefined;
  #lastActivity = 0;
  /** The server answered ping with -32601: probe it with tools/list instead. */
  #pingUnsupported = false;
  #healthCheck: Promise<void> | undefined;

  /** Probes after `intervalMs` of idleness; a probe gets `timeoutMs` to answer. */
  constructor(host: LivenessHost, intervalMs: number, timeoutMs: number) {
    this.#host = host;
    this.#intervalMs = intervalMs;
    this.#timeoutMs = timeoutMs;
  }

  /** The session just proved alive. */
  touch(): void {
    this.#lastActivity = Date.now();
  }

  /** Probes the session once it has been idle for a whole interval, and again after each success. */
  start(): void {
    this.stop();
    const dueIn = this.#lastActivity + this.#intervalMs - Date.now();
    this.#timer = setTimeout(
      () => {
        if (Date.now() - this.#lastActivity < this.#intervalMs) return this.start();
        void this.#keepaliveRound().then((again) => again && this.start());
      },
      Math.max(0, dueIn),
    );
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /**
   * After a call timed out or broke, checks the session in the background (one at a time): a
   * failed probe means the link is dead — in-flight calls end as OUTCOME_UNCERTAIN and it reconnects.
   */
  check(): void {
    if (this.#host.state() !== 'ready' || this.#healthCheck !== undefined) return;
    const generation = this.#host.generation();
    this.#healthCheck = this.#probe()
      .then(
        () => undefined,
        (error: unknown) => this.#failed(error, generation, 'health check'),
      )
      .finally(() => (this.#healthCheck = undefined));
  }

  /** One keepalive round: true to keep going, false once the session is being replaced. */
  async #keepaliveRound(): Promise<boolean> {
    if (this.#host.state() !== 'ready') return false;
    if (this.#host.busy(this.#host.client())) return true; // calls in flight: the session is in use
    const generation = this.#host.generation();
    try {
      await this.#probe();
      return true;
    } catch (error) {
      this.#failed(error, generation, 'keepalive');
      return false;
    }
  }

  /** One probe of the current session; resolves when it answered. */
  async #probe(): Promise<void> {
    const client = this.#host.client();
    if (client === undefined) throw this.#host.notConnected();
    const own = childSignal(this.#host.closing);
    try {
      await this.#ask(client, { timeout: this.#timeoutMs, signal: own.controller.signal });
      this.touch();
    } finally {
      own.dispose();
    }
  }

  async #ask(client: Client, options: RequestOptions): Promise<void> {
    if (client.getProtocolEra() === 'modern') {
      await client.discover(options);
      return;
    }
    if (!this.#pingUnsupported) {
      try {
        await client.ping(options);
        return;
      } catch (error) {
        if (!(ProtocolError.isInstance(error) && error.code === ProtocolErrorCode.MethodNotFound)) throw error;
        this.#pingUnsupported = true;
      }
    }
    await client.listTools(undefined, { ...options, cacheMode: 'bypass' });
  }

  #failed(error: unknown, generation: number, what: string): void {
    const host = this.#host;
    if (generation !== host.generation() || host.state() !== 'ready') return;
    const failure = classify(error, host.name);
    if (failure.code === ErrorCode.CLOSED) return;
    // A server busy with a long call may not answer a probe in time: that is no proof the link is
    // dead, and reconnecting would cut those calls off. Keep the session; keepalive tries again.
    if (failure.code === ErrorCode.TIMEOUT && host.busy(host.client())) {
      this.start();
      return;
    }
    host.log(`${what} failed (${failure.code})`);
    const unreachable = failure.code === ErrorCode.NOT_CONNECTED && failure.data?.['sent'] === false;
    host.reconnect(failure.code === ErrorCode.SESSION_EXPIRED ? expiryCause(failure) : unreachable ? 'unreachable' : 'lost', generation);
  }
}
