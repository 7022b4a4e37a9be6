/**
 * `npm run demo`: three bundled MCP servers — a 2025-era one over stdio, a 2025-era one over
 * Streamable HTTP and a 2026-07-28 one over stateless HTTP, both on loopback — called
 * synchronously from the main thread, with a short transcript; then every server fails under
 * the hub (sessions dropped, child killed, server restarted) and the next calls still succeed,
 * each recovery shown as one line of the hub's event log; then a status table with each era.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { McpHub, McpSyncError, type CallToolResult } from '../src/index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../test/fixtures/${name}.js`, import.meta.url));

/** Starts an HTTP fixture server in a child process (this thread will block on it) and returns its URL. */
async function startHttpServer(name: string, args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [fixture(name), ...args], { stdio: ['pipe', 'pipe', 'ignore'] });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const { url } = JSON.parse(line) as { url: string };
    lines.close();
    return { url, child };
  }
  throw new Error(`the demo server ${name} exited before it was listening`);
}

// The hub's event log goes to a file of our own, so its lines can be printed in order with the
// transcript (after the call they belong to) instead of interleaving on stderr.
const logDir = mkdtempSync(join(tmpdir(), 'mcp-sync-demo-'));
const eventLog = join(logDir, 'events.log');
let eventsShown = 0;

/** Prints the event-log lines written since the last call, one line per server's recovery. */
function showEvents(): void {
  let lines: string[];
  try {
    lines = readFileSync(eventLog, 'utf8').split('\n').filter(Boolean);
  } catch {
    return; // nothing logged yet
  }
  const fresh = lines.slice(eventsShown);
  eventsShown = lines.length;
  // `<ISO time> mcp-sync: '<server>' <event>` → per server: its events joined, and the time they spanned.
  const byServer = new Map<string, { events: string[]; first: number; last: number }>();
  for (const line of fresh) {
    const [, time = '', server = '', event = ''] = /^(\S+) mcp-sync: '([^']*)' (.*)$/.exec(line) ?? [];
    const at = Date.parse(time);
    const entry = byServer.get(server) ?? { events: [], first: at, last: at };
    entry.events.push(event);
    entry.last = at;
    byServer.set(server, entry);
  }
  for (const [server, { events, first, last }] of byServer) {
    console.log(`      ↻ event log: '${server}' ${events.join(' → ')}  [${last - first} ms]`);
  }
}

function show(call: string, run: () => unknown): void {
  const started = performance.now();
  let outcome: string;
  try {
    outcome = `← ${summarise(run())}`;
  } catch (error) {
    outcome = error instanceof McpSyncError ? `✗ ${error.code}: ${error.message}` : `✗ ${String(error)}`;
  }
  console.log(`  ${call.padEnd(62)} ${outcome}  (${(performance.now() - started).toFixed(1)} ms)`);
  showEvents();
}

function summarise(value: unknown): string {
  const result = value as Partial<CallToolResult> & { contents?: { text?: string }[]; messages?: { content: { text?: string } }[] };
  if (Array.isArray(result?.content)) {
    const text = result.content.map((block) => (block.type === 'text' ? block.text : `[${block.type}]`)).join(' ');
    const structured = result.structuredContent === undefined ? '' : ` structuredContent=${JSON.stringify(result.structuredContent)}`;
    return `${result.isError ? 'isError ' : ''}${JSON.stringify(text)}${structured}`;
  }
  if (Array.isArray(result?.contents)) return JSON.stringify(result.contents[0]?.text);
  if (Array.isArray(result?.messages)) return JSON.stringify(result.messages[0]?.content.text);
  if (Array.isArray(value)) return `${value.length} items`;
  return JSON.stringify(value) ?? 'ok';
}

const remote = await startHttpServer('http-server', ['--name', 'remote']);
let modern = await startHttpServer('modern-server', ['--name', 'modern']);
console.log('mcp-sync demo — three MCP servers of both protocol eras, called synchronously from the main thread\n');
console.log(`  started a 2025-era HTTP server at ${remote.url} and a 2026-07-28 one at ${modern.url} (child processes)`);
const started = performance.now();
const hub = McpHub.start(
  {
    mcpServers: {
      local: { command: process.execPath, args: [fixture('stdio-server'), 'local'] },
      remote: { url: remote.url },
      modern: { url: modern.url },
    },
  },
  { logDir, eventLog },
);
console.log(`  McpHub.start() connected ${hub.servers().length} servers in ${(performance.now() - started).toFixed(0)} ms\n`);
try {
  show(`hub.listTools('local')`, () => hub.listTools('local'));
  show(`hub.callTool('local', 'echo', { text: 'hello' })`, () => hub.callTool('local', 'echo', { text: 'hello' }));
  show(`hub.callTool('remote', 'add', { a: 2, b: 40 })`, () => hub.callTool('remote', 'add', { a: 2, b: 40 }));
  show(`hub.callTool('modern', 'add', { a: 2, b: 40 })`, () => hub.callTool('modern', 'add', { a: 2, b: 40 }));
  show(`hub.readResource('remote', 'fixture://hello')`, () => hub.readResource('remote', 'fixture://hello'));
  show(`hub.getPrompt('local', 'greet', { name: 'Ada' })`, () => hub.getPrompt('local', 'greet', { name: 'Ada' }));
  show(`hub.callTool('remote', 'fail', { message: 'no such file' })`, () => hub.callTool('remote', 'fail', { message: 'no such file' }));
  show(`hub.callTool('local', 'slow', { ms: 5000 }, { timeoutMs: 300 })`, () =>
    hub.callTool('local', 'slow', { ms: 5000 }, { timeoutMs: 300 }),
  );
  show(`hub.callTool('nowhere', 'echo')`, () => hub.callTool('nowhere', 'echo'));

  console.log('\n  self-healing: every server fails under the hub, and the next calls still succeed\n');
  // The fixture's admin endpoint: the server forgets every session, as a restarted or
  // load-balanced server would; our next request still names the old one.
  const dropped = await fetch(new URL('/admin/drop-sessions', remote.url), { method: 'POST' });
  console.log(`  POST /admin/drop-sessions (the HTTP server forgets every session) → ${await dropped.text()}`);
  show(`hub.callTool('remote', 'add', { a: 1, b: 2 })`, () => hub.callTool('remote', 'add', { a: 1, b: 2 }));
  show(`hub.callTool('remote', 'echo', { text: 'same new session' })`, () => hub.callTool('remote', 'echo', { text: 'same new session' }));

  const pid = Number((hub.callTool('local', 'pid').content[0] as { text: string }).text);
  process.kill(pid, 'SIGKILL');
  // The child dies between two calls (a call racing the death would end OUTCOME_UNCERTAIN: it was
  // already on its way to the dead child, so it is not retried).
  await sleep(50);
  console.log(`  process.kill(${pid}, 'SIGKILL') (the stdio server's child), then 50 ms later:`);
  show(`hub.callTool('local', 'echo', { text: 'still here' })`, () => hub.callTool('local', 'echo', { text: 'still here' }));
  show(`hub.callTool('local', 'pid')`, () => hub.callTool('local', 'pid'));

  // A 2026-07-28 server keeps no session: restarted between two calls, it just answers the next.
  modern.child.kill();
  await new Promise((resolve) => modern.child.once('exit', resolve));
  modern = await startHttpServer('modern-server', ['--name', 'modern', '--port', new URL(modern.url).port]);
  console.log(`  the 2026-07-28 server restarted (a new process on the same port), then:`);
  show(`hub.callTool('modern', 'echo', { text: 'no session to lose' })`, () =>
    hub.callTool('modern', 'echo', { text: 'no session to lose' }),
  );

  console.log('\n  server   transport  state   era                tools  generation');
  for (const server of hub.servers()) {
    const era = server.era === undefined ? '-' : `${server.era} ${server.protocolVersion ?? ''}`;
    console.log(
      `  ${server.name.padEnd(8)} ${server.transport.padEnd(10)} ${server.state.padEnd(7)} ${era.padEnd(18)} ${String(server.tools).padStart(5)}  ${server.generation}`,
    );
  }
} finally {
  hub.close();
  remote.child.kill();
  modern.child.kill();
  rmSync(logDir, { recursive: true, force: true });
}
console.log('\n  hub.close(): servers shut down, stdio child ended.');
