/**
 * A server's tool list and capabilities, as discovered at connect and kept fresh: on
 * `notifications/tools/list_changed` it re-lists every page in the background and reports the
 * change. Refreshes are coalesced — a notification that arrives mid-refresh triggers one more
 * refresh afterwards, never two at once.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ToolListChangedNotificationSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ServerCapabilitySet } from '../../src/shared/protocol.js';
import { listAllPages } from './paginate.js';

export class ToolCatalog {
  #tools: Tool[] = [];
  #capabilities: ServerCapabilitySet = { tools: false, resources: false, prompts: false, toolsListChanged: false };
  #fingerprint = '';
  #refreshing: Promise<void> | undefined;
  #dirty = false;

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

  /** Reads the capabilities `client` was given at initialize and lists every page of its tools. */
  async discover(client: Client, options: RequestOptions): Promise<void> {
    const advertised = client.getServerCapabilities() ?? {};
    this.#capabilities = {
      tools: advertised.tools !== undefined,
      resources: advertised.resources !== undefined,
      prompts: advertised.prompts !== undefined,
      toolsListChanged: advertised.tools?.listChanged === true,
    };
    this.#tools = this.#capabilities.tools ? await listAll(client, options) : [];
    this.#fingerprint = JSON.stringify(this.#tools);
  }

  /**
   * Re-lists on every list_changed notification from `client` while `isCurrent(client)`;
   * `onChanged` runs after each successful refresh. A failed refresh keeps the old list.
   */
  watch(client: Client, isCurrent: (client: Client) => boolean, timeoutMs: number, onChanged: () => void): void {
    if (!this.#capabilities.toolsListChanged) return;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      if (!isCurrent(client)) return;
      if (this.#refreshing !== undefined) {
        this.#dirty = true;
        return;
      }
      const refresh = async (): Promise<void> => {
        do {
          this.#dirty = false;
          const tools = await listAll(client, { timeout: timeoutMs });
          if (!isCurrent(client)) return; // a newer session owns the list now
          this.#tools = tools;
          this.#fingerprint = JSON.stringify(tools);
          onChanged();
        } while (this.#dirty && isCurrent(client));
      };
      this.#refreshing = refresh()
        .catch(() => undefined)
        .finally(() => (this.#refreshing = undefined));
    });
  }
}

function listAll(client: Client, options: RequestOptions): Promise<Tool[]> {
  return listAllPages(
    (cursor) => client.listTools(cursor === undefined ? {} : { cursor }, options),
    (page) => page.tools,
  );
}
