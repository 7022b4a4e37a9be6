/**
 * `npx tsx scripts/test-node-versions.ts 22 24`: the test suite (`vitest run`, against the build
 * `npm test` made) on other Node majors, installed from npm into `.tools/node<major>/`. Every child
 * the tests spawn with `process.execPath` — fixtures, CLI runs, hosts — runs on that Node too.
 * Prints one result line per version and exits non-zero if any version failed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNode } from './node-binary.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const majors = process.argv.slice(2).map(Number);
if (majors.length === 0 || majors.some((major) => !Number.isInteger(major))) {
  console.error('usage: tsx scripts/test-node-versions.ts <major> [<major> …]');
  process.exit(2);
}

interface Results {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
}

const lines: string[] = [];
let failed = false;
for (const major of majors) {
  const node = ensureNode(ROOT, major);
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const output = join(mkdtempSync(join(tmpdir(), 'mcp-sync-node-')), 'results.json');
  const started = performance.now();
  const run = spawnSync(
    node,
    [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile=${output}`],
    {
      cwd: ROOT,
      stdio: 'inherit',
      // `node` and `npx` found on PATH (stdio fixtures, npx-started servers) are this version too.
      env: { ...process.env, PATH: `${dirname(node)}:${process.env['PATH'] ?? ''}` },
    },
  );
  const seconds = Math.round((performance.now() - started) / 1000);
  let summary = `no results (exit ${run.status})`;
  try {
    const results = JSON.parse(readFileSync(output, 'utf8')) as Results;
    summary = `${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`;
  } catch {
    // vitest died before writing its report: the summary says so
  }
  if (run.status !== 0) failed = true;
  lines.push(`node ${version}: tests ${summary} (${seconds} s)`);
}
for (const line of lines) console.log(line);
process.exit(failed ? 1 : 0);
