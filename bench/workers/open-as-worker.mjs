/* global AbortController -- a Node global in this plain-JS module */
// The SDK's v2 client over mcp-sync's stdio transport, opened as the I/O worker opens it
// (workers/session/open-client.ts): what bench/sdk-clients.ts and bench/floor-steps.ts measure
// the worker's client by. Its stderr log goes to a fresh temporary directory.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../dist/src/index.js';
import { openClient } from '../../dist/workers/session/open-client.js';
import { secureLogDir } from '../../dist/workers/logs/log-files.js';
import { ServerLog } from '../../dist/workers/logs/server-log.js';

/** Connects to the stdio `server` ({ command, args }); resolves with the connected client. */
export async function openAsWorker(server) {
  const [config] = loadConfig({ mcpServers: { s: server } });
  const logDir = mkdtempSync(join(tmpdir(), 'mcp-sync-bench-'));
  secureLogDir(logDir);
  const opened = await openClient({
    config,
    transportHooks: { log: new ServerLog(logDir, 's'), report: () => undefined, onSpawn: () => undefined },
    handlers: {},
    deadline: Date.now() + 30_000,
    signal: new AbortController().signal,
    prior: undefined,
    onToolsChanged: () => undefined,
    onResourceUpdated: () => undefined,
    onServerLog: () => undefined,
    discover: async () => undefined,
  });
  if (!opened.ok) throw opened.failure.error;
  return opened.opened.client;
}
