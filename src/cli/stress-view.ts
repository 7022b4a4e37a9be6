/** How `mcp-sync stress` shows a run: a progress line redrawn in place, then the summary. */
import type { StressProgress, StressReport } from '../stress/run-stress.js';

const BAR_WIDTH = 24;

/** A progress line on stderr, redrawn in place (a terminal only); `clear()` removes it. */
export function progressLine(durationMs: number | undefined): { update: (progress: StressProgress) => void; clear: () => void } {
  let drawn = false;
  return {
    update: ({ done, total, errors, elapsedMs }) => {
      const fraction = total !== undefined ? done / total : durationMs !== undefined ? elapsedMs / durationMs : 0;
      const filled = Math.round(Math.min(1, Math.max(0, fraction)) * BAR_WIDTH);
      const rate = elapsedMs > 0 ? Math.round(done / (elapsedMs / 1000)) : 0;
      const bar = `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}]`;
      process.stderr.write(
        `\r\x1b[K${bar} ${done}${total === undefined ? '' : `/${total}`} calls  ${rate} calls/s  ${errors} errors  ${(elapsedMs / 1000).toFixed(1)} s`,
      );
      drawn = true;
    },
    clear: () => {
      if (drawn) process.stderr.write('\r\x1b[K');
    },
  };
}

const ms = (value: number): string => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;

/** The summary of a run, as lines of text. */
export function summaryLines(server: string, tool: string, threads: number, report: StressReport): string[] {
  const { latencyMs: l } = report;
  const errors = Object.entries(report.errors)
    .filter(([, count]) => (count ?? 0) > 0)
    .map(([code, count]) => `${code} ${count}`);
  if (report.toolErrors > 0) errors.push(`tool errors (isError) ${report.toolErrors}`);
  if (report.otherErrors > 0) errors.push(`other ${report.otherErrors}`);
  if (report.mismatched > 0) errors.push(`MISMATCHED ${report.mismatched}`);
  const rows: [string, string][] = [
    ['calls', `${report.calls} (${report.ok} ok)`],
    ['duration', `${(report.durationMs / 1000).toFixed(2)} s`],
    ['throughput', `${Math.round(report.callsPerSecond)} calls/s`],
    ['latency', report.ok === 0 ? 'n/a (no call succeeded)' : `p50 ${ms(l.p50)} · p95 ${ms(l.p95)} · p99 ${ms(l.p99)} · max ${ms(l.max)}`],
    ['errors', errors.length === 0 ? 'none' : errors.join(', ')],
    ['hung', report.unfinished > 0 ? `${report.hung} (${report.unfinished} never returned)` : String(report.hung)],
    ['recoveries', `${report.recoveries} new session${report.recoveries === 1 ? '' : 's'}`],
    ...(report.progress > 0 ? [['progress', `${report.progress} notifications, each on its caller's thread`] as [string, string]] : []),
    ['peak memory', `${Math.round(report.peakRssBytes / 2 ** 20)} MB RSS (the whole process, I/O worker included)`],
  ];
  // One message per kind of failure, so a count comes with its why.
  const samples = Object.entries(report.samples).map(([kind, message]) => `  ${''.padEnd(13)}${kind}: ${message.split('\n')[0]}`);
  return [
    `Stress: '${tool}' on '${server}' from ${threads} thread${threads === 1 ? '' : 's'}`,
    ...rows.flatMap(([k, v]) => (k === 'errors' ? [`  ${k.padEnd(13)}${v}`, ...samples] : [`  ${k.padEnd(13)}${v}`])),
  ];
}
