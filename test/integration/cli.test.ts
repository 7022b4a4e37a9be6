import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { json, runCli, startCli, tempDir, useCliFixtures, writeConfig } from '../helpers/cli.js';
import { isAlive, readHostileState } from '../helpers/processes.js';
import { fixturePath, modernStdioCommand, startHttpFixture, startModernHttp, stdioFixtureCommand } from '../helpers/servers.js';

/**
 * The real `mcp-sync` binary (bin/mcp-sync.js → dist/src/cli/main.js) in a child process, against a
 * stdio fixture and a Streamable HTTP fixture: every read-only command in both output modes, and
 * the exit codes. Login, stress, the demo and the packaged layout: the other cli-*.test.ts files.
 */
const fixtures = useCliFixtures();
const run = fixtures.run;

describe('listing commands', () => {
  it('tools: a table of every server, one server, or JSON', () => {
    const table = run('tools');
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^SERVER\s+TOOL\s+ARGS\s+DESCRIPTION/);
    expect(table.stdout).toMatch(/^local\s+echo\s+text\s+Returns its text\./m);
    expect(table.stdout).toMatch(/^web\s+slow\s+ms, text\?, dieAfterMs\?/m);
    const tools = json<{ server: string; name: string; inputSchema: object }[]>(run('tools', 'web', '--json'));
    expect(new Set(tools.map((tool) => tool.server))).toEqual(new Set(['web']));
    expect(tools.find((tool) => tool.name === 'echo')?.inputSchema).toMatchObject({ required: ['text'] });
  });

  it('resources and prompts: tables and JSON, each item with its server', () => {
    expect(run('resources').stdout).toMatch(/^web\s+fixture:\/\/hello\s+text\/plain\s+A greeting/m);
    const resources = json<{ server: string; uri: string }[]>(run('resources', 'local', '--json'));
    expect(resources.map((r) => `${r.server} ${r.uri}`)).toContain('local fixture://blob');
    expect(run('prompts').stdout).toMatch(/^local\s+greet\s+name\s+A one-message greeting prompt\./m);
    expect(json<{ server: string; name: string }[]>(run('prompts', 'web', '--json'))).toEqual([
      expect.objectContaining({ server: 'web', name: 'greet' }),
    ]);
  });

  it('status: a table of every server and its session, or JSON naming the config used', () => {
    const table = run('status');
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^SERVER\s+TRANSPORT\s+STATE\s+ERA\s+TOOLS\s+SESSION/);
    expect(table.stdout).toMatch(/^local\s+stdio\s+ready\s+legacy 2025-11-25\s+\d+\s+1$/m);
    expect(table.stdout).toMatch(/^web\s+http\s+ready\s+legacy 2025-11-25\s+\d+\s+1$/m);
    const status = json<{ config: { source: string; path: string }; servers: { name: string; state: string }[] }>(run('status', '--json'));
    expect(status.config).toEqual({ path: fixtures.config(), source: '--config' });
    expect(status.servers.map((s) => `${s.name}:${s.state}`)).toEqual(['local:ready', 'web:ready']);
  });
});

describe('a 2026-07-28 server next to 2025 ones', () => {
  it('status shows each server’s era; tools and call work the same', () => {
    const config = writeConfig({ old: stdioFixtureCommand('old'), new: modernStdioCommand({ name: 'new' }) });
    const table = runCli(['status', '--config', config]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^old\s+stdio\s+ready\s+legacy 2025-11-25\s+\d+\s+1$/m);
    expect(table.stdout).toMatch(/^new\s+stdio\s+ready\s+modern 2026-07-28\s+\d+\s+1$/m);
    expect(runCli(['call', 'new', 'echo', '{"text":"from 2026"}', '--config', config])).toMatchObject({ code: 0, stdout: 'from 2026\n' });
    // A tool that asks for input (MRTR) needs a handlers module; the CLI takes one, relative to the cwd.
    const asks = runCli(['call', 'new', 'confirm', '{"what":"it"}', '--config', config]);
    expect(asks.code).toBe(1);
    expect(asks.stderr).toContain(
      'a handlers module that exports elicitation() (StartOptions.handlers, or --handlers on the command line)',
    );
    const handlers = relative(process.cwd(), fileURLToPath(new URL('../../dist/test/fixtures/client-handlers.js', import.meta.url)));
    expect(
      runCli(['call', 'new', 'confirm', '{"what":"it"}', '--handlers', handlers, '--config', config], { cwd: process.cwd() }),
    ).toMatchObject({
      code: 0,
      stdout: 'accept ok=true\n',
    });
    const status = json<{ servers: { name: string; era: string; protocolVersion: string }[] }>(
      runCli(['status', '--json', '--config', config]),
    );
    expect(status.servers.map((s) => [s.name, s.era, s.protocolVersion])).toEqual([
      ['old', 'legacy', '2025-11-25'],
      ['new', 'modern', '2026-07-28'],
    ]);
  });
});

describe('templates and completion', () => {
  it('templates lists them; complete prints the candidates for a prompt argument or a template variable', () => {
    const config = writeConfig({ new: modernStdioCommand({ name: 'new' }) });
    expect(runCli(['templates', '--config', config]).stdout).toMatch(
      /^new\s+fixture:\/\/notes\/\{topic\}\{\?lang\}\s+text\/plain\s+Notes on a topic\.$/m,
    );
    expect(runCli(['complete', 'new', 'greet', 'who', 'A', '--config', config])).toMatchObject({ code: 0, stdout: 'Ada\nAlan\n' });
    expect(runCli(['complete', 'new', 'fixture://notes/{topic}{?lang}', 'topic', '--config', config]).stdout).toBe('alpha\nbeta\ngamma\n');
    expect(JSON.parse(runCli(['complete', 'new', 'greet', 'who', 'G', '--json', '--config', config]).stdout)).toMatchObject({
      values: ['Grace'],
    });
  });
});

describe('watch', () => {
  it('prints a line per update of the resource until the duration ends', async () => {
    const modern = await startModernHttp();
    try {
      const config = writeConfig({ web: { url: modern.url } });
      const watching = startCli(['watch', 'web', 'fixture://hello', '--duration', '4', '--json', '--config', config]);
      await watching.waitFor(/Watching fixture:\/\/hello on 'web'/);
      for (let i = 0; i < 3; i++) runCli(['call', 'web', 'touch', '{"uri":"fixture://hello"}', '--config', config]);
      const result = await watching.done;
      expect(result.code, result.stderr).toBe(0);
      const lines = result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { server: string; uri: string });
      expect(lines).toHaveLength(3);
      expect(lines.every((line) => line.server === 'web' && line.uri === 'fixture://hello')).toBe(true);
    } finally {
      await modern.stop();
    }
  });
});

describe('skills', () => {
  it('skills lists them without reading; skill prints a verified file, or refuses a tampered one', async () => {
    const [good, tampered] = await Promise.all([
      startModernHttp({ name: 'good' }),
      startModernHttp({ name: 'bad', tamperSkill: 'digest' }),
    ]);
    try {
      const config = writeConfig({ good: { url: good.url }, bad: { url: tampered.url } });
      const list = runCli(['skills', '--config', config]);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toMatch(
        /^good\s+pdf-processing\s+skill:\/\/pdf-processing\/SKILL\.md\s+Extract, fill, and assemble PDF documents$/m,
      );
      expect((await good.stats()).requests.filter((request) => request.method === 'resources/read')).toEqual([]);
      expect(runCli(['skill', 'good', 'pdf-processing', 'references/FORMS.md', '--config', config])).toMatchObject({
        code: 0,
        stdout: '# Forms\n\nFill every field.\n',
      });
      const refused = runCli(['skill', 'bad', 'pdf-processing', '--config', config]);
      expect(refused).toMatchObject({ code: 1, stdout: '' });
      expect(refused.stderr).toContain("MCP server 'bad' sent a skill file that does not match its own entry (digest");
      expect(refused.stderr).toContain('→ The file does not match what the server lists for the skill');
      const json = JSON.parse(runCli(['skill', 'bad', 'pdf-processing', '--json', '--config', config]).stdout) as {
        error: { code: string };
      };
      expect(json.error.code).toBe('SKILL_UNVERIFIED');
    } finally {
      await Promise.all([good.stop(), tampered.stop()]);
    }
  });
});

describe('call, read, prompt', () => {
  it('call prints the text of the result, or the whole result with --json', () => {
    expect(run('call', 'web', 'echo', '{"text":"hi there"}')).toMatchObject({ code: 0, stdout: 'hi there\n' });
    const result = json<{ structuredContent: unknown }>(run('call', 'local', 'add', '{"a":2,"b":40}', '--json'));
    expect(result.structuredContent).toEqual({ sum: 42 });
    expect(runCli(['call', 'local', 'echo', '-', '--config', fixtures.config()], { input: '{"text":"from stdin"}' }).stdout).toBe(
      'from stdin\n',
    );
    expect(run('call', 'local', 'image').stdout).toMatch(/^\[image: image\/png, \d+ bytes/);
  });

  it('a tool error is printed and exits 6', () => {
    const human = run('call', 'web', 'fail', '{"message":"disk full"}');
    expect(human).toMatchObject({ code: 6, stdout: 'disk full\n' });
    expect(human.stderr).toContain(`the tool 'fail' on 'web' reported an error`);
    const machine = run('call', 'web', 'fail', '{"message":"disk full"}', '--json');
    expect(machine.code).toBe(6);
    expect(json(machine)).toMatchObject({ isError: true, content: [{ type: 'text', text: 'disk full' }] });
  });

  it('read prints text contents, a note for binary ones, or JSON', () => {
    expect(run('read', 'web', 'fixture://hello')).toMatchObject({ code: 0, stdout: 'hello from web\n' });
    expect(run('read', 'local', 'fixture://blob').stdout).toContain('application/octet-stream, 16 bytes');
    const blob = json<{ contents: { blob: string }[] }>(run('read', 'local', 'fixture://blob', '--json'));
    expect(Buffer.from(blob.contents[0]?.blob ?? '', 'base64')).toEqual(Buffer.from([...Array(16).keys()]));
  });

  it('prompt prints each message under its role, or JSON', () => {
    expect(run('prompt', 'local', 'greet', '{"name":"Ada"}')).toMatchObject({ code: 0, stdout: 'user:\nHello, Ada!\n' });
    expect(json(run('prompt', 'web', 'greet', '{"name":"Bob"}', '--json'))).toMatchObject({
      messages: [{ role: 'user', content: { type: 'text', text: 'Hello, Bob!' } }],
    });
  });
});

describe('config lookup: --config, then MCP_SYNC_CONFIG, then ./mcp.json', () => {
  const source = (args: string[], options: Parameters<typeof runCli>[1]) =>
    json<{ config: { path: string; source: string } }>(runCli(['status', '--json', ...args], options)).config;

  it('takes each place in turn', () => {
    const cwdConfig = writeConfig({});
    const cwd = cwdConfig.replace(/\/mcp\.json$/, '');
    const envConfig = writeConfig({}, undefined, 'env.yaml');
    const flagConfig = writeConfig({}, undefined, 'flag.json');
    expect(source([], { cwd })).toEqual({ path: cwdConfig, source: './mcp.json' });
    expect(source([], { cwd, env: { MCP_SYNC_CONFIG: envConfig } })).toEqual({ path: envConfig, source: 'MCP_SYNC_CONFIG' });
    expect(source(['--config', flagConfig], { cwd, env: { MCP_SYNC_CONFIG: envConfig } })).toEqual({
      path: flagConfig,
      source: '--config',
    });
  });

  it('exits 3 when there is none, saying where it looked', () => {
    const none = runCli(['tools']);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/--config \(not given\), \$MCP_SYNC_CONFIG \(not set\) and \.\/mcp\.json \(.*mcp\.json: no such file\)/);
    const missing = runCli(['tools', '--json'], { env: { MCP_SYNC_CONFIG: '/nowhere/mcp.json' } });
    expect(json(missing)).toMatchObject({ error: { code: 'NO_CONFIG', exitCode: 3 } });
    expect(missing.stderr).toContain('/nowhere/mcp.json (from MCP_SYNC_CONFIG) does not exist');
  });
});

describe('exit codes and errors', () => {
  it('2 for usage errors, with a pointer to the help', () => {
    for (const args of [
      ['frob'],
      ['call', 'web'],
      ['tools', '--threads', '2'],
      ['call', 'web', 'echo', '[1]'],
      ['call', 'web', 'echo', '{x'],
      ['tools', '--bogus'],
    ]) {
      const result = run(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/mcp-sync: error: .*\n {2}→ /);
    }
    expect(json(run('stress', 'web', 'echo', '--threads', '0', '--json'))).toMatchObject({ error: { code: 'USAGE', exitCode: 2 } });
    const bare = runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: mcp-sync <command>');
  });

  it('3 for an invalid config, naming the key and the file', () => {
    const bad = writeConfig({ x: { comand: 'node' } });
    const result = runCli(['status', '--json', '--config', bad]);
    expect(result.code).toBe(3);
    expect(json(result)).toMatchObject({ error: { code: 'INVALID_CONFIG', data: { server: 'x', key: 'comand', suggestion: 'command' } } });
    expect(result.stderr).toContain(`(in ${bad}, from --config)`);
  });

  it('4 for an unknown, disabled or unreachable server', () => {
    const mixed = writeConfig({ gone: { command: '/nonexistent/server', connectTimeout: 1 }, off: { command: 'x', enabled: false } });
    expect(runCli(['call', 'nope', 'echo', '--config', mixed])).toMatchObject({
      code: 4,
      stderr: expect.stringContaining('Configured: gone.'),
    });
    expect(runCli(['call', 'gon', 'echo', '--config', mixed]).stderr).toContain(`in ${mixed} — did you mean 'gone'?`);
    expect(runCli(['call', 'off', 'echo', '--config', mixed]).stderr).toContain(`MCP server 'off' is disabled`);
    const down = runCli(['call', 'gone', 'echo', '--json', '--config', mixed]);
    expect(json(down)).toMatchObject({ error: { code: 'NOT_CONNECTED', exitCode: 4 } });
    expect(down.stderr).toContain(`Every server's state: \`mcp-sync status --config ${mixed}\``);
    expect(runCli(['status', '--config', mixed]).code).toBe(4);
  });

  it('1 for a failed call, e.g. a timeout, with what to do', () => {
    const slow = run('call', 'local', 'slow', '{"ms":5000}', '--timeout', '0.3');
    expect(slow.code).toBe(1);
    expect(slow.stderr).toContain('--timeout <seconds>');
  });

  it('says why a call failed before it waits for a busy server to end', async () => {
    // The server ignores stdin EOF and SIGTERM, so closing the hub takes its grace periods
    // (seconds): the timeout must be on the screen while the server is still being ended.
    const state = join(tempDir(), 'stubborn.json');
    const config = writeConfig({
      stubborn: { command: process.execPath, args: [fixturePath('hostile-stdio'), '--state', state, '--ignore-eof', '--ignore-term'] },
    });
    const cli = startCli(['call', 'stubborn', 'slow', '{"ms":60000}', '--timeout', '0.3', '--config', config]);
    await cli.waitFor(/timed out after 0\.3 s/);
    const { pid } = readHostileState(state);
    expect(isAlive(pid), 'the server was already ended when the error appeared').toBe(true);
    const done = await cli.done;
    expect(done.code).toBe(1);
    expect(done.stderr.match(/error:/g)).toHaveLength(1);
    expect(isAlive(pid), 'the CLI exited with its server alive').toBe(false);
  });

  it('prints help and version, and no terminal escapes when stderr is not a terminal', () => {
    const help = runCli(['--help']);
    expect(help.code, help.stderr).toBe(0);
    for (const command of [
      'tools',
      'call',
      'resources',
      'read',
      'prompts',
      'prompt',
      'skills',
      'skill',
      'status',
      'login',
      'logout',
      'demo',
      'stress',
    ]) {
      expect(help.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'));
    }
    expect(help.stdout).toMatch(/^ {2}6 {2}the tool reported an error/m);
    expect(runCli(['stress', '--help']).stdout).toContain('--threads <n>');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(runCli(['--version']).stdout).toBe(`${pkg.version}\n`);
    expect(run('tools').stderr).not.toContain('\x1b');
  });
});

describe('task', () => {
  it('start prints the id; status, result and cancel take it in later runs; a timeout leaves the task running', async () => {
    const jobs = await startHttpFixture({ tasks: true });
    try {
      const config = writeConfig({ jobs: { url: jobs.url } });
      const started = runCli(['task', 'start', 'jobs', 'job', '{"ms":800,"text":"from the cli"}', '--config', config]);
      expect(started.code, started.stderr).toBe(0);
      const [taskId, status] = started.stdout.trim().split(/\s+/);
      expect(status).toBe('working');
      expect(started.stderr).toContain(`mcp-sync task result jobs ${taskId}`);
      const early = runCli(['task', 'result', 'jobs', taskId!, '--timeout', '0.2', '--config', config]);
      expect(early.code).toBe(1);
      expect(early.stderr).toContain(`task '${taskId}' runs on`);
      const result = runCli(['task', 'result', 'jobs', taskId!, '--config', config]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.trim()).toBe('from the cli');
      expect(json<{ status: string }>(runCli(['task', 'status', 'jobs', taskId!, '--json', '--config', config])).status).toBe('completed');
      const long = runCli(['task', 'start', 'jobs', 'job', '{"ms":60000}', '--config', config]).stdout.trim().split(/\s+/)[0]!;
      expect(runCli(['task', 'cancel', 'jobs', long, '--config', config]).stdout).toMatch(new RegExp(`^${long}\\s+cancelled`));
      expect((await jobs.stats()).jobsStarted).toBe(2);
      const wrong = runCli(['task', 'stop', 'jobs', long, '--config', config]);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain('task takes one of start, status, result, cancel first');
    } finally {
      await jobs.stop();
    }
  });
});

describe('task, 2026-07-28', () => {
  it('a task the server makes of long_job is started and waited for; a call it runs at once prints its result', async () => {
    const modern = await startModernHttp();
    try {
      const config = writeConfig({ m: { url: modern.url } });
      const started = runCli(['task', 'start', 'm', 'long_job', '{"ms":300,"text":"later"}', '--config', config]);
      expect(started.code, started.stderr).toBe(0);
      const taskId = started.stdout.trim().split(/\s+/)[0]!;
      expect(runCli(['task', 'result', 'm', taskId, '--config', config]).stdout.trim()).toBe('later');
      const atOnce = runCli(['task', 'start', 'm', 'echo', '{"text":"now"}', '--config', config]);
      expect(atOnce.code, atOnce.stderr).toBe(0);
      expect(atOnce.stdout.trim()).toBe('now');
      expect(atOnce.stderr).toContain(`'m' ran 'echo' at once, without a task`);
    } finally {
      await modern.stop();
    }
  });
});

describe('logs', () => {
  it("prints the server's lines of the event log, and with --follow the new ones any hub writes", async () => {
    const name = `logs${process.pid}`;
    const config = writeConfig({ [name]: { ...modernStdioCommand(), logLevel: 'info' } });
    expect(runCli(['call', name, 'log', '{"level":"warning","message":"before"}', '--config', config]).code).toBe(0);
    const shown = runCli(['logs', name, '--config', config]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`mcp-sync: '${name}' log warning \\[fixture\\]: before`));
    // Its stderr log too: the file the hub wrote for the child, with the line it starts each child with.
    expect(shown.stdout).toMatch(new RegExp(`── ${name} \\([^)]*\\)\\n--- \\S+ starting `));
    const following = startCli(['logs', name, '--follow', '--duration', '5', '--config', config]);
    await following.waitFor(/Following/);
    expect(runCli(['call', name, 'log', '{"level":"error","message":"while following"}', '--config', config]).code).toBe(0);
    const result = await following.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`\\[events\\] .*mcp-sync: '${name}' log error \\[fixture\\]: while following`));
  });
});
