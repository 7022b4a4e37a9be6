/** `mcp-sync skills [server]`: the skills of every connected server, or of one (nothing is read). */
import type { Context } from './context.js';
import { listAcross } from './list.js';
import { ExitCode } from './output.js';

/** Runs `skills`. */
export async function run(ctx: Context, [server]: string[]): Promise<ExitCode> {
  const options = ctx.flags.timeoutMs === undefined ? {} : { timeoutMs: ctx.flags.timeoutMs };
  const skills = await listAcross(ctx, server, 'skills', (hub, name) => hub.listSkills(name, options));
  ctx.output.result(skills, () => {
    if (skills.length === 0) return ctx.output.note('No skills.');
    const rows = skills.map((skill) => [skill.server, skill.frontmatter.name, skill.uri, skill.frontmatter.description]);
    ctx.output.table(['SERVER', 'SKILL', 'URI', 'DESCRIPTION'], rows);
  });
  return ExitCode.OK;
}
