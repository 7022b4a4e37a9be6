/**
 * ServerConfig → SDK transport. stdio children get only safe environment variables plus the
 * config's `env`, and their stderr goes to a log file, never to the caller's terminal.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { DEFAULT_INHERITED_ENV_VARS, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { oauthProviderFor } from './auth.js';
import { isolatingFetch } from './isolating-fetch.js';
import type { HttpServerConfig, ServerConfig, StdioServerConfig } from '../src/protocol.js';

/** Variables a stdio child inherits from our environment; everything else must come from config. */
export const SAFE_ENV_VARS: readonly string[] = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TERM', 'SHELL', 'TMPDIR'];
const SAFE_ENV_PREFIX = 'XDG_';

/** The environment of a stdio child: the safe variables of `parent`, then the config's `env`. */
export function childEnvironment(
  configEnv: Record<string, string>,
  parent: NodeJS.ProcessEnv = process.env,
): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  // The SDK merges its own default list (HOME LOGNAME PATH SHELL TERM USER) under ours; an
  // undefined value makes Node leave the variable out, so only our list gets through.
  for (const name of DEFAULT_INHERITED_ENV_VARS) env[name] = undefined;
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined || value.startsWith('()')) continue; // skip shell functions
    if (SAFE_ENV_VARS.includes(name) || name.startsWith(SAFE_ENV_PREFIX)) env[name] = value;
  }
  return { ...env, ...configEnv };
}

/** Called with a stdio child's pid right after it is spawned, so it can be killed on exit. */
export type OnSpawn = (pid: number) => void;

/** The SDK's stdio transport, reporting the child's pid as soon as it exists. */
class ReportingStdioTransport extends StdioClientTransport {
  onspawn: OnSpawn | undefined;

  override async start(): Promise<void> {
    await super.start();
    this.onspawn?.(this.pid ?? 0);
  }
}

/** Builds a fresh transport for `config`; a transport cannot be restarted, so one per connect. */
export function createTransport(config: ServerConfig, logDir: string, onSpawn: OnSpawn): Transport {
  return config.transport === 'stdio' ? createStdio(config, logDir, onSpawn) : createHttp(config);
}

function createStdio(config: StdioServerConfig, logDir: string, onSpawn: OnSpawn): Transport {
  const transport = new ReportingStdioTransport({
    command: config.command,
    args: config.args,
    env: childEnvironment(config.env) as Record<string, string>,
    ...(config.cwd === undefined ? {} : { cwd: config.cwd }),
    stderr: 'pipe',
  });
  const stderr = transport.stderr;
  if (stderr !== null) {
    const log = openLog(logDir, config.name);
    log.write(`--- ${new Date().toISOString()} starting ${config.command} ---\n`);
    // end: false — the log outlives one child; reconnects append to the same file.
    stderr.pipe(log, { end: false });
  }
  transport.onspawn = onSpawn;
  return transport;
}

function createHttp(config: HttpServerConfig): Transport {
  const url = new URL(config.url);
  // With `auth: oauth` the SDK refreshes on 401 through the provider; its fetch wrapper makes
  // those refreshes single-flight across concurrent requests (see refresh-fetch.ts).
  const authProvider = oauthProviderFor(config);
  const fetch = authProvider === undefined ? isolatingFetch() : authProvider.wrapFetch(isolatingFetch());
  const options = { requestInit: { headers: config.headers }, fetch, ...(authProvider !== undefined && { authProvider }) };
  return config.transport === 'sse' ? new SSEClientTransport(url, options) : new StreamableHTTPClientTransport(url, options);
}

const logs = new Map<string, NodeJS.WritableStream>();

/** The stderr log of a server: `<logDir>/<server>.log`, opened once and appended to. */
export function logPath(logDir: string, server: string): string {
  return join(logDir, `${server.replace(/[^A-Za-z0-9_.-]/g, '_')}.log`);
}

function openLog(logDir: string, server: string): NodeJS.WritableStream {
  const path = logPath(logDir, server);
  let log = logs.get(path);
  if (log === undefined) {
    mkdirSync(logDir, { recursive: true, mode: 0o700 });
    log = createWriteStream(path, { flags: 'a', mode: 0o600 });
    logs.set(path, log);
  }
  return log;
}
