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
