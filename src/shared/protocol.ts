/**
 * What the caller side and the I/O worker agree on: normalised server configuration (re-exported
 * from server-config.ts), the messages on a channel, and the layout of the shared memory words. Imported by `src/` and
 * `workers/` alike; it must not import either.
 */
import type { MessagePort } from 'node:worker_threads';
import type { WireError } from './errors.js';
import type { Op, ProgressRequest } from './operations.js';
import type { Progress } from './types.js';

// Server configuration (what loadConfig yields, what the worker is given): server-config.ts.
export * from './server-config.js';
import type { HttpServerConfig, ProtocolEra, ServerConfig, ServerLogMessage, ToolFilter } from './server-config.js';

/** A server's connection state, as seen in {@link ServerInfo} and in shared memory. */
export type ServerState = 'connecting' | 'ready' | 'reconnecting' | 'parked' | 'failed' | 'closed';

/** State numbers as stored in the shared state word of each server. */
export const SERVER_STATES: readonly ServerState[] = ['connecting', 'ready', 'reconnecting', 'parked', 'failed', 'closed'];

/** What a server advertised at initialize, as far as callers care. */
export interface ServerCapabilitySet {
  tools: boolean;
  resources: boolean;
  prompts: boolean;
  /** The server sends `notifications/tools/list_changed`. */
  toolsListChanged: boolean;
  /** The server runs tool calls as tasks when asked (2025-11-25 `tasks.requests.tools.call`). */
  toolTasks: boolean;
}

/** One server's discovered tools and capabilities: what the registry builds entries from. */
export interface ServerCatalog {
  name: string;
  state: ServerState;
  capabilities: ServerCapabilitySet;
  /** Every tool the server listed (unfiltered; the registry applies `tools.include/exclude`). */
  tools: { name: string; description?: string; inputSchema: Record<string, unknown>; [key: string]: unknown }[];
  /** The server's instructions, when it gave any. */
  instructions?: string;
}

/** Worker → every thread subscribed to a hub's events channel. */
export type HubEvent =
  | { type: 'toolsChanged'; server: string }
  | { type: 'resourceUpdated'; server: string; uri: string }
  | { type: 'serverLog'; server: string; message: ServerLogMessage };

/** Name of a hub's events BroadcastChannel (any thread may listen). */
export function eventsChannelName(hubId: string): string {
  return `mcp-sync:${hubId}:events`;
}

/** An open circuit breaker, as `servers()` shows it. */
export interface BreakerStatus {
  open: true;
  /** Consecutive failures that opened it. */
  failures: number;
  /** When calls are let through again (one probe first), as an ISO 8601 time. */
  retryAt: string;
  /** The cooldown is over: the next call goes through as the probe. */
  halfOpen: boolean;
}

/** One row of `hub.servers()`. */
export interface ServerInfo {
  name: string;
  transport: ServerConfig['transport'];
  state: ServerState;
  /** How many tools the server listed at its last discovery (connect, reconnect or list_changed), before `tools.include/exclude`. */
  tools: number;
  /** Incremented on every new session; a retry must run on a newer generation than the failure. */
  generation: number;
  /** Why the server is not ready, when it is not. */
  error?: WireError;
  /** The protocol era negotiated with the server, while connected. */
  era?: ProtocolEra;
  /** The protocol version negotiated with the server (`2025-11-25`, `2026-07-28` …), while connected. */
  protocolVersion?: string;
  /** Present while the server's circuit breaker is open: calls fail fast with CIRCUIT_OPEN until `retryAt`. */
  breaker?: BreakerStatus;
  /** What the server says about using it (for a model's system prompt), while connected. */
  instructions?: string;
}

/** Caller → worker: run `op` with `args`; `timeoutMs` is the caller's deadline for it. */
export interface RequestMessage {
  type: 'request';
  id: number;
  op: Op;
  args: unknown[];
  timeoutMs: number;
  /** The caller wants the call's progress notifications (posted as {@link ProgressMessage}s). */
  progress?: ProgressRequest;
  /** Past any cache: see `CallOptions.refresh`. */
  refresh?: boolean;
}

/** Caller → worker: the caller gave up on request `id` (deadline or interrupt); cancel it. */
export interface CancelMessage {
  type: 'cancel';
  id: number;
  /** Why the caller gave up: an interrupted call is not a server failure (no breaker, no retry). */
  reason: 'timeout' | 'interrupt';
}

/** Caller → worker: an attached client is closing its channel. */
export interface DetachMessage {
  type: 'detach';
}

/** Everything a caller posts on its channel. */
export type CallerMessage = RequestMessage | CancelMessage | DetachMessage;

/** Attaching thread → worker, on the hub's control channel: serve this channel, then bump the slot. */
export interface AttachMessage {
  /** Name of the BroadcastChannel the attached client talks on (unique per attach). */
  channel: string;
  slot: SharedArrayBuffer;
}

/** Name of a hub's control BroadcastChannel, where threads attach. */
export function controlChannelName(hubId: string): string {
  return `mcp-sync:${hubId}:control`;
}

/**
 * What a pool thread needs to call the hub's servers through the same I/O worker: plain data,
 * structured-cloneable (pass it in `workerData` or a task argument; no transferList needed), and
 * attachable in any number of threads at once with `McpHub.attach(handle)`.
 */
export interface HubHandle {
  readonly hubId: string;
  readonly hubState: SharedArrayBuffer;
  /** Why the worker died, once it has (see readWorkerFailure). */
  readonly failure: SharedArrayBuffer;
  /** Names and deadlines of the servers, in config order — no credentials. */
  readonly servers: readonly ServerSummary[];
}

/** What the caller side keeps of a server's config: its name and deadlines (never its secrets). */
export interface ServerSummary {
  readonly name: string;
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  /** Which tools and utilities the registry exposes. */
  readonly tools: ToolFilter;
}

/** Worker → caller: the answer to request `id`. */
export type ReplyMessage =
  { type: 'reply'; id: number; ok: true; value: unknown } | { type: 'reply'; id: number; ok: false; error: WireError } | ProgressMessage;

/** Worker → caller: a progress notification of request `id`, before its reply (the slot is bumped too). */
export interface ProgressMessage {
  type: 'progress';
  id: number;
  progress: Progress;
}

/**
 * Channel slot layout (an Int32Array over a SharedArrayBuffer, one per caller channel).
 * SIGNAL is bumped by the worker after every reply it posts, and by an interrupter; the caller
 * waits on it. INTERRUPT is 1 while another thread wants the call in flight interrupted (the
 * caller clears it when it starts a call, so an interrupt aimed at an earlier call never hits it).
 */
export const SLOT_SIGNAL = 0;
export const SLOT_INTERRUPT = 1;
export const SLOT_WORDS = 2;

/**
 * Hub state layout (one Int32Array over a SharedArrayBuffer per hub, shared by every channel).
 * Word 0 is the worker's liveness; then {@link SERVER_WORDS} words per server, in config order:
 * its state number, its session generation, and the pid of its stdio child (0 when none).
 */
export const HUB_WORKER = 0;
export const HUB_HEADER_WORDS = 1;
export const SERVER_WORDS = 3;
export const SERVER_STATE = 0;
export const SERVER_GENERATION = 1;
export const SERVER_PID = 2;

/** Values of the HUB_WORKER word. */
export const WORKER_STARTING = 0;
export const WORKER_RUNNING = 1;
export const WORKER_DEAD = 2;
export const WORKER_CLOSED = 3;

/** Bytes of the worker's failure text: what a worker that died said, read by every caller thread. */
export const WORKER_FAILURE_BYTES = 4_096;

/** Writes why the worker died (UTF-8, cut to fit) where every caller can read it without a round trip. */
export function writeWorkerFailure(buffer: SharedArrayBuffer, text: string): void {
  const bytes = new TextEncoder().encode(text).subarray(0, buffer.byteLength - 4);
  new Uint8Array(buffer, 4).set(bytes);
  Atomics.store(new Int32Array(buffer, 0, 1), 0, bytes.length);
}

/** What the worker said when it died, or '' (it has not, or said nothing). */
export function readWorkerFailure(buffer: SharedArrayBuffer): string {
  const length = Atomics.load(new Int32Array(buffer, 0, 1), 0);
  // TextDecoder refuses views of shared memory: copy the bytes out first.
  return new TextDecoder().decode(new Uint8Array(buffer, 4, length).slice());
}

/** Index of a server's first word in the hub state array. */
export function serverWord(index: number, word: number): number {
  return HUB_HEADER_WORDS + index * SERVER_WORDS + word;
}

/**
 * Tuning of self-healing. The defaults follow the README (Recovery rules); tests shorten them. Every value is in
 * milliseconds except the counts.
 */
export interface RecoveryOptions {
  /** Connect attempts after the first one at start. @default 3 */
  connectRetries: number;
  /** Reconnect attempts per outage before the server is parked. @default 5 */
  reconnectRetries: number;
  /** First backoff between attempts; doubles each time. @default 1000 */
  backoffMs: number;
  /** Backoff cap. @default 60000 */
  maxBackoffMs: number;
  /** A session ready this long resets the reconnect budget and backoff. @default 60000 */
  healthyResetMs: number;
  /** A parked (or never connected) server tries to connect again this often. @default 300000 */
  parkedProbeMs: number;
  /** How long a call waits for a reconnect before it gives up. @default 15000 */
  reconnectWaitMs: number;
  /** Consecutive failures that open the circuit breaker. @default 3 */
  breakerThreshold: number;
  /** How long an open breaker fails calls fast. @default 60000 */
  breakerCooldownMs: number;
  /** Bound on one keepalive probe (ping or tools/list). @default 30000 */
  keepaliveTimeoutMs: number;
}

/** The defaults of {@link RecoveryOptions}. */
export const DEFAULT_RECOVERY: Readonly<RecoveryOptions> = {
  connectRetries: 3,
  reconnectRetries: 5,
  backoffMs: 1_000,
  maxBackoffMs: 60_000,
  healthyResetMs: 60_000,
  parkedProbeMs: 300_000,
  reconnectWaitMs: 15_000,
  breakerThreshold: 3,
  breakerCooldownMs: 60_000,
  keepaliveTimeoutMs: 30_000,
};

/** What the worker receives as `workerData` when the hub starts it. */
export interface WorkerInit {
  /** Unique id of the hub: names its control channel. */
  hubId: string;
  servers: ServerConfig[];
  /** The hub state buffer (see HUB_*). */
  hubState: SharedArrayBuffer;
  /** Where the worker writes why it died (see writeWorkerFailure). */
  failure: SharedArrayBuffer;
  /** The child guard's pipe (src/bridge/orphans.ts), a process-wide descriptor; -1 when there is none. */
  guardFd: number;
  /** The hub's own channel: its port and slot. */
  port: MessagePort;
  slot: SharedArrayBuffer;
  /** Directory for stdio servers' stderr logs. */
  logDir: string;
  /** How many directories above `logDir` mcp-sync made itself (the default's `mcp-sync-<uid>`): checked as strictly. */
  logDirOwnParents: number;
  recovery: RecoveryOptions;
  /** Where recovery events are logged: 'stderr', a file path, or null. */
  eventLog: string | null;
  /** URL of the module answering server-initiated requests, or null. */
  handlers: string | null;
}

// --- The login worker (src/auth/login.ts ↔ workers/auth/login-worker.ts) ---

/** The login worker's `workerData`. */
export type LoginRequest =
  | {
      op: 'login';
      config: HttpServerConfig;
      /** Drop the stored tokens first: a new login even if they still work. */
      force: boolean;
      /** How long to wait for the browser to come back to the redirect URL. */
      timeoutMs: number;
    }
  | { op: 'logout'; config: HttpServerConfig };

/** The result of a login, or of a logout. */
export interface LoginOutcome {
  server: string;
  /** `logged-in`: a new login; `already-authorized`: the stored tokens work (refreshed); `logged-out` / `not-logged-in`: logout. */
  status: 'logged-in' | 'already-authorized' | 'logged-out' | 'not-logged-in';
  /** The server's token file. */
  tokenFile: string;
}

/** Login worker → caller. */
export type LoginMessage =
  { type: 'url'; url: string; redirectUrl: string } | { type: 'done'; outcome: LoginOutcome } | { type: 'error'; error: WireError };
