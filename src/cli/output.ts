/**
 * What the CLI prints and how it exits. Data goes to stdout — JSON with `--json`, tables and text
 * otherwise — and every message meant for a person goes to stderr, so `--json` output can be piped
 * into `jq` untouched. An error becomes one exit code and a message that says what to do.
 */
import { ErrorCode, McpSyncError } from '../shared/errors.js';
import { DEFAULT_LOG_DIR } from '../bridge/start.js';

/** Exit codes of `mcp-sync`; `mcp-sync --help` prints this table. */
export const ExitCode = {
  /** Done. */
  OK: 0,
  /** The operation failed: timeout, transport or RPC error, failed login, stress calls that failed. */
  FAILED: 1,
  /** Bad command line: unknown command or flag, missing argument, json-args that are not a JSON object. */
  USAGE: 2,
  /** No config found, or the config is invalid. */
  CONFIG: 3,
  /** The server is not configured, disabled, or not connected. */
  NOT_CONNECTED: 4,
  /** The server needs a new OAuth login: run `mcp-sync login <server>`. */
  NEEDS_REAUTH: 5,
  /** The call worked but the tool reported an error (`isError: true`); the result is printed. */
  TOOL_ERROR: 6,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A failure already reported with {@link Output.fail} while the command was still ending (its hub
 * closing): only its exit code is left to return.
 */
export class ReportedError extends Error {
  override name = 'ReportedError';

  constructor(readonly exitCode: ExitCode) {
    super('already reported');
  }
}

/** A failure the CLI itself detected, with its exit code and what to do about it. */
export class CliError extends Error {
  override name = 'CliError';
  /** A stable code for `--json` output (an {@link ErrorCode} or `USAGE`, `NO_CONFIG`…). */
  readonly code: string;

  constructor(
    readonly exitCode: ExitCode,
    code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.code = code;
  }
}

/** A bad command line (exit 2). */
export function usageError(message: string, hint = 'Run `mcp-sync --help` for usage.'): CliError {
  return new CliError(ExitCode.USAGE, 'USAGE', message, hint);
}

/** The exit code an error means. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (!(error instanceof McpSyncError)) return ExitCode.FAILED;
  switch (error.code) {
    case ErrorCode.INVALID_CONFIG:
      return ExitCode.CONFIG;
    case ErrorCode.UNKNOWN_SERVER:
    case ErrorCode.UNKNOWN_TOOL:
    case ErrorCode.NOT_CONNECTED:
      return ExitCode.NOT_CONNECTED;
    case ErrorCode.NEEDS_REAUTH:
      return ExitCode.NEEDS_REAUTH;
    case ErrorCode.INVALID_ARGUMENT:
      return ExitCode.USAGE;
    default:
      return ExitCode.FAILED;
  }
}

/**
 * Prints data and messages for one command run.
 * `configFlag` is ` --config <file>` when the user gave it: commands quoted in hints repeat it, so
 * they can be pasted as they are.
 */
export class Output {
  constructor(
    readonly json: boolean,
    readonly configFlag = '',
  ) {}

  /** `mcp-sync <rest>`, with the user's `--config`: a command to quote in a hint. */
  command(rest: string): string {
    return `mcp-sync ${rest}${this.configFlag}`;
  }

  /** Whether stderr is a terminal: progress lines are drawn only there. */
  get interactive(): boolean {
    return process.stderr.isTTY === true;
  }

  /** Prints `value` as JSON with `--json`, else runs `human` (which prints tables or text). */
  result(value: unknown, human: () => void): void {
    if (this.json) this.print(JSON.stringify(value, null, 2));
    else human();
  }

  /** A line of data on stdout. */
  print(text = ''): void {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A message for people, on stderr. */
  note(text: string): void {
    process.stderr.write(`${text}\n`);
  }

  /** A warning on stderr: something was left out, the command still succeeds. */
  warn(text: string): void {
    this.note(`mcp-sync: warning: ${text}`);
  }

  /** Prints `headers` and `rows` aligned; on a terminal the last column is cut to the width. */
  table(headers: string[], rows: string[][]): void {
    const width = process.stdout.isTTY ? process.stdout.columns : undefined;
    this.print(formatTable(headers, rows, width));
  }

  /**
   * Reports `error` — on stderr, and as `{"error": {…}}` on stdout with `--json` — and returns
   * its exit code.
   */
  fail(error: unknown): ExitCode {
    if (error instanceof ReportedError) return error.exitCode;
    const exitCode = exitCodeOf(error);
    const code = error instanceof CliError || error instanceof McpSyncError ? error.code : 'INTERNAL';
    const message = messageOf(error);
    const hint = hintFor(error, (rest) => this.command(rest));
    this.note(`mcp-sync: error: ${message}`);
    if (hint !== undefined) this.note(`  → ${hint}`);
    if (this.json) {
      const data = error instanceof McpSyncError ? error.data : undefined;
      this.print(JSON.stringify({ error: { code, message, exitCode, ...(hint && { hint }), ...(data && { data }) } }, null, 2));
    }
    return exitCode;
  }
}

/**
 * An error's message for the terminal. NEEDS_REAUTH's library message speaks to a model ("do not
 * retry this tool"); here the hint says what to run instead.
 */
export function messageOf(error: unknown): string {
  if (error instanceof McpSyncError && error.code === ErrorCode.NEEDS_REAUTH && error.data?.['needsReauth'] === true) {
    const server = typeof error.data.server === 'string' ? `'${error.data.server}' ` : '';
    const scope = error.data['scope'];
    if (typeof scope === 'string') return `MCP server ${server}needs a new OAuth login granting more access (scope '${scope}')`;
    return `MCP server ${server}needs a new OAuth login: no usable tokens are stored (none yet, or expired and not refreshable)`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** What the user can do about an error, as a sentence quoting the command to run. */
export function hintFor(error: unknown, command: (rest: string) => string): string | undefined {
  if (error instanceof CliError) return error.hint;
  if (!(error instanceof McpSyncError)) return undefined;
  const server = typeof error.data?.server === 'string' ? error.data.server : '<server>';
  switch (error.code) {
    case ErrorCode.NEEDS_REAUTH:
      return `Log in again: ${command(`login ${quote(server)}`)}`;
    case ErrorCode.NOT_CONNECTED:
      return `Every server's state: \`${command('status')}\`; stdio servers' stderr and recovery events are logged in ${DEFAULT_LOG_DIR}`;
    case ErrorCode.INVALID_CONFIG:
      return 'Fix the config file, or point at another one with --config <file> or MCP_SYNC_CONFIG.';
    case ErrorCode.TIMEOUT:
      return "Allow more time with --timeout <seconds>, or raise the server's `timeout` in the config.";
    case ErrorCode.CIRCUIT_OPEN:
      return 'The server failed repeatedly; wait for the cooldown (60 s) and try again.';
    case ErrorCode.OUTCOME_UNCERTAIN:
      return 'The call may have run: check before you repeat it.';
    case ErrorCode.UNKNOWN_TOOL:
      return `List the server's tools: ${command(`tools ${quote(server)}`)}`;
    case ErrorCode.SKILL_UNVERIFIED:
      return 'The file does not match what the server lists for the skill: do not use it (or the skill).';
    case ErrorCode.OUTPUT_INVALID:
      return 'The tool ran but broke its own outputSchema: report it to the server’s owner; do not repeat the call.';
    case ErrorCode.RESPONSE_TOO_LARGE:
      return "Raise the server's `maxResponseBytes` in the config to accept larger answers.";
    default:
      return undefined;
  }
}

/** Quotes an argument for a shell when it needs it. */
export function quote(arg: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Columns padded to their widest cell, two spaces apart; `width` cuts the last column with `…`. */
export function formatTable(headers: string[], rows: string[][], width?: number): string {
  const cells = [headers, ...rows].map((row) => row.map((cell) => cell.replace(/\s*\n[\s\S]*$/, '').trimEnd()));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells
    .map((row) => {
      const line = row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
      const trimmed = line.trimEnd();
      return width !== undefined && width > 20 && trimmed.length > width ? `${trimmed.slice(0, width - 1)}…` : trimmed;
    })
    .join('\n');
}
