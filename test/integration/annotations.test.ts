import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, McpHub } from '../../dist/src/index.js';
import { catchError, firstText, onPoolThread } from '../helpers/calls.js';
import { modernStdioCommand } from '../helpers/servers.js';

/**
 * Annotations used with care, against the v2 SDK fixture over stdio in both eras: a structured
 * result that breaks the tool's own outputSchema is OUTPUT_INVALID and leaves the breaker alone; a
 * call cut mid-flight (the server process dies) is sent again only to a `trusted` server's tool
 * annotated idempotent — counted on the server side, in a file the tool writes on every run.
 */
let dir: string;
let hub: McpHub;
let marks = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-sync-annotations-'));
  hub = McpHub.start(
    {
      mcpServers: {
        trusted: { ...modernStdioCommand(), trusted: true },
        untrusted: modernStdioCommand(),
        legacyTrusted: { ...modernStdioCommand(), protocol: 'legacy', trusted: true },
      },
    },
    { eventLog: false },
  );
});

afterAll(() => {
  hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A new marker file: the tool's runs are counted in it. */
function marker(): string {
  return join(dir, `runs-${++marks}`);
}

const runs = (file: string): number => Number(readFileSync(file, 'utf8'));

describe('outputSchema', () => {
  it.each(['trusted', 'legacyTrusted'])('%s: a result that matches passes; one that breaks it is OUTPUT_INVALID', (server) => {
    expect(hub.callTool(server, 'shape', { good: true }).structuredContent).toEqual({ n: 1 });
    const error = catchError(() => hub.callTool(server, 'shape', { good: false }));
    expect(error.code).toBe(ErrorCode.OUTPUT_INVALID);
    expect(error.data).toMatchObject({ server, tool: 'shape' });
    expect(error.message).toContain(`MCP tool 'shape' of server '${server}' ran, but its result breaks its own outputSchema`);
  });

  it('does not count against the circuit breaker, however often it happens', () => {
    for (let i = 0; i < 5; i++)
      expect(catchError(() => hub.callTool('untrusted', 'shape', { good: false })).code).toBe(ErrorCode.OUTPUT_INVALID);
    // Five in a row: counted, the fourth would have been CIRCUIT_OPEN (threshold 3).
    expect(hub.servers().find((server) => server.name === 'untrusted')?.breaker).toBeUndefined();
    expect(firstText(hub.callTool('untrusted', 'shape', { good: true }))).toBe('{"n":1}');
  });

  it('is the same from a pool thread', async () => {
    await expect(onPoolThread(hub.handle(), 'callTool', 'untrusted', 'shape', { good: false })).rejects.toThrow(/^OUTPUT_INVALID: /);
  });
});

describe('a call cut mid-flight', () => {
  it.each(['trusted', 'legacyTrusted'])('%s: to a tool annotated idempotentHint is sent again once, on the healed link', (server) => {
    const file = marker();
    expect(firstText(hub.callTool(server, 'lookup', { marker: file }, { timeoutMs: 30_000 }))).toBe('ran 2 times');
    expect(runs(file)).toBe(2);
  });

  it('to an untrusted server stays OUTCOME_UNCERTAIN, even for an annotated tool: run once', () => {
    const file = marker();
    expect(catchError(() => hub.callTool('untrusted', 'lookup', { marker: file })).code).toBe(ErrorCode.OUTCOME_UNCERTAIN);
    expect(runs(file)).toBe(1);
  });

  it('to a trusted server’s tool with no such annotation stays OUTCOME_UNCERTAIN: run once', () => {
    const file = marker();
    expect(catchError(() => hub.callTool('trusted', 'charge', { marker: file })).code).toBe(ErrorCode.OUTCOME_UNCERTAIN);
    expect(runs(file)).toBe(1);
  });

  it('from a pool thread, the same: re-sent for the trusted server', async () => {
    const file = marker();
    const result = await onPoolThread<{ content: { type: string; text?: string }[] }>(hub.handle(), 'callTool', 'trusted', 'lookup', {
      marker: file,
    });
    expect(firstText(result)).toBe('ran 2 times');
  });
});
