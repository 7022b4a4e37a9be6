/**
 * A stress run as one self-contained HTML page (`mcp-sync stress --report <file.html>`): inline
 * SVG charts and CSS, no script, nothing fetched — it opens from disk, offline, anywhere. Calls/s
 * and p50/p95/p99 over time, the latency histogram, failures by code over time with one sample
 * message per code, and reconnects marked on every timeline.
 */
import type { StressReport } from './run-stress.js';
import type { StressPoint } from './timeline.js';

/** What the page says the run was. */
export interface ReportContext {
  server: string;
  tool: string;
  threads: number;
  /** When the run started. */
  startedAt: Date;
}

const WIDTH = 860;
const HEIGHT = 220;
const PAD = { left: 64, right: 16, top: 14, bottom: 30 };
/** Colours of the series and failure codes, in order. */
const PALETTE = ['#2563eb', '#d97706', '#dc2626', '#059669', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#9ca3af'];

/** The page. */
export function stressReportHtml(report: StressReport, context: ReportContext): string {
  const { server, tool, threads, startedAt } = context;
  const title = `mcp-sync stress: ${server} / ${tool}`;
  const failed = report.calls - report.ok;
  const summary: [string, string][] = [
    ['started', startedAt.toISOString()],
    ['threads', String(threads)],
    ['calls', `${report.calls.toLocaleString('en')} (${report.ok.toLocaleString('en')} ok, ${failed.toLocaleString('en')} not)`],
    ['duration', `${(report.durationMs / 1000).toFixed(1)} s`],
    ['calls/s', report.callsPerSecond.toFixed(0)],
    ['latency p50 / p95 / p99 / max', ['p50', 'p95', 'p99', 'max'].map((q) => ms(report.latencyMs[q as 'p50'])).join(' / ')],
    ['reconnects', String(report.recoveries)],
    ['faults injected', String(report.faults)],
    ['progress notifications', String(report.progress)],
    ['peak RSS', `${(report.peakRssBytes / 2 ** 20).toFixed(0)} MB`],
    ['hung / unfinished', `${report.hung} / ${report.unfinished}`],
  ];
  const points = report.timeline;
  const recoveries = points.filter((point) => point.recoveries > 0).map((point) => point.atMs);
  const codes = [...new Set(points.flatMap((point) => Object.keys(point.failures)))];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:${WIDTH + 40}px;color:#111}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}table{border-collapse:collapse}
td,th{padding:3px 10px;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top}
svg{display:block;margin:6px 0}.axis{font-size:11px;fill:#555}.legend span{margin-right:14px}
.swatch{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
code{font-size:12px;white-space:pre-wrap;word-break:break-word}
</style></head><body>
<h1>${esc(title)}</h1>
<table>${summary.map(([key, value]) => `<tr><th>${esc(key)}</th><td>${esc(value)}</td></tr>`).join('')}</table>
<h2>Calls per second</h2>
${legend([['calls/s', PALETTE[0]!], ...(recoveries.length > 0 ? ([['reconnect', '#dc2626']] as [string, string][]) : [])])}
${lineChart(points, [{ values: points.map((p) => (p.calls * 1000) / Math.max(1, p.spanMs)), colour: PALETTE[0]! }], recoveries, (v) => v.toFixed(0))}
<h2>Latency of successful calls (ms)</h2>
${legend([
  ['p50', PALETTE[0]!],
  ['p95', PALETTE[1]!],
  ['p99', PALETTE[2]!],
])}
${lineChart(
  points,
  (['p50', 'p95', 'p99'] as const).map((q, i) => ({ values: points.map((p) => p[q]), colour: PALETTE[i]! })),
  recoveries,
  (v) => ms(v),
)}
<h2>Latency histogram (successful calls)</h2>
${histogram(report)}
<h2>Failures over time</h2>
${codes.length === 0 ? '<p>None.</p>' : `${legend(codes.map((code, i) => [code, colourOf(i)]))}${failureChart(points, codes, recoveries)}`}
${samples(report)}
<p class="axis">Written by mcp-sync. Times are from the start of the calls; a point is about one second (merged in pairs on long runs). Red lines: reconnects.</p>
</body></html>
`;
}

interface Series {
  values: number[];
  colour: string;
}

/** Lines over the timeline, with vertical marks at `marks` (ms). */
function lineChart(points: readonly StressPoint[], series: Series[], marks: number[], label: (value: number) => string): string {
  if (points.length === 0) return '<p>No samples (the run was shorter than a second).</p>';
  const top = Math.max(1e-9, ...series.flatMap((s) => s.values)) * 1.1;
  const x = xScale(points);
  const y = (v: number): number => PAD.top + (HEIGHT - PAD.top - PAD.bottom) * (1 - v / top);
  const lines = series.map(
    (s) =>
      `<polyline fill="none" stroke="${s.colour}" stroke-width="1.6" points="${s.values.map((v, i) => `${x(points[i]!.atMs).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`,
  );
  return svg([...axes(points, top, label), ...markLines(marks, x), ...lines]);
}

/** Stacked bars of failures per interval, one colour per code. */
function failureChart(points: readonly StressPoint[], codes: string[], marks: number[]): string {
  const totals = points.map((p) => codes.reduce((n, code) => n + (p.failures[code] ?? 0), 0));
  const top = Math.max(1, ...totals) * 1.1;
  const x = xScale(points);
  const barWidth = Math.max(1, (WIDTH - PAD.left - PAD.right) / Math.max(1, points.length) - 1);
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const bars: string[] = [];
  points.forEach((point) => {
    let base = HEIGHT - PAD.bottom;
    codes.forEach((code, c) => {
      const h = ((point.failures[code] ?? 0) / top) * plotHeight;
      if (h <= 0) return;
      base -= h;
      const left = x(point.atMs) - barWidth;
      bars.push(
        `<rect x="${left.toFixed(1)}" y="${base.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${h.toFixed(1)}" fill="${colourOf(c)}"><title>${esc(`${code}: ${point.failures[code]} (at ${(point.atMs / 1000).toFixed(1)} s)`)}</title></rect>`,
      );
    });
  });
  return svg([...axes(points, top, (v) => v.toFixed(0)), ...markLines(marks, x), ...bars]);
}

/** The latency histogram as bars over log-spaced bins. */
function histogram(report: StressReport): string {
  const bins = report.latencyHistogram;
  if (bins.length === 0) return '<p>No successful calls.</p>';
  const top = Math.max(...bins.map((bin) => bin.count)) * 1.1;
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const barWidth = plotWidth / bins.length;
  const bars = bins.map((bin, i) => {
    const h = (bin.count / top) * plotHeight;
    const left = PAD.left + i * barWidth;
    const labelEvery = Math.ceil(bins.length / 10);
    const tick =
      i % labelEvery === 0
        ? `<text class="axis" x="${(left + barWidth / 2).toFixed(1)}" y="${HEIGHT - 10}" text-anchor="middle">≤${esc(ms(bin.upToMs))}</text>`
        : '';
    return `<rect x="${(left + 1).toFixed(1)}" y="${(HEIGHT - PAD.bottom - h).toFixed(1)}" width="${Math.max(1, barWidth - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${PALETTE[0]}"><title>${esc(`≤ ${ms(bin.upToMs)}: ${bin.count} calls`)}</title></rect>${tick}`;
  });
  const yTicks = [0, 0.5, 1].map((f) => {
    const y = PAD.top + plotHeight * (1 - f / 1.1);
    return `<text class="axis" x="${PAD.left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${((top / 1.1) * f).toFixed(0)}</text>`;
  });
  return svg([
    `<line x1="${PAD.left}" y1="${HEIGHT - PAD.bottom}" x2="${WIDTH - PAD.right}" y2="${HEIGHT - PAD.bottom}" stroke="#999"/>`,
    ...yTicks,
    ...bars,
  ]);
}

/** One sample message per failure code, as the run kept them. */
function samples(report: StressReport): string {
  const entries = Object.entries(report.samples);
  if (entries.length === 0) return '';
  const counts: Record<string, number> = { ...report.errors, isError: report.toolErrors, other: report.otherErrors };
  const rows = entries.map(
    ([code, message]) => `<tr><th>${esc(code)}</th><td>${counts[code] ?? ''}</td><td><code>${esc(message)}</code></td></tr>`,
  );
  return `<h2>A message per failure code</h2><table><tr><th>code</th><th>calls</th><th>sample message</th></tr>${rows.join('')}</table>`;
}

function xScale(points: readonly StressPoint[]): (atMs: number) => number {
  const end = Math.max(1, points.at(-1)?.atMs ?? 1);
  return (atMs) => PAD.left + ((WIDTH - PAD.left - PAD.right) * atMs) / end;
}

/** The x axis in seconds and the y axis with three labels. */
function axes(points: readonly StressPoint[], top: number, label: (value: number) => string): string[] {
  const end = points.at(-1)?.atMs ?? 0;
  const x = xScale(points);
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const parts = [
    `<line x1="${PAD.left}" y1="${HEIGHT - PAD.bottom}" x2="${WIDTH - PAD.right}" y2="${HEIGHT - PAD.bottom}" stroke="#999"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${HEIGHT - PAD.bottom}" stroke="#999"/>`,
  ];
  for (const f of [0, 0.5, 1]) {
    const y = PAD.top + plotHeight * (1 - f / 1.1);
    parts.push(`<text class="axis" x="${PAD.left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${esc(label((top / 1.1) * f))}</text>`);
  }
  for (let i = 0; i <= 5; i++) {
    const at = (end * i) / 5;
    parts.push(`<text class="axis" x="${x(at).toFixed(1)}" y="${HEIGHT - 10}" text-anchor="middle">${(at / 1000).toFixed(1)} s</text>`);
  }
  return parts;
}

function markLines(marks: number[], x: (atMs: number) => number): string[] {
  return marks.map(
    (at) =>
      `<line x1="${x(at).toFixed(1)}" y1="${PAD.top}" x2="${x(at).toFixed(1)}" y2="${HEIGHT - PAD.bottom}" stroke="#dc2626" stroke-dasharray="4 3"><title>reconnect</title></line>`,
  );
}

function svg(parts: string[]): string {
  return `<svg width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img">${parts.join('')}</svg>`;
}

function legend(entries: [string, string][]): string {
  return `<div class="legend">${entries.map(([name, colour]) => `<span><i class="swatch" style="background:${colour}"></i>${esc(name)}</span>`).join('')}</div>`;
}

function colourOf(index: number): string {
  return PALETTE[(index + 2) % PALETTE.length]!;
}

function ms(value: number): string {
  return value >= 100 ? `${value.toFixed(0)} ms` : value >= 1 ? `${value.toFixed(1)} ms` : `${(value * 1000).toFixed(0)} µs`;
}

/** Text made safe for HTML (a server's error message may hold anything). */
function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
