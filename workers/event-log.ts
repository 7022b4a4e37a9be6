/**
 * The hub's event log: one line per recovery event (session expired, reconnected, parked …).
 * Written synchronously from the worker — a worker's `process.stderr` is relayed through the
 * main thread, which may be blocked in a call for as long as the event matters.
 */
import { appendFileSync, mkdirSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { redactSecrets } from '../src/errors.js';
import type { RecoveryLog } from './session.js';

/** `'stderr'`, a file path, or null for no log. Never throws: a log must not break a call. */
export function createEventLog(target: string | null): RecoveryLog {
  if (target === null) return () => undefined;
  if (target !== 'stderr') mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  return (server, event) => {
    const line = `${new Date().toISOString()} mcp-sync: '${server}' ${redactSecrets(event)}\n`;
    try {
      if (target === 'stderr') writeSync(2, line);
      else appendFileSync(target, line, { mode: 0o600 });
    } catch {
      // a full disk or a closed fd must not fail the call that logged
    }
  };
}
