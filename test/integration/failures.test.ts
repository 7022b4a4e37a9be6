import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, McpHub } from '../../dist/src/index.js';
import { startHttpFixture, stdioFixtureCommand, type FixtureServer } from '../helpers/servers.js';
import { catchError } from '../helpers/calls.js';

/** What goes wrong: bad config, unknown servers, servers that never come up, deadlines. */
let http: FixtureServer;
let hub: McpHub;

beforeAll(async () => {
  http = await startHttpFixture({ name: 'web' });
  hub = McpHub.start({
    mcpServers: {
      local: stdioFixtureCommand('local'),
      web: { url: http.url },
      silent: { ...stdioFixtureCommand('silent', 'silent-stdio'), connectTimeout: 2 },
      missing: { command: '/nonexistent/mcp-server', connectTimeout: 2 },
      refused: { url: 'http://127.0.0.1:9/mcp', connectTimeout: 2 },
      off: { command: '/nonexistent/never-started', enabled: false },
    },
  });
});

afterAll(async () => {
  hub?.close();
  await http?.stop();
});

describe('servers that never come up', () => {
  it('leave the other servers ready and are reported failed with their error', () => {
    const byName = Object.fromEntries(hub.servers().map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['local', 'missing', 'refused', 'silent', 'web']);
    expect(byName['local']?.state).toBe('ready');
    expect(byName['web']?.state).toBe('ready');
    for (const name of ['silent', 'missing', 'refused']) {
      expect(byName[name]?.state).toBe('failed');
      expect(byName[name]?.error?.data).toMatchObject({ server: name });
    }
    // The spawn failure is kept, not replaced by a bare "did not connect in time".
    expect(byName['missing']?.error?.message).toMatch(/ENOENT/);
    expect(byName['silent']?.error?.code).toBe(ErrorCode.TIMEOUT);
  });

  it('fail their calls with NOT_CONNECTED while the rest of the hub works', () => {
    for (const name of ['silent', 'missing', 'refused']) {
      const error = catchError(() => hub.callTool(name, 'echo', { text: 'x' }));
      expect(error.code).toBe(ErrorCode.NOT_CONNECTED);
      expect(error.data).toMatchObject({ server: name });
    }
    expect(hub.callTool('local', 'echo', { text: 'still here' }).content[0]).toEqual({ type: 'text', text: 'still here' });
  });
});

describe('bad input', () => {
  it('names an unknown server and the configured ones', () => {
    const error = catchError(() => hub.callTool('nope', 'echo'));
    expect(error.code).toBe(ErrorCode.UNKNOWN_SERVER);
    expect(error.data).toMatchObject({ server: 'nope' });
    expect(error.message).toContain("'local'");
    expect(error.data).not.toHaveProperty('suggestion');
    const typo = catchError(() => hub.callTool('locl', 'echo'));
    expect(typo.data).toMatchObject({ server: 'locl', suggestion: 'local' });
    expect(typo.message).toContain("did you mean 'local'?");
  });

  it('treats a disabled server as unknown', () => {
    expect(catchError(() => hub.ping('off')).code).toBe(ErrorCode.UNKNOWN_SERVER);
  });

  it('rejects arguments that are not a JSON object', () => {
    expect(catchError(() => hub.callTool('local', 'echo', [] as never)).code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(catchError(() => hub.callTool('local', '')).code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(catchError(() => hub.callTool('local', 'echo', {}, { timeoutMs: -1 })).code).toBe(ErrorCode.INVALID_ARGUMENT);
  });

  it('fails at start with INVALID_CONFIG naming the server and the key', () => {
    const error = catchError(() => McpHub.start({ mcpServers: { broken: { command: 'x', connectTimeout: 'soon' } } }));
    expect(error.code).toBe(ErrorCode.INVALID_CONFIG);
    expect(error.data).toMatchObject({ server: 'broken' });
    expect(error.message).toContain('connectTimeout');
  });
});

describe.each(['local', 'web'])('deadlines on %s', (server) => {
  it('time out with TIMEOUT, cancel the request, and never take the late reply for the next call', async () => {
    const started = performance.now();
    const error = catchError(() => hub.callTool(server, 'slow', { ms: 1500, text: 'late' }, { timeoutMs: 200 }));
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    expect(error.data).toMatchObject({ server });
    expect(performance.now() - started).toBeLessThan(1500);
    // Block past the moment the slow call would have answered: its reply (if any) is queued now.
    const until = Date.now() + 1600;
    while (Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    expect(hub.callTool(server, 'echo', { text: 'fresh' }).content[0]).toEqual({ type: 'text', text: 'fresh' });
    if (server === 'web') {
      // The server was told to stop: notifications/cancelled aborted its handler.
      const stats = await http.stats();
      expect(stats.cancelled).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('start options that cannot work', () => {
  it('fail start() with INVALID_ARGUMENT when the event log cannot be opened', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mcp-sync-log-')), 'a-file');
    writeFileSync(file, '');
    const error = catchError(() => McpHub.start({ mcpServers: {} }, { eventLog: join(file, 'sub', 'events.log') }).close());
    expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(error.message).toContain('event log');
  });
});
