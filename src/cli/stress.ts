/**
 * `mcp-sync stress <server> <tool> [json-args]`: N pool threads call one tool through the blocking
 * API (runStress, src/stress/run-stress.ts), with a live progress line on a terminal, then a summary.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stressReportHtml } from '../stress/html-report.js';
import { runStress } from '../stress/run-stress.js';
import { parseJsonArgs } from './args.js';
import { requireReady, withHub } from './connect.js';
import type { Context } from './context.js';
import { ExitCode } from './output.js';
import { progressLine, summaryLines } from './stress-view.js';

/** Caller threads when `--threads` is not given. */
export const DEFAULT_STRESS_THREADS = 4;
/** Calls when neither `--calls` nor `--duration` is given. */
export const DEFAULT_STRESS_CALLS = 1000;

/** Runs `stress`: exit 0 when every call succeeded, 1 when any did not. */
export async function run(ctx: Context, [server = '', tool = '', json]: string[]): Promise<ExitCode> {
  const args = parseJsonArgs(json, () => readFileSync(0, 'utf8'));
  const { flags, output } = ctx;
  const threads = flags.threads ?? DEFAULT_STRESS_THREADS;
  const calls = flags.calls ?? (flags.durationMs === undefined ? DEFAULT_STRESS_CALLS : undefined);
  return withHub(ctx, [server], async (hub) => {
    requireReady(hub, server);
    const progress = output.interactive ? progressLine(flags.durationMs) : undefined;
    const bound = [calls === undefined ? '' : `${calls} calls`, flags.durationMs === undefined ? '' : `${flags.durationMs / 1000} s`];
    if (!output.json)
      output.note(`Calling '${tool}' on '${server}' from ${threads} threads (${bound.filter(Boolean).join(', at most ')}) …`);
    let report;
    const startedAt = new Date();
    try {
      report = await runStress(hub, {
        server,
        tool,
        args,
        threads,
        ...(calls !== undefined && { calls }),
        ...(flags.durationMs !== undefined && { durationMs: flags.durationMs }),
        ...(flags.timeoutMs !== undefined && { timeoutMs: flags.timeoutMs }),
        ...(progress !== undefined && { onProgress: progress.update }),
      });
    } finally {
      progress?.clear();
    }
    output.result({ server, tool, threads, ...report }, () => output.print(summaryLines(server, tool, threads, report).join('\n')));
    if (flags.report !== undefined) {
      const path = resolve(flags.report);
      writeFileSync(path, stressReportHtml(report, { server, tool, threads, startedAt }));
      output.note(`mcp-sync: the run as a page: ${path}`);
    }
    const failed = report.calls - report.ok;
    if (failed === 0) return ExitCode.OK;
    output.note(`mcp-sync: ${failed} of ${report.calls} calls did not succeed (see errors in the summary)`);
    return ExitCode.FAILED;
  });
}
