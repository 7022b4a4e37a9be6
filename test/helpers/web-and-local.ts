/**
 * The setup many integration tests share: the HTTP fixture as server `web` (in a child process)
 * and a stdio fixture as server `local`, behind one hub.
 */
import { McpHub } from '../../dist/src/index.js';
import { startHttpFixture, stdioFixtureCommand, type HttpFixtureServer } from './servers.js';

export interface WebAndLocal {
  http: HttpFixtureServer;
  hub: McpHub;
}

/** Starts the fixture and the hub (event log off). */
export async function startWebAndLocal(): Promise<WebAndLocal> {
  const http = await startHttpFixture({ name: 'web' });
  const hub = McpHub.start({ mcpServers: { web: { url: http.url }, local: stdioFixtureCommand('local') } }, { eventLog: false });
  return { http, hub };
}

/** Closes the hub and stops the fixture; tolerates a setup that failed half-way. */
export async function stopWebAndLocal(setup: Partial<WebAndLocal>): Promise<void> {
  setup.hub?.close();
  await setup.http?.stop();
}
