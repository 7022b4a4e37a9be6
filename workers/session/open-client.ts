/**
 * One connect attempt: a fresh transport and SDK Client (neither can be restarted), the protocol
 * era negotiated, the catalog discovered. The era is the server's `protocol` (config): `legacy`
 * speaks 2025 (`initialize`, sessions), `modern` only 2026-07-28 (stateless: `server/discover`,
 * `_meta` on every request), `auto` probes with `server/discover` and falls back to `initialize`.
 * An `auto` verdict is kept by the session and handed back as `prior`, so a known server is not
 * probed on every reconnect.
 */
import {
  Client,
  LOG_LEVEL_META_KEY,
  SdkError,
  SdkErrorCode,
  type PriorDiscovery,
  type RequestOptions,
  type Tool,
  type Transport,
} from '@modelcontextprotocol/client';
import type { LogLevel, ServerConfig, ServerLogMessage } from '../../src/shared/protocol.js';
import { PACKAGE_INFO } from '../../src/shared/package-info.js';
import { createTransport, type TransportHooks } from '../transport/create-transport.js';
import { StdioTransport } from '../transport/stdio-transport.js';
import { clientCapabilities, installClientHandlers, type ClientHandlers } from './client-handlers.js';
import { connectFailure, type ConnectFailure } from './connect-errors.js';
import { editRequestMeta } from './request-meta.js';
import { speakTasksExtension } from './task-extension.js';

/** How this client introduces itself (`initialize`, or `_meta` in 2026): the package's own name and version. */
export const CLIENT_INFO = { name: PACKAGE_INFO.name, version: PACKAGE_INFO.version };
/** Pages a listing may follow before it is refused (a server that loops must not hang us). */
export const MAX_PAGES = 50;
/** How long a stdio server may take to answer the 2026 probe before it is taken for a 2025 one. */
const STDIO_PROBE_TIMEOUT_MS = 5_000;

/** A connected client and what was negotiated. */
export interface OpenedClient {
  client: Client;
  transport: Transport;
  /** The era verdict to hand back as `prior` next time (for `protocol: auto`). */
  verdict: PriorDiscovery;
}

/** What one attempt needs. */
export interface OpenRequest {
  config: ServerConfig;
  transportHooks: TransportHooks;
  handlers: ClientHandlers;
  /** When the attempt must have finished (connectTimeout). */
  deadline: number;
  /** Aborts the attempt (the hub closing). */
  signal: AbortSignal;
  /** A verdict from an earlier connect of this server (`protocol: auto`). */
  prior: PriorDiscovery | undefined;
  /** The server's tools changed (list_changed, re-listed by the SDK). */
  onToolsChanged(client: Client, tools: Tool[]): void;
  /** A subscribed resource changed (either era's `notifications/resources/updated`). */
  onResourceUpdated(uri: string): void;
  /** The server sent a log message (`notifications/message`). */
  onServerLog(message: ServerLogMessage): void;
  /** Discovery on the new client (its tools), within the deadline. */
  discover(client: Client, options: RequestOptions): Promise<void>;
}

/** Opens a client, or says why it could not (closing whatever it had started). */
export async function openClient(
  request: OpenRequest,
): Promise<{ ok: true; opened: OpenedClient } | { ok: false; failure: ConnectFailure }> {
  const { config } = request;
  if (request.deadline - Date.now() <= 0) return { ok: false, failure: connectFailure(undefined, config, undefined, true) };
  const transport = createTransport(config, request.transportHooks);
  const client = createClient(request);
  // Each step gets what is left of the deadline, not the whole of it again.
  const options = (): RequestOptions => {
    const left = Math.max(1, request.deadline - Date.now());
    return { timeout: left, maxTotalTimeout: left, signal: request.signal };
  };
  try {
    await client.connect(transport, { ...options(), ...(request.prior !== undefined && { prior: request.prior }) });
    notificationsBeforeResponses(transport);
    if (client.getProtocolEra() === 'modern') speakTasksExtension(transport);
    if (config.logLevel !== undefined) await askForLogLevel(client, transport, config.logLevel, options());
    await request.discover(client, options());
    return { ok: true, opened: { client, transport, verdict: verdictOf(client) } };
  } catch (error) {
    // A child that never became usable is ended without a grace for stdin EOF, in the
    // background: the worker waits for it when it closes (child-group.ts), this attempt does not.
    if (transport instanceof StdioTransport) void transport.abandon();
    void client.close().catch(() => undefined);
    // A 2025 stdio server that closes the connection on the 2026 probe (a request before
    // `initialize`): it is a 2025 server — try again at once, as one.
    if (config.protocol === 'auto' && request.prior === undefined && closedDuringProbe(error)) {
      return openClient({ ...request, prior: { kind: 'legacy' } });
    }
    return { ok: false, failure: connectFailure(error, config, transport, Date.now() >= request.deadline) };
  }
}

function createClient(request: OpenRequest): Client {
  const { config, handlers } = request;
  const client: Client = new Client(CLIENT_INFO, {
    capabilities: clientCapabilities(handlers),
    versionNegotiation: {
      mode: config.protocol === 'legacy' ? 'legacy' : config.protocol === 'modern' ? { pin: '2026-07-28' } : 'auto',
      ...(config.transport === 'stdio' && { probe: { timeoutMs: STDIO_PROBE_TIMEOUT_MS } }),
    },
    listMaxPages: MAX_PAGES,
    // Re-listed by the SDK on list_changed (2025) or on the listen stream it opens (2026).
    listChanged: {
      tools: { onChanged: (error, tools) => void (error === null && tools !== null && request.onToolsChanged(client, tools)) },
    },
  });
  installClientHandlers(client, handlers, config.name);
  client.setNotificationHandler('notifications/resources/updated', (notification) => request.onResourceUpdated(notification.params.uri));
  client.setNotificationHandler('notifications/message', ({ params: { level, logger, data } }) =>
    request.onServerLog({ level, data, ...(logger !== undefined && { logger }) }),
  );
  return client;
}

/**
 * The SDK (2.4.0) runs notification handlers a microtask after they arrive but settles responses at
 * once: a call's last progress notification, read in the same chunk as its result, finds the call
 * gone and is dropped ("unknown token"). Responses are handed over a microtask later too, so
 * everything reaches the client in the order the server sent it.
 */
function notificationsBeforeResponses(transport: Transport): void {
  const deliver = transport.onmessage;
  if (deliver === undefined) return;
  transport.onmessage = (message, extra) => {
    if ('id' in message && !('method' in message)) queueMicrotask(() => deliver(message, extra));
    else deliver(message, extra);
  };
}

/**
 * The least severe log messages wanted: in the 2025 era `logging/setLevel` once (servers that log
 * at all; a refusal is no reason to fail the connect), in 2026-07-28 every request carries it in
 * its `_meta` (the SDK has no setting for that: it is added as the request leaves).
 */
async function askForLogLevel(client: Client, transport: Transport, level: LogLevel, options: RequestOptions): Promise<void> {
  if (client.getProtocolEra() !== 'modern') {
    if (client.getServerCapabilities()?.logging !== undefined) await client.setLoggingLevel(level, options).catch(() => undefined);
    return;
  }
  editRequestMeta(transport, (meta) => ({ ...meta, [LOG_LEVEL_META_KEY]: level }));
}

/** What to hand back as `prior` for this server's next connect. */
function verdictOf(client: Client): PriorDiscovery {
  const discover = client.getDiscoverResult();
  return client.getProtocolEra() === 'modern' && discover !== undefined ? { kind: 'modern', discover } : { kind: 'legacy' };
}

function closedDuringProbe(error: unknown): boolean {
  return (
    SdkError.isInstance(error) &&
    error.code === SdkErrorCode.EraNegotiationFailed &&
    /closed during the server\/discover probe/i.test(error.message)
  );
}
