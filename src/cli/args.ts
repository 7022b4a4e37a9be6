/**
 * The command line, parsed with `node:util` parseArgs: one flat set of flags shared by every
 * command (each command then accepts only its own), positionals, and numbers checked here so a
 * command never sees a bad value.
 */
import { parseArgs } from 'node:util';
import { suggest } from '../shared/suggest.js';
import { usageError } from './output.js';

/** Every flag of every command, as parseArgs wants them. */
const OPTIONS = {
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  handlers: { type: 'string' },
  threads: { type: 'string', short: 't' },
  calls: { type: 'string', short: 'n' },
  duration: { type: 'string', short: 'd' },
  follow: { type: 'boolean', short: 'f' },
  report: { type: 'string' },
  'no-browser': { type: 'boolean' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** A flag's name, without the dashes. */
export type FlagName = keyof typeof OPTIONS;

/** The flags, checked and converted. */
export interface Flags {
  /** `--config <file>`, as given. */
  config?: string;
  /** `--json`: machine output on stdout. */
  json: boolean;
  /** `--timeout` in ms. */
  timeoutMs?: number;
  /** `--handlers <module>`: the handlers module for server requests, as given. */
  handlers?: string;
  /** `--threads` (stress). */
  threads?: number;
  /** `--calls` (stress). */
  calls?: number;
  /** `--duration` in ms (stress). */
  durationMs?: number;
  /** `--report <file.html>` (stress), as given. */
  report?: string;
  /** `--follow` (logs). */
  follow: boolean;
  /** `false` with `--no-browser` (login). */
  browser: boolean;
  /** `--force` (login). */
  force: boolean;
  help: boolean;
  version: boolean;
}

/** A parsed command line. */
export interface CommandLine {
  /** The first positional, if any. */
  command?: string;
  /** The positionals after the command. */
  args: string[];
  flags: Flags;
  /** The flags that were given, for checking that the command accepts them. */
  given: FlagName[];
}

/**
 * Parses `argv` (without `node` and the script).
 * @throws CliError USAGE (exit 2) on an unknown flag, a missing value or a bad number
 */
export function parseCommandLine(argv: string[]): CommandLine {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw unknownFlag(error) ?? usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const flags: Flags = {
    json: values.json === true,
    follow: values.follow === true,
    browser: values['no-browser'] !== true,
    force: values.force === true,
    help: values.help === true,
    version: values.version === true,
  };
  if (values.config !== undefined) flags.config = values.config;
  if (values.timeout !== undefined) flags.timeoutMs = seconds('--timeout', values.timeout);
  if (values.handlers !== undefined) flags.handlers = values.handlers;
  if (values.report !== undefined) flags.report = values.report;
  if (values.duration !== undefined) flags.durationMs = seconds('--duration', values.duration);
  if (values.threads !== undefined) flags.threads = count('--threads', values.threads);
  if (values.calls !== undefined) flags.calls = count('--calls', values.calls);
  const [command, ...args] = positionals;
  return { ...(command !== undefined && { command }), args, flags, given: Object.keys(values) as FlagName[] };
}

/** An unknown flag, with the known one it most likely meant. */
function unknownFlag(error: unknown): Error | undefined {
  if ((error as NodeJS.ErrnoException).code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return undefined;
  const flag = /'(-{1,2}[^']+)'/.exec((error as Error).message)?.[1];
  if (flag === undefined) return undefined;
  const guess = suggest(flag.replace(/^-+/, '').split('=')[0] ?? '', Object.keys(OPTIONS));
  return usageError(`unknown flag ${flag}${guess === undefined ? '' : ` — did you mean --${guess}?`}`);
}

/** A positive number of seconds, in ms. */
function seconds(flag: string, value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0)
    throw usageError(`${flag} must be a positive number of seconds, got '${value}'`);
  return Math.max(1, Math.round(number * 1000));
}

/** A positive whole number. */
function count(flag: string, value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < 1)
    throw usageError(`${flag} must be a whole number ≥ 1, got '${value}'`);
  return number;
}

/**
 * `json-args`: a JSON object, or `-` to read one from stdin; absent is `{}`.
 * @throws CliError USAGE when it is not a JSON object
 */
export function parseJsonArgs(text: string | undefined, readStdin: () => string): Record<string, unknown> {
  if (text === undefined) return {};
  const source = text === '-' ? readStdin() : text;
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    throw usageError(
      `json-args is not valid JSON (${(error as Error).message})`,
      `Pass a JSON object in single quotes, e.g. '{"text":"hi"}', or - to read it from stdin.`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw usageError(
      `json-args must be a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`,
      `e.g. '{"text":"hi"}'`,
    );
  }
  return value as Record<string, unknown>;
}
