/**
 * Bounded memory: a call that ends stops its download; no answer larger than maxResponseBytes is
 * taken (and the session lives on); error texts are capped; a flooding server is throttled.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, McpHub } from '../../dist/src/index.js';
import { catchError, firstText } from '../helpers/calls.js';
import { eventually, readHostileState } from '../helpers/processes.js';
import { fixturePath, startHostileHttp, startHttpFixture, type HostileHttpServer, type HttpFixtureServer } from '../helpers/servers.js';

const HOSTILE = fixturePath('hostile-stdio');
let server: HostileHttpServer;
let dir: string;

beforeAll(async () => {
  server = await startHostileHttp();
  dir = mkdtempSync(join(tmpdir(), 'mcp-sync-limits-'));
});
afterAll(() => server.stop());

describe('a call that ends', () => {
  it('stops its HTTP body and socket at once when it times out', async () => {
    const hub = McpHub.start({ mcpServers: { h: { url: server.url } } }, { logDir: dir });
    try {
      const error = catchError(() => hub.callTool('h', 'drip', { bytes: 2e9, chunk: 65_536, everyMs: 5 }, { timeoutMs: 400 }));
      expect(error.code).toBe(ErrorCode.TIMEOUT);
      // The server sees its socket closed: it stops writing, and only the stats request's socket stays.
      expect(await eventually(async () => (await server.stats()).openSockets <= 2, 10_000)).toBe(true);
      const sent = (await server.stats()).bytesSent;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await server.stats()).bytesSent).toBe(sent);
      // The session itself is fine.
      expect(firstText(hub.callTool('h', 'echo', { text: 'still here' }))).toBe('still here');
    } finally {
      hub.close();
    }
  });
});

describe('maxResponseBytes', () => {
  it('fails a JSON answer over the limit with RESPONSE_TOO_LARGE, reads no further, and keeps the session', async () => {
    const hub = McpHub.start({ mcpServers: { h: { url: server.url, maxResponseBytes: 1_000_000 } } }, { logDir: dir });
    try {
      const generation = hub.servers()[0]!.generation;
      const error = catchError(() => hub.callTool('h', 'big', { bytes: 300e6 }, { timeoutMs: 60_000 }));
      expect(error.code).toBe(ErrorCode.RESPONSE_TOO_LARGE);
      expect(error.data).toMatchObject({ server: 'h', limit: 1_000_000 });
      expect(error.message).toContain("Raise 'maxResponseBytes'");
      expect(firstText(hub.callTool('h', 'echo', { text: 'next' }))).toBe('next');
      expect(hub.servers()[0]!.generation).toBe(generation);
      // The server stopped sending long before its 300 MB.
      expect(await eventually(async () => (await server.stats()).openSockets <= 2, 10_000)).toBe(true);
      expect((await server.stats()).bytesSent).toBeLessThan(100e6);
    } finally {
      hub.close();
    }
  });

  it('skips an SSE answer over the limit as it streams, answers its call RESPONSE_TOO_LARGE, and keeps the session', async () => {
    let sdkServer: HttpFixtureServer | undefined;
    const hub = await (async () => {
      sdkServer = await startHttpFixture({ name: 'sse-answers' });
      return McpHub.start({ mcpServers: { web: { url: sdkServer.url, maxResponseBytes: 100_000 } } }, { logDir: dir });
    })();
    try {
      const generation = hub.servers()[0]!.generation;
      expect(catchError(() => hub.callTool('web', 'big', { bytes: 1_000_000 })).code).toBe(ErrorCode.RESPONSE_TOO_LARGE);
      expect(firstText(hub.callTool('web', 'big', { bytes: 50_000 }))).toHaveLength(50_000);
      expect(hub.servers()[0]!.generation).toBe(generation);
    } finally {
      hub.close();
      await sdkServer?.stop();
    }
  });

  it('skips a stdio line over the limit without ending the session or the child', () => {
    const state = join(dir, 'big.json');
    const hub = McpHub.start(
      { mcpServers: { s: { command: process.execPath, args: [HOSTILE, '--state', state], maxResponseBytes: 1_000_000 } } },
      { logDir: dir },
    );
    try {
      const pid = readHostileState(state).pid;
      const error = catchError(() => hub.callTool('s', 'big', { bytes: 50e6 }));
      expect(error.code).toBe(ErrorCode.RESPONSE_TOO_LARGE);
      expect(error.data).toMatchObject({ bytes: expect.any(Number), limit: 1_000_000 });
      expect((error.data as { bytes: number }).bytes).toBeGreaterThan(50e6);
      expect(firstText(hub.callTool('s', 'echo', { text: 'same child' }))).toBe('same child');
      expect(readHostileState(state).pid).toBe(pid);
      expect(hub.servers()[0]!.generation).toBe(1);
    } finally {
      hub.close();
    }
  });

  it('takes a 5 MB file with its structured copy (server-filesystem) under the default limit', () => {
    const hub = McpHub.start(
      { mcpServers: { s: { command: process.execPath, args: [HOSTILE, '--state', join(dir, 'fs.json')] } } },
      { logDir: dir },
    );
    try {
      const result = hub.callTool('s', 'big', { bytes: 5e6, structured: true });
      expect(firstText(result)).toHaveLength(5e6);
      expect((result.structuredContent as { content: string }).content).toHaveLength(5e6);
    } finally {
      hub.close();
    }
  });
});

describe('error texts', () => {
  it('are capped, saying how much was left out, also in a registry handler', () => {
    const hub = McpHub.start({ mcpServers: { h: { url: server.url } } }, { logDir: dir });
    try {
      const error = catchError(() => hub.callTool('h', 'error-page', { bytes: 1 << 20 }));
      expect(error.data).toMatchObject({ httpStatus: 502 });
      expect(error.message.length).toBeLessThanOrEqual(4_096);
      expect(error.message).toMatch(/more characters omitted|not read/);
      const entry = hub.toolEntries().find((e) => e.name === 'mcp_h_error_page')!;
      expect(entry.handler({ bytes: 1 << 20 }).length).toBeLessThan(5_000);
    } finally {
      hub.close();
    }
  });
});

describe('a server flooding notifications', () => {
  it('is throttled: the other servers keep being answered, and the drops are counted in the event log', () => {
    const eventLog = join(dir, 'flood-events.log');
    const flood = join(dir, 'flood.json');
    const hub = McpHub.start(
      { mcpServers: { h: { url: server.url }, f: { command: process.execPath, args: [HOSTILE, '--state', flood, '--flood'] } } },
      { logDir: dir, eventLog },
    );
    try {
      for (let i = 0; i < 200; i++) expect(firstText(hub.callTool('h', 'echo', { text: `${i}` }))).toBe(`${i}`);
      expect(firstText(hub.callTool('f', 'echo', { text: 'flooder answers too' }))).toBe('flooder answers too');
    } finally {
      hub.close();
    }
    expect(readFileSync(eventLog, 'utf8')).toMatch(/'f' dropped \d+ notifications \(more than 1000\/s/);
  });
});
