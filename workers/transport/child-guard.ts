/**
 * The worker's half of the child guard (src/bridge/orphans.ts): it tells the guard the process group of
 * every stdio server while it lives, so that the group is killed if the host dies by a signal.
 * The pipe belongs to the hub's owner thread, which closes it only after this worker has exited;
 * the worker writes to its descriptor directly (descriptors are per process, not per thread).
 */
import { writeSync } from 'node:fs';

let guardFd = -1;

/** The guard's pipe, from WorkerInit (-1: none). */
export function useChildGuard(fd: number): void {
  guardFd = fd;
}

/** Puts process group `pgid` under the guard: it is killed if this process ends while it lives. */
export function guardGroup(pgid: number): void {
  tell(`+${pgid}\n`);
}

/** The group is gone (its members have exited): never signal that number again. */
export function releaseGroup(pgid: number): void {
  tell(`-${pgid}\n`);
}

function tell(line: string): void {
  if (guardFd < 0) return;
  try {
    writeSync(guardFd, line);
  } catch {
    guardFd = -1; // the guard is gone: close() still ends every child
  }
}
