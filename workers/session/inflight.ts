/**
 * The requests in flight on a server's SDK clients. A lost link aborts its client's requests at
 * once (they end OUTCOME_UNCERTAIN). A client replaced after a session expiry is only retired:
 * its requests were sent on a session the server no longer knows, so the server rejects them
 * unrun and each caller retries on the new session — closing it early would turn those safe
 * retries into "outcome uncertain" errors. It is closed when its last request settles.
 */
import type { CacheableRequestOptions, Client } from '@modelcontextprotocol/client';
import type { ProgressRequest } from '../../src/shared/operations.js';
import type { Progress } from '../../src/shared/types.js';
import type { AbortReason } from '../recovery/classify.js';
import { childSignal } from './signals.js';

/** What one request needs from the dispatcher: its abort signal and its deadline. */
export interface CallContext {
  /**
   * The request's own controller (one per request, made by the dispatcher): the caller's cancel,
   * a close, or a dead link aborts it; `signal.reason` is an {@link AbortReason}.
   */
  controller: AbortController;
  signal: AbortSignal;
  timeoutMs: number;
  /** Past any cache (listings, resources/read): the caller asked for `refresh`. */
  refresh?: boolean;
  /** The caller wants progress: each notification of the call goes to it (posted to its channel). */
  progress?: ProgressRequest & { report(progress: Progress): void };
}

/** A context with a controller of its own that the caller's cancel still aborts. */
export function linkedContext(ctx: CallContext, timeoutMs = ctx.timeoutMs): CallContext {
  const { controller } = childSignal(ctx.signal);
  return { ...ctx, controller, signal: controller.signal, timeoutMs };
}

/**
 * The SDK's options for one request: the caller's signal and deadline — restarted by each progress
 * notification when the caller asked for that, up to its cap — and its progress callback.
 */
export function requestOptions(ctx: CallContext): CacheableRequestOptions {
  const { signal, timeoutMs, progress } = ctx;
  // The plain call is the hot path: one object, no spreads.
  const options: CacheableRequestOptions = { signal, timeout: timeoutMs, maxTotalTimeout: timeoutMs };
  if (ctx.refresh === true) options.cacheMode = 'refresh';
  if (progress === undefined) return options;
  const cap = progress.reset ? progress.maxTotalTimeoutMs : timeoutMs;
  if (cap === undefined) delete options.maxTotalTimeout;
  else options.maxTotalTimeout = cap;
  options.resetTimeoutOnProgress = progress.reset;
  options.onprogress = (value) => progress.report(value);
  return options;
}

export class InflightRequests {
  readonly #requests = new Map<AbortController, Client>();
  readonly #retired = new Set<Client>();

  track(request: AbortController, client: Client): void {
    this.#requests.set(request, client);
  }

  /** A request settled; a retired client with nothing left in flight is closed now. */
  settle(request: AbortController, client: Client): void {
    this.#requests.delete(request);
    if (this.#retired.has(client) && !this.busyOn(client)) this.#close(client);
  }

  /** Closes `client` once its requests have settled (at once when it has none). */
  retire(client: Client): void {
    if (this.busyOn(client)) this.#retired.add(client);
    else this.#close(client);
  }

  /** Aborts every request on `client` with `reason`, then closes it. */
  abandon(client: Client, reason: AbortReason): void {
    for (const [request, on] of this.#requests) if (on === client) request.abort(reason);
    this.#close(client);
  }

  /** Closes every retired client now (the hub is closing). */
  closeRetired(): void {
    for (const client of this.#retired) this.#close(client);
  }

  /** True while a request is in flight on `client`. */
  busyOn(client: Client | undefined): boolean {
    if (client === undefined) return false;
    for (const on of this.#requests.values()) if (on === client) return true;
    return false;
  }

  #close(client: Client): void {
    this.#retired.delete(client);
    void client.close().catch(() => undefined);
  }
}
