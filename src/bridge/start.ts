/**
 * Starting a hub's I/O worker: load the config, lay out the shared memory, spawn the worker with
 * the hub's own channel, and wire its exit so blocked callers wake.
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { loadConfig } from '../config/load-config.js';
import { startChildGuard } from './orphans.js';
import { ErrorCode, McpSyncError } from '../shared/errors.js';
import { MAX_TIMEOUT_MS } from '../shared/operations.js';
import { EVENT_LOG_FILE } from '../shared/log-paths.js';
import {
  DEFAULT_RECOVERY,
  HUB_HEADER_WORDS,
  HUB_WORKER,
  SERVER_WORDS,
  SLOT_SIGNAL,
  SLOT_WORDS,
  WORKER_DEAD,
  WORKER_FAILURE_BYTES,
  WORKER_RUNNING,
  WORKER_STARTING,
  type RecoveryOptions,
  type ServerConfig,
  type WorkerInit,
} from '../shared/protocol.js';

const WORKER_URL = new URL('../../workers/io-worker.js', import.meta.url);
/**
 * The I/O worker's young generation, MB (V8 makes it three semi-spaces: 8 MB each here). Its
 * garbage is all per-request and short-lived. V8's default (16 MB semi-spaces, grown under load)
 * lets the worker's committed heap float by tens of MB with the call rate and the GC's timing —
 * RSS that no retained object explains. Smaller is not cheaper: at 6 MB the worker spent twice the
 * time in scavenges (8 µs a stdio call against 4–5 µs at 24 MB or V8's default, `--cpu-prof`).
 */
const WORKER_YOUNG_GENERATION_MB = 24;
/** Preloaded into the worker before anything else: its exit hook (see workers/boot.ts). */
const BOOT_URL = new URL('../../workers/boot.js', import.meta.url);
/**
 * Default directory of stdio servers' stderr logs: one per user (`mcp-sync-<uid>`), so that no
 * one else can have made it first in a shared temporary directory.
 */
export const DEFAULT_LOG_DIR = join(tmpdir(), `mcp-sync-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`, 'logs');

/** Options of `McpHub.start`. */
export interface StartOptions {
  /** Directory for stdio servers' stderr logs (`<server>.log`). @default `<os tmpdir>/mcp-sync/logs` */
  logDir?: string;
  /** Environment for `${VAR}` interpolation in the config. @default process.env */
  env?: NodeJS.ProcessEnv;
  /**
   * Where recovery events (session expired, reconnected, parked …) are logged, one line each:
   * `'stderr'`, a file path, or `false` for none. @default `<logDir>/mcp-sync.log`
   */
  eventLog?: 'stderr' | string | false;
  /** Tuning of self-healing (backoffs, budgets, breaker); see {@link RecoveryOptions}. @default DEFAULT_RECOVERY */
  recovery?: Partial<RecoveryOptions>;
  /**
   * A module (path or file URL) loaded into the I/O worker that answers server-initiated
   * requests: named exports `sampling(params, ctx)`, `elicitation(params, ctx)`, `roots(ctx)`, each
   * returning (a promise of) the MCP result. Only the capabilities it implements are declared;
   * requests it cannot serve get a JSON-RPC error. @default none
   */
  handlers?: string | URL;
}

/** A freshly spawned worker and what the hub needs to talk to it. */
export interface SpawnedWorker {
  hubId: string;
  worker: Worker;
  configs: ServerConfig[];
  hubState: SharedArrayBuffer;
  failure: SharedArrayBuffer;
  port: MessagePort;
  slot: SharedArrayBuffer;
}

/** Loads the config and spawns the I/O worker (it connects nothing until asked to `start`). */
export function spawnWorker(configOrPath: string | Record<string, unknown>, options: StartOptions): SpawnedWorker {
  const configs = loadConfig(configOrPath, options.env).filter((config) => config.enabled);
  const hubId = randomUUID();
  const hubState = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (HUB_HEADER_WORDS + SERVER_WORDS * configs.length));
  const failure = new SharedArrayBuffer(WORKER_FAILURE_BYTES);
  const slot = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * SLOT_WORDS);
  const { port1, port2 } = new MessageChannel();
  const logDir = options.logDir ?? DEFAULT_LOG_DIR;
  const guard = configs.some((config) => config.transport === 'stdio') ? startChildGuard() : undefined;
  const init: WorkerInit = {
    hubId,
    servers: configs,
    hubState,
    failure,
    guardFd: guard?.fd ?? -1,
    port: port2,
    slot,
    logDir,
    logDirOwnParents: options.logDir === undefined ? 1 : 0,
    recovery: recoveryOptions(options.recovery),
    eventLog: options.eventLog === false ? null : (options.eventLog ?? join(logDir, EVENT_LOG_FILE)),
    handlers: options.handlers === undefined ? null : handlersUrl(options.handlers),
  };
  const worker = new Worker(WORKER_URL, {
    workerData: init,
    transferList: [port2],
    execArgv: workerExecArgv(process.execArgv),
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
  const state = new Int32Array(hubState);
  const slotWords = new Int32Array(slot);
  // Seen only when this thread is not blocked (e.g. a pool thread is waiting while this one
  // idles); a blocked caller is woken by the worker's own exit hook, or by its deadline.
  worker.on('exit', () => {
    // Only now, with no worker left to write to it, may the guard's pipe be closed.
    guard?.stop();
    Atomics.compareExchange(state, HUB_WORKER, WORKER_STARTING, WORKER_DEAD);
    Atomics.compareExchange(state, HUB_WORKER, WORKER_RUNNING, WORKER_DEAD);
    Atomics.add(slotWords, SLOT_SIGNAL, 1);
    Atomics.notify(slotWords, SLOT_SIGNAL);
  });
  // An uncaught error in the worker surfaces as WORKER_EXITED on the next call; without a
  // listener it would crash this process instead.
  worker.on('error', () => undefined);
  worker.unref();
  return { hubId, worker, configs, hubState, failure, port: port1, slot };
}

/** Host flags a worker keeps, taking a value: loaders and module resolution. */
const KEPT_WITH_VALUE = new Set([
  '--import',
  '--require',
  '-r',
  '--conditions',
  '-C',
  '--loader',
  '--experimental-loader',
  // Profiling: `node --cpu-prof` profiles the I/O worker too (a file per thread).
  '--cpu-prof-dir',
  '--cpu-prof-interval',
  '--heap-prof-dir',
  '--heap-prof-interval',
]);
/** Host flags a worker keeps, alone: how modules are read and how errors are shown. */
const KEPT_ALONE =
  /^--(?:(?:no-)?experimental-[a-z-]+|enable-source-maps|no-warnings|no-deprecation|trace-warnings|trace-deprecation|trace-uncaught|preserve-symlinks(?:-main)?|cpu-prof|heap-prof)$/;

/**
 * The worker's execArgv, built on purpose rather than inherited: the host's loaders and module
 * flags (`--import`, `--require`, `--conditions`, `--experimental-*` …) are kept, so that a host
 * run under tsx or with a custom loader still works; flags that make no sense for our worker or
 * that a worker refuses (`--input-type`, `--eval`, `--inspect`, `--max-old-space-size` …) are
 * dropped. The boot hook goes first, ahead of every loader.
 */
export function workerExecArgv(hostArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < hostArgv.length; i++) {
    const arg = hostArgv[i]!;
    const [flag = arg] = arg.split('=', 1);
    if (KEPT_WITH_VALUE.has(flag)) {
      if (arg.includes('=')) kept.push(arg);
      else if (i + 1 < hostArgv.length) kept.push(arg, hostArgv[++i]!);
    } else if (KEPT_ALONE.test(flag) && !arg.startsWith('--experimental-default-type')) {
      kept.push(arg);
    }
  }
  return ['--import', BOOT_URL.href, ...kept];
}

/** A file URL for the worker's import(), whatever form the path came in. */
function handlersUrl(handlers: string | URL): string {
  if (handlers instanceof URL) return handlers.href;
  return handlers.startsWith('file:') ? handlers : pathToFileURL(resolve(handlers)).href;
}

function recoveryOptions(overrides: Partial<RecoveryOptions> = {}): RecoveryOptions {
  const merged = { ...DEFAULT_RECOVERY, ...overrides };
  for (const [key, value] of Object.entries(merged)) {
    if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value) || value > MAX_TIMEOUT_MS) {
      throw new McpSyncError(
        ErrorCode.INVALID_ARGUMENT,
        `recovery.${key} must be a number from 0 to ${MAX_TIMEOUT_MS}, got ${JSON.stringify(value)}`,
      );
    }
  }
  return merged;
}
