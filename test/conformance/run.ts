/**
 * `npm run test:conformance`: the official MCP conformance client scenarios
 * (`@modelcontextprotocol/conformance`, two pinned versions in tools.ts) against mcp-sync, driven
 * through its synchronous API by client.ts. Needs the built library (`npm run build`).
 *
 * Each scenario runs alone: the suite's own `--suite all` runs them in parallel, and the timing
 * check of `sse-retry` (reconnect 450–700 ms after the stream closes) is flaky when two cores are
 * shared by many clients. The CLI runs on Node 22 from `.tools/`; the client on this Node.
 *
 * Verdicts come from each scenario's checks.json (judge.ts) and are compared with the suite's
 * expected-failures/<version>.json (scenario → why it cannot pass yet). The run fails (exit 1) on
 * an unexpected failure, and also on an expected failure that now passes or an entry that names no
 * scenario: the list must be pruned when a feature lands, or a later regression would hide behind
 * the stale entry. The closing lines, one per suite, count passed scenarios and unexpected failures.
 *
 * Usage: tsx test/conformance/run.ts [--suite <version>] [scenario ...]
 *   (no --suite: every pinned suite; no names: every client scenario of the suite)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { judge, readChecks, type Judgement } from './judge.js';
import { CONFORMANCE_VERSIONS, ensureTools, ToolInstallError, type ConformanceVersion, type Tools } from './tools.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLIENT = 'test/conformance/client.ts';
const EXPECTED_FAILURES = join(ROOT, 'test', 'conformance', 'expected-failures');
const RESULTS_DIR = join(ROOT, '.conformance', 'results');
/** The CLI's deadline for one client run (its default); the CLI itself gets a minute more. */
const SCENARIO_TIMEOUT_MS = 30_000;

type Outcome = 'pass' | 'fail' | 'expected-fail' | 'unexpected-pass';

/** Every client scenario the pinned CLI knows, in its order. */
function listScenarios(tools: Tools): string[] {
  const listed = spawnSync(tools.node22, [tools.cli, 'list', '--client'], { cwd: ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`conformance list --client failed: ${listed.stderr}`);
  const names = [...listed.stdout.matchAll(/^\s+-\s+(\S+)/gm)].map((match) => match[1] ?? '');
  if (names.length === 0) throw new Error(`conformance list --client printed no scenarios:\n${listed.stdout}`);
  return names;
}

/** Runs one scenario with the CLI and judges it. */
function runScenario(tools: Tools, version: string, scenario: string): { judgement: Judgement; outDir: string; clientError?: string } {
  const outDir = join(RESULTS_DIR, version, scenario.replaceAll('/', '__'));
  rmSync(outDir, { recursive: true, force: true });
  // The CLI splits --command on spaces and appends the server URL; the client runs on this Node.
  const command = `${process.execPath} --import tsx ${CLIENT}`;
  const args = [tools.cli, 'client', '--command', command, '--scenario', scenario, '--timeout', String(SCENARIO_TIMEOUT_MS), '-o', outDir];
  const cli = spawnSync(tools.node22, args, { cwd: ROOT, encoding: 'utf8', timeout: SCENARIO_TIMEOUT_MS + 60_000, maxBuffer: 64 << 20 });
  const judgement = judge(readChecks(outDir), cli.status);
  const clientError = /conformance client \([^)]*\): (.*)/.exec(cli.stderr ?? '')?.[1];
  return { judgement, outDir, ...(clientError !== undefined && { clientError }) };
}

function loadExpectedFailures(version: string): Record<string, string> {
  return JSON.parse(readFileSync(join(EXPECTED_FAILURES, `${version}.json`), 'utf8')) as Record<string, string>;
}

function outcomeOf(passed: boolean, expectedToFail: boolean): Outcome {
  if (passed) return expectedToFail ? 'unexpected-pass' : 'pass';
  return expectedToFail ? 'expected-fail' : 'fail';
}

/** The verdict of one suite: its closing line, and whether it passed. */
interface SuiteResult {
  line: string;
  ok: boolean;
}

/** Runs `wanted` (or every) scenario of one suite version; undefined when its tools cannot be installed. */
function runSuite(version: ConformanceVersion, wanted: string[]): SuiteResult | number {
  let tools: Tools;
  try {
    tools = ensureTools(ROOT, version);
  } catch (error) {
    if (!(error instanceof ToolInstallError)) throw error;
    console.error(`conformance ${version}: cannot install the conformance tools into .tools/: ${error.message}`);
    return 2;
  }
  const started = performance.now();
  const expected = loadExpectedFailures(version);
  const all = listScenarios(tools);
  const unknown = wanted.filter((name) => !all.includes(name));
  if (unknown.length > 0) {
    console.error(`conformance ${version}: unknown scenario(s): ${unknown.join(', ')}`);
    return 2;
  }
  const scenarios = wanted.length > 0 ? wanted : all;
  const width = Math.max(...scenarios.map((name) => name.length));
  console.log(`\n@modelcontextprotocol/conformance@${version}: ${scenarios.length} client scenarios`);
  console.log(`${'scenario'.padEnd(width)}  ${'verdict'.padEnd(15)}  ok fail warn  expected-failure`);
  const counts: Record<Outcome, string[]> = { pass: [], fail: [], 'expected-fail': [], 'unexpected-pass': [] };
  for (const scenario of scenarios) {
    const { judgement, outDir, clientError } = runScenario(tools, version, scenario);
    const reason = expected[scenario];
    const outcome = outcomeOf(judgement.passed, reason !== undefined);
    counts[outcome].push(scenario);
    const numbers = `${String(judgement.successes).padStart(2)} ${String(judgement.failures).padStart(4)} ${String(judgement.warnings).padStart(4)}`;
    console.log(`${scenario.padEnd(width)}  ${outcome.padEnd(15)}  ${numbers}  ${reason === undefined ? '-' : 'yes'}`);
    if (outcome === 'fail') {
      console.log(`    ${judgement.reason ?? ''}`);
      if (clientError !== undefined) console.log(`    client: ${clientError.slice(0, 300)}`);
      console.log(`    results: ${relative(ROOT, outDir)}/`);
    }
  }
  // Entries for scenarios the CLI no longer has are stale too (checked only on a full run).
  const stale = wanted.length > 0 ? [] : Object.keys(expected).filter((name) => !all.includes(name));
  const file = `expected-failures/${version}.json`;
  if (counts['expected-fail'].length > 0) console.log(`expected failures (${file}): ${counts['expected-fail'].join(', ')}`);
  if (counts['unexpected-pass'].length > 0) {
    console.log(`unexpectedly passing — remove from ${file}: ${counts['unexpected-pass'].join(', ')}`);
  }
  if (stale.length > 0) console.log(`${file} names unknown scenarios — remove: ${stale.join(', ')}`);
  if (counts.fail.length > 0) console.log(`unexpected failures: ${counts.fail.join(', ')}`);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const passed = counts.pass.length + counts['unexpected-pass'].length;
  const expectedFailures = counts['expected-fail'].length;
  return {
    line: `conformance ${version}: ${passed} passed, ${counts.fail.length} failed, ${expectedFailures} expected failures of ${scenarios.length} (${seconds} s)`,
    ok: counts.fail.length === 0 && counts['unexpected-pass'].length === 0 && stale.length === 0,
  };
}

function main(): number {
  if (process.execPath.includes(' ') || ROOT.includes(' ')) {
    console.error('conformance: the CLI splits --command on spaces; run from a path without spaces');
    return 2;
  }
  if (!existsSync(join(ROOT, 'dist', 'src', 'index.js'))) {
    console.error('conformance: dist/ is missing: run `npm run build` first');
    return 2;
  }
  const args = process.argv.slice(2);
  const suiteAt = args.indexOf('--suite');
  const suite = suiteAt >= 0 ? args.splice(suiteAt, 2)[1] : undefined;
  const versions = CONFORMANCE_VERSIONS.filter((version) => suite === undefined || version === suite);
  if (versions.length === 0) {
    console.error(`conformance: unknown --suite ${suite ?? ''} (pinned: ${CONFORMANCE_VERSIONS.join(', ')})`);
    return 2;
  }
  const results: SuiteResult[] = [];
  for (const version of versions) {
    const result = runSuite(version, args);
    if (typeof result === 'number') return result;
    results.push(result);
  }
  console.log('');
  for (const result of results) console.log(result.line);
  return results.every((result) => result.ok) ? 0 : 1;
}

process.exitCode = main();
