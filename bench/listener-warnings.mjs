/* global process, console -- Node globals in this plain-JS module */
// The SDK's own HTTP clients (the async baselines) leak one abort listener per request on a shared
// signal; mcp-sync's transports do not (workers/transport/guarded-fetch.ts). Their
// MaxListenersExceededWarning is counted instead of burying a bench's table; other warnings print.
// Plain JS so that the floor's worker thread (bench/workers/sdk-floor.mjs), which Node 20 runs
// without the host's loaders, uses it too.

/** Counts this thread's MaxListenersExceededWarning from now on; returns the count so far. */
export function countListenerWarnings() {
  let count = 0;
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'MaxListenersExceededWarning') count++;
    else console.warn(warning);
  });
  return () => count;
}
