/**
 * How the benches take their figures: per-call wall time and CPU time over a run of calls, and
 * the order of the cases in each round.
 */

/** The calling thread's own CPU time: `process.threadCpuUsage`, Node 23.9+; undefined before. */
const threadCpuUsage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
/** True where {@link timeCalls} can split the caller thread's CPU from the rest of the process. */
export const HAS_THREAD_CPU = threadCpuUsage !== undefined;

/**
 * Per-call wall time, this process's CPU time (every thread) and the calling thread's own CPU time
 * (NaN where Node cannot tell it) of `fn` over `calls` awaited calls, in µs.
 */
export async function timeCalls(calls: number, fn: () => unknown): Promise<[wallUs: number, cpuUs: number, threadCpuUs: number]> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const thread = threadCpuUsage?.();
  for (let i = 0; i < calls; i++) await fn();
  const { user, system } = process.cpuUsage(cpu);
  const threadUsed = thread === undefined ? NaN : cpuOf(threadCpuUsage!()) - cpuOf(thread);
  return [((performance.now() - start) * 1000) / calls, (user + system) / calls, threadUsed / calls];
}

function cpuOf(usage: NodeJS.CpuUsage): number {
  return usage.user + usage.system;
}

/**
 * The indices of `count` cases in the order round `round` runs them: each round starts one case
 * later, so that none always runs first or last (after the others' garbage).
 */
export function roundOrder(round: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => (round + k) % count);
}
