/** What the tests see of processes: alive or not (zombies included), and our own zombie children. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { block } from './calls.js';

/** `running`, `zombie` (and whose), or `gone` — from /proc on Linux, ps elsewhere. */
export function processState(pid: number): { state: 'running' | 'zombie' | 'gone'; parent?: number } {
  if (existsSync('/proc/self/stat')) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return { state: fields[0] === 'Z' ? 'zombie' : 'running', parent: Number(fields[1]) };
    } catch {
      return { state: 'gone' };
    }
  }
  const ps = spawnSync('ps', ['-o', 'stat=,ppid=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();
  if (ps === '') return { state: 'gone' };
  const [stat = '', ppid = '0'] = ps.split(/\s+/);
  return { state: stat.startsWith('Z') ? 'zombie' : 'running', parent: Number(ppid) };
}

/**
 * True while `pid` runs. A zombie is dead — but one whose parent is this process is a leak of
 * ours (nobody will reap it), so it counts as alive; one reparented to init is init's business.
 */
export function isAlive(pid: number): boolean {
  const { state, parent } = processState(pid);
  return state === 'running' || (state === 'zombie' && parent === process.pid);
}

/** Zombie children of this process (children it never reaped). */
export function zombieChildren(): number[] {
  const ps = spawnSync('ps', ['-o', 'pid=,stat=', '--ppid', String(process.pid)], { encoding: 'utf8' }).stdout;
  return ps
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, stat]) => stat?.startsWith('Z'))
    .map(([pid]) => Number(pid));
}

/** Polls `condition` (blocking this thread in 25 ms steps) until it holds or `ms` pass. */
export function waitUntil(condition: () => boolean, ms: number): boolean {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (condition()) return true;
    block(25);
  }
  return condition();
}

/** Polls `condition` without blocking the event loop, until it holds or `ms` pass. */
export async function eventually(condition: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}

/** What the hostile stdio fixture writes to its `--state` file. */
export interface HostileState {
  pid: number;
  grandchild: number | null;
  executions: Record<string, number>;
  floodSent: number;
}

export function readHostileState(file: string): HostileState {
  return JSON.parse(readFileSync(file, 'utf8')) as HostileState;
}
