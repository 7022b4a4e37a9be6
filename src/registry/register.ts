/**
 * Putting entries into an application's tool registry and keeping them current. A tool that a
 * non-MCP toolset already owns is never replaced (warn and skip); MCP over MCP is allowed. On a
 * tool-list change only what changed is re-registered.
 */
import type { ToolEntry } from './entries.js';

/** Any registry with `register(entry)`; `deregister` and `get` are used when present. */
export interface ToolRegistry {
  register(entry: ToolEntry): void;
  deregister?(name: string): void;
  /** Looks a registered tool up; its `toolset` tells who owns the name. */
  get?(name: string): { toolset?: string } | undefined;
}

/** What a (re-)registration changed, by registry name. */
export interface RegistrationChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

/**
 * Registers `next` into `registry`, given the entries `previous` registered before: removes
 * what is gone (if the registry can), registers what is new or different, leaves the rest.
 */
export function syncRegistry(
  registry: ToolRegistry,
  previous: readonly ToolEntry[],
  next: readonly ToolEntry[],
  warn: (message: string) => void,
): RegistrationChanges {
  const before = new Map(previous.map((entry) => [entry.name, entry]));
  const after = new Map(next.map((entry) => [entry.name, entry]));
  const changes: RegistrationChanges = { added: [], removed: [], changed: [] };
  for (const name of before.keys()) {
    if (after.has(name)) continue;
    registry.deregister?.(name);
    changes.removed.push(name);
  }
  for (const entry of next) {
    const old = before.get(entry.name);
    if (old !== undefined && fingerprint(old) === fingerprint(entry)) continue;
    const owner = old === undefined ? registry.get?.(entry.name)?.toolset : undefined;
    if (owner !== undefined && !owner.startsWith('mcp-')) {
      warn(`mcp-sync: not registering '${entry.name}': the name belongs to toolset '${owner}'`);
      continue;
    }
    registry.register(entry);
    (old === undefined ? changes.added : changes.changed).push(entry.name);
  }
  return changes;
}

function fingerprint(entry: ToolEntry): string {
  return JSON.stringify([entry.server, entry.tool, entry.description, entry.parameters]);
}

/** Where {@link keepRegistered} gets its entries and hears of changes. */
export interface RegistrationSource {
  /** The current entries (toolEntries). */
  entries(): ToolEntry[];
  /** Subscribes to tool-list changes; returns the unsubscribe function. */
  onToolsChanged(listener: (server: string) => void): () => void;
  warn(message: string): void;
  onChanged?: (server: string, changes: RegistrationChanges) => void;
}

/**
 * Registers `source`'s entries into `registry` and keeps them current: on each tool-list change
 * only what changed is re-registered, and `onChanged` is told. A failure while refreshing runs
 * from an event, so it becomes a warning, never an uncaught exception.
 * @returns a function that stops the updates
 */
export function keepRegistered(registry: ToolRegistry, source: RegistrationSource): () => void {
  let current = source.entries();
  syncRegistry(registry, [], current, source.warn);
  return source.onToolsChanged((server) => {
    try {
      const next = source.entries();
      const changes = syncRegistry(registry, current, next, source.warn);
      current = next;
      source.onChanged?.(server, changes);
    } catch (error) {
      source.warn(`mcp-sync: could not refresh the tools of '${server}': ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}
