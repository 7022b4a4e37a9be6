/**
 * Logs and secrets: log directories and files are the user's own and private, never reached
 * through a planted symlink; configured secret values are redacted by value wherever mcp-sync
 * writes or throws them — even values no pattern would recognise.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, McpHub } from '../../dist/src/index.js';
import { catchError } from '../helpers/calls.js';
import { fixturePath, startHostileHttp, type HostileHttpServer } from '../helpers/servers.js';

const HOSTILE = fixturePath('hostile-stdio');
const SECRET = 'plainsecret789';
let server: HostileHttpServer;

beforeAll(async () => {
  server = await startHostileHttp();
});
afterAll(() => server.stop());

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'mcp-sync-logs-'));
}

const stdio = { s: { command: process.execPath, args: [HOSTILE] } };

describe('log files', () => {
  it('are created 0600 in a 0700 directory', () => {
    const logDir = join(scratch(), 'new', 'logs');
    McpHub.start({ mcpServers: stdio }, { logDir }).close();
    expect(statSync(logDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(logDir, 's.log')).mode & 0o777).toBe(0o600);
    expect(statSync(join(logDir, 'mcp-sync.log')).mode & 0o777).toBe(0o600);
  });

  it('refuse a log directory anyone can write to, naming it and the fix', () => {
    const logDir = join(scratch(), 'open');
    mkdirSync(logDir);
    chmodSync(logDir, 0o777);
    const error = catchError(() => McpHub.start({ mcpServers: stdio }, { logDir, eventLog: false }));
    expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(error.message).toContain(`the log directory ${logDir} is writable by others (mode 0777)`);
    expect(error.message).toContain('chmod 700');
  });

  it('never follow a planted symlink: the target is left alone and start() says why', () => {
    const base = scratch();
    const logDir = join(base, 'logs');
    mkdirSync(logDir, { mode: 0o700 });
    const victim = join(base, 'victim.txt');
    writeFileSync(victim, 'original\n');
    symlinkSync(victim, join(logDir, 's.log'));
    const error = catchError(() => McpHub.start({ mcpServers: stdio }, { logDir, eventLog: false }));
    expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(error.message).toContain('is a symlink; refusing to write through it');
    expect(readFileSync(victim, 'utf8')).toBe('original\n');
  });

  it('refuse a symlinked log directory', () => {
    const base = scratch();
    mkdirSync(join(base, 'real'), { mode: 0o700 });
    symlinkSync(join(base, 'real'), join(base, 'link'));
    const error = catchError(() => McpHub.start({ mcpServers: stdio }, { logDir: join(base, 'link'), eventLog: false }));
    expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(error.message).toContain('is a symlink');
  });
});

describe('configured secrets', () => {
  it('are redacted by value from thrown errors, registry output and the event log', () => {
    const logDir = scratch();
    const eventLog = join(logDir, 'events.log');
    const hub = McpHub.start({ mcpServers: { h: { url: server.url, headers: { 'X-Api-Key': SECRET } } } }, { logDir, eventLog });
    try {
      // The server echoes the headers it got into its 400 answer, as "unknown client <key>".
      const error = catchError(() => hub.callTool('h', 'echo-secret'));
      expect(error.message).toContain('unknown client');
      expect(error.message).toContain('[REDACTED]');
      expect(error.message).not.toContain(SECRET);
      const entry = hub.toolEntries().find((e) => e.name === 'mcp_h_echo_secret')!;
      const output = entry.handler({});
      expect(output).toContain('[REDACTED]');
      expect(output).not.toContain(SECRET);
    } finally {
      hub.close();
    }
    expect(readFileSync(eventLog, 'utf8')).not.toContain(SECRET);
  });

  it("are redacted from a stdio server's stderr log and from the error of a server that died at start", () => {
    const logDir = scratch();
    const script = `echo "connecting with API_TOKEN $API_TOKEN" >&2; exit 1`;
    const hub = McpHub.start({ mcpServers: { s: { command: 'sh', args: ['-c', script], env: { API_TOKEN: SECRET } } } }, { logDir });
    try {
      const info = hub.servers()[0]!;
      expect(info.error?.message).toContain('connecting with API_TOKEN [REDACTED]');
      expect(JSON.stringify(info)).not.toContain(SECRET);
    } finally {
      hub.close();
    }
    const log = readFileSync(join(logDir, 's.log'), 'utf8');
    expect(log).toContain('connecting with API_TOKEN [REDACTED]');
    expect(log).not.toContain(SECRET);
  });
});
