/* global process -- a Node global in this plain-JS script */
// The minimal SDK script `bench/startup.ts` measures mcp-sync against: connect to `count` copies
// of one stdio server with the SDK's v2 client alone (in parallel), list their tools, print them
// as JSON, close. argv: count command args…
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const [count, command, ...args] = process.argv.slice(2);
const clients = Array.from({ length: Number(count) }, () => new Client({ name: 'minimal', version: '1.0.0' }));
await Promise.all(clients.map((client) => client.connect(new StdioClientTransport({ command, args, stderr: 'ignore' }))));
const lists = await Promise.all(clients.map((client) => client.listTools()));
process.stdout.write(`${JSON.stringify(lists.flatMap(({ tools }) => tools))}\n`);
await Promise.all(clients.map((client) => client.close()));
