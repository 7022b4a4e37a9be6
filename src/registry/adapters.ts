/**
 * Tool entries rendered in the tool-list shapes of the common LLM APIs. Each result owns a deep
 * copy of the parameter schema, so a caller that edits it cannot change the entries.
 */
import type { JsonObject } from '../shared/types.js';

/** The part of a tool entry the adapters read. */
export interface ToolDefinition {
  /** The function name the model calls, e.g. `mcp_docs_search`. */
  name: string;
  description: string;
  /** JSON Schema of the arguments (an object schema). */
  parameters: JsonObject;
}

/** A tool in the OpenAI Chat Completions `tools` list. */
export interface OpenAITool {
  type: 'function';
  function: { name: string; description: string; parameters: JsonObject };
}

/** A tool in the OpenAI Responses API `tools` list. */
export interface OpenAIResponsesTool {
  type: 'function';
  name: string;
  description: string;
  parameters: JsonObject;
  strict: false;
}

/** A tool in the Anthropic Messages `tools` list. */
export interface AnthropicTool {
  name: string;
  description: string;
  input_schema: JsonObject;
}

/** `[{type: 'function', function: {name, description, parameters}}, …]` for OpenAI Chat Completions. */
export function toOpenAITools(entries: readonly ToolDefinition[]): OpenAITool[] {
  return entries.map((entry) => ({
    type: 'function',
    function: { name: entry.name, description: entry.description, parameters: structuredClone(entry.parameters) },
  }));
}

/**
 * `[{type: 'function', name, description, parameters, strict: false}, …]` for the OpenAI Responses
 * API (`strict: false`: MCP schemas rarely meet strict mode's rules).
 */
export function toOpenAIResponsesTools(entries: readonly ToolDefinition[]): OpenAIResponsesTool[] {
  return entries.map((entry) => ({
    type: 'function',
    name: entry.name,
    description: entry.description,
    parameters: structuredClone(entry.parameters),
    strict: false,
  }));
}

/** `[{name, description, input_schema}, …]` for Anthropic Messages. */
export function toAnthropicTools(entries: readonly ToolDefinition[]): AnthropicTool[] {
  return entries.map((entry) => ({
    name: entry.name,
    description: entry.description,
    input_schema: structuredClone(entry.parameters),
  }));
}
