/**
 * How the benches take their figures: per-call wall time and this process's CPU time over a run
 * of calls, and the order of the cases in each round.
 */

/** Per-call wall time and CPU time (this process, every thread) of `fn` over `calls` awaited calls, in µs. */
export async function timeCalls(calls: number, fn: () => unknown): Promise<[wallUs: number, cpuUs: number]> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < calls; i++) await fn();
  const { user, system } = process.cpuUsage(cpu);
  return [((performance.now() - start) * 1000) / calls, (user + system) / calls];
}

/**
 * The indices of `count` cases in the order round `round` runs them: each round starts one case
 * later, so that none always runs first or last (after the others' garbage).
 */
export function roundOrder(round: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => (round + k) % count);
}
