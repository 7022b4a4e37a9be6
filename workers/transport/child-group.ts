/**
 * A stdio server's process and everything it starts, in a process group of its own, and the one
 * way to end them: stdin EOF, then SIGTERM to the group, then SIGKILL — each step only if the one
 * before did not work, and the whole of it awaited until the server has exited and been reaped
 * (a worker thread that exits first leaves its children as zombies for the life of the host).
 *
 * Every live group is known here, so that closing the hub can wait for all of them — abandoned
 * connect attempts and replaced children included — before the worker lets go, and every group is
 * under the child guard (child-guard.ts) while it lives, for the host that dies by a signal.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { guardGroup, releaseGroup } from './child-guard.js';

/** How long a server may take to exit after stdin EOF before it gets SIGTERM. */
export const EOF_GRACE_MS = 2_000;
/** How long after SIGTERM before SIGKILL. */
export const TERM_GRACE_MS = 1_500;
/** How long descendants left behind by an exited server get after SIGTERM before SIGKILL. */
const ORPHAN_GRACE_MS = 500;
/** How often a group is checked for members while it is being ended. */
const POLL_MS = 50;

/** How a server process ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What a stdio server is started with. */
export interface SpawnOptions {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  cwd?: string;
}

/** Process groups are a POSIX thing; on Windows only the child itself is signalled. */
const GROUPS = process.platform !== 'win32';

export class ChildGroup {
  static readonly #live = new Set<ChildGroup>();
  readonly process: ChildProcessWithoutNullStreams;
  readonly pid: number;
  /** Resolves when the server process has exited (and been reaped). */
  readonly exited: Promise<ChildExit>;
  /** Resolves when the process has exited and its stdio streams are closed (its 'close'). */
  readonly closed: Promise<void>;
  /** Resolves when the process and the rest of its group are gone. */
  readonly #gone: Promise<void>;
  #exit: ChildExit | undefined;
  #stopping: Promise<void> | undefined;
  /** Cuts a graceful stop's wait for stdin EOF short (a later stop that may not wait). */
  #hurry: (() => void) | undefined;

  private constructor(child: ChildProcessWithoutNullStreams, pid: number) {
    this.process = child;
    this.pid = pid;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      }),
    );
    this.closed = new Promise((resolve) => child.once('close', () => resolve()));
    if (GROUPS) guardGroup(pid);
    ChildGroup.#live.add(this);
    // However the server ends — by itself, a crash, or stop() — what it started goes with it.
    this.#gone = this.exited
      .then(() => this.#endOrphans())
      .finally(() => {
        if (GROUPS) releaseGroup(pid);
        ChildGroup.#live.delete(this);
      });
  }

  /**
   * Spawns a server in a new process group; resolves once it runs, rejects with the spawn error
   * (ENOENT, EACCES…) when it cannot start.
   */
  static spawn(options: SpawnOptions): Promise<ChildGroup> {
    return new Promise((resolve, reject) => {
      const child = spawn(options.command, options.args, {
        env: options.env,
        ...(options.cwd !== undefined && { cwd: options.cwd }),
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: GROUPS,
        windowsHide: true,
      });
      child.once('error', reject);
      child.once('spawn', () => {
        child.off('error', reject);
        resolve(new ChildGroup(child, child.pid!));
      });
    });
  }

  /** Resolves when every live server of this worker is gone (after each one's stop, or its own exit). */
  static async allGone(): Promise<void> {
    await Promise.all([...ChildGroup.#live].map((group) => group.#gone));
  }

  /** Ends every live server now (the worker is going away). */
  static stopAll(): Promise<void> {
    return Promise.all([...ChildGroup.#live].map((group) => group.stop())).then(() => undefined);
  }

  /** Undefined while it runs. */
  get exit(): ChildExit | undefined {
    return this.#exit;
  }

  /**
   * Ends the server and its descendants and resolves once they are gone. `graceful`: stdin EOF
   * first (a server may flush its state); otherwise (a connect attempt abandoned, a server that
   * never answered) straight to SIGTERM. Idempotent.
   */
  stop(graceful = true): Promise<void> {
    // The SDK closes a client whose connect failed before we abandon it: no grace then either.
    if (!graceful) this.#hurry?.();
    this.#stopping ??= this.#stop(graceful);
    return this.#stopping;
  }

  async #stop(graceful: boolean): Promise<void> {
    if (this.#exit === undefined) {
      this.process.stdin.end();
      if (graceful) await new Promise<void>((resolve) => void within(this.exited, EOF_GRACE_MS).then((this.#hurry = resolve)));
      if (this.#exit === undefined) {
        this.#signal('SIGTERM');
        await within(this.exited, TERM_GRACE_MS);
      }
      if (this.#exit === undefined) this.#signal('SIGKILL');
    }
    await this.#gone;
  }

  /** Descendants still in the group after the server exited: SIGTERM, a short grace, SIGKILL. */
  async #endOrphans(): Promise<void> {
    if (!GROUPS || !this.#groupAlive()) return;
    this.#signal('SIGTERM');
    if (await this.#groupGoneWithin(ORPHAN_GRACE_MS)) return;
    this.#signal('SIGKILL');
    // SIGKILL is not instant: wait (bounded) until they are gone, so close() returns after them.
    await this.#groupGoneWithin(ORPHAN_GRACE_MS);
  }

  async #groupGoneWithin(ms: number): Promise<boolean> {
    for (let waited = 0; waited < ms && this.#groupAlive(); waited += POLL_MS) await within(undefined, POLL_MS);
    return !this.#groupAlive();
  }

  #signal(signal: NodeJS.Signals): void {
    try {
      if (GROUPS) process.kill(-this.pid, signal);
      else this.process.kill(signal);
    } catch {
      // the group is gone already
    }
  }

  #groupAlive(): boolean {
    try {
      process.kill(-this.pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
}

/** Resolves when `promise` does or after `ms`, whichever is first (the timer is cleared either way). */
async function within(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    await (promise === undefined ? elapsed : Promise.race([promise, elapsed]));
  } finally {
    clearTimeout(timer);
  }
}
