/** Where the hub writes its logs, known to the worker (which writes them) and the CLI (which reads them). */
import { join } from 'node:path';

/** The event log's file name in the log directory (recovery events, servers' log messages). */
export const EVENT_LOG_FILE = 'mcp-sync.log';

/** The path of a stdio server's stderr log: `<logDir>/<server>.log`, unsafe characters as `_`. */
export function logPath(logDir: string, server: string): string {
  return join(logDir, `${server.replace(/[^A-Za-z0-9_.-]/g, '_')}.log`);
}
