import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, loadConfig, McpHub, McpSyncError, type ServerLogMessage } from '../../dist/src/index.js';
import { everythingPath, modernStdioCommand, startModernHttp, type ModernHttpServer } from '../helpers/servers.js';

/**
 * Server log messages (`notifications/message`): to the event log and to `onServerLog` listeners in
 * any thread, filtered by the server's `logLevel` (2025: logging/setLevel; 2026: each request's
 * `_meta`); and the server's instructions in `servers()` and the registry.
 */
const LISTENER = fileURLToPath(new URL('../../dist/test/fixtures/event-listener.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mcp-sync-logs-'));
const eventLog = join(dir, 'events.log');
let modern: ModernHttpServer;
let hub: McpHub;
const logs: string[] = [];

beforeAll(async () => {
  modern = await startModernHttp();
  hub = McpHub.start(
    {
      mcpServers: {
        web: { url: modern.url, logLevel: 'warning' },
        local: { ...modernStdioCommand(), logLevel: 'warning' },
        legacy: { ...modernStdioCommand(), protocol: 'legacy', log_level: 'warning' },
        quiet: modernStdioCommand(),
        everything: { command: process.execPath, args: [everythingPath(), 'stdio'], logLevel: 'debug' },
      },
    },
    { eventLog },
  );
  hub.onServerLog((server, message) => logs.push(`${server} ${message.level} ${message.logger ?? '-'} ${String(message.data)}`));
});

afterAll(async () => {
  hub?.close();
  await modern?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function until(condition: () => boolean): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (!condition() && Date.now() < deadline) await sleep(20);
  return condition();
}

describe('server log messages', () => {
  it.each(['web', 'local', 'legacy'])('%s: reach onServerLog and the event log, at logLevel and above only', async (server) => {
    hub.callTool(server, 'log', { level: 'info', message: `chatty ${server}` });
    hub.callTool(server, 'log', { level: 'error', message: `broken ${server}` });
    expect(await until(() => logs.includes(`${server} error fixture broken ${server}`))).toBe(true);
    expect(logs.some((line) => line.includes(`chatty ${server}`))).toBe(false);
    expect(readFileSync(eventLog, 'utf8')).toContain(`mcp-sync: '${server}' log error [fixture]: broken ${server}`);
  });

  it('a 2026 server without a logLevel is asked for none (the level rides on each request)', async () => {
    hub.callTool('quiet', 'log', { level: 'emergency', message: 'unheard' });
    hub.callTool('local', 'log', { level: 'error', message: 'marker' });
    expect(await until(() => logs.includes('local error fixture marker'))).toBe(true);
    expect(logs.some((line) => line.startsWith('quiet'))).toBe(false);
  });

  it('reach a listener in another thread', async () => {
    const listener = new Worker(LISTENER, { workerData: { handle: hub.handle() } });
    const received: ServerLogMessage[] = [];
    listener.on('message', (message: { type?: string; message?: ServerLogMessage }) => {
      if (message.type === 'serverLog' && message.message !== undefined) received.push(message.message);
    });
    await once(listener, 'message');
    hub.callTool('legacy', 'log', { level: 'critical', message: 'to the other thread' });
    expect(await until(() => received.some((message) => message.data === 'to the other thread'))).toBe(true);
    listener.postMessage('stop');
    await once(listener, 'exit');
  });

  it('server-everything: its simulated log messages arrive at logLevel debug', async () => {
    hub.callTool('everything', 'toggle-simulated-logging', {});
    expect(await until(() => logs.some((line) => line.startsWith('everything ')))).toBe(true);
    hub.callTool('everything', 'toggle-simulated-logging', {});
  });

  it('refuses an unknown logLevel naming the key and the levels', () => {
    let error: unknown;
    try {
      loadConfig({ mcpServers: { s: { command: 'x', logLevel: 'verbose' } } });
    } catch (caught) {
      error = caught;
    }
    expect((error as McpSyncError).code).toBe(ErrorCode.INVALID_CONFIG);
    expect((error as McpSyncError).message).toContain(`'logLevel' must be one of "debug", "info"`);
  });
});

describe('instructions', () => {
  it('are in servers() and on every registry entry of the server', () => {
    expect(hub.servers().find((info) => info.name === 'web')?.instructions).toBe('I am modern-fixture');
    const entries = hub.toolEntries().filter((entry) => entry.server === 'local');
    expect(entries.length).toBeGreaterThan(3);
    expect(new Set(entries.map((entry) => entry.instructions))).toEqual(new Set(['I am modern-fixture']));
  });
});
