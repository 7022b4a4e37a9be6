import { once } from 'node:events';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, json, removeTempDirs, runCli, startCli, tempDir, writeConfig } from '../helpers/cli.js';
import { startOAuthFixture, stdioFixtureCommand, type OAuthFixtureServer } from '../helpers/servers.js';

/**
 * `mcp-sync login` / `logout` against a real OAuth authorization server (the fixture's /authorize
 * approves at once and redirects), with the binary in a child process. The test plays the
 * browser: it fetches the URL the CLI prints, which lands on the CLI's loopback listener.
 */
let server: OAuthFixtureServer;
let tokenDir: string;
let config: string;
const run = (...args: string[]) => runCli([...args, '--config', config]);

beforeAll(async () => {
  server = await startOAuthFixture({ name: 'oauth-web' });
  tokenDir = join(tempDir(), 'tokens');
  // A port of our own: the default redirect port (47615) may be in use by a login elsewhere.
  const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
  config = writeConfig({
    web: { url: server.url, auth: 'oauth', oauth: { tokenDir, redirectUri } },
    local: stdioFixtureCommand('local'),
    away: { url: server.url, auth: 'oauth', oauth: { redirectUri: 'https://example.com/callback' } },
  });
});

afterAll(async () => {
  await server?.stop();
  removeTempDirs();
});

/** A login with the browser step played by fetch; resolves with the run and what the browser showed. */
async function login(...extra: string[]) {
  const cli = startCli(['login', 'web', '--no-browser', '--config', config, ...extra]);
  const [url] = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+/);
  const page = await (await fetch(url)).text();
  return { run: await cli.done, page };
}

describe('mcp-sync login / logout', () => {
  it('without tokens, a call exits 5 and says which login command to run', () => {
    const call = run('call', 'web', 'echo', '{"text":"hi"}');
    expect(call.code).toBe(5);
    expect(call.stderr).toContain(`→ Log in again: mcp-sync login web --config ${config}`);
    expect(json(run('call', 'web', 'echo', '--json'))).toMatchObject({ error: { code: 'NEEDS_REAUTH', exitCode: 5 } });
    const status = run('status');
    expect(status.code).toBe(5);
    expect(status.stdout).toMatch(/^web\s+http\s+failed\s+-\s+0\s+0\s+needs an OAuth login$/m);
  });

  it('logs in through the browser step, stores the tokens (0600), and the next call works', async () => {
    const { run: result, page } = await login('--json');
    expect(page).toContain(`Logged in to MCP server &#39;web&#39;`);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('open this URL in a browser');
    const outcome = json(result);
    expect(outcome).toEqual({ server: 'web', status: 'logged-in', tokenFile: join(tokenDir, 'web.json') });
    expect(statSync(join(tokenDir, 'web.json')).mode & 0o777).toBe(0o600);
    expect(run('call', 'web', 'echo', '{"text":"with tokens"}')).toMatchObject({ code: 0, stdout: 'with tokens\n' });
    expect(run('status').stdout).toMatch(/^web\s+http\s+ready\s+legacy 2025-11-25\s+\d+\s+1$/m);
  });

  it('a second login finds the stored tokens working; --force logs in anew', async () => {
    expect(run('login', 'web', '--no-browser')).toMatchObject({ code: 0, stdout: expect.stringContaining(`Already logged in to 'web'`) });
    const forced = await login('--force');
    expect(forced.run).toMatchObject({ code: 0, stdout: `Logged in to 'web'. Tokens stored in ${join(tokenDir, 'web.json')}\n` });
  });

  it('logout deletes the token file; then calls need a login again', () => {
    expect(json(run('logout', 'web', '--json'))).toEqual({ server: 'web', status: 'logged-out', tokenFile: join(tokenDir, 'web.json') });
    expect(existsSync(join(tokenDir, 'web.json'))).toBe(false);
    expect(run('logout', 'web')).toMatchObject({ code: 0, stdout: expect.stringContaining(`Not logged in to 'web'`) });
    expect(run('call', 'web', 'echo', '{"text":"hi"}').code).toBe(5);
  });

  it('reports a refusal by the authorization server (exit 5) and shows it in the browser', async () => {
    const cli = startCli(['login', 'web', '--no-browser', '--config', config]);
    const [, redirect] = await cli.waitFor(/redirect to (http:\/\/127\.0\.0\.1:\d+\/callback)/);
    const browser = await fetch(`${redirect}?error=access_denied&error_description=user+said+no`);
    expect(browser.status).toBe(400);
    const result = await cli.done;
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('The authorization server refused the login: access_denied (user said no)');
  });

  it("checks the redirect's iss (RFC 9207): one naming another authorization server fails the login; the right one passes", async () => {
    /** The browser step, with the `iss` of the redirect replaced (a mix-up attacker's move) or set right. */
    const loginWithIss = async (iss: (issuer: string) => string) => {
      const cli = startCli(['login', 'web', '--no-browser', '--force', '--config', config]);
      const [url] = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+/);
      const redirect = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '');
      redirect.searchParams.set('iss', iss(new URL('/', url).href));
      await (await fetch(redirect)).text();
      return cli.done;
    };
    const forged = await loginWithIss(() => 'https://evil.example/');
    expect(forged.code).toBe(5);
    expect(forged.stderr).toContain('The login redirect came back naming the authorization server "https://evil.example/"');
    const right = await loginWithIss((issuer) => issuer);
    expect(right.code, right.stderr).toBe(0);
    expect(run('logout', 'web').code).toBe(0); // as the tests after this one expect
  });

  it('gives up after --timeout when the browser never comes back', async () => {
    const started = performance.now();
    const result = run('login', 'web', '--no-browser', '--timeout', '1', '--json');
    expect(result.code).toBe(1);
    expect(json(result)).toMatchObject({ error: { code: 'TIMEOUT' } });
    expect(result.stderr).toMatch(/No login came back to http:\/\/127\.0\.0\.1:\d+\/callback within 1 s/);
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('fails before printing a URL when the redirect port is taken', async () => {
    const port = Number(new URL(JSON.parse(readFileSync(config, 'utf8')).mcpServers.web.oauth.redirectUri).port);
    const squatter = createServer().listen(port, '127.0.0.1');
    await once(squatter, 'listening');
    try {
      const result = run('login', 'web', '--no-browser');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Cannot listen for the login redirect on 127.0.0.1:${port}: the port is in use`);
      expect(result.stderr).not.toContain('/authorize');
    } finally {
      squatter.close();
    }
  });

  it('refuses servers without OAuth (2), unknown servers (4) and a redirect it cannot listen on (3)', () => {
    expect(run('login', 'local')).toMatchObject({ code: 2, stderr: expect.stringContaining(`'local' is a stdio server`) });
    expect(run('logout', 'nope').code).toBe(4);
    const away = run('login', 'away', '--no-browser');
    expect(away.code).toBe(3);
    expect(away.stderr).toContain('not a loopback http:// URL');
  });
});
