/**
 * The verdict on one conformance scenario, from the `checks.json` the conformance CLI wrote.
 *
 * A scenario passes only with at least one SUCCESS, no FAILURE and no WARNING — and the CLI's
 * own verdict (its exit code, which also fails a client that crashed or timed out) must agree.
 * "No FAILURE" alone is not enough: `initialize` reports zero checks for a client that never
 * connects, and a WARNING is how the suite reports a SHOULD the client ignored.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One entry of `checks.json` (only the fields we read). */
export interface ConformanceCheck {
  id: string;
  name?: string;
  description?: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | string;
  errorMessage?: string;
}

/** What one scenario came to. */
export interface Judgement {
  passed: boolean;
  successes: number;
  failures: number;
  warnings: number;
  /** Why it did not pass: the first FAILURE or WARNING, or what was missing. */
  reason?: string;
}

/** The `checks.json` the CLI wrote somewhere under `dir` (it nests by scenario name and time), or undefined. */
export function readChecks(dir: string): ConformanceCheck[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return undefined;
  }
  const file = entries.find((entry) => entry === 'checks.json' || entry.endsWith('/checks.json'));
  if (file === undefined) return undefined;
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as ConformanceCheck[];
}

/** Judges a scenario from its checks and the CLI's exit code. */
export function judge(checks: ConformanceCheck[] | undefined, cliExitCode: number | null): Judgement {
  if (checks === undefined) return { passed: false, successes: 0, failures: 0, warnings: 0, reason: 'no checks.json written' };
  const count = (status: string): number => checks.filter((check) => check.status === status).length;
  const judgement: Judgement = { passed: false, successes: count('SUCCESS'), failures: count('FAILURE'), warnings: count('WARNING') };
  const bad = checks.find((check) => check.status === 'FAILURE') ?? checks.find((check) => check.status === 'WARNING');
  if (bad !== undefined) {
    judgement.reason = `${bad.status} ${bad.id}: ${bad.errorMessage ?? bad.description ?? ''}`.trim();
  } else if (judgement.successes === 0) {
    judgement.reason = 'no SUCCESS check: the client did not exercise the scenario';
  } else if (cliExitCode !== 0) {
    judgement.reason = `the conformance CLI failed the scenario (exit ${cliExitCode ?? 'signal'}): client crash or timeout`;
  } else {
    judgement.passed = true;
  }
  return judgement;
}
