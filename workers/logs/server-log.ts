/**
 * A stdio server's stderr log, `<logDir>/<server>.log`: opened once (safely, see log-files.ts) and
 * appended to by every child of that server, one line at a time with configured secrets redacted.
 * The last lines of the current child are kept in memory, so that a server that dies while
 * starting can say why in its error (`FATAL: missing API_KEY`) instead of only in the file.
 */
import type { Readable } from 'node:stream';
import { redactSecrets } from '../../src/shared/errors.js';
import { logPath } from '../../src/shared/log-paths.js';
import { appendLog, openLogFile } from './log-files.js';

/** How many of a child's last stderr lines are kept for its error. */
const TAIL_LINES = 12;
/** …and at most this many characters of them. */
const TAIL_CHARS = 2_000;
/** A partial line longer than this is written out without waiting for its newline. */
const MAX_PARTIAL_CHARS = 65_536;

export class ServerLog {
  readonly path: string;
  readonly #fd: number;

  /** @throws UnsafeLogError (log-files.ts) when the file must not be written */
  constructor(logDir: string, server: string) {
    this.path = logPath(logDir, server);
    this.#fd = openLogFile(this.path);
  }

  /** Appends one line of our own (a child starting). */
  note(line: string): void {
    appendLog(this.#fd, `--- ${new Date().toISOString()} ${redactSecrets(line)} ---\n`);
  }

  /** Copies a child's stderr into the log, line by line; returns its tail. */
  capture(stderr: Readable): StderrTail {
    const tail = new StderrTail();
    let partial = '';
    const write = (lines: string): void => {
      const text = redactSecrets(lines);
      appendLog(this.#fd, text);
      tail.add(text);
    };
    stderr.setEncoding('utf8');
    stderr.on('data', (chunk: string) => {
      partial += chunk;
      const end = partial.lastIndexOf('\n');
      if (end >= 0) {
        write(partial.slice(0, end + 1));
        partial = partial.slice(end + 1);
      }
      if (partial.length > MAX_PARTIAL_CHARS) {
        write(`${partial}\n`);
        partial = '';
      }
    });
    stderr.on('end', () => {
      if (partial !== '') write(`${partial}\n`);
    });
    return tail;
  }
}

/** The last lines a child wrote to stderr. */
export class StderrTail {
  #lines: string[] = [];

  add(text: string): void {
    for (const line of text.split('\n')) if (line.trim() !== '') this.#lines.push(line);
    if (this.#lines.length > TAIL_LINES) this.#lines = this.#lines.slice(-TAIL_LINES);
  }

  /** The kept lines, newest last, within {@link TAIL_CHARS}. */
  text(): string {
    const text = this.#lines.join('\n');
    return text.length > TAIL_CHARS ? `…${text.slice(-TAIL_CHARS)}` : text;
  }
}
