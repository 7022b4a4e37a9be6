/**
 * A server's tool list and capabilities, as discovered at connect and kept fresh: the SDK re-lists
 * every page when the server says its tools changed (`notifications/tools/list_changed` in 2025,
 * on the `subscriptions/listen` stream it opens in 2026), debounced, and hands the new list here;
 * a list the server said may be cached only for `ttlMs` (2026-07-28) is stale after that, and
 * listed again before the registry reads it.
 */
import type { Client, ListToolsResult, RequestOptions, Tool } from '@modelcontextprotocol/client';
import type { ServerCapabilitySet } from '../../src/shared/protocol.js';

export class ToolCatalog {
  #tools: Tool[] = [];
  #capabilities: ServerCapabilitySet = { tools: false, resources: false, prompts: false, toolsListChanged: false, toolTasks: false };
  #fingerprint = '';
  /** When the list stops being fresh (Date.now() ms), by the server's `ttlMs`; undefined: until told. */
  #expiresAt: number | undefined;

  get tools(): readonly Tool[] {
    return this.#tools;
  }

  get capabilities(): ServerCapabilitySet {
    return this.#capabilities;
  }

  /** Changes whenever the tool list does (compared across reconnects). */
  get fingerprint(): string {
    return this.#fingerprint;
  }

  /** Reads the capabilities `client` was given at connect and lists every page of its tools. */
  async discover(client: Client, options: RequestOptions): Promise<void> {
    const advertised = client.getServerCapabilities() ?? {};
    this.#capabilities = {
      tools: advertised.tools !== undefined,
      resources: advertised.resources !== undefined,
      prompts: advertised.prompts !== undefined,
      toolsListChanged: advertised.tools?.listChanged === true,
      toolTasks: (advertised as { tasks?: { requests?: { tools?: { call?: unknown } } } }).tasks?.requests?.tools?.call !== undefined,
    };
    this.#listed(this.#capabilities.tools ? await client.listTools(undefined, options) : { tools: [] });
  }

  /** True once the server's `ttlMs` for the list has passed. */
  get stale(): boolean {
    return this.#expiresAt !== undefined && Date.now() >= this.#expiresAt;
  }

  /** Lists the tools again, past any cache; true when they changed. */
  async refresh(client: Client, options: RequestOptions): Promise<boolean> {
    return this.#listed(await client.listTools(undefined, { ...options, cacheMode: 'refresh' }));
  }

  /** A listing, and how long it may be kept (a positive `ttlMs`; else until the server says it changed). */
  #listed(result: Pick<ListToolsResult, 'tools'> & { ttlMs?: number }): boolean {
    const ttlMs = result.ttlMs;
    this.#expiresAt = ttlMs !== undefined && ttlMs > 0 ? Date.now() + ttlMs : undefined;
    return this.update(result.tools);
  }

  /** A new list of the server's tools; true when it differs from the one before. */
  update(tools: Tool[]): boolean {
    const fingerprint = JSON.stringify(tools);
    this.#tools = tools;
    if (fingerprint === this.#fingerprint) return false;
    this.#fingerprint = fingerprint;
    return true;
  }
}
