/**
 * The commands of `mcp-sync`: what each takes, its help, and where it lives (loaded only when run,
 * so `mcp-sync status` never loads the stress harness).
 */
import type { FlagName } from './args.js';
import type { Context } from './context.js';
import type { ExitCode } from './output.js';

/** Runs one command with its positionals; resolves with the exit code. */
export type CommandRun = (ctx: Context, args: string[]) => ExitCode | Promise<ExitCode>;

/** One command. */
export interface Command {
  name: string;
  /** Its positionals, as help shows them. */
  usage: string;
  summary: string;
  /** More lines of help. */
  details?: string[];
  /** Flags it accepts besides --config and --help. */
  flags: FlagName[];
  /** How many positionals it takes: [min, max]. */
  arity: [number, number];
  load: () => Promise<{ run: CommandRun }>;
}

const CALL_FLAGS: FlagName[] = ['json', 'timeout', 'handlers'];

/** Every command, in the order help lists them. */
export const COMMANDS: readonly Command[] = [
  {
    name: 'tools',
    usage: '[server]',
    summary: 'List the tools of every connected server, or of one',
    flags: CALL_FLAGS,
    arity: [0, 1],
    load: () => import('./tools.js'),
  },
  {
    name: 'call',
    usage: '<server> <tool> [json-args]',
    summary: 'Call a tool and print its result',
    details: [`json-args is a JSON object, e.g. '{"text":"hi"}', or - to read it from stdin.`],
    flags: CALL_FLAGS,
    arity: [2, 3],
    load: () => import('./call.js'),
  },
  {
    name: 'resources',
    usage: '[server]',
    summary: 'List the resources of every connected server, or of one',
    flags: CALL_FLAGS,
    arity: [0, 1],
    load: () => import('./resources.js'),
  },
  {
    name: 'read',
    usage: '<server> <uri>',
    summary: 'Read a resource',
    flags: CALL_FLAGS,
    arity: [2, 2],
    load: () => import('./read.js'),
  },
  {
    name: 'watch',
    usage: '<server> <uri>',
    summary: 'Subscribe to a resource and print a line per update, until Ctrl-C (or --duration)',
    details: ['Each update: `<ISO time> <uri>`; with --json a JSON object per line.'],
    flags: ['json', 'timeout', 'duration'],
    arity: [2, 2],
    load: () => import('./watch.js'),
  },
  {
    name: 'logs',
    usage: '[server]',
    summary: "Show the hub's logs: events and server log messages, and stdio servers' stderr (--follow: then stream)",
    details: [
      "Prints the last lines of the event log (recovery events, servers' log messages) and of each stdio server's stderr log.",
      'With --follow it then connects and prints each server log message as it comes, until Ctrl-C (or --duration);',
      "with --json one JSON object per message. A server's `logLevel` in the config says which messages it sends.",
    ],
    flags: ['json', 'follow', 'duration', 'handlers'],
    arity: [0, 1],
    load: () => import('./logs.js'),
  },
  {
    name: 'task',
    usage: 'start <server> <tool> [json-args] | status|result|cancel <server> <taskId>',
    summary:
      'Tool calls the server runs as tasks (2025-11-25, and the 2026 extension): start one, ask its status, wait for its result, cancel it',
    details: [
      "start prints the task id; an HTTP server's task outlives this process: `task result <server> <taskId>` later waits for it",
      '(polled, within --timeout; a timeout leaves the task running). result exits 6 if the task ended in a tool error.',
    ],
    flags: CALL_FLAGS,
    arity: [3, 4],
    load: () => import('./task.js'),
  },
  {
    name: 'templates',
    usage: '[server]',
    summary: 'List the resource templates of every connected server, or of one',
    flags: CALL_FLAGS,
    arity: [0, 1],
    load: () => import('./templates.js'),
  },
  {
    name: 'complete',
    usage: '<server> <prompt|template> <argument> [value]',
    summary: 'Candidate values for a prompt argument or a resource template variable',
    details: ['A target with :// or { is a resource template (its uriTemplate), else a prompt name. value: what is typed so far.'],
    flags: CALL_FLAGS,
    arity: [3, 4],
    load: () => import('./complete.js'),
  },
  {
    name: 'prompts',
    usage: '[server]',
    summary: 'List the prompts of every connected server, or of one',
    flags: CALL_FLAGS,
    arity: [0, 1],
    load: () => import('./prompts.js'),
  },
  {
    name: 'prompt',
    usage: '<server> <name> [json-args]',
    summary: 'Get a prompt, filled with arguments',
    details: [`json-args is a JSON object of strings, e.g. '{"name":"Ada"}', or - to read it from stdin.`],
    flags: CALL_FLAGS,
    arity: [2, 3],
    load: () => import('./prompt.js'),
  },
  {
    name: 'skills',
    usage: '[server]',
    summary: 'List the skills (SEP-2640) of every connected server, or of one; reads no file',
    flags: CALL_FLAGS,
    arity: [0, 1],
    load: () => import('./skills.js'),
  },
  {
    name: 'skill',
    usage: '<server> <skill> [file]',
    summary: "Print a skill's SKILL.md (or one of its files), verified against the server's listing",
    details: [
      'skill is the SKILL.md URI or the skill name; file a path relative to the skill root.',
      'A file that fails verification (size, digest, frontmatter) is not printed: exit 1, SKILL_UNVERIFIED.',
    ],
    flags: CALL_FLAGS,
    arity: [2, 3],
    load: () => import('./skill.js'),
  },
  {
    name: 'status',
    usage: '',
    summary: 'Connect to every enabled server and show its state',
    details: [
      'Exits 0 when every server is ready, 5 when one needs a login, else 4.',
      '--json prints {"config": {"path", "source"}, "servers": [{name, transport, state, era?, protocolVersion?, tools, generation, error?}]}.',
    ],
    flags: ['json'],
    arity: [0, 0],
    load: () => import('./status.js'),
  },
  {
    name: 'login',
    usage: '<server>',
    summary: 'Log in to an OAuth server: open the browser, wait for the redirect, store tokens',
    details: [
      'Prints the authorization URL and opens a browser where one exists, then waits on the',
      "loopback redirect URL (the server's oauth.redirectUri, default http://127.0.0.1:47615/callback).",
      'Tokens go to oauth.tokenDir (default ~/.mcp-sync/tokens). --timeout: how long to wait (default 300 s).',
    ],
    flags: ['json', 'timeout', 'no-browser', 'force'],
    arity: [1, 1],
    load: () => import('./login.js'),
  },
  {
    name: 'logout',
    usage: '<server>',
    summary: "Delete an OAuth server's stored tokens",
    flags: ['json'],
    arity: [1, 1],
    load: () => import('./logout.js'),
  },
  {
    name: 'demo',
    usage: '',
    summary: 'Run the demo (three bundled servers, self-healing); needs a checkout of the repository',
    details: ["The demo's fixture servers are not in the npm package: run it from a clone after `npm run build`."],
    flags: [],
    arity: [0, 0],
    load: () => import('./demo.js'),
  },
  {
    name: 'stress',
    usage: '<server> <tool> [json-args]',
    summary: 'Load-test a tool from N threads through the blocking API',
    details: [
      'Defaults: --threads 4, --calls 1000 (unless --duration is given; with both, whichever ends first).',
      'Prints a live progress line on a terminal, then calls/s, p50/p95/p99 latency, errors by code,',
      'recoveries and peak memory. Exits 1 when any call failed. Needs the piscina package.',
      '--report <file.html> also writes the run as a self-contained page: calls/s and p50/p95/p99 over time,',
      'the latency histogram, failures by code over time with a sample message each, reconnects marked.',
    ],
    flags: ['json', 'timeout', 'handlers', 'threads', 'calls', 'duration', 'report'],
    arity: [2, 3],
    load: () => import('./stress.js'),
  },
];

/** The command called `name`, if any. */
export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}
