import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { ExpireMode, FaultStats } from '../fixtures/faults.js';
import type { AdminStats } from '../fixtures/http-common.js';
import type { taskStats } from '../fixtures/fixture-tools.js';
import type { ModernStats } from '../fixtures/modern-server.js';
import type { OAuthCounters } from '../fixtures/oauth-provider.js';

export type { ExpireMode } from '../fixtures/faults.js';

/** The runnable fixtures in `dist/test/fixtures/`. */
export type FixtureName =
  'stdio-server' | 'http-server' | 'sse-server' | 'silent-stdio' | 'oauth-server' | 'hostile-stdio' | 'hostile-http' | 'modern-server';

/** Default bound on starting a server process. */
export const DEFAULT_START_TIMEOUT_MS = 15_000;
/** How long `stop()` waits after SIGTERM before it sends SIGKILL. */
export const STOP_GRACE_MS = 2_000;
/** How much of a child's stderr is kept for error messages and `stderr()`. */
const STDERR_TAIL_CHARS = 16_384;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Absolute path of a built fixture, e.g. `fixturePath('stdio-server')` → `<repo>/dist/test/fixtures/stdio-server.js`. */
export function fixturePath(name: FixtureName): string {
  return `${ROOT}dist/test/fixtures/${name}.js`;
}

/** Absolute path of `@modelcontextprotocol/server-everything`'s `dist/index.js`. */
export function everythingPath(): string {
  return `${ROOT}node_modules/@modelcontextprotocol/server-everything/dist/index.js`;
}

/** `command` + `args` that run server-everything over stdio (for a stdio server config). */
export function everythingCommand(): { command: string; args: string[] } {
  return { command: process.execPath, args: [everythingPath(), 'stdio'] };
}

/**
 * The same v2 fixture four ways, for a test of both eras: `web` (2026 HTTP at `url`), `local`
 * (2026 stdio), `legacy` (the same spoken to in 2025), and server-everything (2025 stdio).
 */
export function bothErasServers(url: string) {
  return {
    web: { url },
    local: modernStdioCommand(),
    legacy: { ...modernStdioCommand(), protocol: 'legacy' as const },
    everything: everythingCommand(),
  };
}

/** `command` + `args` that run a stdio fixture (for a stdio server config). */
export function stdioFixtureCommand(name = 'stdio-fixture', fixture: FixtureName = 'stdio-server') {
  return { command: process.execPath, args: [fixturePath(fixture), name] };
}

/** Options of every `start*` helper. */
export interface StartOptions {
  /** Server name reported in `initialize` and in `fixture://hello`. @default "http-fixture" / "sse-fixture" */
  name?: string;
  /** Extra environment variables, on top of this process's. @default {} */
  env?: Record<string, string>;
  /** Bound on start-up; then the child is killed and the start rejects. @default 15000 */
  timeoutMs?: number;
}

/** Options of {@link startHttpFixture}. */
export interface HttpFixtureOptions extends StartOptions {
  /** Port to listen on. @default 0 (any free port) */
  port?: number;
  /** Answer POSTs with plain JSON instead of SSE streams (`enableJsonResponse`). @default false */
  json?: boolean;
  /**
   * What a request naming a forgotten session gets (see `EXPIRE_MODES` in fixtures/faults.ts):
   * `404` (the SDK's server), `400` (server-everything), or HTTP 200 with a JSON-RPC error:
   * `rpc-expired` (-32602 "Invalid params: Invalid or expired session"), `terminated`
   * (-32000 "Session terminated"), `unknown` (-32000 "Unknown session: <id>"). @default "404"
   */
  expireMode?: ExpireMode;
  /** Forget a session this many ms after its last request finished (idle TTL). @default undefined (never) */
  sessionTtlMs?: number;
  /** Forget every session this many ms after it began, busy or not (a session's lifetime). @default undefined (never) */
  sessionLifeMs?: number;
  /** Offer the 2025-11-25 task tools `job` and `maybe` (fixtures/fixture-tools.ts). @default false */
  tasks?: boolean;
  /** Answer `ping` with JSON-RPC error -32601 Method not found. @default false */
  noPing?: boolean;
  /**
   * Ping every session's client this often over its GET stream; a client that does not answer
   * within the same time loses its session. @default undefined (never)
   */
  pingClientsMs?: number;
}

/** A server running in a child process. */
export interface ServerProcess {
  /** The MCP endpoint (`…/mcp` or `…/sse`). */
  url: string;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after {@link STOP_GRACE_MS}; resolves once the child has exited. */
  stop(): Promise<void>;
  /** The last 16 KiB the child wrote to stderr. */
  stderr(): string;
}

/** A fixture HTTP server (Streamable HTTP or SSE) with its admin endpoints. */
export interface FixtureServer extends ServerProcess {
  /** The current server process (a new one after {@link FixtureServer.restart}). */
  readonly child: ChildProcess;
  /** Counters summed over every session the server ever had (reset by a restart: a new process). */
  stats(): Promise<AdminStats>;
  /**
   * Forgets every session: the next request naming one gets the expiry answer — a 404
   * "Session not found" unless {@link HttpFixtureOptions.expireMode} says otherwise.
   */
  dropSessions(): Promise<void>;
  /** SIGKILLs the server process and resolves once it has exited; `url` refuses connections until a restart. */
  kill(): Promise<void>;
  /**
   * Stops the server process (if still running) and starts a new one on the same port with the
   * same options. The new process knows no session: clients must re-initialise.
   */
  restart(): Promise<void>;
}

/** What the Streamable HTTP fixture answers on `GET /admin/stats`. */
export type HttpAdminStats = AdminStats & FaultStats & typeof taskStats;

/** The Streamable HTTP fixture, with its fault switches. */
export interface HttpFixtureServer extends FixtureServer {
  stats(): Promise<HttpAdminStats>;
  /**
   * Makes every MCP request need `Authorization: Bearer <token>`, else HTTP 401 with
   * `WWW-Authenticate: Bearer error="invalid_token"`; `null` turns it off. With `once`, only
   * the first request without the token is refused, then the requirement lifts by itself.
   */
  requireToken(token: string | null, opts?: { once?: boolean }): Promise<void>;
  /**
   * `true`: the server reads MCP requests and never answers them (sockets stay open).
   * `false`: the held requests go on as if the server had only been slow; resolves with how many.
   */
  hang(on: boolean): Promise<number>;
  /** While on, every tools/call forgets its session and gets the expiry answer (a retry fails too). */
  expireCalls(on: boolean): Promise<void>;
}

// Children still running: killed when this process exits, so a failed test leaves none behind.
const running = new Set<ChildProcess>();
let killerInstalled = false;

function track(child: ChildProcess): void {
  if (!killerInstalled) {
    killerInstalled = true;
    process.on('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }
  running.add(child);
  child.once('exit', () => running.delete(child));
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.ref();
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // Hold the event loop open until the exit arrives (the child was unref()ed once started).
  child.ref();
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * Spawns `node script args` and resolves with what `ready` finds in a stdout or stderr line.
 * Rejects (child killed, stderr included) if the child exits or the timeout passes first.
 */
async function spawnUntilReady<T>(
  label: string,
  script: string,
  args: string[],
  opts: StartOptions & { extraEnv?: Record<string, string>; nodeArgs?: string[] },
  ready: (line: string, stream: 'stdout' | 'stderr') => T | undefined,
): Promise<{ child: ChildProcess; value: T; stderr: () => string }> {
  if (!existsSync(script)) throw new Error(`${label}: ${script} is missing; run \`npm run build\` first.`);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  // stdin is a pipe we never write to: fixtures started with --exit-with-stdin see EOF and
  // exit when this process dies, even by SIGKILL (when no 'exit' hook runs).
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), script, ...args], {
    env: { ...process.env, ...opts.extraEnv, ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  track(child);
  let tail = '';
  const stderr = (): string => tail;
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-STDERR_TAIL_CHARS);
  });

  const value = await new Promise<T>((resolve, reject) => {
    const fail = (why: string): void => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`${label} ${why}; stderr:\n${tail || '(empty)'}`));
    };
    const onLine = (stream: 'stdout' | 'stderr') => (line: string) => {
      const found = ready(line, stream);
      if (found === undefined) return;
      cleanup();
      resolve(found);
    };
    const onExit = (code: number | null, signal: string | null): void =>
      fail(`exited before it was ready (code ${code}, signal ${signal})`);
    const onError = (error: Error): void => fail(`failed to spawn: ${error.message}`);
    const timer = setTimeout(() => fail(`was not ready within ${timeoutMs} ms`), timeoutMs);
    const lines = [
      createInterface({ input: child.stdout!, crlfDelay: Infinity }).on('line', onLine('stdout')),
      createInterface({ input: child.stderr!, crlfDelay: Infinity }).on('line', onLine('stderr')),
    ];
    function cleanup(): void {
      clearTimeout(timer);
      child.off('exit', onExit).off('error', onError);
      for (const rl of lines) rl.close();
    }
    child.once('exit', onExit).once('error', onError);
  });

  // Keep draining stdout (server-everything logs every request there) so the pipe never fills,
  // and let a script that forgets stop() exit: the 'exit' hook then kills the child.
  // (readline's close() paused both streams.)
  child.stdout?.resume();
  child.stderr?.resume();
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as Socket | null)?.unref();
  return { child, value, stderr };
}

/**
 * Preloaded into server-everything, which has no --exit-with-stdin: the same guard, so it dies
 * with this process even when that is SIGKILLed. (It never reads stdin in streamableHttp mode.)
 */
const EXIT_WITH_STDIN_IMPORT = 'data:text/javascript,process.stdin.resume();process.stdin.once("end",()=>process.exit(0));';

/** Parses the fixtures' port line `{"port":N,"url":"…"}`. */
function portLine(line: string, stream: 'stdout' | 'stderr'): string | undefined {
  if (stream !== 'stdout' || !line.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(line) as { url?: unknown };
    return typeof parsed.url === 'string' ? parsed.url : undefined;
  } catch {
    return undefined;
  }
}

async function admin(url: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const json = body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
  const res = await fetch(new URL(path, url), { method, ...json });
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** How often {@link FixtureServer.restart} retries when its port is taken (by someone else) meanwhile. */
const RESTART_ATTEMPTS = 10;

async function startFixture(fixture: FixtureName, args: string[], opts: StartOptions): Promise<FixtureServer> {
  let started = await spawnUntilReady(fixture, fixturePath(fixture), args, opts, portLine);
  const url = started.value;
  // A restart must come back on the very port clients know, not on a new `--port 0` pick.
  const sameArgs = [...args.filter((arg, i) => arg !== '--port' && args[i - 1] !== '--port'), '--port', new URL(url).port];
  const restart = async (): Promise<void> => {
    await stopChild(started.child);
    for (let attempt = 1; ; attempt += 1) {
      try {
        started = await spawnUntilReady(fixture, fixturePath(fixture), sameArgs, opts, portLine);
        return;
      } catch (error) {
        if (attempt >= RESTART_ATTEMPTS || !String(error).includes('EADDRINUSE')) throw error;
        await sleep(100 * attempt);
      }
    }
  };
  return {
    url,
    get child() {
      return started.child;
    },
    stop: () => stopChild(started.child),
    kill: () => killChild(started.child),
    restart,
    stderr: () => started.stderr(),
    stats: async () => (await admin(url, 'GET', '/admin/stats')) as AdminStats,
    dropSessions: async () => void (await admin(url, 'POST', '/admin/drop-sessions')),
  };
}

/** Starts the Streamable HTTP fixture (`dist/test/fixtures/http-server.js`) on 127.0.0.1. */
export async function startHttpFixture(opts: HttpFixtureOptions = {}): Promise<HttpFixtureServer> {
  const args = ['--exit-with-stdin', '--port', String(opts.port ?? 0)];
  if (opts.name !== undefined) args.push('--name', opts.name);
  if (opts.json === true) args.push('--json');
  if (opts.expireMode !== undefined) args.push('--expire-mode', opts.expireMode);
  if (opts.sessionTtlMs !== undefined) args.push('--session-ttl-ms', String(opts.sessionTtlMs));
  if (opts.sessionLifeMs !== undefined) args.push('--session-life-ms', String(opts.sessionLifeMs));
  if (opts.tasks === true) args.push('--tasks');
  if (opts.noPing === true) args.push('--no-ping');
  if (opts.pingClientsMs !== undefined) args.push('--ping-clients-ms', String(opts.pingClientsMs));
  const server = await startFixture('http-server', args, opts);
  const { url } = server;
  // Spread would copy the `child` getter's current value: extend the object itself instead.
  return Object.assign(server, {
    stats: async () => (await admin(url, 'GET', '/admin/stats')) as HttpAdminStats,
    requireToken: async (token: string | null, { once = false }: { once?: boolean } = {}) =>
      void (await admin(url, 'POST', '/admin/require-token', { token, once })),
    hang: async (on: boolean) => ((await admin(url, 'POST', '/admin/hang', { on })) as { released: number }).released,
    expireCalls: async (on: boolean) => void (await admin(url, 'POST', '/admin/expire-calls', { on })),
  });
}

/** What the OAuth fixture answers on `GET /admin/stats`. */
export type OAuthAdminStats = AdminStats & OAuthCounters & { unauthorized: number; insufficientScope: number; initializes: number };

/** The OAuth fixture: authorization server + MCP server behind bearer tokens, with its switches. */
export interface OAuthFixtureServer extends FixtureServer {
  stats(): Promise<OAuthAdminStats>;
  /** The authorization server's base URL (issuer): `http://127.0.0.1:N/`. */
  readonly issuer: string;
  /** Every access token issued so far stops working: the next MCP request gets 401. */
  expireAccessTokens(): Promise<void>;
  /** Every refresh token issued so far stops working: a refresh gets `invalid_grant`. */
  revokeRefreshTokens(): Promise<void>;
  /** Every refresh grant takes `ms` before it answers (0: none). */
  setRefreshDelay(ms: number): Promise<void>;
  /** `tools/call` needs these scopes (space-separated; null: none), else 403 `insufficient_scope`. */
  requireScope(scope: string | null): Promise<void>;
}

/** Starts the OAuth fixture (`dist/test/fixtures/oauth-server.js`) on 127.0.0.1. */
export async function startOAuthFixture(opts: StartOptions = {}): Promise<OAuthFixtureServer> {
  const args = ['--exit-with-stdin'];
  if (opts.name !== undefined) args.push('--name', opts.name);
  const server = await startFixture('oauth-server', args, opts);
  const { url } = server;
  return Object.assign(server, {
    issuer: new URL('/', url).href,
    stats: async () => (await admin(url, 'GET', '/admin/stats')) as OAuthAdminStats,
    expireAccessTokens: async () => void (await admin(url, 'POST', '/admin/expire-access-tokens')),
    revokeRefreshTokens: async () => void (await admin(url, 'POST', '/admin/revoke-refresh-tokens')),
    setRefreshDelay: async (ms: number) => void (await admin(url, 'POST', '/admin/refresh-delay', { ms })),
    requireScope: async (scope: string | null) => void (await admin(url, 'POST', '/admin/require-scope', { scope })),
  });
}

/** What the hostile HTTP fixture answers on `GET /admin/stats`. */
export interface HostileStats {
  /** Executions per tool (the tools that count). */
  executions: Record<string, number>;
  /** Sockets open right now, the stats request's own included. */
  openSockets: number;
  /** Body bytes written so far. */
  bytesSent: number;
  requests: number;
}

/** The hostile Streamable HTTP fixture (`dist/test/fixtures/hostile-http.js`): see its header for the tools. */
export interface HostileHttpServer extends FixtureServer {
  stats(): Promise<AdminStats & HostileStats>;
}

/** Starts the hostile Streamable HTTP fixture on 127.0.0.1; `keepAlive: false` closes every connection after its answer. */
export async function startHostileHttp(opts: StartOptions & { keepAlive?: boolean } = {}): Promise<HostileHttpServer> {
  const args = ['--exit-with-stdin', ...(opts.keepAlive === false ? ['--no-keepalive'] : [])];
  return (await startFixture('hostile-http', args, opts)) as HostileHttpServer;
}

/** Options of the 2026-07-28 fixture (`dist/test/fixtures/modern-server.js`). */
export interface ModernFixtureOptions extends StartOptions {
  /** `reject`: refuse 2025-era clients (modern only). @default "serve" */
  legacy?: 'serve' | 'reject';
  /** Cache hint on tools/list results (`ttlMs`, scope private). @default none */
  toolsTtlMs?: number;
  /** Tools only: prompts/list and resources/list are unknown methods. @default false */
  bare?: boolean;
  /** Port to listen on (HTTP). @default 0 (any free port) */
  port?: number;
  /** Serve the skill's SKILL.md altered after it was listed: longer (`size`) or changed in place (`digest`). */
  tamperSkill?: 'size' | 'digest';
}

function modernArgs(opts: ModernFixtureOptions): string[] {
  const args: string[] = [];
  if (opts.name !== undefined) args.push('--name', opts.name);
  if (opts.legacy !== undefined) args.push('--legacy', opts.legacy);
  if (opts.toolsTtlMs !== undefined) args.push('--tools-ttl-ms', String(opts.toolsTtlMs));
  if (opts.bare === true) args.push('--bare');
  if (opts.port !== undefined) args.push('--port', String(opts.port));
  if (opts.tamperSkill !== undefined) args.push('--tamper-skill', opts.tamperSkill);
  return args;
}

/** The 2026-07-28 fixture over stateless Streamable HTTP: no sessions, so no `dropSessions()`. */
export interface ModernHttpServer extends Omit<FixtureServer, 'stats' | 'dropSessions'> {
  stats(): Promise<ModernStats>;
  /** Registers tool `extra` and publishes tools/list_changed to every listen stream. */
  toolsChanged(): Promise<void>;
}

/** Starts the 2026-07-28 fixture (SDK v2 `createMcpHandler`, stateless) on 127.0.0.1. */
export async function startModernHttp(opts: ModernFixtureOptions = {}): Promise<ModernHttpServer> {
  const server = await startFixture('modern-server', ['--exit-with-stdin', ...modernArgs(opts)], opts);
  const { url } = server;
  return Object.assign(server, {
    stats: async () => (await admin(url, 'GET', '/admin/stats')) as ModernStats,
    toolsChanged: async () => void (await admin(url, 'POST', '/admin/tools-changed')),
  });
}

/** `command` + `args` of the 2026-07-28 fixture over stdio (SDK v2 `serveStdio`). */
export function modernStdioCommand(opts: Omit<ModernFixtureOptions, keyof StartOptions> & { name?: string } = {}) {
  return { command: process.execPath, args: [fixturePath('modern-server'), '--stdio', ...modernArgs(opts)] };
}

/** Starts the legacy HTTP+SSE fixture (`dist/test/fixtures/sse-server.js`) on 127.0.0.1. */
export async function startSseFixture(opts: StartOptions = {}): Promise<FixtureServer> {
  const args = ['--exit-with-stdin'];
  if (opts.name !== undefined) args.push('--name', opts.name);
  return startFixture('sse-server', args, opts);
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not pick a free port');
  return address.port;
}

/**
 * Starts `server-everything streamableHttp` on a free port; ready when it logs
 * "MCP Streamable HTTP Server listening on port N" to stderr (its `app.listen` callback).
 * It picks no port itself, so a port taken between our probe and its listen is retried.
 */
export async function startEverythingHttp(opts: Omit<StartOptions, 'name'> = {}): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    try {
      const started = await spawnUntilReady(
        'server-everything',
        everythingPath(),
        ['streamableHttp'],
        { ...opts, extraEnv: { PORT: String(port) }, nodeArgs: ['--import', EXIT_WITH_STDIN_IMPORT] },
        (line, stream) => (stream === 'stderr' && /listening on port \d+/.test(line) ? true : undefined),
      );
      return {
        url: `http://127.0.0.1:${port}/mcp`,
        child: started.child,
        stop: () => stopChild(started.child),
        stderr: started.stderr,
      };
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('already in use')) throw error;
    }
  }
}
