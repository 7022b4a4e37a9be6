import type { Client } from '@modelcontextprotocol/client';

/** Connects to the stdio `server` as mcp-sync's I/O worker does; resolves with the connected client. */
export function openAsWorker(server: { command: string; args: string[] }): Promise<Client>;
