import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, McpHub } from '../../dist/src/index.js';
import { FIXTURE_TOOL_NAMES } from '../fixtures/fixture-tools.js';
import { startHttpFixture, startSseFixture, stdioFixtureCommand, type FixtureServer } from '../helpers/servers.js';
import { catchError } from '../helpers/calls.js';

/**
 * Every API method against each transport, with our own fixture servers in child processes:
 * stdio, Streamable HTTP (SSE-stream answers and plain-JSON answers) and legacy SSE.
 */
let http: FixtureServer;
let httpJson: FixtureServer;
let sse: FixtureServer;
let hub: McpHub;

beforeAll(async () => {
  [http, httpJson, sse] = await Promise.all([
    startHttpFixture({ name: 'web' }),
    startHttpFixture({ name: 'web-json', json: true }),
    startSseFixture({ name: 'legacy' }),
  ]);
  hub = McpHub.start({
    mcpServers: {
      local: stdioFixtureCommand('local'),
      web: { url: http.url },
      'web-json': { url: httpJson.url, transport: 'http' },
      legacy: { url: sse.url, transport: 'sse' },
    },
  });
});

afterAll(async () => {
  hub?.close();
  await Promise.all([http?.stop(), httpJson?.stop(), sse?.stop()]);
});

const cases = [
  ['local', 'stdio'],
  ['web', 'http'],
  ['web-json', 'http'],
  ['legacy', 'sse'],
] as const;

describe.each(cases)('server %s over %s', (server, transport) => {
  it('is ready after start, with its transport and every tool counted', () => {
    const info = hub.servers().find((s) => s.name === server);
    expect(info).toMatchObject({ name: server, transport, state: 'ready', tools: FIXTURE_TOOL_NAMES.length, generation: 1 });
    expect(info?.error).toBeUndefined();
  });

  it('lists its tools, each tagged with the server name', () => {
    const tools = hub.listTools(server);
    expect(tools.map((t) => t.name).sort()).toEqual([...FIXTURE_TOOL_NAMES].sort());
    expect(tools.every((t) => t.server === server)).toBe(true);
    expect(tools.find((t) => t.name === 'echo')?.inputSchema).toMatchObject({ type: 'object' });
  });

  it('calls a tool synchronously and returns the MCP result', () => {
    expect(hub.callTool(server, 'echo', { text: `hi ${server}` })).toEqual({ content: [{ type: 'text', text: `hi ${server}` }] });
  });

  it('returns structuredContent as the server sent it', () => {
    expect(hub.callTool(server, 'add', { a: 2, b: 40 })).toMatchObject({
      content: [{ type: 'text', text: '42' }],
      structuredContent: { sum: 42 },
    });
  });

  it('returns an isError result instead of throwing', () => {
    const result = hub.callTool(server, 'fail', { message: 'nope' });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain('nope');
  });

  it('turns a JSON-RPC error from the server into RPC_ERROR naming the server', () => {
    const error = catchError(() => hub.getPrompt(server, 'no-such-prompt'));
    expect(error.code).toBe(ErrorCode.RPC_ERROR);
    expect(error.data).toMatchObject({ server, rpcCode: -32602 });
  });

  it('lists and reads resources, text and blob', () => {
    expect(hub.listResources(server).map((r) => r.uri)).toEqual(expect.arrayContaining(['fixture://hello', 'fixture://blob']));
    expect(hub.readResource(server, 'fixture://hello').contents[0]).toMatchObject({ text: `hello from ${server}` });
    const blob = hub.readResource(server, 'fixture://blob').contents[0];
    expect(blob && 'blob' in blob ? Buffer.from(String(blob.blob), 'base64') : undefined).toEqual(Buffer.from([...Array(16).keys()]));
  });

  it('lists prompts and gets one with arguments', () => {
    expect(hub.listPrompts(server).map((p) => p.name)).toContain('greet');
    expect(hub.getPrompt(server, 'greet', { name: 'Ada' }).messages[0]?.content).toEqual({ type: 'text', text: 'Hello, Ada!' });
  });

  it('answers ping', () => {
    expect(hub.ping(server)).toBeUndefined();
  });
});

describe('a hub with servers on every transport', () => {
  it('lists the tools of every ready server when no server is named', () => {
    const tools = hub.listTools();
    expect(tools).toHaveLength(FIXTURE_TOOL_NAMES.length * cases.length);
    expect(new Set(tools.map((t) => t.server))).toEqual(new Set(cases.map(([name]) => name)));
  });

  it('carries a 1 MB text result through the bridge intact', () => {
    const result = hub.callTool('web', 'big', { bytes: 1_000_000 });
    const block = result.content[0];
    expect(block?.type === 'text' ? block.text.length : 0).toBe(1_000_000);
  });
});
