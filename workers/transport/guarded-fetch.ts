/**
 * The fetch under the SDK's HTTP transports. The SDK hands every request one connection-wide
 * abort signal and reads each answer body to the end; here every request gets its own, so that:
 *
 * - **A request that ends stops its body and socket at once.** Each POST's JSON-RPC ids are
 *   noted; when the SDK gives up on one (deadline, interrupt, close) it sends
 *   `notifications/cancelled` for it, which passes through here first and aborts that request's
 *   body. (Before, a timed-out call kept downloading until the hub closed.) Private signals also
 *   keep undici from piling one listener per request onto the shared one.
 * - **No answer is larger than `maxResponseBytes`.** A JSON answer over the limit fails its
 *   request with TooLargeError as soon as it passes the limit. An SSE event over the limit is
 *   skipped as it streams, and if it was the answer to a request, that request gets a
 *   RESPONSE_TOO_LARGE answer in its place (transport-errors.ts) — the stream lives on.
 * - **Error bodies are capped**: an HTTP error's body is read up to {@link ERROR_BODY_BYTES}.
 * - **Certain or uncertain is decided where the bytes are.** A connection that could not be
 *   made (refused, DNS, TLS) is NotSentError; one lost after the request was written, or a body
 *   cut mid-way, is AnswerLostError — for an SSE answer, an answer that says so, at once.
 */
import { IdScanner } from './line-reader.js';
import { AnswerLostError, NotSentError, localFailureAnswer, type LocalFailure } from './transport-errors.js';

/** How much of an HTTP error's body is read (the SDK puts it in the error message). */
export const ERROR_BODY_BYTES = 16_384;

/** The answer to a request was larger than the limit. */
export class TooLargeError extends Error {
  override name = 'TooLargeError';
  readonly bytes: number;
  readonly limit: number;

  constructor(bytes: number, limit: number) {
    super(`the answer was more than ${limit} bytes (maxResponseBytes) and was not read further (${bytes} bytes so far)`);
    this.bytes = bytes;
    this.limit = limit;
  }
}

/** Settings of one server's guarded fetch. */
export interface GuardOptions {
  maxResponseBytes: number;
  /** Told of what no caller sees (an oversized notification skipped). */
  report(event: string): void;
}

/** Error codes of a connection that was never made: nothing was sent. */
const NOT_CONNECTED_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A fetch for one server's transports (each transport gets its own: ids are per session). */
export function guardedFetch(options: GuardOptions, base: typeof fetch = fetch): typeof fetch {
  const inflight = new Map<string | number, AbortController>();
  return async (input, init) => {
    const body = typeof init?.body === 'string' ? init.body : undefined;
    const cancelled = body === undefined ? undefined : cancelledId(body);
    if (cancelled !== undefined) inflight.get(cancelled)?.abort(new CancelledError());
    const ids = body === undefined || cancelled !== undefined ? [] : requestIds(body);
    const own = new AbortController();
    const shared = init?.signal ?? undefined;
    const forward = (): void => own.abort(shared?.reason);
    if (shared?.aborted) forward();
    else shared?.addEventListener('abort', forward, { once: true });
    for (const id of ids) inflight.set(id, own);
    const done = (): void => {
      shared?.removeEventListener('abort', forward);
      for (const id of ids) if (inflight.get(id) === own) inflight.delete(id);
    };
    let response: Response;
    try {
      response = await base(input, { ...init, signal: own.signal });
    } catch (error) {
      done();
      throw own.signal.aborted ? error : whereItFailed(error, ids.length > 0);
    }
    if (response.body === null) {
      done();
      return response;
    }
    if (!response.ok) return capBody(response, own, done);
    const type = (response.headers.get('content-type') ?? '').toLowerCase();
    const guarded = type.includes('text/event-stream')
      ? guardSse(response.body, own, ids, options, done)
      : guardJson(response.body, own, options.maxResponseBytes, done);
    return new Response(guarded, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/** Ours: the request was cancelled by its caller; its body stops quietly. */
class CancelledError extends Error {
  override name = 'AbortError';
  constructor() {
    super('the request was cancelled');
  }
}

/** Where a fetch that threw failed: before anything was sent, or after. */
function whereItFailed(error: unknown, hadRequests: boolean): Error {
  const code = errorCode(error);
  const why = describe(error);
  if (code !== undefined && NOT_CONNECTED_CODES.has(code)) return new NotSentError(why, { cause: error });
  if (!hadRequests) return error instanceof Error ? error : new Error(why);
  return new AnswerLostError(why, { cause: error });
}

/** The system or undici code behind a fetch failure (undici hides it in `cause`). */
function errorCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

/** The ids of the requests in a POST body (the SDK writes `…,"id":N}` last; anything else is parsed). */
function requestIds(body: string): (string | number)[] {
  const tail = /"id":(-?\d+|"(?:[^"\\]|\\.){0,256}")\}$/.exec(body);
  if (tail !== null && body.startsWith('{"method":')) return [JSON.parse(tail[1]!) as string | number];
  try {
    const parsed = JSON.parse(body) as unknown;
    const messages = Array.isArray(parsed) ? parsed : [parsed];
    return messages.flatMap((m: { id?: unknown; method?: unknown }) =>
      (typeof m?.id === 'number' || typeof m?.id === 'string') && typeof m.method === 'string' ? [m.id] : [],
    );
  } catch {
    return [];
  }
}

/** The id a `notifications/cancelled` body names, if it is one. */
function cancelledId(body: string): string | number | undefined {
  if (body.length > 4_096 || !body.includes('"notifications/cancelled"')) return undefined;
  try {
    const id = (JSON.parse(body) as { params?: { requestId?: unknown } }).params?.requestId;
    return typeof id === 'number' || typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** An error response with at most {@link ERROR_BODY_BYTES} of its body (the rest is not read). */
async function capBody(response: Response, own: AbortController, done: () => void): Promise<Response> {
  const reader = response.body!.getReader();
  const parts: Uint8Array[] = [];
  let bytes = 0;
  let complete = false;
  try {
    while (bytes < ERROR_BODY_BYTES) {
      const { value, done: end } = await reader.read();
      if (end) {
        complete = true;
        break;
      }
      parts.push(value);
      bytes += value.length;
    }
  } catch {
    // a body cut mid-way: what came is enough for the message
  } finally {
    if (!complete) own.abort(new CancelledError());
    done();
  }
  let text = Buffer.concat(parts).toString('utf8', 0, Math.min(bytes, ERROR_BODY_BYTES));
  if (!complete) {
    const length = Number(response.headers.get('content-length'));
    text += Number.isFinite(length) && length > bytes ? ` … (${length - bytes} more bytes not read)` : ' … (the rest was not read)';
  }
  return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** A JSON answer, failed with TooLargeError past the limit and AnswerLostError when cut. */
function guardJson(
  upstream: ReadableStream<Uint8Array>,
  own: AbortController,
  limit: number,
  done: () => void,
): ReadableStream<Uint8Array> {
  const reader = upstream.getReader();
  let bytes = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done: end } = await reader.read();
        if (end) {
          done();
          return controller.close();
        }
        bytes += value.length;
        if (bytes > limit) {
          own.abort(new CancelledError());
          done();
          return controller.error(new TooLargeError(bytes, limit));
        }
        controller.enqueue(value);
      } catch (error) {
        done();
        controller.error(
          own.signal.reason instanceof CancelledError ? own.signal.reason : new AnswerLostError(describe(error), { cause: error }),
        );
      }
    },
    cancel(reason) {
      done();
      return reader.cancel(reason);
    },
  });
}

/**
 * An SSE answer stream. Complete events pass through as they come; an event over the limit is
 * skipped while it streams (only scanned for its id); when the stream is cut, or an answer was
 * skipped, the requests of this POST that were not answered yet get our answer as a last event.
 */
function guardSse(
  upstream: ReadableStream<Uint8Array>,
  own: AbortController,
  ids: (string | number)[],
  options: GuardOptions,
  done: () => void,
): ReadableStream<Uint8Array> {
  const reader = upstream.getReader();
  const limit = options.maxResponseBytes;
  const unanswered = new Set(ids);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping: IdScanner | undefined;
  let skippedBytes = 0;
  /** Events passed on so far (a pull must pass one on before it returns). */
  let emitted = 0;
  const answer = (
    controller: ReadableStreamDefaultController<Uint8Array>,
    id: string | number,
    failure: LocalFailure,
    message: string,
  ): void => {
    unanswered.delete(id);
    emitted++;
    controller.enqueue(Buffer.from(`event: message\ndata: ${JSON.stringify(localFailureAnswer(id, failure, message))}\n\n`));
  };
  /** The end of one event: pass it on, or settle the skip of an oversized one. */
  const endEvent = (controller: ReadableStreamDefaultController<Uint8Array>, tail: Buffer): void => {
    if (skipping !== undefined) {
      skipping.scan(tail); // the id is often at the very end (the SDK writes `result` first)
      const { id, hasMethod } = skipping;
      const bytes = skippedBytes + tail.length;
      skipping = undefined;
      if (id !== undefined && !hasMethod) {
        options.report(`skipped an answer of ${bytes} bytes (over maxResponseBytes = ${limit}) to request ${id}`);
        answer(controller, id, { kind: 'too-large', bytes, limit }, `the answer was ${bytes} bytes, over maxResponseBytes (${limit})`);
      } else {
        options.report(`skipped an event of ${bytes} bytes (over maxResponseBytes = ${limit})`);
      }
      return;
    }
    const event = Buffer.concat([...pending, tail]);
    pending = [];
    pendingBytes = 0;
    noteAnswers(event, unanswered);
    emitted++;
    controller.enqueue(event);
  };
  const boundary = { last: -1, beforeLast: -1 };
  const take = (controller: ReadableStreamDefaultController<Uint8Array>, chunk: Buffer): void => {
    let start = 0;
    for (let end = eventEnd(chunk, start, boundary); end >= 0; end = eventEnd(chunk, start, boundary)) {
      endEvent(controller, chunk.subarray(start, end));
      start = end;
    }
    remember(chunk, boundary);
    const rest = chunk.subarray(start);
    if (rest.length === 0) return;
    if (skipping !== undefined) {
      skipping.scan(rest);
      skippedBytes += rest.length;
      return;
    }
    pending.push(rest);
    pendingBytes += rest.length;
    if (pendingBytes > limit) {
      skipping = new IdScanner();
      for (const part of pending) skipping.scan(part);
      skippedBytes = pendingBytes;
      pending = [];
      pendingBytes = 0;
    }
  };
  return new ReadableStream<Uint8Array>({
    // A pull that enqueues nothing is not called again: read until an event is complete.
    async pull(controller) {
      try {
        for (const before = emitted; ;) {
          const { value, done: end } = await reader.read();
          if (end) {
            done();
            return controller.close();
          }
          take(controller, Buffer.from(value.buffer, value.byteOffset, value.length));
          if (emitted !== before) return;
        }
      } catch (error) {
        done();
        // Cancelled by its caller, or the hub closing: nothing is waiting for an answer.
        if (own.signal.aborted) return controller.close();
        // A standalone stream (no request of ours on it): the SDK reconnects it as before.
        if (unanswered.size === 0) return controller.error(error);
        // Requests were written and their answers are lost: say so now, not at their deadline.
        for (const id of [...unanswered]) {
          answer(controller, id, { kind: 'lost', reason: describe(error) }, `the connection broke mid-answer: ${describe(error)}`);
        }
        controller.close();
      }
    },
    cancel(reason) {
      done();
      return reader.cancel(reason);
    },
  });
}

/** The last two bytes of the stream so far, to find a blank line split across chunks. */
interface Boundary {
  last: number;
  beforeLast: number;
}

/** Index just past the next blank line (`\n\n` or `\r\n\r\n`) in `chunk` from `start`, or -1. */
function eventEnd(chunk: Buffer, start: number, seen: Boundary): number {
  for (let i = chunk.indexOf(0x0a, start); i >= 0; i = chunk.indexOf(0x0a, i + 1)) {
    const previous = i >= 1 ? chunk[i - 1] : seen.last;
    const second = i >= 2 ? chunk[i - 2] : i === 1 ? seen.last : seen.beforeLast;
    if (previous === 0x0a || (previous === 0x0d && second === 0x0a)) return i + 1;
  }
  return -1;
}

function remember(chunk: Buffer, seen: Boundary): void {
  if (chunk.length >= 2) {
    seen.beforeLast = chunk[chunk.length - 2]!;
    seen.last = chunk[chunk.length - 1]!;
  } else if (chunk.length === 1) {
    seen.beforeLast = seen.last;
    seen.last = chunk[0]!;
  }
}

/** Requests answered in this event (an answer has an id and no method). */
function noteAnswers(event: Buffer, unanswered: Set<string | number>): void {
  if (unanswered.size === 0) return;
  const scanner = new IdScanner();
  const data = event.indexOf('data:');
  if (data < 0) return;
  scanner.scan(event.subarray(data + 5));
  if (scanner.id !== undefined && !scanner.hasMethod) unanswered.delete(scanner.id);
}
