/** `mcp-sync logout <server>`: deletes the server's token file. */
import { logout } from '../auth/login.js';
import type { Context } from './context.js';
import { oauthServer } from './oauth-server.js';
import { ExitCode } from './output.js';

/** Runs `logout`; exit 0 whether or not tokens were stored. */
export async function run(ctx: Context, [name = '']: string[]): Promise<ExitCode> {
  const outcome = await logout(oauthServer(ctx, name, 'log out of'));
  ctx.output.result(outcome, () => {
    if (outcome.status === 'logged-out') ctx.output.print(`Logged out of '${name}': deleted ${outcome.tokenFile}`);
    else ctx.output.print(`Not logged in to '${name}': no token file at ${outcome.tokenFile}`);
  });
  return ExitCode.OK;
}
