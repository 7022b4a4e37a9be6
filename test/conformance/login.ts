/**
 * A first OAuth login for the conformance client, done the way a user will do it with
 * `mcp-sync login <server>`: the library's two login steps (discovery, client registration or the
 * configured client, PKCE, token exchange, token file), with the user's browser approval played by
 * hand. The conformance authorization servers approve at once: their authorization endpoint
 * answers with a redirect that carries the code, so "the browser" is one fetch that does not
 * follow that redirect.
 *
 * The login steps live in workers/auth/auth.ts (the CLI that will wrap them is still to come); like
 * test/integration/oauth.test.ts, this imports them from the built output.
 */
import { loadConfig } from '../../dist/src/index.js';
import { finishLogin, startLogin } from '../../dist/workers/auth/auth.js';

/** Logs in to the one HTTP server of `config` and stores its tokens where the hub will read them. */
export async function loginAsUser(config: Record<string, unknown>): Promise<void> {
  const [server] = loadConfig(config);
  if (server === undefined || server.transport === 'stdio') throw new Error('login needs one HTTP server in the config');
  const started = await startLogin(server);
  if (started.status === 'authorized') return;
  await finishLogin(server, await approveInBrowser(started.authorizationUrl));
}

/** What the user's browser does: open the authorization URL and land on the redirect URL with `code` (and `iss`). */
async function approveInBrowser(authorizationUrl: URL): Promise<{ code: string; iss: string | undefined }> {
  const response = await fetch(authorizationUrl, { redirect: 'manual' });
  await response.body?.cancel();
  const location = response.headers.get('location');
  if (location === null) throw new Error(`the authorization endpoint did not redirect (HTTP ${response.status})`);
  const redirect = new URL(location, authorizationUrl);
  const error = redirect.searchParams.get('error');
  if (error !== null) throw new Error(`the authorization server refused: ${error} ${redirect.searchParams.get('error_description') ?? ''}`);
  const code = redirect.searchParams.get('code');
  if (code === null) throw new Error(`no code in the redirect to ${redirect.origin}${redirect.pathname}`);
  return { code, iss: redirect.searchParams.get('iss') ?? undefined };
}
