/**
 * A server's resource subscriptions: the URIs callers subscribed to, kept across reconnects and
 * set up again on each new client — `resources/subscribe` in the 2025 era, one
 * `subscriptions/listen` stream per URI in 2026-07-28 (opened again when the server ends it). The
 * `notifications/resources/updated` of either era arrive through the client's notification
 * handler (open-client.ts) and go to every thread listening (io-worker.ts).
 */
import type { Client, McpSubscription, RequestOptions } from '@modelcontextprotocol/client';

export class ResourceSubscriptions {
  /** What callers asked for: survives every reconnect. */
  readonly #uris = new Set<string>();
  /** The 2026 listen streams of the current client, by URI. */
  readonly #streams = new Map<string, McpSubscription>();
  /** Ends the streams when the session closes (a stream lives past the call that opened it). */
  readonly #closing: AbortSignal;
  /** The session's live client, if any: a stream of another (dead) client is not opened again. */
  readonly #current: () => Client | undefined;
  readonly #log: (event: string) => void;

  constructor(closing: AbortSignal, current: () => Client | undefined, log: (event: string) => void) {
    this.#closing = closing;
    this.#current = current;
    this.#log = log;
  }

  /** Subscribes `client` to `uri` (idempotent); kept for every later client. @throws the SDK's error */
  async add(client: Client, uri: string, options: RequestOptions): Promise<void> {
    if (!this.#streams.has(uri)) await this.#open(client, uri, options);
    this.#uris.add(uri);
  }

  /** Unsubscribes `client` from `uri`, and forgets it. @throws the SDK's error */
  async remove(client: Client, uri: string, options: RequestOptions): Promise<void> {
    if (!this.#uris.delete(uri)) return;
    const stream = this.#streams.get(uri);
    this.#streams.delete(uri);
    if (stream !== undefined) await stream.close();
    else if (client.getProtocolEra() !== 'modern') await client.unsubscribeResource({ uri }, options);
  }

  /** A new client (after a reconnect): every subscription is set up again on it, in the background. */
  restore(client: Client, timeoutMs: number): void {
    this.#streams.clear(); // the old client's streams ended with it
    for (const uri of this.#uris) this.#reopen(client, uri, timeoutMs);
  }

  async #open(client: Client, uri: string, options: RequestOptions): Promise<void> {
    if (client.getProtocolEra() !== 'modern') return void (await client.subscribeResource({ uri }, options));
    const stream = await client.listen({ resourceSubscriptions: [uri] }, { timeout: options.timeout, signal: this.#closing });
    this.#streams.set(uri, stream);
    // A server that ends the stream (not us closing it): listen again while the URI is wanted —
    // unless the link is gone: then the reconnect's restore() subscribes again.
    void stream.closed.then((how) => {
      if (how === 'local' || this.#streams.get(uri) !== stream || this.#current() !== client) return;
      this.#streams.delete(uri);
      if (this.#uris.has(uri) && !this.#closing.aborted) this.#reopen(client, uri, options.timeout);
    });
  }

  #reopen(client: Client, uri: string, timeoutMs: number | undefined): void {
    this.#open(client, uri, { ...(timeoutMs !== undefined && { timeout: timeoutMs }), signal: this.#closing }).catch((error: unknown) =>
      this.#log(`could not subscribe again to ${uri}: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
}
