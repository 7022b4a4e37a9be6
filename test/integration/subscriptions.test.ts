import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpHub } from '../../dist/src/index.js';
import { firstText, onPoolThread } from '../helpers/calls.js';
import { bothErasServers, startModernHttp, type ModernHttpServer } from '../helpers/servers.js';

/**
 * Resource subscriptions through the blocking API: `resources/subscribe` in the 2025 era, a
 * `subscriptions/listen` stream in 2026-07-28; updates reach `onResourceUpdated` listeners in any
 * thread; subscriptions are the hub's and come back after a reconnect.
 */
const LISTENER = fileURLToPath(new URL('../../dist/test/fixtures/event-listener.js', import.meta.url));
const HELLO = 'fixture://hello';
let modern: ModernHttpServer;
let hub: McpHub;
const updates: string[] = [];

beforeAll(async () => {
  modern = await startModernHttp();
  hub = McpHub.start(
    {
      mcpServers: bothErasServers(modern.url),
    },
    { eventLog: false },
  );
  hub.onResourceUpdated((server, uri) => updates.push(`${server} ${uri}`));
});

afterAll(async () => {
  hub?.close();
  await modern?.stop();
});

/** Waits (letting this thread's event loop run) until `expected` has been seen, or 10 s. */
async function seen(expected: string): Promise<boolean> {
  const until = Date.now() + 10_000;
  while (!updates.includes(expected) && Date.now() < until) await sleep(20);
  return updates.includes(expected);
}

describe('subscribe / onResourceUpdated', () => {
  it.each(['web', 'local', 'legacy'])('%s: an update of a subscribed resource reaches the listener; others do not', async (server) => {
    hub.subscribe(server, HELLO);
    hub.callTool(server, 'touch', { uri: 'fixture://other' });
    hub.callTool(server, 'touch', { uri: HELLO });
    expect(await seen(`${server} ${HELLO}`)).toBe(true);
    expect(updates).not.toContain(`${server} fixture://other`);
    expect(hub.servers().find((info) => info.name === server)?.era).toBe(server === 'legacy' ? 'legacy' : 'modern');
  });

  it('unsubscribe ends it', async () => {
    hub.unsubscribe('web', HELLO);
    updates.length = 0;
    hub.callTool('web', 'touch', { uri: HELLO });
    hub.callTool('local', 'touch', { uri: HELLO }); // still subscribed: proves the wait below is long enough
    expect(await seen(`local ${HELLO}`)).toBe(true);
    await sleep(200);
    expect(updates).not.toContain(`web ${HELLO}`);
  });

  it('a subscription comes back after a reconnect (the stdio child killed)', async () => {
    const pid = Number(firstText(hub.callTool('local', 'pid')));
    process.kill(pid, 'SIGKILL');
    await sleep(200);
    expect(firstText(hub.callTool('local', 'echo', { text: 'back' }, { timeoutMs: 30_000 }))).toBe('back');
    expect(hub.servers().find((info) => info.name === 'local')?.generation).toBe(2);
    updates.length = 0;
    // The restore runs in the background right after the reconnect: touch until it has.
    const until = Date.now() + 10_000;
    while (!updates.includes(`local ${HELLO}`) && Date.now() < until) {
      hub.callTool('local', 'touch', { uri: HELLO });
      await sleep(100);
    }
    expect(updates).toContain(`local ${HELLO}`);
  });

  it('updates reach a listener in another thread, and a pool thread can subscribe', async () => {
    const listener = new Worker(LISTENER, { workerData: { handle: hub.handle() } });
    const received: string[] = [];
    listener.on('message', (message: unknown) => typeof message === 'object' && received.push(JSON.stringify(message)));
    await once(listener, 'message'); // ready
    await onPoolThread(hub.handle(), 'subscribe', 'legacy', 'fixture://pool');
    hub.callTool('legacy', 'touch', { uri: 'fixture://pool' });
    const until = Date.now() + 10_000;
    while (received.length === 0 && Date.now() < until) await sleep(20);
    listener.postMessage('stop');
    await once(listener, 'exit');
    expect(received).toContain(JSON.stringify({ type: 'resourceUpdated', server: 'legacy', uri: 'fixture://pool' }));
  });

  it('server-everything: subscribes, and its simulated updates arrive', async () => {
    const uri = 'demo://resource/static/document/architecture.md';
    hub.subscribe('everything', uri);
    hub.callTool('everything', 'toggle-subscriber-updates', {});
    expect(await seen(`everything ${uri}`)).toBe(true);
    hub.callTool('everything', 'toggle-subscriber-updates', {});
    hub.unsubscribe('everything', uri);
  });
});
