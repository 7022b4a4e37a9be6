/**
 * The four per-server utility entries hermes-agent generates next to a server's own tools:
 * list/read resources and list/get prompts. The names, descriptions and parameter schemas are
 * hermes' wire bytes (key order included), with our `mcp_<server>_<tool>` naming.
 */
import type { JsonObject } from '../shared/types.js';
import { toolName, type ToolNameOptions } from './naming.js';

/** Which utility an entry is; also the key its handler dispatches on. */
export type UtilityTool = 'list_resources' | 'read_resource' | 'list_prompts' | 'get_prompt';

/** One generated utility entry, before a handler is attached. */
export interface UtilityDefinition {
  /** Registry name, e.g. `mcp_docs_list_resources`. */
  name: string;
  /** Which utility this is. */
  tool: UtilityTool;
  /** e.g. `List available resources from MCP server 'docs'`. */
  description: string;
  /** JSON Schema of the arguments (already normalised). */
  parameters: JsonObject;
}

/**
 * The capabilities a server advertised in `initialize`: a family counts as advertised when its
 * value is present and not `false` (the MCP result carries objects such as `resources: {}`).
 */
export interface UtilityCapabilities {
  resources?: unknown;
  prompts?: unknown;
}

/** The config switches (`tools.resources`, `tools.prompts`); a missing switch is on. */
export interface UtilitySwitches {
  /** Offer the resource utilities. @default true */
  resources?: boolean;
  /** Offer the prompt utilities. @default true */
  prompts?: boolean;
}

const FAMILY: Readonly<Record<UtilityTool, 'resources' | 'prompts'>> = {
  list_resources: 'resources',
  read_resource: 'resources',
  list_prompts: 'prompts',
  get_prompt: 'prompts',
};

/** hermes' `_UTILITY_TOOL_SPECS`, in its order. */
const SPECS: readonly (readonly [UtilityTool, string, () => JsonObject])[] = [
  ['list_resources', 'List available resources from MCP server', () => ({ type: 'object', properties: {} })],
  [
    'read_resource',
    'Read a resource by URI from MCP server',
    () => ({
      type: 'object',
      properties: { uri: { type: 'string', description: 'URI of the resource to read' } },
      required: ['uri'],
    }),
  ],
  ['list_prompts', 'List available prompts from MCP server', () => ({ type: 'object', properties: {} })],
  [
    'get_prompt',
    'Get a prompt by name from MCP server',
    () => ({
      type: 'object',
      properties: {
        name: { type: 'string', description: 'Name of the prompt to retrieve' },
        arguments: {
          type: 'object',
          description: 'Optional arguments to pass to the prompt',
          properties: {},
          additionalProperties: true,
        },
      },
      required: ['name'],
    }),
  ],
];

/**
 * The utility entries to offer for `server`: the resource pair when the server advertised
 * `resources` and `switches.resources` is not `false`, the prompt pair likewise. A server that
 * advertised neither gets none — hermes learned that stubs for unsupported families only earn
 * `-32601 Method not found` and make the model believe the server is broken.
 */
export function utilityDefinitions(
  server: string,
  capabilities: UtilityCapabilities,
  switches: UtilitySwitches = {},
  naming: ToolNameOptions = {},
): UtilityDefinition[] {
  const offered = (family: 'resources' | 'prompts'): boolean => switches[family] !== false && advertised(capabilities[family]);
  return SPECS.filter(([tool]) => offered(FAMILY[tool])).map(([tool, description, parameters]) => ({
    name: toolName(server, tool, naming),
    tool,
    description: `${description} '${server}'`,
    parameters: parameters(),
  }));
}

/**
 * Prompt arguments as the wire wants them (string values): a model sends numbers, booleans and
 * objects for them, which the SDK would reject, so non-strings become their JSON text and
 * `null`/`undefined` values are dropped (an argument not given). Anything but a plain object → `{}`.
 */
export function toPromptArguments(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === null || item === undefined) continue;
    out[key] = typeof item === 'string' ? item : JSON.stringify(item);
  }
  return out;
}

function advertised(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false;
}
