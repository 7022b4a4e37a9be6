/**
 * No stdio child outlives its process — by two means, both set up by the thread that starts a hub:
 *
 * 1. **The exit sweep.** The I/O worker publishes each server's current child pid in the hub's
 *    shared memory; if the process exits without `close()` (the worker is `unref()`ed, so a
 *    script may simply end), one `exit` listener kills those children's process groups at once.
 * 2. **The child guard**, for a host that dies without running any hook (SIGKILL, or SIGTERM /
 *    SIGINT with Node's default handlers): a POSIX `sh` started with the hub, reading process
 *    group ids from a pipe whose only writer is this process (the worker writes `+PGID` when a
 *    child starts and `-PGID` when its group is gone, to the pipe's descriptor). When this process
 *    ends the kernel closes the pipe; `sh` reads EOF and sends SIGTERM to every group still
 *    listed, then SIGKILL a second later — children that ignore stdin EOF and SIGTERM, and their
 *    grandchildren, included. It costs one `sh` per hub (about 1 MB, a few ms to start), nothing
 *    per server or per call. It ends by itself (EOF) when the hub's worker has exited.
 */
import { spawn } from 'node:child_process';
import { SERVER_PID, serverWord } from '../shared/protocol.js';

const live = new Set<{ state: Int32Array; servers: number }>();

function killAll(): void {
  for (const hub of live) killPublished(hub.state, hub.servers);
}

/** Sends SIGKILL to the process group of every child pid still published in `state`. */
function killPublished(state: Int32Array, servers: number): void {
  for (let i = 0; i < servers; i++) {
    const pid = Atomics.load(state, serverWord(i, SERVER_PID));
    if (pid <= 0) continue;
    for (const target of process.platform === 'win32' ? [pid] : [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
        break;
      } catch {
        // already gone (or, for the group, not a group leader: the pid itself is tried)
      }
    }
  }
}

/**
 * Registers a hub's state for the exit sweep. Returns the function that kills what is left now
 * and unregisters it (call it from close()).
 */
export function killOrphansOnExit(state: Int32Array, servers: number): () => void {
  const entry = { state, servers };
  if (live.size === 0) process.on('exit', killAll);
  live.add(entry);
  return () => {
    if (!live.delete(entry)) return;
    killPublished(state, servers);
    if (live.size === 0) process.off('exit', killAll);
  };
}

/**
 * The guard's script. Groups are kept as " 1 2 3 "; signals that would end it before its work
 * (a terminal's Ctrl-C reaches the whole foreground group) are ignored.
 */
const GUARD_SCRIPT = `trap '' INT HUP TERM QUIT PIPE
groups=" "
while IFS= read -r line; do
  case "$line" in
    +*) groups="$groups\${line#+} " ;;
    -*) g=\${line#-}; case "$groups" in *" $g "*) groups="\${groups%% $g *} \${groups#* $g }" ;; esac ;;
  esac
done
[ "$groups" = " " ] && exit 0
for g in $groups; do kill -TERM -$g 2>/dev/null; done
sleep 1
for g in $groups; do kill -KILL -$g 2>/dev/null; done`;

/** A running child guard: the descriptor the worker writes to, and how to let it go. */
export interface ChildGuard {
  /** The pipe's write end (a process-wide descriptor number). */
  fd: number;
  /** Closes the pipe: the guard kills what is still listed (nothing, after a close()) and exits. */
  stop(): void;
}

/** Starts a hub's child guard; undefined where there is no POSIX shell (Windows). */
export function startChildGuard(): ChildGuard | undefined {
  if (process.platform === 'win32') return undefined;
  try {
    const sh = spawn('/bin/sh', ['-c', GUARD_SCRIPT], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    sh.on('error', () => undefined);
    sh.stdin.on('error', () => undefined);
    const fd = (sh.stdin as unknown as { _handle?: { fd?: number } })._handle?.fd;
    // Neither may keep this thread alive: the guard is reaped whenever the loop next runs.
    sh.unref();
    (sh.stdin as unknown as { unref(): void }).unref();
    if (typeof fd !== 'number' || fd < 0) {
      sh.stdin.destroy();
      return undefined;
    }
    return { fd, stop: () => sh.stdin.destroy() };
  } catch {
    return undefined;
  }
}
