/** `mcp-sync prompt <server> <name> [json-args]`: a prompt's messages, filled with arguments. */
import { readFileSync } from 'node:fs';
import { parseJsonArgs } from './args.js';
import { blocking, withHub } from './connect.js';
import type { Context } from './context.js';
import { ExitCode, usageError } from './output.js';
import { renderPrompt } from './render.js';

/** Runs `prompt`. MCP prompt arguments are strings: anything else is a usage error. */
export async function run(ctx: Context, [server = '', name = '', json]: string[]): Promise<ExitCode> {
  const args = parseJsonArgs(json, () => readFileSync(0, 'utf8'));
  for (const [key, value] of Object.entries(args)) {
    if (typeof value !== 'string') {
      throw usageError(`prompt arguments must be strings; '${key}' is ${JSON.stringify(value)}`, `e.g. '{"${key}":"${String(value)}"}'`);
    }
  }
  const options = ctx.flags.timeoutMs === undefined ? {} : { timeoutMs: ctx.flags.timeoutMs };
  return withHub(ctx, [server], (hub) => {
    const result = blocking(ctx, `getting prompt '${name}' from '${server}'`, () =>
      hub.getPrompt(server, name, args as Record<string, string>, options),
    );
    ctx.output.result(result, () => ctx.output.print(renderPrompt(result)));
    return ExitCode.OK;
  });
}
