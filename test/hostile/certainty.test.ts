/**
 * Certain or uncertain, decided by where the failure happened — and counted on the server side:
 * nothing sent → a certain code and no execution; request written and answer lost →
 * OUTCOME_UNCERTAIN, never retried (the server ran it exactly once).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, McpHub } from '../../dist/src/index.js';
import { catchError, firstText } from '../helpers/calls.js';
import { readHostileState, waitUntil } from '../helpers/processes.js';
import { fixturePath, startHostileHttp, type HostileHttpServer } from '../helpers/servers.js';

const HOSTILE = fixturePath('hostile-stdio');
/** Quick recovery, so the tests do not wait out production backoffs. */
const FAST = { backoffMs: 100, maxBackoffMs: 200, reconnectRetries: 1000, reconnectWaitMs: 15_000 };
let server: HostileHttpServer;
let dir: string;

beforeAll(async () => {
  server = await startHostileHttp();
  dir = mkdtempSync(join(tmpdir(), 'mcp-sync-certainty-'));
});
afterAll(() => server.stop());

describe('answers lost after the request was written', () => {
  it('a socket closed mid-body after the tool ran: OUTCOME_UNCERTAIN, run exactly once', async () => {
    const hub = McpHub.start({ mcpServers: { h: { url: server.url } } }, { logDir: dir });
    try {
      const before = (await server.stats()).executions['cut'] ?? 0;
      const error = catchError(() => hub.callTool('h', 'cut', {}, { timeoutMs: 30_000 }));
      expect(error.code).toBe(ErrorCode.OUTCOME_UNCERTAIN);
      expect((await server.stats()).executions['cut']).toBe(before + 1);
    } finally {
      hub.close();
    }
  });

  it('an SSE answer cut mid-event: OUTCOME_UNCERTAIN at once (not at the deadline), run exactly once', async () => {
    const hub = McpHub.start({ mcpServers: { h: { url: server.url } } }, { logDir: dir });
    try {
      const before = (await server.stats()).executions['sse-cut'] ?? 0;
      const error = catchError(() => hub.callTool('h', 'sse-cut', {}, { timeoutMs: 60_000 }));
      expect(error.code).toBe(ErrorCode.OUTCOME_UNCERTAIN);
      expect((await server.stats()).executions['sse-cut']).toBe(before + 1);
    } finally {
      hub.close();
    }
  });

  it('a stdio child that dies with the call in flight: OUTCOME_UNCERTAIN, run once, not retried on the respawned child', () => {
    const state = join(dir, 'dies.json');
    const hub = McpHub.start({ mcpServers: { s: { command: process.execPath, args: [HOSTILE, '--state', state] } } }, { logDir: dir });
    try {
      expect(catchError(() => hub.callTool('s', 'die-mid-call')).code).toBe(ErrorCode.OUTCOME_UNCERTAIN);
      expect(hub.waitForReady('s', { timeoutMs: 10_000 })).toBe('ready');
      // The respawned child starts a fresh count: the call was not replayed on it.
      expect(readHostileState(state).executions['die-mid-call'] ?? 0).toBe(0);
    } finally {
      hub.close();
    }
  });

  it('an HTTP 5xx from the server: OUTCOME_UNCERTAIN (a gateway may answer after the tool ran); a 4xx: TRANSPORT_ERROR', () => {
    const hub = McpHub.start({ mcpServers: { h: { url: server.url } } }, { logDir: dir });
    try {
      const gateway = catchError(() => hub.callTool('h', 'error-page', { bytes: 1_000 }));
      expect(gateway.code).toBe(ErrorCode.OUTCOME_UNCERTAIN);
      expect(gateway.data).toMatchObject({ httpStatus: 502 });
      const refused = catchError(() => hub.callTool('h', 'echo-secret'));
      expect(refused.code).toBe(ErrorCode.TRANSPORT_ERROR);
      expect(refused.data).toMatchObject({ httpStatus: 400 });
    } finally {
      hub.close();
    }
  });
});

describe('nothing sent', () => {
  it.each([
    ['a BigInt', { n: 12n }],
    [
      'a cycle',
      (() => {
        const cyclic: Record<string, unknown> = { a: 1 };
        cyclic['self'] = cyclic;
        return cyclic;
      })(),
    ],
  ])('arguments with %s: INVALID_ARGUMENT naming the path, never sent, never held against the server', async (_what, args) => {
    const hub = McpHub.start({ mcpServers: { h: { url: server.url } } }, { logDir: dir });
    try {
      const before = (await server.stats()).executions['count'] ?? 0;
      for (let i = 0; i < 5; i++) {
        const error = catchError(() => hub.callTool('h', 'count', args as Record<string, unknown>));
        expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
        expect(error.message).toMatch(/^Arguments of tool 'count' on 'h' cannot be sent as JSON: '(n|self)' (is a BigInt|refers back)/);
      }
      expect((await server.stats()).executions['count'] ?? 0).toBe(before);
      expect(hub.servers()[0]).not.toHaveProperty('breaker');
      expect(firstText(hub.callTool('h', 'count', {}))).toBe(String(before + 1));
    } finally {
      hub.close();
    }
  });

  it('a server that is down: NOT_CONNECTED at once, the breaker opens after 3, shown in servers(); it heals when the server returns', async () => {
    // No idle keep-alive socket to the dead server: a call on one would be written and reset
    // (uncertain); with none, every call is refused before anything is sent.
    const down = await startHostileHttp({ keepAlive: false });
    const hub = McpHub.start({ mcpServers: { h: { url: down.url } } }, { logDir: dir, recovery: { ...FAST, breakerCooldownMs: 500 } });
    try {
      await down.kill();
      const codes = [1, 2, 3].map(() => catchError(() => hub.callTool('h', 'count', {}, { timeoutMs: 30_000 })));
      expect(codes.map((e) => e.code)).toEqual([ErrorCode.NOT_CONNECTED, ErrorCode.NOT_CONNECTED, ErrorCode.NOT_CONNECTED]);
      expect(codes[0]!.data).toMatchObject({ sent: false });
      expect(catchError(() => hub.callTool('h', 'count')).code).toBe(ErrorCode.CIRCUIT_OPEN);
      expect(hub.servers()[0]!.breaker).toMatchObject({ open: true, failures: 3, retryAt: expect.any(String) });
      await down.restart();
      expect(waitUntil(() => hub.servers()[0]!.state === 'ready', 20_000)).toBe(true);
      expect(firstText(hub.callTool('h', 'count', {}))).toBe('1');
      expect(hub.servers()[0]).not.toHaveProperty('breaker');
    } finally {
      hub.close();
      await down.stop();
    }
  });
});
