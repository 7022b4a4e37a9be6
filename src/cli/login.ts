/** `mcp-sync login <server>`: the OAuth login, in the browser, with the tokens stored for the hub. */
import { DEFAULT_LOGIN_TIMEOUT_MS, login } from '../auth/login.js';
import { openBrowser } from './browser.js';
import type { Context } from './context.js';
import { oauthServer } from './oauth-server.js';
import { ExitCode } from './output.js';

/** Runs `login`. */
export async function run(ctx: Context, [name = '']: string[]): Promise<ExitCode> {
  const config = oauthServer(ctx, name, 'log in to');
  const { output, flags } = ctx;
  const timeoutMs = flags.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS;
  const outcome = await login(config, {
    force: flags.force,
    timeoutMs,
    onUrl: (url, redirectUrl) => {
      output.note(`To log in to MCP server '${name}', open this URL in a browser on this machine:\n\n  ${url}\n`);
      const opened = flags.browser && openBrowser(url);
      output.note(
        `${opened ? 'Opened your browser. ' : ''}Waiting up to ${Math.round(timeoutMs / 1000)} s for the redirect to ${redirectUrl} …`,
      );
    },
  });
  output.result(outcome, () => {
    if (outcome.status === 'already-authorized') {
      output.print(`Already logged in to '${name}': the stored tokens work. (--force logs in again.)`);
    } else {
      output.print(`Logged in to '${name}'. Tokens stored in ${outcome.tokenFile}`);
    }
  });
  return ExitCode.OK;
}
