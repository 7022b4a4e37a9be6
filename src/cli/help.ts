/** The text of `mcp-sync --help` and `mcp-sync <command> --help`. */
import type { FlagName } from './args.js';
import { COMMANDS, type Command } from './commands.js';
import { CONFIG_ENV, DEFAULT_CONFIG_FILE } from './find-config.js';
import { formatTable } from './output.js';

const FLAG_HELP: Record<FlagName, [string, string]> = {
  config: ['-c, --config <file>', `the config file (JSON or YAML); else $${CONFIG_ENV}, else ./${DEFAULT_CONFIG_FILE}`],
  json: ['--json', 'machine output on stdout (errors too: {"error": {...}}); messages stay on stderr'],
  timeout: ['--timeout <seconds>', "deadline of each call (default: the server's `timeout`, 120 s)"],
  handlers: ['--handlers <module>', "a JS module answering the servers' sampling / elicitation / roots requests (docs/server-requests.md)"],
  threads: ['-t, --threads <n>', 'caller threads (default 4)'],
  calls: ['-n, --calls <m>', 'calls in all, shared by the threads (default 1000)'],
  duration: ['-d, --duration <seconds>', 'stress: start no call after this long; watch, logs --follow: stop after this long'],
  report: ['--report <file.html>', 'stress: also write the run as a self-contained HTML page (charts over time, histogram, failures)'],
  follow: ['-f, --follow', 'logs: then print each new line as hubs write it, until Ctrl-C'],
  'no-browser': ['--no-browser', 'print the URL only; do not open a browser'],
  force: ['--force', 'log in again even if the stored tokens still work'],
  help: ['-h, --help', 'this help'],
  version: ['-v, --version', 'the version of mcp-sync'],
};

const EXIT_CODES: [string, string][] = [
  ['0', 'ok'],
  ['1', 'the operation failed (timeout, transport or RPC error, failed login, failed stress calls)'],
  ['2', 'usage error: unknown command or flag, missing argument, json-args not a JSON object'],
  ['3', 'config error: no config found (the message says where it looked) or invalid config'],
  ['4', 'the server is unknown, disabled or not connected'],
  ['5', 'the server needs a new OAuth login: run `mcp-sync login <server>`'],
  ['6', 'the tool reported an error (result isError: true); the result is still printed'],
];

const indent = (text: string): string =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');

/** `mcp-sync --help`. */
export function mainHelp(): string {
  const commands = formatTable(
    ['COMMAND', 'WHAT IT DOES'],
    COMMANDS.map((c) => [`${c.name} ${c.usage}`.trim(), c.summary]),
  );
  return [
    'mcp-sync — MCP servers as synchronous calls, from the command line.',
    '',
    'Usage: mcp-sync <command> [args] [flags]',
    '',
    indent(commands.split('\n').slice(1).join('\n')),
    '',
    'Flags:',
    indent(
      formatTable(
        ['', ''],
        (['config', 'json', 'timeout', 'help', 'version'] as const).map((f) => FLAG_HELP[f]),
      )
        .split('\n')
        .slice(1)
        .join('\n'),
    ),
    '  `mcp-sync <command> --help` lists the flags of a command.',
    '',
    `Config: --config <file>, else $${CONFIG_ENV}, else ./${DEFAULT_CONFIG_FILE} — a JSON or YAML file with`,
    '"mcpServers" (Claude Desktop / Cursor) or "mcp_servers" (hermes).',
    '',
    'Output: tables and text for people; --json for scripts. Data goes to stdout, messages to stderr.',
    '',
    'Exit codes:',
    indent(EXIT_CODES.map(([code, meaning]) => `${code}  ${meaning}`).join('\n')),
    '',
  ].join('\n');
}

/** `mcp-sync <command> --help`. */
export function commandHelp(command: Command): string {
  const flags: FlagName[] = [...command.flags, 'config', 'help'];
  return [
    `Usage: mcp-sync ${command.name} ${command.usage}`.trimEnd(),
    '',
    `${command.summary}.`,
    ...(command.details ?? []),
    '',
    'Flags:',
    indent(
      formatTable(
        ['', ''],
        flags.map((f) => FLAG_HELP[f]),
      )
        .split('\n')
        .slice(1)
        .join('\n'),
    ),
    '',
    'Exit codes: see `mcp-sync --help`.',
    '',
  ].join('\n');
}
