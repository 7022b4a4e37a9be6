/**
 * The SDK's own HTTP clients (the async baselines) leak one abort listener per request on a shared
 * signal; mcp-sync's transports do not (workers/transport/guarded-fetch.ts). Their
 * MaxListenersExceededWarning is counted instead of burying a bench's table; other warnings print.
 * Returns the count so far.
 */
export function countListenerWarnings(): () => number {
  let count = 0;
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'MaxListenersExceededWarning') count++;
    else console.warn(warning);
  });
  return () => count;
}
