import { describe, it, expect } from 'vitest';
import { toAnthropicTools, toOpenAIResponsesTools, toOpenAITools, type ToolDefinition } from '../../../src/registry/adapters.js';

const ENTRY: ToolDefinition = {
  name: 'mcp_fs_read_file',
  description: 'Read a file',
  parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
};

describe('tool list adapters', () => {
  it('renders OpenAI Chat Completions function tools', () => {
    expect(toOpenAITools([ENTRY])).toEqual([
      {
        type: 'function',
        function: {
          name: 'mcp_fs_read_file',
          description: 'Read a file',
          parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
        },
      },
    ]);
  });

  it('renders OpenAI Responses function tools', () => {
    expect(toOpenAIResponsesTools([ENTRY])).toEqual([
      { type: 'function', name: 'mcp_fs_read_file', description: 'Read a file', parameters: ENTRY.parameters, strict: false },
    ]);
  });

  it('renders Anthropic tools with input_schema', () => {
    expect(toAnthropicTools([ENTRY])).toEqual([{ name: 'mcp_fs_read_file', description: 'Read a file', input_schema: ENTRY.parameters }]);
  });

  it('keeps order and reads only name, description and parameters of richer entries', () => {
    const entries = [
      { ...ENTRY, server: 'fs', handler: () => '{}' },
      { name: 'mcp_fs_list_resources', description: 'List', parameters: { type: 'object', properties: {} }, extra: 1 },
    ];
    expect(toAnthropicTools(entries).map((tool) => Object.keys(tool))).toEqual([
      ['name', 'description', 'input_schema'],
      ['name', 'description', 'input_schema'],
    ]);
    expect(toOpenAITools(entries).map((tool) => tool.function.name)).toEqual(['mcp_fs_read_file', 'mcp_fs_list_resources']);
  });

  it('gives each result its own copy of the schema', () => {
    const [openai] = toOpenAITools([ENTRY]);
    const [anthropic] = toAnthropicTools([ENTRY]);
    (openai?.function.parameters['properties'] as Record<string, unknown>)['x'] = {};
    (anthropic?.input_schema['properties'] as Record<string, unknown>)['y'] = {};
    expect(ENTRY.parameters).toEqual({ type: 'object', properties: { path: { type: 'string' } }, required: ['path'] });
  });

  it('returns empty lists for no entries', () => {
    expect(toOpenAITools([])).toEqual([]);
    expect(toAnthropicTools([])).toEqual([]);
    expect(toOpenAIResponsesTools([])).toEqual([]);
  });
});
