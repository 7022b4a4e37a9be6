/**
 * Arguments must survive `JSON.stringify` in the worker, where a failure would look like the
 * server's fault. Checked on the caller's side instead, before anything is sent: a BigInt, a
 * cycle, or a nesting deeper than any server takes is the caller's mistake (INVALID_ARGUMENT),
 * never counted against the server. The walk looks at structure only — a long string is one
 * step — so it costs little next to the structured clone that follows.
 */
import { ErrorCode, McpSyncError } from '../shared/errors.js';

/** Deeper nesting than this is refused (JSON.stringify would overflow the stack long before). */
const MAX_DEPTH = 256;

/**
 * @param what what `value` is, for the message: "Arguments of tool 'echo' on 'fs'"
 * @throws McpSyncError INVALID_ARGUMENT naming the path of the first value JSON cannot write
 */
export function assertJson(value: unknown, what: string, server: string): void {
  const problem = findProblem(value, new Set(), 0);
  if (problem === undefined) return;
  const name = problem.path.length === 0 ? 'the arguments' : `'${written(problem.path)}'`;
  throw new McpSyncError(ErrorCode.INVALID_ARGUMENT, `${what} cannot be sent as JSON: ${name} ${problem.why}`, { server });
}

/** `items[3].n` — how a path of keys is written. */
function written(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? key : `${text}.${key}`), '');
}

/** What JSON cannot write at `path` (its keys, built only once a problem is found). */
function findProblem(value: unknown, ancestors: Set<object>, depth: number): { path: (string | number)[]; why: string } | undefined {
  if (typeof value === 'bigint')
    return hasToJSON(value) ? undefined : { path: [], why: `is a BigInt (${value}n); send a number or a string` };
  if (typeof value !== 'object' || value === null || hasToJSON(value)) return undefined;
  if (ancestors.has(value)) return { path: [], why: 'refers back to an object that contains it (a cycle)' };
  if (depth >= MAX_DEPTH) return { path: [], why: `is nested more than ${MAX_DEPTH} levels deep` };
  ancestors.add(value);
  try {
    // An array's indices are iterated, not collected: this runs on every call's arguments.
    for (const key of Array.isArray(value) ? value.keys() : Object.keys(value)) {
      const problem = findProblem((value as Record<string | number, unknown>)[key], ancestors, depth + 1);
      if (problem !== undefined) return (problem.path.unshift(key), problem);
    }
    return undefined;
  } finally {
    ancestors.delete(value);
  }
}

function hasToJSON(value: object | bigint): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
