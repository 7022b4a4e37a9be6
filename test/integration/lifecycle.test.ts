import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ErrorCode, McpHub, McpSyncError } from '../../dist/src/index.js';
import { fixturePath, stdioFixtureCommand } from '../helpers/servers.js';
import { CRASH_HANDLERS, crashWorkers } from '../helpers/calls.js';
import { isAlive, processState, waitUntil } from '../helpers/processes.js';

/** Process and thread lifetime: children, logs, environment, a dying worker, a forgotten close(). */

function textOf(result: { content: { type: string; text?: string }[] }): string {
  const block = result.content[0];
  return block?.type === 'text' && block.text !== undefined ? block.text : '';
}

describe('stdio children', () => {
  it('get only the safe environment variables plus the config env', () => {
    process.env['MCP_FIXTURE_LEAK'] = 'must-not-pass';
    process.env['SECRET_TOKEN_FOR_TEST'] = 'must-not-pass';
    const hub = McpHub.start({ mcpServers: { local: { ...stdioFixtureCommand('local'), env: { MCP_FIXTURE_GIVEN: 'given' } } } });
    try {
      const seen = JSON.parse(textOf(hub.callTool('local', 'env'))) as
        { keys: string[]; fixture: Record<string, string> } | Record<string, unknown>;
      const text = JSON.stringify(seen);
      expect(text).toContain('MCP_FIXTURE_GIVEN');
      expect(text).toContain('given');
      expect(text).not.toContain('MCP_FIXTURE_LEAK');
      expect(text).not.toContain('SECRET_TOKEN_FOR_TEST');
      expect(text).toContain('PATH');
    } finally {
      hub.close();
      delete process.env['MCP_FIXTURE_LEAK'];
      delete process.env['SECRET_TOKEN_FOR_TEST'];
    }
  });

  it("write stderr to the server's log file, not to the caller's terminal", () => {
    const logDir = mkdtempSync(join(tmpdir(), 'mcp-sync-logs-'));
    const hub = McpHub.start({ mcpServers: { chatty: stdioFixtureCommand('chatty') } }, { logDir });
    try {
      hub.callTool('chatty', 'stderr', { text: 'a line for the log' });
      const log = join(logDir, 'chatty.log');
      expect(waitUntil(() => readFileSync(log, 'utf8').includes('a line for the log'), 5_000)).toBe(true);
    } finally {
      hub.close();
    }
  });

  it('are ended by close(), which is idempotent and leaves the hub CLOSED', () => {
    const hub = McpHub.start({ mcpServers: { a: stdioFixtureCommand('a'), b: stdioFixtureCommand('b') } });
    const pids = ['a', 'b'].map((name) => Number(textOf(hub.callTool(name, 'pid'))));
    expect(pids.every(isAlive)).toBe(true);
    hub.close();
    hub.close();
    expect(waitUntil(() => !pids.some(isAlive), 10_000)).toBe(true);
    let error: unknown;
    try {
      hub.ping('a');
    } catch (caught) {
      error = caught;
    }
    expect((error as McpSyncError).code).toBe(ErrorCode.CLOSED);
  });
});

describe('a process that never calls close()', () => {
  it('exits by itself and leaves no stdio child behind', () => {
    const script = fileURLToPath(new URL('../../dist/test/fixtures/forgetful-script.js', import.meta.url));
    const run = spawnSync(process.execPath, [script, fixturePath('stdio-server')], { encoding: 'utf8', timeout: 30_000 });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    const pid = Number(run.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    expect(waitUntil(() => !isAlive(pid), 5_000)).toBe(true);
  });
});

describe('a worker that dies', () => {
  it('wakes the blocked caller with WORKER_EXITED, and later calls fail the same way', () => {
    const hub = McpHub.start({ mcpServers: { local: stdioFixtureCommand('local') } }, { handlers: CRASH_HANDLERS });
    const pid = Number(textOf(hub.callTool('local', 'pid')));
    crashWorkers();
    const started = performance.now();
    let error: unknown;
    try {
      // Blocks until the worker's exit hook wakes us — long before this 60 s deadline.
      hub.callTool('local', 'slow', { ms: 60_000 }, { timeoutMs: 60_000 });
    } catch (caught) {
      error = caught;
    }
    expect((error as McpSyncError).code).toBe(ErrorCode.WORKER_EXITED);
    expect((error as McpSyncError).message).toContain('crashed on purpose by a test');
    expect(performance.now() - started).toBeLessThan(30_000);
    let again: unknown;
    try {
      hub.ping('local');
    } catch (caught) {
      again = caught;
    }
    expect((again as McpSyncError).code).toBe(ErrorCode.WORKER_EXITED);
    hub.close();
    // Killed; but a zombie of this process for good: only the dead worker's thread could reap it.
    expect(waitUntil(() => processState(pid).state !== 'running', 10_000)).toBe(true);
  });
});
