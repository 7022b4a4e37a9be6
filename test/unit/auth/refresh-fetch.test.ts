import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { describe, expect, it } from 'vitest';
import { RefreshCoalescer } from '../../../workers/auth/refresh-fetch.js';

/**
 * A fake authorization server + resource server behind one fetch: refresh tokens rotate (a
 * second use is invalid_grant), and the resource accepts only the newest access token.
 */
function fakeServer() {
  let generation = 1;
  const server = {
    grants: 0,
    mcpRequests: [] as string[],
    rotate: true,
    status: 200,
    /** Refuse every MCP request (a server that rejects even fresh tokens). */
    refuse: false,
    /** The tokens the client holds (what a provider would return). */
    held: { access_token: 'at1', refresh_token: 'rt1', token_type: 'Bearer' } as OAuthTokens | undefined,
    fetch: (async (_input: unknown, init?: RequestInit) => {
      const body = init?.body;
      if (body instanceof URLSearchParams) {
        server.grants += 1;
        await new Promise((resolve) => setTimeout(resolve, 20)); // overlap concurrent callers
        if (server.status !== 200) return Response.json({ error: 'server_error' }, { status: server.status });
        if (server.rotate && body.get('refresh_token') !== `rt${generation}`)
          return Response.json({ error: 'invalid_grant' }, { status: 400 });
        generation += 1;
        return Response.json({ access_token: `at${generation}`, refresh_token: `rt${generation}`, token_type: 'Bearer' });
      }
      const bearer = new Headers(init?.headers).get('authorization') ?? '';
      server.mcpRequests.push(bearer);
      return new Response(null, { status: !server.refuse && bearer === `Bearer at${generation}` ? 200 : 401 });
    }) as typeof fetch,
  };
  return server;
}

const refreshGrant = (token: string): RequestInit => ({
  method: 'POST',
  body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }),
});
const mcpRequest = (token: string): RequestInit => ({ method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' });

/** A fake server behind a coalescer that reads the server's stored tokens. */
function coalesced() {
  const server = fakeServer();
  const coalescer = new RefreshCoalescer(() => server.held);
  return { server, coalescer, fetch: coalescer.wrap(server.fetch) };
}

describe('RefreshCoalescer', () => {
  it('posts one grant for many concurrent refreshes with the same refresh token, and gives each the answer', async () => {
    const { server, coalescer, fetch } = coalesced();
    const answers = await Promise.all(Array.from({ length: 5 }, () => fetch('http://as/token', refreshGrant('rt1'))));
    expect(server.grants).toBe(1);
    expect(coalescer.grants).toBe(1);
    for (const answer of answers) expect(await answer.json()).toMatchObject({ access_token: 'at2', refresh_token: 'rt2' });
  });

  it('shows why: without it, a rotating server refuses all but the first of parallel refreshes', async () => {
    const server = fakeServer();
    const answers = await Promise.all(Array.from({ length: 3 }, () => server.fetch('http://as/token', refreshGrant('rt1'))));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400, 400]);
  });

  it('answers a late refresh made with a replaced refresh token with the current tokens, without a grant', async () => {
    const { server, fetch } = coalesced();
    await fetch('http://as/token', refreshGrant('rt1'));
    server.held = { access_token: 'at2', refresh_token: 'rt2', token_type: 'Bearer', issuer: 'http://as/' };
    const late = await fetch('http://as/token', refreshGrant('rt1'));
    expect(server.grants).toBe(1);
    // As a server sends it: our issuer stamp is not part of the wire format.
    expect(await late.json()).toEqual({ access_token: 'at2', refresh_token: 'rt2', token_type: 'Bearer' });
  });

  it('re-sends a request refused with an access token that has since been replaced, once', async () => {
    const { server, fetch } = coalesced();
    await fetch('http://as/token', refreshGrant('rt1'));
    server.held = { access_token: 'at2', refresh_token: 'rt2', token_type: 'Bearer' };
    const response = await fetch('http://rs/mcp', mcpRequest('at1'));
    expect(response.status).toBe(200);
    expect(server.mcpRequests).toEqual(['Bearer at1', 'Bearer at2']);
  });

  it('leaves a refused DPoP request to the SDK: its proof was bound to the old token and may be used once', async () => {
    const { server, fetch } = coalesced();
    await fetch('http://as/token', refreshGrant('rt1'));
    server.held = { access_token: 'at2', refresh_token: 'rt2', token_type: 'DPoP' };
    const dpop: RequestInit = { method: 'POST', headers: { authorization: 'DPoP at1', dpop: 'proof-for-at1' }, body: '{}' };
    expect((await fetch('http://rs/mcp', dpop)).status).toBe(401);
    expect(server.mcpRequests).toEqual(['DPoP at1']);
  });

  it('passes a 401 for the current access token through, for the SDK to refresh', async () => {
    const { server, fetch } = coalesced();
    await server.fetch('http://as/token', refreshGrant('rt1')); // the server moved on; we did not
    expect((await fetch('http://rs/mcp', mcpRequest('at1'))).status).toBe(401);
    expect(server.mcpRequests).toEqual(['Bearer at1']);
  });

  it('remembers a refresh token the server refused with 4xx, but not one it failed on with 5xx', async () => {
    const { server, coalescer, fetch } = coalesced();
    server.status = 503;
    expect((await fetch('http://as/token', refreshGrant('rt1'))).status).toBe(503);
    expect(coalescer.wasRejected('rt1')).toBe(false);
    server.status = 200;
    server.rotate = true;
    server.held = { access_token: 'at1', refresh_token: 'rt-unknown', token_type: 'Bearer' };
    expect((await fetch('http://as/token', refreshGrant('rt-unknown'))).status).toBe(400);
    expect(coalescer.wasRejected('rt-unknown')).toBe(true);
    // A failure is not shared with later attempts: the next one asks the server again.
    await fetch('http://as/token', refreshGrant('rt-unknown'));
    expect(server.grants).toBe(3);
  });

  it('answers a refresh with the new refresh token right after a grant with the new tokens (the caller was refused with the old ones)', async () => {
    const { server, fetch } = coalesced();
    await fetch('http://as/token', refreshGrant('rt1'));
    server.held = { access_token: 'at2', refresh_token: 'rt2', token_type: 'Bearer' };
    // The SDK read the stored tokens only after the grant: it asks with rt2.
    const late = await fetch('http://as/token', refreshGrant('rt2'));
    expect(late.status).toBe(200);
    expect(await late.json()).toMatchObject({ access_token: 'at2', refresh_token: 'rt2' });
    expect(server.grants).toBe(1);
  });

  it('posts no second grant while the tokens of the first were refused and never accepted, then allows one again', async () => {
    const { server, fetch } = coalesced();
    await fetch('http://as/token', refreshGrant('rt1'));
    server.held = { access_token: 'at2', refresh_token: 'rt2', token_type: 'Bearer' };
    server.refuse = true;
    expect((await fetch('http://rs/mcp', mcpRequest('at2'))).status).toBe(401); // fresh tokens refused
    const refused = await fetch('http://as/token', refreshGrant('rt2'));
    expect(refused.status).toBe(500);
    expect(await refused.json()).toMatchObject({ error: 'server_error' });
    expect(server.grants).toBe(1);
    server.refuse = false;
    expect((await fetch('http://rs/mcp', mcpRequest('at2'))).status).toBe(200); // at2 accepted
    expect((await fetch('http://as/token', refreshGrant('rt2'))).status).toBe(200);
    expect(server.grants).toBe(2);
  });

  it('re-reads the token file before deciding a refused request was only late (a login by another process)', async () => {
    let held: OAuthTokens = { access_token: 'narrow', token_type: 'Bearer' };
    let reloads = 0;
    const seen: string[] = [];
    const base = (async (_input: unknown, init?: RequestInit) => {
      const bearer = new Headers(init?.headers).get('authorization') ?? '';
      seen.push(bearer);
      if (bearer === 'Bearer wide') return new Response(null, { status: 200 });
      return new Response(null, { status: 403, headers: { 'www-authenticate': 'Bearer error="insufficient_scope", scope="files:write"' } });
    }) as typeof fetch;
    const fetch = new RefreshCoalescer(
      () => held,
      () => {
        reloads += 1;
        held = { access_token: 'wide', token_type: 'Bearer' }; // what the login wrote meanwhile
      },
    ).wrap(base);
    expect((await fetch('http://rs/mcp', mcpRequest('narrow'))).status).toBe(200);
    expect(seen).toEqual(['Bearer narrow', 'Bearer wide']);
    expect(reloads).toBe(1);
    // Refused with the current token: passed through, for the SDK's auth() (a step-up needs a
    // login); and a 403 that is not about scope is no business of this layer.
    const stepUp = new Response(null, { status: 403, headers: { 'www-authenticate': 'Bearer error="insufficient_scope"' } });
    const current = new RefreshCoalescer(() => held).wrap((async () => stepUp) as typeof fetch);
    expect((await current('http://rs/mcp', mcpRequest('wide'))).status).toBe(403);
    const plain403 = (async () => new Response(null, { status: 403 })) as typeof fetch;
    const calls: number[] = [];
    const counted = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => (
      calls.push(1),
      plain403(input, init)
    )) as typeof fetch;
    expect((await new RefreshCoalescer(() => held).wrap(counted)('http://rs/mcp', mcpRequest('old'))).status).toBe(403);
    expect(calls).toHaveLength(1);
  });

  describe('client credentials grants', () => {
    const grant = (): RequestInit => ({ method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) });

    it('posts one grant for many concurrent callers, and gives each the answer', async () => {
      const server = fakeServer();
      server.rotate = false;
      const coalescer = new RefreshCoalescer(() => server.held);
      const fetch = coalescer.wrap(server.fetch);
      const answers = await Promise.all(Array.from({ length: 4 }, () => fetch('http://as/token', grant())));
      expect(server.grants).toBe(1);
      for (const answer of answers) expect(await answer.json()).toMatchObject({ access_token: 'at2' });
    });

    it("hands a caller asking again the last grant's untried tokens — and refuses once a request carrying them was refused", async () => {
      const server = fakeServer();
      server.rotate = false;
      const coalescer = new RefreshCoalescer(() => server.held);
      const fetch = coalescer.wrap(server.fetch);
      await fetch('http://as/token', grant());
      server.held = { access_token: 'at2', token_type: 'Bearer', issuer: 'http://as/' };
      // A caller whose 401 came before the tokens were saved: it gets them, no second grant.
      expect(await (await fetch('http://as/token', grant())).json()).toEqual({ access_token: 'at2', token_type: 'Bearer' });
      expect(server.grants).toBe(1);
      // The resource refuses even the fresh token: no tight loop of grants.
      server.held = { access_token: 'at-refused', token_type: 'Bearer' };
      expect((await fetch('http://rs/mcp', mcpRequest('at-refused'))).status).toBe(401);
      const refused = await fetch('http://as/token', grant());
      expect(refused.status).toBe(500);
      expect(await refused.json()).toMatchObject({ error: 'server_error' });
      expect(server.grants).toBe(1);
    });

    it('posts a new grant once the last tokens were accepted (they expire later)', async () => {
      const server = fakeServer();
      server.rotate = false;
      const fetch = new RefreshCoalescer(() => server.held).wrap(server.fetch);
      await fetch('http://as/token', grant());
      server.held = { access_token: 'at2', token_type: 'Bearer' };
      expect((await fetch('http://rs/mcp', mcpRequest('at2'))).status).toBe(200);
      expect(await (await fetch('http://as/token', grant())).json()).toMatchObject({ access_token: 'at3' });
      expect(server.grants).toBe(2);
    });
  });

  it('leaves requests that are not refresh grants alone', async () => {
    const { server, fetch } = coalesced();
    const code = new URLSearchParams({ grant_type: 'authorization_code', code: 'c' });
    await fetch('http://as/token', { method: 'POST', body: code });
    await fetch('http://as/token', { method: 'POST', body: code });
    expect(server.grants).toBe(2);
  });
});
