import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpHub, toAnthropicTools, toOpenAITools, type ToolEntry } from '../../dist/src/index.js';
import { everythingCommand, startHttpFixture, stdioFixtureCommand, type HttpFixtureServer } from '../helpers/servers.js';

/** Registry handlers end to end: real servers, real calls, the JSON strings an agent sees. */
let http: HttpFixtureServer;
let hub: McpHub;
const warnings: string[] = [];

beforeAll(async () => {
  http = await startHttpFixture({ name: 'web' });
  hub = McpHub.start(
    {
      mcpServers: {
        'my-server': stdioFixtureCommand('local'),
        web: { url: http.url, tools: { include: ['echo', 'fail', 'image', 'slow', 'add_tool', 'added_*'], prompts: false } },
        everything: everythingCommand(),
      },
    },
    { eventLog: false },
  );
});

afterAll(async () => {
  hub?.close();
  await http?.stop();
});

function entries(): Map<string, ToolEntry> {
  return new Map(hub.toolEntries({ onWarning: (message) => warnings.push(message) }).map((entry) => [entry.name, entry]));
}

function call(name: string, args?: unknown): Record<string, unknown> {
  const entry = entries().get(name);
  if (entry === undefined) throw new Error(`no entry ${name}`);
  return JSON.parse(entry.handler(args)) as Record<string, unknown>;
}

describe('toolEntries()', () => {
  it('names every tool mcp_<server>_<tool> with [A-Za-z0-9_] only, in toolset mcp-<server>', () => {
    const byName = entries();
    const echo = byName.get('mcp_my_server_echo');
    expect(echo).toMatchObject({ server: 'my-server', tool: 'echo', toolset: 'mcp-my-server', utility: false });
    expect(byName.get('mcp_everything_get_sum')).toMatchObject({ server: 'everything', tool: 'get-sum' });
    for (const name of byName.keys()) expect(name).toMatch(/^[a-zA-Z0-9_-]{1,128}$/);
  });

  it('applies tools.include (globs too) and switches utilities off per config', () => {
    const web = [...entries().values()].filter((entry) => entry.server === 'web');
    expect(
      web
        .filter((e) => !e.utility)
        .map((e) => e.tool)
        .sort(),
    ).toEqual(['add_tool', 'echo', 'fail', 'image', 'slow']);
    expect(
      web
        .filter((e) => e.utility)
        .map((e) => e.tool)
        .sort(),
    ).toEqual(['list_resources', 'read_resource']);
  });

  it('offers the resource and prompt utilities of servers that advertise them, with normalised schemas', () => {
    const byName = entries();
    expect(byName.get('mcp_my_server_list_resources')?.description).toBe("List available resources from MCP server 'my-server'");
    expect(byName.get('mcp_my_server_read_resource')?.parameters).toMatchObject({ type: 'object', required: ['uri'] });
    expect(byName.get('mcp_my_server_get_prompt')?.parameters).toMatchObject({ required: ['name'] });
    expect(byName.get('mcp_my_server_count')?.parameters).toEqual({ type: 'object', properties: {} });
  });

  it('renders OpenAI- and Anthropic-style tool lists', () => {
    const list = [...entries().values()];
    expect(toOpenAITools(list)[0]).toMatchObject({ type: 'function', function: { name: list[0]!.name, parameters: { type: 'object' } } });
    expect(toAnthropicTools(list)[0]).toMatchObject({ name: list[0]!.name, input_schema: { type: 'object' } });
  });

  it('reports isAvailable() from the live session state', () => {
    expect(entries().get('mcp_web_echo')?.isAvailable()).toBe(true);
  });
});

describe('handlers', () => {
  it('return {"result": text} for a tool call, joined text blocks', () => {
    expect(call('mcp_my_server_echo', { text: 'hi' })).toEqual({ result: 'hi' });
  });

  it('return structuredContent next to the text', () => {
    expect(call('mcp_my_server_add', { a: 1, b: 2 })).toEqual({ result: '3', structuredContent: { sum: 3 } });
  });

  it('return {"error": text} for an isError result', () => {
    expect(call('mcp_web_fail', { message: 'disk full' })).toEqual({ error: 'disk full' });
  });

  it('carry images instead of dropping them', () => {
    const result = call('mcp_web_image');
    expect(result['attachments']).toEqual([expect.objectContaining({ type: 'image', mimeType: 'image/png' })]);
  });

  it('return the hermes error strings and never throw', () => {
    // The server's own validation failure is an isError result: its text is the error.
    expect(call('mcp_web_slow', { ms: 'not a number' })['error']).toContain('Input validation error');
    // Our own failures: "MCP call failed: <Type>: <message>".
    expect(call('mcp_web_echo', 'not an object')).toEqual({
      error: "MCP call failed: InvalidArgumentError: Arguments of tool 'echo' on 'web' must be a JSON object",
    });
    expect(call('mcp_my_server_read_resource', {})).toEqual({ error: "Missing required parameter 'uri'" });
    expect(call('mcp_my_server_get_prompt', {})).toEqual({ error: "Missing required parameter 'name'" });
  });

  it('list and read resources, list and get prompts', () => {
    expect((call('mcp_my_server_list_resources')['resources'] as unknown[]).length).toBeGreaterThan(0);
    expect(call('mcp_my_server_read_resource', { uri: 'fixture://hello' })).toMatchObject({ result: 'hello from local' });
    expect(JSON.stringify(call('mcp_my_server_read_resource', { uri: 'fixture://blob' }))).toContain('[binary data, 16 bytes]');
    expect((call('mcp_my_server_list_prompts')['prompts'] as { name: string }[]).map((p) => p.name)).toContain('greet');
    expect(call('mcp_my_server_get_prompt', { name: 'greet', arguments: { name: 'Ada' } })).toMatchObject({
      messages: [expect.objectContaining({ role: 'user' })],
    });
  });

  it('work against server-everything', () => {
    expect(call('mcp_everything_echo', { message: 'x' })).toEqual({ result: 'Echo: x' });
    expect(JSON.stringify(call('mcp_everything_get_sum', { a: 2, b: 3 }))).toContain('5');
  });
});

describe('registerInto()', () => {
  it('never replaces a tool a non-MCP toolset owns, and follows tools/list_changed live', async () => {
    const registered = new Map<string, { toolset?: string; handler?: (args?: unknown) => string }>();
    registered.set('mcp_web_echo', { toolset: 'builtin' });
    const registry = {
      register: (entry: ToolEntry) => void registered.set(entry.name, entry),
      deregister: (name: string) => void registered.delete(name),
      get: (name: string) => registered.get(name),
    };
    const seen: string[] = [];
    const changed = new Promise<{ added: string[] }>((resolve) => {
      const stop = hub.registerInto(registry, {
        onWarning: (message) => seen.push(message),
        onChanged: (server, changes) => {
          if (server === 'web') {
            stop();
            resolve(changes);
          }
        },
      });
    });
    expect(registered.get('mcp_web_echo')).toEqual({ toolset: 'builtin' });
    expect(seen.some((message) => message.includes("'mcp_web_echo'") && message.includes('builtin'))).toBe(true);
    expect(registered.has('mcp_my_server_echo')).toBe(true);

    hub.callTool('web', 'add_tool', { name: 'added_live' });
    const changes = await changed;
    expect(changes.added).toEqual(['mcp_web_added_live']);
    expect(JSON.parse(registered.get('mcp_web_added_live')!.handler!({}))).toEqual({ result: 'added' });
  });
});
