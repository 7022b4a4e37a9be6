/**
 * The login worker: runs one `mcp-sync login` or `logout` (see src/auth/login.ts) where the SDK may be
 * imported. A login listens on the loopback redirect URL first — so a port in use fails before
 * the user is sent to the browser — then runs the two login steps of auth.ts around the one
 * redirect it waits for, and answers the browser with a page that says how it went.
 */
import { once } from 'node:events';
import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { IssuerMismatchError } from '@modelcontextprotocol/client';
import { ErrorCode, McpSyncError, toWire } from '../../src/shared/errors.js';
import type { HttpServerConfig, LoginMessage, LoginOutcome, LoginRequest } from '../../src/shared/protocol.js';
import { DEFAULT_REDIRECT_URL, finishLogin, startLogin, tokenStoreFor, type LoginRedirect } from './auth.js';

/** What came back to the redirect URL: a code (and `iss`), and the browser's response still to write. */
interface Redirected extends LoginRedirect {
  /** Answers the browser; resolves once the page is sent (or the browser went away). */
  respond: (ok: boolean, text: string) => Promise<void>;
}

const LOOPBACK_HOSTS: Record<string, string[]> = { '127.0.0.1': ['127.0.0.1'], '[::1]': ['::1'], localhost: ['127.0.0.1', '::1'] };

const request = workerData as LoginRequest;
const post = (message: LoginMessage): void => parentPort?.postMessage(message);
try {
  post({ type: 'done', outcome: request.op === 'logout' ? logout(request.config) : await login(request) });
} catch (error) {
  post({ type: 'error', error: toWire(classify(error, request.config)) });
}

async function login({ config, force, timeoutMs }: Extract<LoginRequest, { op: 'login' }>): Promise<LoginOutcome> {
  const redirect = loopbackRedirect(config);
  const listener = await listen(redirect);
  try {
    const started = await startLogin(config, { force });
    const tokenFile = tokenStoreFor(config).path;
    if (started.status === 'authorized') return { server: config.name, status: 'already-authorized', tokenFile };
    post({ type: 'url', url: started.authorizationUrl.href, redirectUrl: redirect.href });
    const { respond, ...redirected } = await withTimeout(listener.redirected, timeoutMs, redirect);
    try {
      await finishLogin(config, redirected);
    } catch (error) {
      await respond(false, `The login to MCP server '${config.name}' failed. See the terminal for details.`);
      throw error;
    }
    await respond(true, `Logged in to MCP server '${config.name}'. You can close this tab.`);
    return { server: config.name, status: 'logged-in', tokenFile };
  } finally {
    listener.close();
  }
}

function logout(config: HttpServerConfig): LoginOutcome {
  const { path } = tokenStoreFor(config);
  const existed = existsSync(path);
  rmSync(path, { force: true });
  return { server: config.name, status: existed ? 'logged-out' : 'not-logged-in', tokenFile: path };
}

/** The redirect URL; only a loopback `http://` one can be listened on here. */
function loopbackRedirect(config: HttpServerConfig): URL {
  const redirect = new URL(config.oauth?.redirectUri ?? DEFAULT_REDIRECT_URL);
  if (redirect.protocol !== 'http:' || !Object.hasOwn(LOOPBACK_HOSTS, redirect.hostname)) {
    const message = `mcp-sync login listens for the redirect on this machine: MCP server '${config.name}' has oauth.redirectUri '${redirect.href}', which is not a loopback http:// URL (http://127.0.0.1:<port>/<path>)`;
    throw new McpSyncError(ErrorCode.INVALID_CONFIG, message, { server: config.name, key: 'oauth.redirectUri' });
  }
  return redirect;
}

/** Listens on `redirect`'s host(s) and port; `redirected` settles with the first code (or refusal) on its path. */
async function listen(redirect: URL): Promise<{ redirected: Promise<Redirected>; close: () => void }> {
  let deliver: (value: Redirected | McpSyncError) => void = () => undefined;
  const arrived = new Promise<Redirected | McpSyncError>((resolve) => (deliver = resolve));
  let received = false;
  const handler = (req: { url?: string }, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', redirect);
    if (url.pathname !== redirect.pathname) return void page(res, 404, 'Not found.');
    if (received) return void page(res, 409, 'This login has already received its redirect.');
    const [code, error] = [url.searchParams.get('code'), url.searchParams.get('error')];
    if (code === null && error === null) return void page(res, 400, 'The redirect carried neither a code nor an error.');
    received = true;
    const iss = url.searchParams.get('iss') ?? undefined;
    if (code !== null) return deliver({ code, iss, respond: (ok, text) => page(res, ok ? 200 : 500, text) });
    void page(res, 400, 'The authorization server refused the login. See the terminal.');
    const description = url.searchParams.get('error_description');
    deliver(
      new McpSyncError(
        ErrorCode.NEEDS_REAUTH,
        `The authorization server refused the login: ${error}${description ? ` (${description})` : ''}`,
      ),
    );
  };
  const [first = '127.0.0.1', ...others] = LOOPBACK_HOSTS[redirect.hostname] ?? [];
  const port = Number(redirect.port || 80);
  const servers = [await listenOn(createServer(handler), first, port, redirect)];
  for (const host of others) {
    // localhost may resolve to either address in the browser: take ::1 too where it is free.
    const extra = await listenOn(createServer(handler), host, port, redirect).catch(() => undefined);
    if (extra !== undefined) servers.push(extra);
  }
  const redirected = arrived.then((value) => (value instanceof McpSyncError ? Promise.reject(value) : value));
  redirected.catch(() => undefined); // handled by whoever awaits it; never unhandled if nobody does
  return { redirected, close: () => servers.forEach((server) => (server.close(), server.closeIdleConnections())) };
}

function listenOn(server: Server, host: string, port: number, redirect: URL): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'the port is in use (another `mcp-sync login` running?)' : (error.code ?? error.message);
      const message = `Cannot listen for the login redirect on ${host}:${port}: ${why}. Set oauth.redirectUri to another loopback port (${redirect.href} now)`;
      reject(new McpSyncError(ErrorCode.TRANSPORT_ERROR, message));
    });
    server.listen(port, host, () => resolve(server));
  });
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, redirect: URL): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const seconds = Math.round(timeoutMs / 1000);
  const message = `No login came back to ${redirect.href} within ${seconds} s. Open the URL in a browser on this machine and approve, or pass --timeout`;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new McpSyncError(ErrorCode.TIMEOUT, message)), timeoutMs);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** Sends a one-line HTML page; resolves once it is sent (or the browser went away). */
function page(res: ServerResponse, status: number, text: string): Promise<void> {
  const escaped = text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const sent = once(res, 'close').then(() => undefined);
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', connection: 'close' });
  res.end(`<!doctype html><meta charset="utf-8"><title>mcp-sync login</title><p>${escaped}</p>\n`);
  return sent;
}

/** Any failure as an McpSyncError with a message that names the server. */
function classify(error: unknown, config: HttpServerConfig): McpSyncError {
  if (error instanceof McpSyncError) return error;
  if (IssuerMismatchError.isInstance(error)) {
    // RFC 9207 / RFC 8414: the answer came from (or names) another authorization server than the
    // one the login started with — what a mix-up attack looks like. Nothing was exchanged.
    const what = error.kind === 'authorization_response' ? 'The login redirect came back naming' : 'The metadata found names';
    const message = `${what} the authorization server ${JSON.stringify(error.received ?? null)}, not ${JSON.stringify(error.expected)}; the login to MCP server '${config.name}' was refused (no code was exchanged)`;
    return new McpSyncError(ErrorCode.NEEDS_REAUTH, message, { server: config.name });
  }
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  if (error instanceof TypeError && message === 'fetch failed') {
    return new McpSyncError(ErrorCode.TRANSPORT_ERROR, `Cannot reach MCP server '${config.name}' or its authorization server${cause}`, {
      server: config.name,
    });
  }
  // The SDK's OAuth errors (invalid_grant, invalid_client …) carry an `errorCode`.
  const oauthCode = typeof error === 'object' && error !== null && 'errorCode' in error ? `${String(error.errorCode)}: ` : '';
  const code = oauthCode === '' ? ErrorCode.INTERNAL : ErrorCode.NEEDS_REAUTH;
  return new McpSyncError(code, `Login to MCP server '${config.name}' failed: ${oauthCode}${message}${cause}`, { server: config.name });
}
