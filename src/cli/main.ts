#!/usr/bin/env node
/**
 * `mcp-sync`: the command line over the library. A thin layer: parse argv, check the command's
 * arguments and flags, run it, and turn whatever it throws into a message and an exit code
 * (src/cli/output.ts). Each command lives in src/cli/<command>.ts.
 */
import { parseCommandLine } from './args.js';
import { COMMANDS, findCommand, type Command } from './commands.js';
import { PACKAGE_INFO } from '../shared/package-info.js';
import { didYouMean, suggest } from '../shared/suggest.js';
import { createContext } from './context.js';
import { commandHelp, mainHelp } from './help.js';
import { ExitCode, Output, usageError } from './output.js';

/** Runs the CLI with `argv` and resolves with the exit code; never throws (failures are printed). */
async function main(argv: string[]): Promise<ExitCode> {
  let output = new Output(argv.includes('--json'));
  try {
    const line = parseCommandLine(argv);
    const ctx = createContext(line.flags);
    output = ctx.output;
    if (line.flags.version) return (output.print(version()), ExitCode.OK);
    if (line.command === undefined || line.command === 'help') {
      const topic = line.command === 'help' ? line.args[0] : undefined;
      if (topic === undefined && line.command === undefined && !line.flags.help) {
        process.stderr.write(mainHelp());
        return ExitCode.USAGE;
      }
      output.print(topic === undefined ? mainHelp() : commandHelp(known(topic)));
      return ExitCode.OK;
    }
    const command = known(line.command);
    if (line.flags.help) return (output.print(commandHelp(command)), ExitCode.OK);
    const stray = line.given.find((flag) => flag !== 'config' && !command.flags.includes(flag));
    if (stray !== undefined) throw usage(command, `\`${command.name}\` does not take --${stray}`);
    const [min, max] = command.arity;
    if (line.args.length < min) throw usage(command, `\`${command.name}\` needs ${command.usage}`);
    if (line.args.length > max)
      throw usage(command, `\`${command.name}\` takes ${command.usage || 'no arguments'}; unexpected '${line.args[max]}'`);
    const { run } = await command.load();
    return await run(ctx, line.args);
  } catch (error) {
    return output.fail(error);
  }
}

function known(name: string): Command {
  const command = findCommand(name);
  if (command !== undefined) return command;
  const names = COMMANDS.map((c) => c.name);
  throw usageError(`unknown command '${name}'${didYouMean(suggest(name, names))}`, 'See `mcp-sync --help` for the commands.');
}

function usage(command: Command, message: string): Error {
  return usageError(message, `Usage: ${`mcp-sync ${command.name} ${command.usage}`.trim()} — see \`mcp-sync ${command.name} --help\`.`);
}

function version(): string {
  return PACKAGE_INFO.version;
}

// The exit code is set, not forced with process.exit(): stdout is flushed first, and the hub's
// worker and pool threads are unref()ed or closed, so the process ends by itself.
process.exitCode = await main(process.argv.slice(2));
