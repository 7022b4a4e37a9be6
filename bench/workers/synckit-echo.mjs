// synckit's worker side for the bridge-only baseline: answers at once, no I/O.
import { runAsWorker } from 'synckit';

runAsWorker(async (value) => value);
