import { describe, it, expect } from 'vitest';
import { toPromptArguments, utilityDefinitions } from '../../../src/registry/utilities.js';

const BOTH = { resources: {}, prompts: {} };

describe('utility definitions', () => {
  it('builds the four utilities for a server that advertises resources and prompts (hermes: test_builds_four_utility_schemas)', () => {
    const names = utilityDefinitions('myserver', BOTH).map((definition) => definition.name);
    expect(names).toEqual([
      'mcp_myserver_list_resources',
      'mcp_myserver_read_resource',
      'mcp_myserver_list_prompts',
      'mcp_myserver_get_prompt',
    ]);
  });

  it('tags each definition with its utility and describes it with the server name', () => {
    expect(utilityDefinitions('docs', BOTH).map(({ tool, description }) => [tool, description])).toEqual([
      ['list_resources', "List available resources from MCP server 'docs'"],
      ['read_resource', "Read a resource by URI from MCP server 'docs'"],
      ['list_prompts', "List available prompts from MCP server 'docs'"],
      ['get_prompt', "Get a prompt by name from MCP server 'docs'"],
    ]);
  });

  it('requires uri for read_resource (hermes: test_read_resource_schema_requires_uri)', () => {
    const readResource = utilityDefinitions('srv', BOTH).find((definition) => definition.tool === 'read_resource');
    expect(readResource?.parameters).toEqual({
      type: 'object',
      properties: { uri: { type: 'string', description: 'URI of the resource to read' } },
      required: ['uri'],
    });
  });

  it('requires name and takes optional arguments for get_prompt, with hermes key order', () => {
    const getPrompt = utilityDefinitions('srv', BOTH).find((definition) => definition.tool === 'get_prompt');
    expect(JSON.stringify(getPrompt?.parameters)).toBe(
      '{"type":"object","properties":{"name":{"type":"string","description":"Name of the prompt to retrieve"},' +
        '"arguments":{"type":"object","description":"Optional arguments to pass to the prompt","properties":{},' +
        '"additionalProperties":true}},"required":["name"]}',
    );
  });

  it('takes no parameters for the list utilities', () => {
    for (const definition of utilityDefinitions('srv', BOTH).filter(({ tool }) => tool.startsWith('list_'))) {
      expect(definition.parameters).toEqual({ type: 'object', properties: {} });
    }
  });

  it('offers only the families the server advertised (hermes #18051: tools-only servers get none)', () => {
    expect(utilityDefinitions('ctx7', {})).toEqual([]);
    expect(utilityDefinitions('r', { resources: {} }).map(({ tool }) => tool)).toEqual(['list_resources', 'read_resource']);
    expect(utilityDefinitions('p', { prompts: { listChanged: true } }).map(({ tool }) => tool)).toEqual(['list_prompts', 'get_prompt']);
  });

  it('accepts booleans as capabilities and treats false or null as not advertised', () => {
    expect(utilityDefinitions('s', { resources: true, prompts: false })).toHaveLength(2);
    expect(utilityDefinitions('s', { resources: null, prompts: undefined })).toEqual([]);
  });

  it('honours the tools.resources and tools.prompts switches', () => {
    expect(utilityDefinitions('s', BOTH, { resources: false }).map(({ tool }) => tool)).toEqual(['list_prompts', 'get_prompt']);
    expect(utilityDefinitions('s', BOTH, { prompts: false }).map(({ tool }) => tool)).toEqual(['list_resources', 'read_resource']);
    expect(utilityDefinitions('s', BOTH, { resources: false, prompts: false })).toEqual([]);
    expect(utilityDefinitions('s', BOTH, { resources: true, prompts: true })).toHaveLength(4);
  });

  it('sanitises the server in the name but keeps it as configured in the description', () => {
    const [first] = utilityDefinitions('my-server', BOTH);
    expect(first?.name).toBe('mcp_my_server_list_resources');
    expect(first?.description).toBe("List available resources from MCP server 'my-server'");
  });

  it('returns fresh parameter objects on every call', () => {
    const [first] = utilityDefinitions('s', BOTH);
    (first?.parameters['properties'] as Record<string, unknown>)['x'] = {};
    expect(utilityDefinitions('s', BOTH)[0]?.parameters).toEqual({ type: 'object', properties: {} });
  });

  it('passes naming options through, for long server names', () => {
    const server = 'a'.repeat(80);
    for (const definition of utilityDefinitions(server, BOTH)) expect(definition.name.length).toBeLessThanOrEqual(64);
    expect(utilityDefinitions(server, BOTH, {}, { maxLength: 128 })[0]?.name).toBe(`mcp_${server}_list_resources`);
  });
});

describe('prompt arguments', () => {
  it('keeps strings and turns other values into their JSON text', () => {
    expect(toPromptArguments({ text: 'hello', n: 3, flag: true, list: [1, 'a'], obj: { k: 'v' } })).toEqual({
      text: 'hello',
      n: '3',
      flag: 'true',
      list: '[1,"a"]',
      obj: '{"k":"v"}',
    });
  });

  it('drops null and undefined values (an argument not given)', () => {
    expect(toPromptArguments({ a: null, b: undefined, c: '' })).toEqual({ c: '' });
  });

  it('is empty for anything but a plain object', () => {
    for (const value of [undefined, null, 'x', 1, ['a']]) expect(toPromptArguments(value)).toEqual({});
  });
});
