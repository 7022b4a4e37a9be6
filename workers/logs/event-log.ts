/**
 * The hub's event log: one line per recovery event (session expired, reconnected, parked …).
 * Written synchronously from the worker — a worker's `process.stderr` is relayed through the
 * main thread, which may be blocked in a call for as long as the event matters.
 */
import { dirname } from 'node:path';
import { redactSecrets } from '../../src/shared/errors.js';
import { appendLog, openLogFile, secureLogDir } from './log-files.js';
import type { RecoveryLog } from '../session/server-session.js';

/**
 * `'stderr'`, a file path, or null for no log. The file is opened at once (0600, never through a
 * symlink, see log-files.ts); writing never throws: a log must not break a call.
 * @throws when the file cannot be opened safely
 */
export function createEventLog(target: string | null): RecoveryLog {
  if (target === null) return () => undefined;
  let fd = 2;
  if (target !== 'stderr') {
    secureLogDir(dirname(target));
    fd = openLogFile(target);
  }
  return (server, event) => appendLog(fd, `${new Date().toISOString()} mcp-sync: '${server}' ${redactSecrets(event)}\n`);
}
