/**
 * No stdio child outlives its process. The I/O worker publishes each child's pid in the hub's
 * shared memory; if the process exits without `close()` (the worker is `unref()`ed, so a script
 * may simply end), one `exit` listener kills whatever pids are still published.
 */
import { SERVER_PID, serverWord } from './protocol.js';

const live = new Set<{ state: Int32Array; servers: number }>();

function killAll(): void {
  for (const hub of live) killPublished(hub.state, hub.servers);
}

/** Sends SIGKILL to every child pid still published in `state`. */
function killPublished(state: Int32Array, servers: number): void {
  for (let i = 0; i < servers; i++) {
    const pid = Atomics.load(state, serverWord(i, SERVER_PID));
    if (pid <= 0) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
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
