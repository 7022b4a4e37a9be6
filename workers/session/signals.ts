/** Abort-signal helpers for the worker. */

/**
 * A signal of its own for one SDK request, aborted (with the same reason) when `parent` is. The
 * SDK never removes the abort listener it adds to a request's signal, so a long-lived signal
 * must never be handed to it directly; `dispose()` unlinks this one from `parent`.
 */
export function childSignal(parent: AbortSignal): { controller: AbortController; dispose(): void } {
  const controller = new AbortController();
  const forward = (): void => controller.abort(parent.reason);
  if (parent.aborted) forward();
  else parent.addEventListener('abort', forward, { once: true });
  return { controller, dispose: () => parent.removeEventListener('abort', forward) };
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
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
