import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, McpSyncError } from '../../../src/shared/errors.js';
import type { HttpServerConfig } from '../../../src/shared/protocol.js';
import { oauthProviderFor, type FileOAuthProvider } from '../../../workers/auth/auth.js';
import { CircuitBreaker } from '../../../workers/recovery/breaker.js';
import { withRecovery } from '../../../workers/recovery/with-recovery.js';
import type { ServerSession } from '../../../workers/session/server-session.js';

/**
 * Rule 1's last resort in withRecovery: a 401 left over after the SDK's own refresh is retried
 * once only when the access token changed meanwhile (another caller refreshed it).
 */
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function oauthConfig(): HttpServerConfig {
  const root = mkdtempSync(join(tmpdir(), 'mcp-sync-recovery-'));
  roots.push(root);
  return {
    name: 'web',
    enabled: true,
    transport: 'http',
    url: 'http://127.0.0.1:9/mcp',
    headers: {},
    auth: 'oauth',
    oauth: { tokenDir: join(root, 'tokens') },
    timeoutMs: 5_000,
    connectTimeoutMs: 5_000,
    maxResponseBytes: 1 << 26,
    protocol: 'auto' as const,
    trusted: false,
    keepaliveIntervalMs: 180_000,
    tools: { resources: true, prompts: true },
  };
}

/** Just what withRecovery touches of a ServerSession; `attempt` plays the request. */
function fakeSession(config: HttpServerConfig, attempt: (n: number) => string): { session: ServerSession; attempts: () => number } {
  let attempts = 0;
  const session = {
    config,
    name: config.name,
    state: 'ready',
    generation: 1,
    recoveryWaitMs: 1_000,
    breaker: new CircuitBreaker('web', { threshold: 3, cooldownMs: 60_000 }),
    request: async () => attempt(++attempts),
    checkHealth: () => undefined,
  };
  return { session: session as unknown as ServerSession, attempts: () => attempts };
}

const needsReauth = (): McpSyncError => new McpSyncError(ErrorCode.NEEDS_REAUTH, 'log in', { server: 'web', needsReauth: true });
const ctx = () => {
  const controller = new AbortController();
  return { controller, signal: controller.signal, timeoutMs: 5_000 };
};
const tokens = (access: string) => ({ access_token: access, token_type: 'Bearer', refresh_token: `r-${access}` });

describe('withRecovery on a 401 of an OAuth server', () => {
  it('retries once when another caller stored a new access token while this request failed', async () => {
    const config = oauthConfig();
    const provider = oauthProviderFor(config) as FileOAuthProvider;
    provider.saveTokens(tokens('at1'));
    const { session, attempts } = fakeSession(config, (n) => {
      if (n > 1) return 'ok';
      provider.saveTokens(tokens('at2')); // a concurrent refresh lands first
      throw needsReauth();
    });
    await expect(withRecovery(session, ctx(), async () => 'unused')).resolves.toBe('ok');
    expect(attempts()).toBe(2);
  });

  it('fails with NEEDS_REAUTH at once, no retry, when the tokens did not change (or were only dropped)', async () => {
    const config = oauthConfig();
    const provider = oauthProviderFor(config) as FileOAuthProvider;
    provider.saveTokens(tokens('at1'));
    const { session, attempts } = fakeSession(config, () => {
      provider.forgetTokens();
      throw needsReauth();
    });
    await expect(withRecovery(session, ctx(), async () => 'unused')).rejects.toMatchObject({ code: ErrorCode.NEEDS_REAUTH });
    expect(attempts()).toBe(1);
  });

  it('retries only once: a second 401 after new tokens is the answer', async () => {
    const config = oauthConfig();
    const provider = oauthProviderFor(config) as FileOAuthProvider;
    const { session, attempts } = fakeSession(config, (n) => {
      provider.saveTokens(tokens(`at${n}`)); // tokens change on every attempt
      throw needsReauth();
    });
    await expect(withRecovery(session, ctx(), async () => 'unused')).rejects.toMatchObject({ code: ErrorCode.NEEDS_REAUTH });
    expect(attempts()).toBe(2);
  });

  it('never retries a 401 of a server without OAuth', async () => {
    const config = { ...oauthConfig(), auth: undefined };
    const { session, attempts } = fakeSession(config, () => {
      throw needsReauth();
    });
    await expect(withRecovery(session, ctx(), async () => 'unused')).rejects.toMatchObject({ code: ErrorCode.NEEDS_REAUTH });
    expect(attempts()).toBe(1);
  });
});
