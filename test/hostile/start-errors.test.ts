/**
 * Start-up errors that say what to do, as a new user meets them: a server that dies at start, a
 * command that does not exist, a wrong URL path, a slow start, an unknown tool, a hub passed
 * where a handle belongs, the CLI mistyped or run before a build.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, McpHub } from '../../dist/src/index.js';
import { catchError } from '../helpers/calls.js';
import { fixturePath, startHostileHttp, stdioFixtureCommand, type HostileHttpServer } from '../helpers/servers.js';

const HOSTILE = fixturePath('hostile-stdio');
const BIN = fileURLToPath(new URL('../../bin/mcp-sync.js', import.meta.url));
/** Retries that would show: 3 of them, 2 s apart. */
const SLOW_RETRIES = { connectRetries: 3, backoffMs: 2_000, parkedProbeMs: 600_000 };
let server: HostileHttpServer;
let dir: string;

beforeAll(async () => {
  server = await startHostileHttp();
  dir = mkdtempSync(join(tmpdir(), 'mcp-sync-start-'));
});
afterAll(() => server.stop());

/** The `servers()` row of a hub with one server `x`, closed again. */
function startOne(config: Record<string, unknown>): ReturnType<McpHub['servers']>[number] {
  const hub = McpHub.start({ mcpServers: { x: config } }, { logDir: dir, recovery: SLOW_RETRIES });
  try {
    return hub.servers()[0]!;
  } finally {
    hub.close();
  }
}

describe('a server that cannot start', () => {
  it.each([
    ['legacy', 1],
    // auto: the 2026 probe meets a closed connection, which a strict 2025 server also gives: one
    // more start as a 2025 server, then the error — never the connect retries.
    ['auto', 2],
  ] as const)(
    'that exits at start (protocol %s): its exit code and last stderr lines in the error, started at most %i times',
    (protocol, starts) => {
      const file = join(dir, `starts-${protocol}.txt`);
      const command = `echo started >> "${file}"; exec "${process.execPath}" "${HOSTILE}" --die-at-start 3`;
      const info = startOne({ command: 'sh', args: ['-c', command], protocol });
      expect(info.state).toBe('failed');
      expect(info.error).toMatchObject({ code: ErrorCode.TRANSPORT_ERROR, data: { exitCode: 3 } });
      expect(info.error!.message).toContain('exited with code 3 while starting');
      expect(info.error!.message).toContain('FATAL: missing API_KEY');
      expect(info.error!.message).toMatch(/x\.log/);
      expect(readFileSync(file, 'utf8').trim().split('\n').length).toBeLessThanOrEqual(starts);
    },
  );

  it('whose calls then say why', () => {
    const hub = McpHub.start({ mcpServers: { x: { command: process.execPath, args: [HOSTILE, '--die-at-start', '1'] } } }, { logDir: dir });
    try {
      const error = catchError(() => hub.callTool('x', 'echo'));
      expect(error.code).toBe(ErrorCode.NOT_CONNECTED);
      expect(error.message).toContain('FATAL: missing API_KEY');
    } finally {
      hub.close();
    }
  });

  it('whose command does not exist: ENOENT named with the command and PATH, not retried', () => {
    const started = performance.now();
    const info = startOne({ command: 'no-such-mcp-server-command' });
    expect(info.error).toMatchObject({ code: ErrorCode.TRANSPORT_ERROR, data: { errno: 'ENOENT', command: 'no-such-mcp-server-command' } });
    expect(info.error!.message).toContain("the command 'no-such-mcp-server-command' was not found on PATH");
    // Three retries 2 s apart would take 6 s or more.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('behind a wrong URL path (404 at initialize): says to check the path, not that a session was lost', () => {
    const info = startOne({ url: server.url.replace('/mcp', '/wrong') });
    expect(info.error).toMatchObject({ code: ErrorCode.TRANSPORT_ERROR, data: { httpStatus: 404 } });
    expect(info.error!.message).toContain('check the URL path in its config (usually /mcp');
    expect(info.error!.message).not.toMatch(/session/i);
  });

  it('that is too slow: TIMEOUT naming connectTimeout', () => {
    const info = startOne({ command: 'sh', args: ['-c', 'sleep 30'], connectTimeout: 1 });
    expect(info.error?.code).toBe(ErrorCode.TIMEOUT);
    expect(info.error!.message).toContain('within 1 s (its connectTimeout)');
    expect(info.error!.message).toContain("raise 'connectTimeout'");
  });
});

describe('mistakes in calls', () => {
  it('an unknown tool: UNKNOWN_TOOL with the closest listed name, or how many the server lists', () => {
    const hub = McpHub.start({ mcpServers: { local: stdioFixtureCommand('local') } }, { logDir: dir });
    try {
      const error = catchError(() => hub.callTool('local', 'ecoh', { text: 'x' }));
      expect(error.code).toBe(ErrorCode.UNKNOWN_TOOL);
      expect(error.data).toMatchObject({ server: 'local', tool: 'ecoh', suggestion: 'echo' });
      expect(error.message).toContain("did you mean 'echo'?");
      // A library error (a registry hands it to a model): no CLI advice; the CLI adds its own hint.
      expect(error.message).not.toContain('mcp-sync');
      const far = catchError(() => hub.callTool('local', 'no-such-thing'));
      expect(far.code).toBe(ErrorCode.UNKNOWN_TOOL);
      expect(far.data).not.toHaveProperty('suggestion');
      expect(far.message).toMatch(/has no tool 'no-such-thing' \(it lists \d+ tools\)/);
      // The SDK server's own "MCP error -32602:" is said once, not twice.
      expect(error.message.match(/MCP error/g) ?? []).toHaveLength(0);
    } finally {
      hub.close();
    }
  });

  it('attach(hub) instead of attach(hub.handle()): INVALID_ARGUMENT saying what to pass', () => {
    const hub = McpHub.start({ mcpServers: {} }, { logDir: dir });
    try {
      const error = catchError(() => McpHub.attach(hub as never));
      expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
      expect(error.message).toContain('pass hub.handle()');
      expect(catchError(() => McpHub.attach({} as never)).code).toBe(ErrorCode.INVALID_ARGUMENT);
    } finally {
      hub.close();
    }
  });
});

describe('the CLI', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: dir });

  it('suggests the command and the flag that were meant', () => {
    const command = cli('tols');
    expect(command.status).toBe(2);
    expect(command.stderr).toContain("unknown command 'tols' — did you mean 'tools'?");
    const flag = cli('tools', '--jsn');
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain('unknown flag --jsn — did you mean --json?');
  });

  it('run before a build says to build, with no stack trace', () => {
    const checkout = mkdtempSync(join(tmpdir(), 'mcp-sync-unbuilt-'));
    mkdirSync(join(checkout, 'bin'));
    copyFileSync(BIN, join(checkout, 'bin', 'mcp-sync.js'));
    const run = spawnSync(process.execPath, [join(checkout, 'bin', 'mcp-sync.js'), 'tools'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the CLI is not built yet');
    expect(run.stderr).toContain('npm run build');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
