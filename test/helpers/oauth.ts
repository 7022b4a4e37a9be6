/**
 * What the OAuth integration tests share: temporary token directories, the server entry, a real
 * first login against the fixture (the authorization server auto-approves, so fetching the
 * authorization URL stands in for the user's browser), and the change in the fixture's counters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type HttpServerConfig } from '../../dist/src/index.js';
import { finishLogin, startLogin } from '../../dist/workers/auth/auth.js';
import type { OAuthAdminStats, OAuthFixtureServer } from './servers.js';

/** Token directories that do not exist yet (the store creates them); `cleanup()` removes them all. */
export function tokenDirs(prefix: string): { next(): string; cleanup(): void } {
  const roots: string[] = [];
  return {
    next: () => {
      const root = mkdtempSync(join(tmpdir(), prefix));
      roots.push(root);
      return join(root, 'tokens');
    },
    cleanup: () => {
      for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The config entry of the fixture's MCP server with its tokens in `dir`. */
export function oauthEntry(server: OAuthFixtureServer, dir: string): Record<string, unknown> {
  return { url: server.url, auth: 'oauth', oauth: { tokenDir: dir } };
}

/** The normalised config of that entry, as the login functions take it. */
export function oauthConfig(server: OAuthFixtureServer, dir: string): HttpServerConfig {
  return loadConfig({ mcpServers: { web: oauthEntry(server, dir) } })[0] as HttpServerConfig;
}

/**
 * A real login, as `mcp-sync login web` does it: authorization URL → (auto-approved) redirect with
 * a code → tokens stored. Returns the scope the authorization request asked for.
 */
export async function loginToFixture(server: OAuthFixtureServer, dir: string): Promise<string | null> {
  const config = oauthConfig(server, dir);
  const started = await startLogin(config);
  if (started.status !== 'redirect') throw new Error('expected a redirect to the authorization server');
  const approval = await fetch(started.authorizationUrl, { redirect: 'manual' });
  const redirect = new URL(approval.headers.get('location') ?? '');
  const code = redirect.searchParams.get('code');
  if (code === null) throw new Error(`no code in the redirect (HTTP ${approval.status})`);
  await finishLogin(config, { code, iss: redirect.searchParams.get('iss') ?? undefined });
  return started.authorizationUrl.searchParams.get('scope');
}

/** What the fixture counted since `before`. */
export async function statsSince(server: OAuthFixtureServer, before: OAuthAdminStats): Promise<Record<keyof OAuthAdminStats, number>> {
  const now = await server.stats();
  return Object.fromEntries(Object.entries(now).map(([key, value]) => [key, value - before[key as keyof OAuthAdminStats]])) as Record<
    keyof OAuthAdminStats,
    number
  >;
}
