/**
 * Registry entries: every MCP tool and server utility as a plain `(args) => string` function,
 * hermes-compatible, built from the worker's catalog of discovered tools. A handler calls the
 * hub synchronously on the thread that runs it and never throws: failures become `{"error": …}`.
 */
import type { ServerCatalog, ServerState, ServerSummary } from '../shared/protocol.js';
import type { CallToolResult, GetPromptResult, JsonObject, Prompt, ReadResourceResult, Resource } from '../shared/types.js';
import type { ToolDefinition } from './adapters.js';
import { resolveNameCollisions } from './collisions.js';
import { createToolFilter } from './filter.js';
import { checkRequiredParameter, formatError } from './format-error.js';
import { formatGetPrompt, formatPrompts, formatReadResource, formatResources } from './format-utility.js';
import { formatToolResult } from './format.js';
import { toolName, toolsetName } from './naming.js';
import { scanDescription, toolDescription } from './scan.js';
import { normalizeInputSchema } from './schema.js';
import { toPromptArguments, utilityDefinitions } from './utilities.js';

/** One tool for a registry. `handler` returns a JSON string and never throws. */
export interface ToolEntry extends ToolDefinition {
  /** The configured server name. */
  server: string;
  /** The raw MCP tool name, or the utility (`list_resources`, `read_resource`, `list_prompts`, `get_prompt`). */
  tool: string;
  /** `mcp-<server>`. */
  toolset: string;
  /** True for a generated server utility. */
  utility: boolean;
  handler(args?: unknown): string;
  /** True only while the server has a live session, so a registry can hide it while it reconnects. */
  isAvailable(): boolean;
  /** What the server says about using its tools (the same on each of its entries), for a system prompt. */
  instructions?: string;
}

/** Options of `hub.toolEntries()`. */
export interface ToolEntriesOptions {
  /** Inline images/audio/blobs as base64 in handler results; `false` gives their size instead. @default true */
  inlineData?: boolean;
  /** Longest registry name; longer ones are cut and end in a hash (16–128). @default 64 */
  maxNameLength?: number;
  /** Where warnings go (suspicious descriptions, dropped name collisions). @default console.warn */
  onWarning?: (message: string) => void;
}

/** The synchronous hub methods the handlers call. */
export interface EntryCaller {
  callTool(server: string, tool: string, args?: JsonObject): CallToolResult;
  listResources(server: string): Resource[];
  readResource(server: string, uri: string): ReadResourceResult;
  listPrompts(server: string): Prompt[];
  getPrompt(server: string, name: string, args?: Record<string, string>): GetPromptResult;
  state(server: string): ServerState;
}

/** Builds the entries of every server in `catalog` (or of `only` that one). */
export function buildToolEntries(
  caller: EntryCaller,
  catalog: readonly ServerCatalog[],
  summaries: readonly ServerSummary[],
  options: ToolEntriesOptions = {},
): ToolEntry[] {
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  const naming = options.maxNameLength === undefined ? {} : { maxLength: options.maxNameLength };
  const candidates: ToolEntry[] = [];
  for (const server of catalog) {
    const summary = summaries.find((s) => s.name === server.name);
    if (summary === undefined) continue;
    const isAvailable = (): boolean => caller.state(server.name) === 'ready';
    const instructions = server.instructions === undefined ? {} : { instructions: server.instructions };
    const suspicious = scanDescription(server.instructions ?? '');
    if (suspicious.length > 0) warn(`mcp-sync: the instructions of MCP server '${server.name}' look suspicious (${suspicious.join(', ')})`);
    const keep = createToolFilter({ include: summary.tools.include, exclude: summary.tools.exclude });
    for (const tool of server.tools.filter((t) => keep(t.name))) {
      const findings = scanDescription(tool.description ?? '');
      if (findings.length > 0)
        warn(`mcp-sync: tool '${tool.name}' of MCP server '${server.name}' has a suspicious description (${findings.join(', ')})`);
      candidates.push({
        name: toolName(server.name, tool.name, naming),
        server: server.name,
        tool: tool.name,
        toolset: toolsetName(server.name),
        utility: false,
        description: toolDescription(server.name, tool),
        parameters: normalizeInputSchema(tool.inputSchema),
        handler: guarded(server.name, (args) => formatToolResult(caller.callTool(server.name, tool.name, toArguments(args)), options)),
        isAvailable,
        ...instructions,
      });
    }
    const switches = { resources: summary.tools.resources, prompts: summary.tools.prompts };
    for (const utility of utilityDefinitions(server.name, server.capabilities, switches, naming)) {
      candidates.push({
        ...utility,
        server: server.name,
        toolset: toolsetName(server.name),
        utility: true,
        handler: guarded(server.name, utilityHandler(caller, server.name, utility.tool)),
        isAvailable,
        ...instructions,
      });
    }
  }
  const { kept, dropped } = resolveNameCollisions(candidates);
  for (const { entry, reason } of dropped) warn(`mcp-sync: left out '${entry.name}' of MCP server '${entry.server}': ${reason}`);
  return kept;
}

function utilityHandler(caller: EntryCaller, server: string, tool: string): (args: unknown) => string {
  switch (tool) {
    case 'list_resources':
      return () => formatResources(caller.listResources(server));
    case 'read_resource':
      return (args) =>
        checkRequiredParameter(args, 'uri') ?? formatReadResource(caller.readResource(server, String((args as JsonObject)['uri'])));
    case 'list_prompts':
      return () => formatPrompts(caller.listPrompts(server));
    default:
      return (args) =>
        checkRequiredParameter(args, 'name') ??
        formatGetPrompt(
          caller.getPrompt(server, String((args as JsonObject)['name']), toPromptArguments((args as JsonObject)['arguments'])),
        );
  }
}

/** A handler that never throws: any failure becomes the hermes-style `{"error": …}` string. */
function guarded(server: string, run: (args: unknown) => string): (args?: unknown) => string {
  return (args) => {
    try {
      return run(args);
    } catch (error) {
      return formatError(error, server);
    }
  };
}

/** Tool arguments: a model may send nothing (→ `{}`); anything else goes as given (the hub checks it). */
function toArguments(args: unknown): JsonObject {
  return args === undefined || args === null ? {} : (args as JsonObject);
}
