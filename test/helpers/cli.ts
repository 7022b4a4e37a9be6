import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { startHttpFixture, stdioFixtureCommand, type HttpFixtureServer } from './servers.js';

/** The `mcp-sync` command as package.json's `bin` names it (a launcher of dist/src/cli/main.js). */
export const CLI = fileURLToPath(new URL('../../bin/mcp-sync.js', import.meta.url));

/** One finished run of the CLI. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options of a run. */
export interface CliOptions {
  /** Working directory. @default a fresh empty temp directory (no ./mcp.json) */
  cwd?: string;
  /** Environment on top of this process's, without MCP_SYNC_CONFIG unless given here. */
  env?: Record<string, string>;
  /** Written to the CLI's stdin. */
  input?: string;
  /** The script to run. @default {@link CLI} */
  script?: string;
}

const dirs: string[] = [];

/** A temp directory, removed by {@link removeTempDirs}. */
export function tempDir(prefix = 'mcp-sync-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Removes every directory {@link tempDir} made. */
export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes `{mcpServers: servers}` to `<dir>/<name>` and returns its path. */
export function writeConfig(servers: Record<string, unknown>, dir = tempDir(), name = 'mcp.json'): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ mcpServers: servers }, null, 2));
  return path;
}

function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (extra['MCP_SYNC_CONFIG'] === undefined) delete env['MCP_SYNC_CONFIG'];
  return env;
}

/** Runs the CLI to the end (this thread waits: the servers it talks to are child processes). */
export function runCli(args: string[], options: CliOptions = {}): CliRun {
  const result = spawnSync(process.execPath, [options.script ?? CLI, ...args], {
    cwd: options.cwd ?? tempDir(),
    env: environment(options.env),
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Starts the CLI and leaves this thread's event loop free (for a login, whose browser step the
 * test plays). `waitFor(re)` resolves with the first match of `re` on stderr; `done` with the run.
 */
export function startCli(
  args: string[],
  options: CliOptions = {},
): { waitFor: (re: RegExp) => Promise<RegExpMatchArray>; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [options.script ?? CLI, ...args], { cwd: options.cwd ?? tempDir(), env: environment(options.env) });
  child.stdin.end();
  const run: CliRun = { code: null, stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (run.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (run.stderr += chunk));
  const done = once(child, 'close').then(([code]) => ({ ...run, code: code as number | null }));
  const waitFor = async (re: RegExp): Promise<RegExpMatchArray> => {
    for (;;) {
      const match = run.stderr.match(re);
      if (match !== null) return match;
      if (child.exitCode !== null) throw new Error(`the CLI exited (${child.exitCode}) before printing ${re}:\n${run.stderr}`);
      await Promise.race([once(child.stderr, 'data'), once(child, 'exit')]);
    }
  };
  return { waitFor, done };
}

/** The JSON a `--json` run printed on stdout. */
export function json<T = Record<string, unknown>>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * The setup of the CLI tests: the HTTP fixture as `web` and a stdio fixture as `local`, in a
 * written mcp.json; `run(...args)` runs the binary against it. Registers its own beforeAll/afterAll.
 */
export function useCliFixtures(): { http(): HttpFixtureServer; config(): string; run(...args: string[]): CliRun } {
  let http: HttpFixtureServer | undefined;
  let config = '';
  beforeAll(async () => {
    http = await startHttpFixture({ name: 'web' });
    config = writeConfig({ local: stdioFixtureCommand('local'), web: { url: http.url } });
  });
  afterAll(async () => {
    await http?.stop();
    removeTempDirs();
  });
  return {
    http: () => http!,
    config: () => config,
    run: (...args: string[]) => runCli([...args, '--config', config]),
  };
}
