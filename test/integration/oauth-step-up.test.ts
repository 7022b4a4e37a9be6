import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, McpHub } from '../../dist/src/index.js';
import { TokenStore } from '../../dist/workers/auth/token-store.js';
import { catchError, firstText } from '../helpers/calls.js';
import { loginToFixture, oauthEntry, statsSince, tokenDirs } from '../helpers/oauth.js';
import { startOAuthFixture, type OAuthAdminStats, type OAuthFixtureServer } from '../helpers/servers.js';

/**
 * Step-up authorization (MCP "scope challenge handling"): the server refuses `tools/call` with
 * 403 `insufficient_scope` naming the scope it needs. The worker cannot log in, and a refresh
 * cannot widen a token's scope: the call fails NEEDS_REAUTH carrying that scope, which is also
 * kept in the token file, so the next login asks for it — and the live session then uses the
 * new token without a restart. Against the real OAuth fixture, through the public API.
 */
let server: OAuthFixtureServer;
const hubs: McpHub[] = [];
const dirs = tokenDirs('mcp-sync-step-up-');

beforeAll(async () => {
  server = await startOAuthFixture({ name: 'oauth-step-up' });
});

afterAll(async () => {
  await server?.stop();
  dirs.cleanup();
});

afterEach(async () => {
  for (const hub of hubs.splice(0)) hub.close();
  await server.requireScope(null);
});

const tokenDir = (): string => dirs.next();
const entry = (dir: string): Record<string, unknown> => oauthEntry(server, dir);
const login = (dir: string): Promise<string | null> => loginToFixture(server, dir);
const since = (before: OAuthAdminStats): Promise<Record<keyof OAuthAdminStats, number>> => statsSince(server, before);

describe('403 insufficient_scope (step-up)', () => {
  it('fails NEEDS_REAUTH with the scope, without a refresh; the next login asks for it; the session then works as is', async () => {
    const dir = tokenDir();
    expect(await login(dir)).toBeNull(); // the fixture advertises no scopes: none asked for
    const hub = McpHub.start({ mcpServers: { web: entry(dir) } }, { eventLog: false });
    hubs.push(hub);
    expect(firstText(hub.callTool('web', 'echo', { text: 'narrow' }))).toBe('narrow');
    await server.requireScope('files:write');
    const before = await server.stats();

    const error = catchError(() => hub.callTool('web', 'echo', { text: 'x' }));

    expect(error.code).toBe(ErrorCode.NEEDS_REAUTH);
    expect(error.data).toMatchObject({ server: 'web', needsReauth: true, httpStatus: 403, scope: 'files:write' });
    expect(error.message).toContain('mcp-sync login web');
    expect(error.message).toContain("'files:write'");
    let seen = await since(before);
    expect(seen.insufficientScope).toBe(1); // refused once: no retry loop
    expect(seen.refreshGrants).toBe(0); // a refresh cannot widen the scope: none was tried
    expect(seen.calls).toBe(0);
    expect(new TokenStore('web', dir).read().requiredScope).toBe('files:write');
    expect(hub.listTools('web').map((tool) => tool.name)).toContain('echo'); // what the token allows still works

    // The login asks for the demanded scope — though a refresh token is stored, it does not
    // just refresh — and the demand is settled once the new tokens are stored.
    expect(await login(dir)).toBe('files:write');
    expect(new TokenStore('web', dir).read().requiredScope).toBeUndefined();
    expect(new TokenStore('web', dir).read().tokens?.scope).toBe('files:write');

    expect(firstText(hub.callTool('web', 'echo', { text: 'wide' }))).toBe('wide');
    seen = await since(before);
    expect(seen.calls).toBe(1);
    expect(seen.initializes).toBe(0); // the same session, now sending the new token
    expect(seen.refreshGrants).toBe(0);
  });
});
