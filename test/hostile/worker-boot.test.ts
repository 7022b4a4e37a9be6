/**
 * The I/O worker starts under any host flags, and a worker that cannot boot fails start() within
 * moments with WORKER_EXITED carrying the worker's own error — never a TIMEOUT after the connect
 * bound that hides it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../helpers/servers.js';

const LIBRARY = pathToFileURL(fileURLToPath(new URL('../../dist/src/index.js', import.meta.url))).href;

/** Runs `code` (an ES module) in a host process started with `nodeArgs`; returns what it printed last, parsed. */
function host(nodeArgs: string[], code: string): { ms: number; ok?: boolean; code?: string; message?: string } {
  const run = spawnSync(process.execPath, [...nodeArgs, code], { encoding: 'utf8', timeout: 60_000 });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  if (!line.startsWith('{')) throw new Error(`host printed no result (status ${run.status}): ${run.stderr}`);
  return JSON.parse(line) as { ms: number };
}

const START = (logDir: string): string => `
  import { McpHub } from ${JSON.stringify(LIBRARY)};
  const started = performance.now();
  try {
    const hub = McpHub.start({ mcpServers: { s: { command: process.execPath, args: [${JSON.stringify(fixturePath('hostile-stdio'))}], connectTimeout: 30 } } }, { logDir: ${JSON.stringify(logDir)} });
    const ok = hub.callTool('s', 'echo', { text: 'hi' }).content[0].text === 'hi';
    hub.close();
    console.log(JSON.stringify({ ms: performance.now() - started, ok }));
  } catch (error) {
    console.log(JSON.stringify({ ms: performance.now() - started, code: error.code, message: error.message }));
  }`;

describe('the I/O worker', () => {
  it('starts in a host run as `node --input-type=module -e` (a flag a worker must not inherit)', () => {
    const result = host(['--input-type=module', '-e'], START(mkdtempSync(join(tmpdir(), 'mcp-sync-boot-'))));
    expect(result).toMatchObject({ ok: true });
  });

  it("keeps the host's --import loaders, and fails start() at once with the worker's own error when one throws", () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-sync-boot-'));
    const loader = join(dir, 'loader.mjs');
    // Harmless on the main thread; in any worker thread it throws while loading.
    writeFileSync(
      loader,
      `import { isMainThread } from 'node:worker_threads';\nif (!isMainThread) throw new Error('loader exploded in the worker');\n`,
    );
    const script = join(dir, 'host.mjs');
    writeFileSync(script, START(dir));
    const result = host(['--import', pathToFileURL(loader).href], script);
    expect(result.code).toBe('WORKER_EXITED');
    expect(result.message).toContain('loader exploded in the worker');
    // Well under the 30 s connectTimeout + 10 s the start would otherwise have waited.
    expect(result.ms).toBeLessThan(15_000);
  });
});
