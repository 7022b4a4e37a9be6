/**
 * Where a request failed, as the transports (stdio-transport.ts, guarded-fetch.ts) know it and
 * classify.ts reads it: certain — it never left us — or uncertain — it was written and its answer
 * was lost. The SDK cannot tell the two apart (a refused connection and a socket cut mid-answer
 * are both a TypeError 'fetch failed'); the code that writes the bytes can.
 *
 * Failures known only after the SDK is waiting for an answer (an answer too large to take, a
 * body cut mid-way) reach it as a JSON-RPC error answer to that request, made here and marked
 * with a value no server can know, so the pending request ends at once — not at its deadline —
 * and the session lives on.
 */
import { randomUUID } from 'node:crypto';

/** The request did not leave us (refused, DNS, TLS, no process to write to): certain, not run. */
export class NotSentError extends Error {
  override name = 'NotSentError';
}

/** The request was written and its answer was lost (reset, cut mid-body): uncertain. */
export class AnswerLostError extends Error {
  override name = 'AnswerLostError';
}

/** The request's arguments cannot be written as JSON (a BigInt, a cycle): the caller's mistake. */
export class NotSerializableError extends Error {
  override name = 'NotSerializableError';
}

/** A failure of ours, answered to a pending request in place of the server's answer. */
export type LocalFailureKind = 'too-large' | 'lost';

/** What a local failure answer carries. */
export interface LocalFailure {
  kind: LocalFailureKind;
  /** `too-large`: the answer's size so far and the limit. */
  bytes?: number;
  limit?: number;
  /** `lost`: why. */
  reason?: string;
}

/** Marks our own answers; random per process, so a server cannot forge one. */
const MARK = randomUUID();
/** JSON-RPC "internal error": what a local failure answer carries as its code. */
const INTERNAL_ERROR = -32603;

/** A JSON-RPC error answer to request `id` for a local failure. */
export function localFailureAnswer(id: string | number, failure: LocalFailure, message: string) {
  return { jsonrpc: '2.0' as const, id, error: { code: INTERNAL_ERROR, message, data: { mcpSync: MARK, ...failure } } };
}

/** The local failure behind an SDK error made from one of our answers, if it is one. */
export function localFailureOf(error: unknown): LocalFailure | undefined {
  const data = (error as { data?: unknown } | null)?.data;
  if (typeof data !== 'object' || data === null || (data as { mcpSync?: unknown }).mcpSync !== MARK) return undefined;
  return data as LocalFailure;
}

/** `JSON.stringify(message)`, or NotSerializableError naming what could not be written. */
export function serialize(message: unknown): string {
  try {
    return JSON.stringify(message);
  } catch (error) {
    throw new NotSerializableError(`the request cannot be written as JSON: ${(error as Error).message}`, { cause: error });
  }
}
