/**
 * A hub's events (tool lists changed, subscribed resources updated, server log messages) as any
 * thread hears them: the worker broadcasts each on the hub's events channel, and every listener
 * is a channel of its own on this thread's event loop (unref'd: listening never keeps a process up).
 */
import { BroadcastChannel } from 'node:worker_threads';
import { eventsChannelName, type HubEvent } from '../shared/protocol.js';

export class HubEvents {
  readonly #name: string;
  readonly #channels = new Set<BroadcastChannel>();

  constructor(hubId: string) {
    this.#name = eventsChannelName(hubId);
  }

  /** Calls `handle` with every event until the returned function is called. */
  listen(handle: (event: HubEvent) => unknown): () => void {
    const channel = new BroadcastChannel(this.#name);
    channel.onmessage = (event) => void handle((event as unknown as { data: HubEvent }).data);
    channel.unref();
    this.#channels.add(channel);
    return () => {
      if (this.#channels.delete(channel)) channel.close();
    };
  }

  /** Ends every listener. */
  close(): void {
    for (const channel of this.#channels) channel.close();
    this.#channels.clear();
  }
}
