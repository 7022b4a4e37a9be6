/**
 * `mcp-sync complete <server> <prompt|template> <argument> [value]`: candidate values for a prompt
 * argument, or for a variable of a resource template (anything with `://` or `{` is a template).
 */
import { blocking, withHub } from './connect.js';
import type { Context } from './context.js';
import { ExitCode } from './output.js';
import type { CompletionReference } from '../shared/types.js';

/** Runs `complete`: one candidate per line. */
export async function run(ctx: Context, [server = '', target = '', argument = '', value = '']: string[]): Promise<ExitCode> {
  const options = ctx.flags.timeoutMs === undefined ? {} : { timeoutMs: ctx.flags.timeoutMs };
  const ref: CompletionReference = /:\/\/|\{/.test(target) ? { type: 'ref/resource', uri: target } : { type: 'ref/prompt', name: target };
  return withHub(ctx, [server], (hub) => {
    const completion = blocking(ctx, `completing '${argument}' of '${target}' on '${server}'`, () =>
      hub.complete(server, ref, { name: argument, value }, undefined, options),
    );
    ctx.output.result(completion, () => {
      if (completion.values.length === 0) return ctx.output.note('No candidates.');
      ctx.output.print(completion.values.join('\n'));
      if (completion.hasMore === true) ctx.output.note(`(${completion.total ?? 'more'} in all; type more to narrow them down)`);
    });
    return ExitCode.OK;
  });
}
