/**
 * The I/O worker's entry. It owns every MCP connection and its event loop; callers block on
 * their channels while it answers. It never blocks itself (no Atomics.wait here).
 */
import { BroadcastChannel, workerData } from 'node:worker_threads';
// First, before anything that could fail: the exit hook that wakes every caller (boot.ts is also
// preloaded with --import, ahead of the host's loaders; this import is then the same module).
import { slots, wake } from './boot.js';
import { capMessage, ErrorCode, McpSyncError, registerSecretValues, secretValuesOf, toWire } from '../src/shared/errors.js';
import {
  HUB_WORKER,
  WORKER_CLOSED,
  WORKER_RUNNING,
  controlChannelName,
  eventsChannelName,
  type AttachMessage,
  type HubEvent,
  type CallerMessage,
  type ReplyMessage,
  type ServerLogMessage,
  type WorkerInit,
} from '../src/shared/protocol.js';
import type { HubApi } from './api.js';
import { OPS, type Op } from '../src/shared/operations.js';
import { useChildGuard } from './transport/child-guard.js';
import type { ServerLog } from './logs/server-log.js';
import type { CallContext } from './session/inflight.js';
import type { ClientHandlers } from './session/client-handlers.js';
import type { Progress } from '../src/shared/types.js';

const init = workerData as WorkerInit;
const hubState = new Int32Array(init.hubState);
useChildGuard(init.guardFd);
// Configured secrets are redacted by value in every error and log line this thread writes.
registerSecretValues(secretValuesOf(init.servers));

// Loaded after the exit hook is in place, so that even a failure to load the SDK wakes the
// hub's blocked start() at once with WORKER_EXITED.
const { createEventLog } = await import('./logs/event-log.js');
const { ServerLog: Log } = await import('./logs/server-log.js');
const { secureLogDir } = await import('./logs/log-files.js');
const { spawnEarly } = await import('./transport/early-children.js');
// An event log or a stderr log that cannot be opened (or must not be: see log-files.ts) fails
// start() with its error, instead of killing the worker.
let startError: unknown;
let log: ReturnType<typeof createEventLog> = () => undefined;
try {
  log = createEventLog(init.eventLog);
} catch (error) {
  startError = new McpSyncError(ErrorCode.INVALID_ARGUMENT, `Cannot open the event log ${String(init.eventLog)}: ${messageOf(error)}`);
}
const logs = new Map<string, ServerLog>();
try {
  const stdio = init.servers.filter((config) => config.transport === 'stdio');
  if (stdio.length > 0) secureLogDir(init.logDir, init.logDirOwnParents);
  for (const config of stdio) logs.set(config.name, new Log(init.logDir, config.name));
  // The stdio servers start now, while the SDK loads (early-children.ts).
  spawnEarly(stdio, logs);
} catch (error) {
  startError = new McpSyncError(ErrorCode.INVALID_ARGUMENT, `Cannot write the servers' stderr logs: ${messageOf(error)}`, {
    logDir: init.logDir,
  });
}
const { HubApi: Api } = await import('./api.js');
// Events (tool list changes) go to every thread that listens, whichever it is.
const events = new BroadcastChannel(eventsChannelName(init.hubId));
events.unref();
// Likewise a handler module that fails to load.
const { loadClientHandlers } = await import('./session/client-handlers.js');
const { useIdTokenSource } = await import('./auth/grants.js');
const handlers: ClientHandlers = await loadClientHandlers(init.handlers).catch((error: unknown) => {
  // Node 20 does not run the host's --import loaders (tsx …) in worker threads; Node 22 does.
  const loaderless =
    (error as NodeJS.ErrnoException).code === 'ERR_UNKNOWN_FILE_EXTENSION' && Number(process.versions.node.split('.')[0]) < 22;
  const hint = loaderless
    ? '. On Node 20 a loader given with --import (tsx …) does not reach worker threads: compile the module to JavaScript, or use Node 22 or later'
    : '';
  startError ??= new McpSyncError(ErrorCode.INVALID_ARGUMENT, `Cannot load the handlers module ${init.handlers}: ${String(error)}${hint}`);
  return {};
});
useIdTokenSource(handlers.idToken);
const hooks = {
  log,
  handlers,
  toolsChanged: (server: string) => events.postMessage({ type: 'toolsChanged', server } satisfies HubEvent),
  resourceUpdated: (server: string, uri: string) => events.postMessage({ type: 'resourceUpdated', server, uri } satisfies HubEvent),
  // A server's log message: a line in the event log, and to every thread listening.
  serverLog: (server: string, message: ServerLogMessage) => {
    const text = typeof message.data === 'string' ? message.data : JSON.stringify(message.data);
    log(
      server,
      `log ${message.level}${message.logger === undefined ? '' : ` [${message.logger}]`}: ${capMessage(text ?? String(message.data))}`,
    );
    events.postMessage({ type: 'serverLog', server, message } satisfies HubEvent);
  },
};
const api: HubApi = new Api(init.servers, hubState, logs, init.recovery, hooks);

/** One caller channel's worker end: the hub's own MessagePort, or an attached thread's BroadcastChannel. */
interface Endpoint {
  post(message: ReplyMessage): void;
  listen(handler: (message: CallerMessage) => void): void;
  close(): void;
}

serveChannel(
  { post: (m) => init.port.postMessage(m), listen: (h) => init.port.on('message', h), close: () => init.port.close() },
  slots[0]!,
);
// Threads that attach with a handle announce their channel here (a BroadcastChannel, because a
// handle is plain data that many threads may hold at once, and a MessagePort can be in only one).
const control = new BroadcastChannel(controlChannelName(init.hubId));
control.onmessage = (event) => attach((event as unknown as { data: AttachMessage }).data);
Atomics.store(hubState, HUB_WORKER, WORKER_RUNNING);

/** Serves an attached thread's channel, then bumps its slot: that is the handshake it waits for. */
function attach({ channel, slot }: AttachMessage): void {
  const broadcast = new BroadcastChannel(channel);
  const words = new Int32Array(slot);
  serveChannel(
    {
      post: (m) => broadcast.postMessage(m),
      listen: (h) => (broadcast.onmessage = (event) => h((event as unknown as { data: CallerMessage }).data)),
      close: () => {
        broadcast.close();
        const index = slots.indexOf(words);
        if (index >= 0) slots.splice(index, 1);
      },
    },
    words,
  );
  wake(words);
}

/** Serves one caller channel: dispatch each request into the API object, reply, wake the caller. */
function serveChannel(endpoint: Endpoint, slot: Int32Array): void {
  if (!slots.includes(slot)) slots.push(slot);
  const inflight = new Map<number, AbortController>();
  let closed = false;
  endpoint.listen((message: CallerMessage) => {
    if (message.type === 'detach') {
      // Close first: the aborted calls settle later and must not post on a closed channel.
      closed = true;
      endpoint.close();
      for (const controller of inflight.values()) controller.abort('interrupt');
      return;
    }
    if (message.type === 'cancel') {
      // The caller has already stopped waiting; aborting makes the SDK send
      // notifications/cancelled, so the server does not keep running the request.
      inflight.get(message.id)?.abort(message.reason);
      return;
    }
    const controller = new AbortController();
    inflight.set(message.id, controller);
    const ctx: CallContext = { controller, signal: controller.signal, timeoutMs: message.timeoutMs };
    if (message.refresh === true) ctx.refresh = true;
    if (message.progress !== undefined) {
      // Post first, then bump, as for a reply: the caller wakes, runs its callback, waits again.
      const report = (progress: Progress): void => {
        if (closed || !inflight.has(message.id)) return;
        endpoint.post({ type: 'progress', id: message.id, progress: { ...progress } });
        wake(slot);
      };
      ctx.progress = { ...message.progress, report };
    }
    void dispatch(message.op, message.args, ctx).then((result) => {
      inflight.delete(message.id);
      if (closed) return;
      // Closing: mark the hub CLOSED before the reply, so no thread ever reads DEAD for it.
      if (message.op === 'close') Atomics.store(hubState, HUB_WORKER, WORKER_CLOSED);
      // Post first, then bump: a caller that wakes on the bump must find the reply queued.
      const id = message.id;
      try {
        endpoint.post(
          result.ok ? { type: 'reply', id, ok: true, value: result.value } : { type: 'reply', id, ok: false, error: result.error },
        );
      } catch (error) {
        // A result that cannot be cloned across threads: the caller gets that error, the worker lives.
        endpoint.post({ type: 'reply', id, ok: false, error: toWire(error) });
      }
      wake(slot);
      if (message.op === 'close') setImmediate(() => process.exit(0));
    });
  });
}

/** Runs one operation on the API object (every name of the operation table is a method of it). */
async function dispatch(
  op: Op,
  args: unknown[],
  ctx: CallContext,
): Promise<{ ok: true; value: unknown } | { ok: false; error: ReturnType<typeof toWire> }> {
  try {
    if (op === 'start' && startError !== undefined) throw startError;
    if (!OPS.has(op)) throw new Error(`Unknown operation '${String(op)}'`);
    const method = api[op] as (...args: unknown[]) => unknown;
    return { ok: true, value: await method.apply(api, [...args, ctx]) };
  } catch (error) {
    return { ok: false, error: toWire(error) };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
