/**
 * The stdio transport: a server as a child process, spoken to in newline-delimited JSON-RPC. Ours
 * rather than the SDK's, because the SDK's leaves the child behind (its close() neither waits for
 * the exit nor reaches grandchildren, and a second close() does nothing), buffers an answer of any
 * size before failing the whole session, and cannot say whether a request was written.
 *
 * - The child runs in a process group of its own, ended as a whole (child-group.ts).
 * - An answer over `maxResponseBytes` is skipped as it streams in; the request waiting for it gets a
 *   RESPONSE_TOO_LARGE answer and the session lives on (line-reader.ts).
 * - A request that cannot be written (no process, arguments not JSON) fails certain: NotSentError
 *   or NotSerializableError (transport-errors.ts); once written, a death of the child is uncertain.
 * - Excess notifications are dropped (notification-budget.ts); stderr goes to the server's log,
 *   its last lines kept for the error of a child that dies while starting (server-log.ts).
 */
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';
import { ChildGroup, type ChildExit, type SpawnOptions } from './child-group.js';
import { LineReader, type OversizedMessage } from './line-reader.js';
import { NotificationBudget, isNotification } from './notification-budget.js';
import type { ServerLog, StderrTail } from '../logs/server-log.js';
import { NotSentError, localFailureAnswer, serialize } from './transport-errors.js';

/** What a stdio transport needs besides the command. */
export interface StdioTransportOptions extends SpawnOptions {
  /** Largest message taken from the server, in bytes. */
  maxMessageBytes: number;
  /** The server's stderr log. */
  log: ServerLog;
  /** Told of what a caller cannot see: oversized messages skipped, notifications dropped. */
  report(event: string): void;
  /** Told the child's pid as soon as it runs (published for the host's exit sweep). */
  onSpawn(pid: number): void;
  /** A child spawned already for this transport (early-children.ts); else start() spawns one. */
  spawned?: Promise<SpawnedServer>;
}

/** A server's process, its stderr going to its log from the first byte, its output held for the transport. */
export interface SpawnedServer {
  group: ChildGroup;
  tail: StderrTail;
  /** Stops holding the output: what it wrote so far, for the transport to read first. */
  release(): Buffer[];
}

/** Output held beyond this (a server that writes before it is asked anything) waits in its pipe. */
const HOLD_LIMIT_BYTES = 1 << 20;

/**
 * Spawns a server. Its streams are read from the start — a child that writes and dies before a
 * transport reads it would otherwise take its last words with it (Node drops unread output once
 * the child has closed).
 * @throws the spawn error (ENOENT, EACCES…)
 */
export async function spawnServer(options: SpawnOptions, log: ServerLog): Promise<SpawnedServer> {
  log.note(`starting ${options.command}`);
  const group = await ChildGroup.spawn(options);
  const { stdout, stderr } = group.process;
  const tail = log.capture(stderr);
  const held: Buffer[] = [];
  let bytes = 0;
  const hold = (chunk: Buffer): void => {
    held.push(chunk);
    if ((bytes += chunk.length) > HOLD_LIMIT_BYTES) stdout.pause();
  };
  stdout.on('data', hold);
  return { group, tail, release: () => (stdout.off('data', hold), held) };
}

/** How long reading from a flooding server pauses (see #throttle). */
const FLOOD_PAUSE_MS = 50;

export class StdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly #options: StdioTransportOptions;
  readonly #budget: NotificationBudget;
  #group: ChildGroup | undefined;
  #tail: StderrTail | undefined;
  #closed = false;

  constructor(options: StdioTransportOptions) {
    this.#options = options;
    this.#budget = new NotificationBudget(options.report);
  }

  /** The child's pid while it runs. */
  get pid(): number | undefined {
    return this.#group?.exit === undefined ? this.#group?.pid : undefined;
  }

  /** How the child ended, once it has. */
  get exit(): ChildExit | undefined {
    return this.#group?.exit;
  }

  /**
   * The child's stderr stream (read by the log). Its presence, with `pid`, is how the SDK tells a
   * stdio transport from an HTTP one: a stdio server that does not answer the 2026 `server/discover`
   * probe in time is taken for a 2025 one, not for a failure.
   */
  get stderr(): NodeJS.ReadableStream | null {
    return this.#group?.process.stderr ?? null;
  }

  /** The server's stderr log file. */
  get logPath(): string {
    return this.#options.log.path;
  }

  /** The child's last stderr lines. */
  stderrTail(): string {
    return this.#tail?.text() ?? '';
  }

  /** Spawns the server, or takes the one spawned for it. @throws the spawn error (ENOENT, EACCES…) */
  async start(): Promise<void> {
    const { group, tail, release } = await (this.#options.spawned ?? spawnServer(this.#options, this.#options.log));
    this.#group = group;
    this.#tail = tail;
    this.#options.onSpawn(group.pid);
    const child = group.process;
    const reader = new LineReader(
      this.#options.maxMessageBytes,
      (line) => this.#onLine(line),
      (message) => this.#onOversized(message),
    );
    for (const chunk of release()) reader.push(chunk);
    child.stdout.on('data', (chunk: Buffer) => reader.push(chunk));
    child.stdout.resume();
    // EPIPE when the child is gone: its 'close' below ends the session.
    child.stdin.on('error', () => undefined);
    // After every stream of the child is done, so its last answers are read before we call it
    // closed — and a child spawned early may be closed already, its streams empty.
    void group.closed.then(() => this.#finish());
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const text = `${serialize(message)}\n`;
    const stdin = this.#group?.process.stdin;
    if (this.#closed || stdin === undefined || this.#group?.exit !== undefined || !stdin.writable) {
      throw new NotSentError('the server process is not running');
    }
    if (!stdin.write(text)) await new Promise<void>((resolve) => stdin.once('drain', resolve));
  }

  /** Ends the server (stdin EOF, SIGTERM, SIGKILL) and resolves once it and its group are gone. */
  async close(): Promise<void> {
    await this.#group?.stop(true);
    this.#finish();
  }

  /** Ends a server that never became usable (a connect that failed): no grace for stdin EOF. */
  abandon(): Promise<void> {
    return this.#group?.stop(false) ?? Promise.resolve();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#budget.flush();
    this.onclose?.();
  }

  #onLine(line: Buffer): void {
    if (this.#budget.exhausted) {
      this.#throttle();
      // A flood is dropped before it costs a parse: a line without any "id" is a notification.
      if (line.indexOf('"id"') < 0) return this.#budget.drop();
    }
    let message: unknown;
    try {
      message = JSON.parse(line.toString('utf8'));
    } catch {
      this.onerror?.(new Error(`the server wrote a line that is not JSON: ${line.toString('utf8', 0, 200)}`));
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    if (isNotification(message) && !this.#budget.take()) return;
    this.onmessage?.(message as JSONRPCMessage);
  }

  /**
   * A server over its notification budget is read no faster than the budget refills: reading
   * pauses for {@link FLOOD_PAUSE_MS}, and the flood waits in its own pipe (its writes block)
   * instead of taking the worker's time from the other servers.
   */
  #throttle(): void {
    const stdout = this.#group?.process.stdout;
    if (stdout === undefined || stdout.isPaused()) return;
    stdout.pause();
    setTimeout(() => stdout.resume(), FLOOD_PAUSE_MS).unref();
  }

  #onOversized({ bytes, id, hasMethod }: OversizedMessage): void {
    const limit = this.#options.maxMessageBytes;
    const what = `a message of ${bytes} bytes (over maxResponseBytes = ${limit})`;
    if (id === undefined) return this.#options.report(`skipped ${what}: a notification`);
    if (hasMethod) {
      // A request to us we could not read: answer it, so the server does not wait forever.
      this.#options.report(`skipped ${what}: a request from the server, answered with an error`);
      void this.send({ jsonrpc: '2.0', id, error: { code: -32600, message: `Request too large (${bytes} bytes, limit ${limit})` } }).catch(
        () => undefined,
      );
      return;
    }
    this.#options.report(`skipped ${what}: the answer to request ${id}`);
    const text = `the answer was ${bytes} bytes, over maxResponseBytes (${limit})`;
    this.onmessage?.(localFailureAnswer(id, { kind: 'too-large', bytes, limit }, text) as JSONRPCMessage);
  }
}
