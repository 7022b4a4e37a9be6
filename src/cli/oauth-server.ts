/** The server a `login` or `logout` is about: it must be an HTTP server that uses OAuth. */
import type { HttpServerConfig } from '../shared/protocol.js';
import type { Context } from './context.js';
import { serverConfig } from './find-config.js';
import { usageError } from './output.js';

/**
 * `name`'s config, checked to use OAuth.
 * @throws CliError UNKNOWN_SERVER (exit 4), USAGE (exit 2) when the server does not use OAuth
 */
export function oauthServer(ctx: Context, name: string, command: string): HttpServerConfig {
  const config = serverConfig(ctx.config(), name);
  if (config.transport === 'stdio' || config.auth !== 'oauth') {
    const kind = config.transport === 'stdio' ? 'a stdio server' : 'an HTTP server without "auth": "oauth"';
    throw usageError(
      `MCP server '${name}' is ${kind}: there is nothing to ${command}`,
      `To use OAuth, give its entry "auth": "oauth" (HTTP servers only).`,
    );
  }
  return config;
}
