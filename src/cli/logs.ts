/**
 * `mcp-sync logs [server] [--follow] [--duration S]`: what hubs on this machine logged in the
 * default log directory — the event log (recovery events and the servers' log messages,
 * `mcp-sync.log`) and each configured stdio server's stderr (`<server>.log`): their last lines,
 * then, with --follow, every new line as it is written (by any process's hub: a script, another
 * `mcp-sync` command), until Ctrl-C or the duration.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_LOG_DIR } from '../bridge/start.js';
import { EVENT_LOG_FILE, logPath } from '../shared/log-paths.js';
import type { Context } from './context.js';
import { serverConfig } from './find-config.js';
import { ExitCode } from './output.js';

/** Lines of each file shown first. */
const TAIL_LINES = 50;
/** How often --follow looks for new lines. */
const FOLLOW_POLL_MS = 250;

/** One log file: where it is, how its lines are labelled and filtered, and how far it was read. */
interface LogFile {
  path: string;
  label: string;
  keep: (line: string) => boolean;
  offset: number;
  partial: string;
}

/** Runs `logs`. */
export async function run(ctx: Context, [server]: string[]): Promise<ExitCode> {
  const config = ctx.config();
  const servers = server === undefined ? config.servers.filter((entry) => entry.enabled) : [serverConfig(config, server)];
  const events = join(DEFAULT_LOG_DIR, EVENT_LOG_FILE);
  const files: LogFile[] = [
    {
      path: events,
      label: 'events',
      keep: (line) => server === undefined || line.includes(` mcp-sync: '${server}' `),
      offset: 0,
      partial: '',
    },
    ...servers
      .filter((entry) => entry.transport === 'stdio')
      .map((entry) => ({ path: logPath(DEFAULT_LOG_DIR, entry.name), label: entry.name, keep: () => true, offset: 0, partial: '' })),
  ];
  for (const file of files) {
    ctx.output.print(`── ${file.label} (${file.path})`);
    const lines = readNew(file).slice(-TAIL_LINES);
    ctx.output.print(!existsSync(file.path) ? '(no file yet)' : lines.length === 0 ? '(nothing yet)' : lines.join('\n'));
  }
  if (!ctx.flags.follow) return ExitCode.OK;
  ctx.output.note(
    `Following ${files.length === 1 ? 'the event log' : `${files.length} logs`}${ctx.flags.durationMs === undefined ? ' (Ctrl-C to stop)' : ''} …`,
  );
  const timer = setInterval(() => {
    for (const file of files) for (const line of readNew(file)) ctx.output.print(files.length === 1 ? line : `[${file.label}] ${line}`);
  }, FOLLOW_POLL_MS);
  await untilStopped(ctx.flags.durationMs);
  clearInterval(timer);
  return ExitCode.OK;
}

/** The whole lines `file` gained since it was last read (from the start after a truncation), filtered. */
function readNew(file: LogFile): string[] {
  let size: number;
  try {
    size = statSync(file.path).size;
  } catch {
    return [];
  }
  if (size < file.offset) Object.assign(file, { offset: 0, partial: '' });
  if (size === file.offset) return [];
  const buffer = Buffer.alloc(size - file.offset);
  const fd = openSync(file.path, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, file.offset);
  } finally {
    closeSync(fd);
  }
  file.offset = size;
  const lines = (file.partial + buffer.toString('utf8')).split('\n');
  file.partial = lines.pop() ?? '';
  return lines.filter((line) => line !== '' && file.keep(line));
}

/** Resolves on Ctrl-C, SIGTERM, or after `durationMs`. */
export function untilStopped(durationMs: number | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = durationMs === undefined ? undefined : setTimeout(stop, durationMs);
    function stop(): void {
      clearTimeout(timer);
      process.off('SIGINT', stop).off('SIGTERM', stop);
      resolve();
    }
    process.once('SIGINT', stop).once('SIGTERM', stop);
  });
}
