import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, removeTempDirs, runCli, tempDir, writeConfig } from '../helpers/cli.js';
import { fixturePath, modernStdioCommand, stdioFixtureCommand } from '../helpers/servers.js';

/**
 * The `mcp-sync` command as installed: the files `npm pack` would publish, copied to a directory
 * of their own; the demo in the checkout and outside it; and what a terminal sees (progress lines),
 * through `script`, which gives the CLI a pseudo-terminal.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let packaged: string;

/** Copies the files `npm pack` lists into a fresh directory, with this checkout's node_modules. */
function installPackage(): string {
  const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  const [{ files }] = JSON.parse(pack.stdout) as [{ files: { path: string }[] }];
  const dir = join(tempDir('mcp-sync-pkg-'), 'mcp-sync');
  for (const { path } of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    copyFileSync(join(ROOT, path), join(dir, path));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

beforeAll(() => {
  packaged = installPackage();
});

afterAll(() => removeTempDirs());

describe('the installed command', () => {
  it('is an executable script that works from the published files alone', () => {
    expect(statSync(CLI).mode & 0o111).not.toBe(0);
    const bin = join(packaged, 'bin', 'mcp-sync.js');
    const direct = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(direct.status).toBe(0);
    const config = writeConfig({ local: stdioFixtureCommand('local') });
    expect(runCli(['call', 'local', 'echo', '{"text":"installed"}', '--config', config], { script: bin })).toMatchObject({
      code: 0,
      stdout: 'installed\n',
    });
  });

  it('runs the demo in a checkout, and says why it cannot outside one', () => {
    const demo = runCli(['demo']);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toContain('mcp-sync demo');
    expect(demo.stdout).toMatch(/remote\s+http\s+ready\s+legacy 2025-11-25/);
    expect(demo.stdout).toMatch(/modern\s+http\s+ready\s+modern 2026-07-28/);
    expect(demo.stdout).toContain('"no session to lose"');
    expect(existsSync(join(packaged, 'dist', 'examples'))).toBe(false);
    const outside = runCli(['demo', '--help'], { script: join(packaged, 'bin', 'mcp-sync.js') });
    expect(outside.stdout).toContain('needs a checkout of the repository');
    const refused = runCli(['demo'], { script: join(packaged, 'bin', 'mcp-sync.js') });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('not part of the npm package');
    expect(refused.stderr).toContain('npm run demo');
  });
});

const script = ['/usr/bin/script', '/bin/script'].find((path) => process.platform === 'linux' && existsSync(path));

/** Runs the CLI on a pseudo-terminal (util-linux `script`); returns everything the terminal got. */
function onTerminal(args: string[]): { code: number | null; screen: string } {
  const quoted = [process.execPath, CLI, ...args].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  const result = spawnSync(script ?? 'script', ['-qec', quoted, '/dev/null'], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, screen: result.stdout };
}

// The terminal tests need a pseudo-terminal, which util-linux `script` provides (present on
// Debian and in CI here); on a machine without it they are skipped rather than faked.
describe.skipIf(script === undefined)('on a terminal', () => {
  it('shows a progress line while a slow server connects, then clears it', () => {
    const launch = `sleep 1; exec '${process.execPath}' '${fixturePath('stdio-server')}' slow`;
    const config = writeConfig({ slow: { command: 'sh', args: ['-c', launch] } });
    const { code, screen } = onTerminal(['call', 'slow', 'echo', '{"text":"ready"}', '--config', config]);
    expect(code).toBe(0);
    expect(screen).toMatch(/connecting to MCP server 'slow'… \d\.\d s/);
    // The last progress frame is erased before the result is printed.
    expect(screen).toContain('\r\x1b[Kready');
  });

  it("shows a call's progress notifications on its progress line", () => {
    const config = writeConfig({ modern: modernStdioCommand() });
    const { code, screen } = onTerminal(['call', 'modern', 'slow', '{"ms":1500,"steps":5}', '--config', config]);
    expect(code).toBe(0);
    expect(screen).toMatch(/calling 'slow' on 'modern'… \d\.\d s — [1-5]\/5 \(\d+ %\)/);
    expect(screen).toContain('\r\x1b[Kdone');
  });

  it('counts progress notifications in the stress summary', () => {
    const config = writeConfig({ modern: modernStdioCommand() });
    const { code, screen } = onTerminal(['stress', 'modern', 'slow', '{"ms":2,"steps":2}', '-t', '2', '-n', '20', '--config', config]);
    expect(code).toBe(0);
    expect(screen).toMatch(/progress\s+40 notifications, each on its caller's thread/);
  });

  it('draws the stress progress bar in place, then the summary', () => {
    const config = writeConfig({ local: stdioFixtureCommand('local') });
    const { code, screen } = onTerminal(['stress', 'local', 'echo', '{"text":"x"}', '-t', '2', '--duration', '1', '--config', config]);
    expect(code).toBe(0);
    expect(screen).toContain('\r\x1b[K[█');
    expect(screen).toMatch(/\[█*░*\] \d+ calls {2}\d+ calls\/s {2}0 errors/);
    expect(screen).toMatch(/Stress: 'echo' on 'local' from 2 threads/);
  });
});
