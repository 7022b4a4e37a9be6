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
  const problem = findProblem(value, '', new Set(), 0);
  if (problem !== undefined) throw new McpSyncError(ErrorCode.INVALID_ARGUMENT, `${what} cannot be sent as JSON: ${problem}`, { server });
}

/** `items[3].n` — how a key is written after `path`. */
function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function findProblem(value: unknown, path: string, ancestors: Set<object>, depth: number): string | undefined {
  const name = path === '' ? 'the arguments' : `'${path}'`;
  if (typeof value === 'bigint') return hasToJSON(value) ? undefined : `${name} is a BigInt (${value}n); send a number or a string`;
  if (typeof value !== 'object' || value === null || hasToJSON(value)) return undefined;
  if (ancestors.has(value)) return `${name} refers back to an object that contains it (a cycle)`;
  if (depth >= MAX_DEPTH) return `${name} is nested more than ${MAX_DEPTH} levels deep`;
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const problem = findProblem(value[i], child(path, i), ancestors, depth + 1);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    for (const key of Object.keys(value)) {
      const problem = findProblem((value as Record<string, unknown>)[key], child(path, key), ancestors, depth + 1);
      if (problem !== undefined) return problem;
    }
    return undefined;
  } finally {
    ancestors.delete(value);
  }
}

function hasToJSON(value: object | bigint): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
