/**
 * `npm run demo`: two bundled MCP servers — one over stdio, one over Streamable HTTP on loopback —
 * called synchronously from the main thread, with a short transcript and a status table.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { McpHub, McpSyncError, type CallToolResult } from '../src/index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../test/fixtures/${name}.js`, import.meta.url));

/** Starts the HTTP demo server in a child process (this thread will block on it) and returns its URL. */
async function startHttpServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [fixture('http-server'), '--name', 'remote'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const { url } = JSON.parse(line) as { url: string };
    lines.close();
    return { url, child };
  }
  throw new Error('the demo HTTP server exited before it was listening');
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

const { url, child } = await startHttpServer();
console.log('mcp-sync demo — two MCP servers, called synchronously from the main thread\n');
console.log(`  started the HTTP demo server at ${url} (a child process)`);
const started = performance.now();
const hub = McpHub.start({
  mcpServers: {
    local: { command: process.execPath, args: [fixture('stdio-server'), 'local'] },
    remote: { url },
  },
});
console.log(`  McpHub.start() connected ${hub.servers().length} servers in ${(performance.now() - started).toFixed(0)} ms\n`);
try {
  show(`hub.listTools('local')`, () => hub.listTools('local'));
  show(`hub.callTool('local', 'echo', { text: 'hello' })`, () => hub.callTool('local', 'echo', { text: 'hello' }));
  show(`hub.callTool('remote', 'add', { a: 2, b: 40 })`, () => hub.callTool('remote', 'add', { a: 2, b: 40 }));
  show(`hub.readResource('remote', 'fixture://hello')`, () => hub.readResource('remote', 'fixture://hello'));
  show(`hub.getPrompt('local', 'greet', { name: 'Ada' })`, () => hub.getPrompt('local', 'greet', { name: 'Ada' }));
  show(`hub.callTool('remote', 'fail', { message: 'no such file' })`, () => hub.callTool('remote', 'fail', { message: 'no such file' }));
  show(`hub.callTool('local', 'slow', { ms: 5000 }, { timeoutMs: 300 })`, () =>
    hub.callTool('local', 'slow', { ms: 5000 }, { timeoutMs: 300 }),
  );
  show(`hub.callTool('nowhere', 'echo')`, () => hub.callTool('nowhere', 'echo'));

  console.log('\n  server   transport  state   tools  generation');
  for (const server of hub.servers()) {
    console.log(
      `  ${server.name.padEnd(8)} ${server.transport.padEnd(10)} ${server.state.padEnd(7)} ${String(server.tools).padStart(5)}  ${server.generation}`,
    );
  }
} finally {
  hub.close();
  child.kill();
}
console.log('\n  hub.close(): servers shut down, stdio child ended.');
