/**
 * No process outlives its hub or its host: stdio children that obey stdin EOF and ones that
 * ignore EOF and SIGTERM, their grandchildren, children abandoned by a connect timeout or replaced
 * after a crash, and a host killed by a signal. Checked in /proc (ps elsewhere), zombies included.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ErrorCode, McpHub } from '../../dist/src/index.js';
import { catchError } from '../helpers/calls.js';
import { fixturePath } from '../helpers/servers.js';
import { eventually, isAlive, readHostileState, waitUntil, zombieChildren } from '../helpers/processes.js';

const HOSTILE = fixturePath('hostile-stdio');
const LIBRARY = pathToFileURL(fileURLToPath(new URL('../../dist/src/index.js', import.meta.url))).href;
/** A child that ignores stdin EOF and SIGTERM and has a grandchild that ignores SIGTERM too. */
const STUBBORN = ['--ignore-eof', '--ignore-term', '--grandchild'];

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'mcp-sync-processes-'));
}

function hostile(dir: string, name: string, flags: string[] = []): { config: Record<string, unknown>; state: string } {
  const state = join(dir, `${name}.json`);
  return { config: { command: process.execPath, args: [HOSTILE, '--state', state, ...flags] }, state };
}

function kill(...pids: (number | null)[]): void {
  for (const pid of pids) {
    if (pid === null) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

describe('close()', () => {
  it('ends and reaps an obedient child every time: no zombie left after ten start/close cycles', () => {
    const dir = scratch();
    const pids: number[] = [];
    for (let i = 0; i < 10; i++) {
      const { config, state } = hostile(dir, `s${i}`);
      const hub = McpHub.start({ mcpServers: { s: config } }, { logDir: dir });
      pids.push(readHostileState(state).pid);
      hub.close();
    }
    // Reaped before close() returned: not even a zombie is left, without waiting for anything.
    expect(pids.filter(isAlive)).toEqual([]);
    expect(zombieChildren().filter((pid) => pids.includes(pid))).toEqual([]);
  });

  it('ends a child that ignores stdin EOF and SIGTERM, and its grandchild, before it returns', () => {
    const dir = scratch();
    const { config, state } = hostile(dir, 's', STUBBORN);
    const hub = McpHub.start({ mcpServers: { s: config } }, { logDir: dir });
    const { pid, grandchild } = readHostileState(state);
    expect(isAlive(pid) && grandchild !== null && isAlive(grandchild)).toBe(true);
    hub.close();
    try {
      expect(isAlive(pid)).toBe(false);
      expect(isAlive(grandchild!)).toBe(false);
    } finally {
      kill(pid, grandchild);
    }
  });

  it('ends a server started behind `sh -c` that ignores EOF (the server is a grandchild of ours)', () => {
    const dir = scratch();
    const state = join(dir, 's.json');
    const command = `"${process.execPath}" "${HOSTILE}" --state "${state}" --ignore-eof --ignore-term; true`;
    const hub = McpHub.start({ mcpServers: { s: { command: 'sh', args: ['-c', command] } } }, { logDir: dir });
    const { pid } = readHostileState(state);
    expect(hub.callTool('s', 'echo', { text: 'through sh' }).content).toEqual([{ type: 'text', text: 'through sh' }]);
    hub.close();
    try {
      expect(isAlive(pid)).toBe(false);
    } finally {
      kill(pid);
    }
  });
});

describe('abandoned and replaced children', () => {
  it('kills a child still starting when connectTimeout expires, and does not leave it to the host', () => {
    const dir = scratch();
    const pidFile = join(dir, 'sh.pid');
    const config = { command: 'sh', args: ['-c', `echo $$ > "${pidFile}"; sleep 30; exec node "${HOSTILE}"`], connectTimeout: 1 };
    const hub = McpHub.start({ mcpServers: { slow: config } }, { logDir: dir, recovery: { connectRetries: 0, parkedProbeMs: 600_000 } });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    try {
      expect(hub.servers()[0]).toMatchObject({ state: 'failed', error: { code: 'TIMEOUT' } });
      // Abandoned in the background (no grace for stdin EOF: it never became a server): gone soon.
      expect(waitUntil(() => !isAlive(pid), 5_000)).toBe(true);
    } finally {
      hub.close();
      kill(pid);
    }
  });

  it('ends the children spawned at start-up when the start fails for another reason (a handlers module that cannot load)', () => {
    const dir = scratch();
    const pidFile = join(dir, 'child.pid');
    const config = { command: 'sh', args: ['-c', `echo $$ > "${pidFile}"; exec "${process.execPath}" "${HOSTILE}" --ignore-eof`] };
    const error = catchError(() => McpHub.start({ mcpServers: { s: config } }, { logDir: dir, handlers: join(dir, 'missing.js') }));
    expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
    // Spawned as the worker booted, before the handlers module failed (see early-children.ts) …
    expect(waitUntil(() => existsSync(pidFile), 5_000)).toBe(true);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    try {
      // … and ended with the hub, before start() threw: nothing is left running, not even a zombie.
      expect(isAlive(pid)).toBe(false);
    } finally {
      kill(pid);
    }
  });

  it('ends the grandchildren of a child that crashed, and respawns it', () => {
    const dir = scratch();
    const { config, state } = hostile(dir, 's', ['--grandchild']);
    const hub = McpHub.start({ mcpServers: { s: config } }, { logDir: dir });
    const first = readHostileState(state);
    try {
      process.kill(first.pid, 'SIGKILL');
      // The grandchild ignores SIGTERM: the sweep of the dead child's group ends it with SIGKILL.
      expect(waitUntil(() => !isAlive(first.grandchild!), 5_000)).toBe(true);
      expect(hub.waitForReady('s', { timeoutMs: 10_000 })).toBe('ready');
      expect(readHostileState(state).pid).not.toBe(first.pid);
    } finally {
      const second = readHostileState(state);
      hub.close();
      kill(first.grandchild, second.pid, second.grandchild);
    }
  });
});

describe('a host that dies', () => {
  /** Starts a host process with a stubborn child; resolves once it has connected. */
  async function startHost(dir: string): Promise<{ host: ReturnType<typeof spawn>; pid: number; grandchild: number }> {
    const { config, state } = hostile(dir, 's', STUBBORN);
    const script = join(dir, 'host.mjs');
    writeFileSync(
      script,
      `import { McpHub } from ${JSON.stringify(LIBRARY)};\n` +
        `McpHub.start(${JSON.stringify({ mcpServers: { s: config } })}, { logDir: ${JSON.stringify(dir)} });\n` +
        `console.log('ready');\nsetInterval(() => {}, 1000);\n`,
    );
    const host = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      host.stdout!.once('data', () => resolve());
      host.once('exit', (code) => reject(new Error(`host exited early with ${code}`)));
    });
    const { pid, grandchild } = readHostileState(state);
    return { host, pid, grandchild: grandchild! };
  }

  it.each(['SIGTERM', 'SIGINT', 'SIGKILL'] as const)(
    'killed by %s leaves no child or grandchild running, even ones that ignore EOF and SIGTERM',
    async (signal) => {
      const { host, pid, grandchild } = await startHost(scratch());
      try {
        expect(isAlive(pid) && isAlive(grandchild)).toBe(true);
        const exited = new Promise((resolve) => host.once('exit', resolve));
        host.kill(signal);
        await exited;
        // The guard sends SIGTERM at once and SIGKILL a second later.
        expect(await eventually(() => !isAlive(pid) && !isAlive(grandchild), 5_000)).toBe(true);
      } finally {
        kill(pid, grandchild);
      }
    },
  );

  it('that simply ends without close() takes a stubborn child with it', async () => {
    const dir = scratch();
    const { config, state } = hostile(dir, 's', STUBBORN);
    const script = join(dir, 'forgetful.mjs');
    writeFileSync(
      script,
      `import { McpHub } from ${JSON.stringify(LIBRARY)};\n` +
        `const hub = McpHub.start(${JSON.stringify({ mcpServers: { s: config } })}, { logDir: ${JSON.stringify(dir)} });\n` +
        `hub.callTool('s', 'echo', { text: 'x' });\n`,
    );
    const host = spawn(process.execPath, [script], { stdio: 'inherit' });
    const code = await new Promise((resolve) => host.once('exit', resolve));
    const { pid, grandchild } = readHostileState(state);
    try {
      expect(code).toBe(0);
      expect(await eventually(() => !isAlive(pid) && !isAlive(grandchild!), 5_000)).toBe(true);
    } finally {
      kill(pid, grandchild);
    }
  });
});
