/**
 * The liveness probe behind keepalive and health checks: `ping`, or `tools/list` for a server
 * that answers ping with -32601 (Method not found) — remembered, so it is asked only once.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ErrorCode as RpcCode, McpError } from '@modelcontextprotocol/sdk/types.js';

/** Per-session memory of whether the server implements ping. */
export interface ProbeMemory {
  pingUnsupported: boolean;
}

/** Resolves when the session answered; rejects with the SDK's error when it did not. */
export async function probe(client: Client, options: RequestOptions, memory: ProbeMemory): Promise<void> {
  if (!memory.pingUnsupported) {
    try {
      await client.ping(options);
      return;
    } catch (error) {
      if (!(error instanceof McpError && error.code === RpcCode.MethodNotFound)) throw error;
      memory.pingUnsupported = true;
    }
  }
  await client.listTools({}, options);
}
