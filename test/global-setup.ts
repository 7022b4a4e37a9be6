import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Tests run against the built output (the worker is loaded by path): insist that it exists. */
export default function setup(): void {
  const worker = fileURLToPath(new URL('../dist/workers/io-worker.js', import.meta.url));
  if (!existsSync(worker)) {
    throw new Error(`${worker} is missing: run \`npm run build\` first (npm test does).`);
  }
}
