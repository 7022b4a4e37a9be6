/* global URL, AbortController, process -- Node globals in this plain-JS worker */
// The floor of the design (issue 13): the SDK's v2 Client in a worker thread behind the smallest
// bridge — one postMessage each way, one futex wake, nothing else. workerData: { port, sab, server,
// deadline, openedAsWorker } where server is { url } or { command, args }; with `deadline`, each
// call carries what a call that must not hang needs (its own abort signal and a timeout), as the
// hub's do; with `openedAsWorker`, the stdio client is opened as mcp-sync's worker opens it
// (open-as-worker.mjs: our transport). More callers (threads) each bring a { port, sab } of their
// own, posted on parentPort.
// Answers 'ready' on parentPort once connected.
import { parentPort, workerData } from 'node:worker_threads';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { countListenerWarnings } from '../listener-warnings.mjs';

const { port, sab, server, deadline, openedAsWorker } = workerData;
// The SDK's HTTP client's MaxListenersExceededWarning would bury the bench's table (counted, unread).
countListenerWarnings();
async function connect() {
  // Loaded only when asked for: it needs the build (dist/).
  if (openedAsWorker) return (await import('./open-as-worker.mjs')).openAsWorker(server);
  const client = new Client({ name: 'floor', version: '1' });
  const transport =
    server.url === undefined
      ? new StdioClientTransport({ ...server, stderr: 'ignore' })
      : new StreamableHTTPClientTransport(new URL(server.url));
  await client.connect(transport);
  return client;
}
const client = await connect();

/** Answers the calls that come on `port`, bumping and waking `sab`'s word after each reply. */
function serve(port, sab) {
  const word = new Int32Array(sab);
  port.on('message', async ({ id, name, args }) => {
    let reply;
    try {
      const options = deadline ? { signal: new AbortController().signal, timeout: 120_000, maxTotalTimeout: 120_000 } : undefined;
      reply = { id, value: await client.callTool({ name, arguments: args }, options) };
    } catch (error) {
      reply = { id, error: String(error) };
    }
    port.postMessage(reply);
    Atomics.add(word, 0, 1);
    Atomics.notify(word, 0);
  });
}
serve(port, sab);
// The bench's end: the client (and its child) closed, then the thread ends (bench/sdk-floor.ts endWorker).
port.on('close', () => void client.close().finally(() => process.exit(0)));
parentPort.on('message', (caller) => serve(caller.port, caller.sab));
parentPort.postMessage('ready');
