/** `mcp-sync skill <server> <skill> [file]`: one file of a skill, printed only once it is verified. */
import { blocking, withHub } from './connect.js';
import type { Context } from './context.js';
import { ExitCode } from './output.js';

/** Runs `skill`. */
export async function run(ctx: Context, [server = '', skill = '', file]: string[]): Promise<ExitCode> {
  const options = ctx.flags.timeoutMs === undefined ? {} : { timeoutMs: ctx.flags.timeoutMs };
  return withHub(ctx, [server], (hub) => {
    const read = blocking(ctx, `reading ${file ?? 'SKILL.md'} of '${skill}' from '${server}'`, () =>
      hub.readSkill(server, skill, file, options),
    );
    ctx.output.result(read, () =>
      ctx.output.print(read.text ?? `[${read.mimeType ?? 'binary'}: ${Buffer.from(read.blob ?? '', 'base64').length} bytes]`),
    );
    return ExitCode.OK;
  });
}
