/**
 * ServerConfig → transport. stdio children get only safe environment variables plus the
 * config's `env` (early-children.ts), and their stderr goes to a log file, never to the caller's
 * terminal; a server's first transport takes the child spawned for it at the worker's boot. Every
 * transport takes answers up to the server's `maxResponseBytes`.
 */
import { SSEClientTransport, StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import { oauthProviderFor } from '../auth/auth.js';
import { guardedFetch } from './guarded-fetch.js';
import { NotificationBudget, isNotification } from './notification-budget.js';
import type { ServerLog } from '../logs/server-log.js';
import { StdioTransport } from './stdio-transport.js';
import { spawnOptions, takeEarlyChild } from './early-children.js';
import type { HttpServerConfig, ServerConfig, StdioServerConfig } from '../../src/shared/protocol.js';

/** What a transport reports besides messages. */
export interface TransportHooks {
  /** The server's stderr log (stdio servers). */
  log: ServerLog | undefined;
  /** One line for the event log: what no caller sees (oversized messages, dropped notifications). */
  report(event: string): void;
  /** A stdio child's pid as soon as it runs, so it can be killed if the process exits. */
  onSpawn(pid: number): void;
}

/** Builds a fresh transport for `config`; a transport cannot be restarted, so one per connect. */
export function createTransport(config: ServerConfig, hooks: TransportHooks): Transport {
  return config.transport === 'stdio' ? createStdio(config, hooks) : createHttp(config, hooks);
}

function createStdio(config: StdioServerConfig, hooks: TransportHooks): StdioTransport {
  if (hooks.log === undefined) throw new Error(`no log for stdio server '${config.name}'`);
  const spawned = takeEarlyChild(config.name);
  return new StdioTransport({
    ...spawnOptions(config),
    ...(spawned !== undefined && { spawned }),
    maxMessageBytes: config.maxResponseBytes,
    log: hooks.log,
    report: hooks.report,
    onSpawn: hooks.onSpawn,
  });
}

function createHttp(config: HttpServerConfig, hooks: TransportHooks): Transport {
  const url = new URL(config.url);
  const guarded = guardedFetch({ maxResponseBytes: config.maxResponseBytes, report: hooks.report });
  // With `auth: oauth` the SDK refreshes on 401 through the provider; its fetch wrapper makes
  // those refreshes single-flight across concurrent requests (see refresh-fetch.ts).
  const authProvider = oauthProviderFor(config);
  const fetch = authProvider === undefined ? guarded : authProvider.wrapFetch(guarded);
  const options = { requestInit: { headers: config.headers }, fetch, ...(authProvider !== undefined && { authProvider }) };
  const transport = config.transport === 'sse' ? new SSEClientTransport(url, options) : new StreamableHTTPClientTransport(url, options);
  return withNotificationBudget(transport, hooks.report);
}

/**
 * Drops the notifications `transport` delivers beyond its server's budget (notification-budget.ts)
 * before the SDK dispatches them. The SDK assigns `onmessage` once it connects; the budget wraps
 * whatever it assigns. (The stdio transport keeps its own budget, and also throttles its reading.)
 */
function withNotificationBudget(transport: Transport, report: (event: string) => void): Transport {
  const budget = new NotificationBudget(report);
  let deliver: Transport['onmessage'];
  Object.defineProperty(transport, 'onmessage', {
    configurable: true,
    get: () => deliver,
    set: (handler: Transport['onmessage']) => {
      deliver =
        handler === undefined
          ? undefined
          : (message, extra) => {
              if (isNotification(message) && !budget.take()) return;
              handler(message, extra);
            };
    },
  });
  return transport;
}
