/**
 * `mcp-sync demo`: runs the demo of `npm run demo` (dist/examples/demo.js). It starts the test
 * fixture servers, which the npm package does not ship, so it works only in a built checkout.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CliError, ExitCode } from './output.js';

const DEMO = fileURLToPath(new URL('../../examples/demo.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../test/fixtures/http-server.js', import.meta.url));

/** Runs `demo` in a child process and exits with its code. */
export async function run(): Promise<ExitCode> {
  if (!existsSync(DEMO) || !existsSync(FIXTURE)) {
    throw new CliError(
      ExitCode.FAILED,
      'DEMO_UNAVAILABLE',
      `The demo is not here (${DEMO}): it runs the test fixture servers, which are not part of the npm package`,
      'Run it from a checkout of the repository: npm install && npm run demo',
    );
  }
  const child = spawn(process.execPath, [DEMO], { stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  return code === 0 ? ExitCode.OK : ExitCode.FAILED;
}
