import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, McpHub, McpSyncError } from '../../dist/src/index.js';
import { everythingCommand, stdioFixtureCommand } from '../helpers/servers.js';

/**
 * Server-initiated requests while a caller is blocked in a call: answered in the I/O worker by
 * the application's handler module — never a deadlock — or refused with a clear JSON-RPC error.
 */
const HANDLERS = fileURLToPath(new URL('../../dist/test/fixtures/client-handlers.js', import.meta.url));
const everything = everythingCommand();
let withHandlers: McpHub;
let without: McpHub;

beforeAll(() => {
  withHandlers = McpHub.start({ mcpServers: { everything, local: stdioFixtureCommand('local') } }, { eventLog: false, handlers: HANDLERS });
  without = McpHub.start({ mcpServers: { everything, local: stdioFixtureCommand('local') } }, { eventLog: false });
});

afterAll(() => {
  withHandlers?.close();
  without?.close();
});

function text(result: { content: { type: string; text?: string }[] }): string {
  return result.content.map((block) => block.text ?? '').join('\n');
}

describe('with a handlers module', () => {
  it('answers sampling/createMessage from server-everything while the caller is blocked', () => {
    const result = withHandlers.callTool('everything', 'trigger-sampling-request', { prompt: 'hello there' }, { timeoutMs: 20_000 });
    expect(text(result)).toContain('canned reply from everything');
    expect(text(result)).toContain('hello there');
  });

  it('answers elicitation/create with the schema defaults applied (SEP-1034)', () => {
    const result = withHandlers.callTool('everything', 'trigger-elicitation-request', {}, { timeoutMs: 20_000 });
    const all = text(result) + JSON.stringify(result.structuredContent ?? {});
    expect(all).toContain('Ada'); // what the handler sent
    expect(all).toContain('It was a dark and stormy night.'); // a default it left out, filled in
    expect(all).toContain('42');
  });

  it('answers roots/list', () => {
    const result = withHandlers.callTool('everything', 'get-roots-list', {}, { timeoutMs: 20_000 });
    expect(text(result)).toContain('file:///workspace/project');
  });
});

describe('without a handlers module', () => {
  it('declares no sampling, elicitation or roots capability (server-everything hides those tools)', () => {
    const names = without.listTools('everything').map((tool) => tool.name);
    expect(names).not.toContain('trigger-sampling-request');
    expect(names).not.toContain('trigger-elicitation-request');
    expect(names).not.toContain('get-roots-list');
    expect(withHandlers.listTools('everything').map((tool) => tool.name)).toContain('trigger-sampling-request');
  });

  it('answers a sampling request with a JSON-RPC error that says how to add a handler', () => {
    const result = without.callTool('local', 'ask_sampling', { prompt: 'anyone?' });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("mcp-sync has no handler for 'sampling/createMessage'");
    expect(text(result)).toContain('StartOptions.handlers');
  });
});

describe('a handlers module that cannot be loaded', () => {
  it('loads a TypeScript module where Node strips types (22 and later); on Node 20 says it needs compiling', () => {
    const source = fileURLToPath(new URL('../fixtures/client-handlers.ts', import.meta.url));
    let error: unknown;
    try {
      McpHub.start({ mcpServers: {} }, { eventLog: false, handlers: source }).close();
    } catch (caught) {
      error = caught;
    }
    if (Number(process.versions.node.split('.')[0]) >= 22) {
      expect(error).toBeUndefined();
      return;
    }
    expect((error as McpSyncError).code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect((error as McpSyncError).message).toContain('ERR_UNKNOWN_FILE_EXTENSION');
    expect((error as McpSyncError).message).toContain('compile the module to JavaScript, or use Node 22 or later');
  });

  it('fails start() with INVALID_ARGUMENT naming the module', () => {
    let error: unknown;
    try {
      McpHub.start({ mcpServers: {} }, { eventLog: false, handlers: '/nonexistent/handlers.js' }).close();
    } catch (caught) {
      error = caught;
    }
    expect((error as McpSyncError).code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect((error as McpSyncError).message).toContain('/nonexistent/handlers.js');
  });
});
