import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpHub } from '../../dist/src/index.js';
import { everythingCommand, startEverythingHttp, type ServerProcess } from '../helpers/servers.js';

/** A third-party server: @modelcontextprotocol/server-everything, over stdio and Streamable HTTP. */
let http: ServerProcess;
let hub: McpHub;

beforeAll(async () => {
  http = await startEverythingHttp();
  hub = McpHub.start({
    mcpServers: {
      'everything-stdio': everythingCommand(),
      'everything-http': { url: http.url },
    },
  });
});

afterAll(async () => {
  hub?.close();
  await http?.stop();
});

describe.each(['everything-stdio', 'everything-http'])('server-everything as %s', (server) => {
  it('connects and offers its echo and get-sum tools', () => {
    expect(hub.servers().find((s) => s.name === server)?.state).toBe('ready');
    const names = hub.listTools(server).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'get-sum']));
  });

  it('answers tool calls', () => {
    expect(hub.callTool(server, 'echo', { message: 'sync' }).content[0]).toEqual({ type: 'text', text: 'Echo: sync' });
    expect(JSON.stringify(hub.callTool(server, 'get-sum', { a: 19, b: 23 }).content)).toContain('42');
  });

  it('lists resources across pages and reads one', () => {
    const resources = hub.listResources(server);
    expect(resources.length).toBeGreaterThan(0);
    const first = resources[0]!;
    expect(hub.readResource(server, first.uri).contents[0]?.uri).toBe(first.uri);
  });

  it('lists prompts and gets the simple one', () => {
    const prompts = hub.listPrompts(server).map((p) => p.name);
    expect(prompts.length).toBeGreaterThan(0);
    const simple = prompts.find((name) => /simple/i.test(name)) ?? prompts[0]!;
    expect(hub.getPrompt(server, simple).messages.length).toBeGreaterThan(0);
  });

  it('answers ping', () => {
    expect(() => hub.ping(server)).not.toThrow();
  });
});
