/** Counts this thread's MaxListenersExceededWarning from now on (other warnings print); returns the count so far. */
export function countListenerWarnings(): () => number;
