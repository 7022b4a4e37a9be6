/**
 * Interactive OAuth login and logout for one server, run in a worker thread (the MCP SDK is
 * confined to `workers/`; this file only loads the worker by path): discovery, client
 * registration, PKCE, a loopback listener for the redirect, the code exchange, the token file.
 */
import { Worker } from 'node:worker_threads';
import { ErrorCode, fromWire, McpSyncError } from '../shared/errors.js';
import type { HttpServerConfig, LoginMessage, LoginOutcome, LoginRequest } from '../shared/protocol.js';

export type { LoginOutcome } from '../shared/protocol.js';

const LOGIN_WORKER_URL = new URL('../../workers/auth/login-worker.js', import.meta.url);
/** How long {@link login} waits for the browser by default (5 minutes). */
export const DEFAULT_LOGIN_TIMEOUT_MS = 300_000;

/** Options of {@link login}. */
export interface LoginOptions {
  /** Called with the authorization URL the user must open (print it, open a browser). */
  onUrl: (url: string, redirectUrl: string) => void;
  /** Log in again even if the stored tokens still work. @default false */
  force?: boolean;
  /** How long to wait for the redirect. @default 300000 (5 minutes) */
  timeoutMs?: number;
}

/**
 * Logs in to `config`'s server: prints nothing itself — `onUrl` gets the URL — then waits on the
 * loopback redirect URL for the code and stores the tokens where the hub reads them.
 * @throws McpSyncError INVALID_CONFIG (redirect URL not loopback), TIMEOUT (no redirect in time),
 * NEEDS_REAUTH (the authorization server refused), TRANSPORT_ERROR (server unreachable, port in use), INTERNAL
 */
export function login(config: HttpServerConfig, options: LoginOptions): Promise<LoginOutcome> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS;
  return runWorker({ op: 'login', config, force: options.force ?? false, timeoutMs }, options.onUrl);
}

/** Deletes `config`'s server's token file (tokens, client registration, discovery cache). */
export function logout(config: HttpServerConfig): Promise<LoginOutcome> {
  return runWorker({ op: 'logout', config }, () => undefined);
}

function runWorker(request: LoginRequest, onUrl: LoginOptions['onUrl']): Promise<LoginOutcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOGIN_WORKER_URL, { workerData: request });
    let settled = false;
    const settle = (error: Error | undefined, outcome?: LoginOutcome): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      if (error === undefined && outcome !== undefined) resolve(outcome);
      else reject(error ?? new McpSyncError(ErrorCode.INTERNAL, 'The login worker ended without an answer'));
    };
    worker.on('message', (message: LoginMessage) => {
      if (message.type === 'url') onUrl(message.url, message.redirectUrl);
      else if (message.type === 'done') settle(undefined, message.outcome);
      else settle(fromWire(message.error));
    });
    worker.on('error', (error) => settle(new McpSyncError(ErrorCode.INTERNAL, `The login worker crashed: ${error.message}`)));
    worker.on('exit', () => settle(undefined));
  });
}
