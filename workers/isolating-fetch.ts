/**
 * A fetch for the SDK's HTTP transports that gives every request its own AbortSignal.
 *
 * The transports pass one connection-wide signal to every fetch; undici adds an abort listener
 * to it per request and drops it only when the signal fires or at GC, so a busy session piles
 * up thousands of listeners (MaxListenersExceededWarning after ~1,500 calls, and memory that
 * grows with the call count). Here each request gets a private signal linked to the shared one,
 * and the link is removed as soon as the response is done with — cancellation is unchanged.
 */

/** Wraps `base` so that no listener outlives its request on the caller's signal. */
export function isolatingFetch(base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const shared = init?.signal;
    if (shared === undefined || shared === null || shared.aborted) return base(input, init);
    const own = new AbortController();
    const forward = (): void => own.abort(shared.reason);
    shared.addEventListener('abort', forward, { once: true });
    const unlink = (): void => shared.removeEventListener('abort', forward);
    let response: Response;
    try {
      response = await base(input, { ...init, signal: own.signal });
    } catch (error) {
      unlink();
      throw error;
    }
    // A JSON or empty body is read at once and is small: unlink now. An SSE stream can live for
    // minutes and must still end when the transport closes: unlink when the stream ends.
    const isStream = response.ok && response.body !== null && (response.headers.get('content-type') ?? '').includes('text/event-stream');
    if (!isStream || response.body === null) {
      unlink();
      return response;
    }
    const body = response.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ flush: unlink }));
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
