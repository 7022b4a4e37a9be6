/**
 * The liveness probe behind keepalive and health checks. A 2025-era session is pinged — or, for a
 * server that answers ping with -32601 (Method not found), asked for its tools, remembered so it
 * is asked only once. A 2026-07-28 server has no ping: it is asked `server/discover` (never
 * answered from a cache).
 */
import { ProtocolError, ProtocolErrorCode, type Client, type RequestOptions } from '@modelcontextprotocol/client';

/** Per-session memory of whether the server implements ping. */
export interface ProbeMemory {
  pingUnsupported: boolean;
}

/** Resolves when the session answered; rejects with the SDK's error when it did not. */
export async function probe(client: Client, options: RequestOptions, memory: ProbeMemory): Promise<void> {
  if (client.getProtocolEra() === 'modern') {
    await client.discover(options);
    return;
  }
  if (!memory.pingUnsupported) {
    try {
      await client.ping(options);
      return;
    } catch (error) {
      if (!(ProtocolError.isInstance(error) && error.code === ProtocolErrorCode.MethodNotFound)) throw error;
      memory.pingUnsupported = true;
    }
  }
  await client.listTools(undefined, { ...options, cacheMode: 'bypass' });
}
