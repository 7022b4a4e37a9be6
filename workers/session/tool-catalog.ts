/**
 * A server's tool list and capabilities, as discovered at connect and kept fresh: the SDK re-lists
 * every page when the server says its tools changed (`notifications/tools/list_changed` in 2025,
 * on the `subscriptions/listen` stream it opens in 2026), debounced, and hands the new list here.
 */
import type { Client, RequestOptions, Tool } from '@modelcontextprotocol/client';
import type { ServerCapabilitySet } from '../../src/shared/protocol.js';

export class ToolCatalog {
  #tools: Tool[] = [];
  #capabilities: ServerCapabilitySet = { tools: false, resources: false, prompts: false, toolsListChanged: false };
  #fingerprint = '';

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
    };
    this.update(this.#capabilities.tools ? (await client.listTools(undefined, options)).tools : []);
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
