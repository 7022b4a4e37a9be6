/**
 * `npx tsx bench/edges.ts [--root DIR] [scenario …]`: the figures behind "never hang, never leak,
 * never mislead" — how the hub behaves against hostile servers and processes (the fixtures in
 * test/fixtures/hostile-*.ts), one scenario per child process so that none disturbs another.
 * `--root` points at another build of mcp-sync (a checkout with `dist/`), to print the same
 * figures for an earlier version next to this one. The tests assert the behaviour; this prints
 * the numbers (block times, RSS, processes left, messages).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { fixturePath, startHostileHttp } from '../test/helpers/servers.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const rootAt = args.indexOf('--root');
const ROOT = resolve(rootAt >= 0 ? args[rootAt + 1]! : join(HERE, '..'));
const runAt = args.indexOf('--run');

type Figures = Record<string, string | number | boolean | null>;
type Lib = typeof import('../dist/src/index.js');

async function lib(): Promise<Lib> {
  return (await import(pathToFileURL(join(ROOT, 'dist/src/index.js')).href)) as Lib;
}

const HOSTILE_STDIO = fixturePath('hostile-stdio');

function stdio(name: string, flags: string[], state: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { [name]: { command: process.execPath, args: [HOSTILE_STDIO, '--state', state, ...flags], ...extra } };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'mcp-sync-edges-'));
}

function readState(file: string): { pid: number; grandchild: number | null; executions: Record<string, number> } {
  return JSON.parse(readFileSync(file, 'utf8')) as never;
}

/** 'running', 'zombie' or 'gone', from /proc (ps on other systems). */
function processState(pid: number | null | undefined): string {
  if (pid === null || pid === undefined || pid <= 0) return 'none';
  if (existsSync('/proc')) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // A zombie reparented to init is dead and init's to reap; one of ours is a leak.
      if (state === 'Z') return Number(parent) === process.pid ? 'zombie (ours)' : 'gone';
      return 'running';
    } catch {
      return 'gone';
    }
  }
  const ps = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' });
  const out = ps.stdout.trim();
  return out === '' ? 'gone' : out.startsWith('Z') ? 'zombie' : 'running';
}

/** Children of this process that are zombies. */
function zombieChildren(): number {
  const ps = spawnSync('ps', ['-o', 'stat=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((line) => line.trim().startsWith('Z')).length;
}

function rssMb(): number {
  return Math.round(process.memoryUsage().rss / 1e6);
}

function timed<T>(fn: () => T): { ms: number; value?: T; error?: { code: string; message: string } } {
  const start = performance.now();
  try {
    const value = fn();
    return { ms: Math.round(performance.now() - start), value };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { ms: Math.round(performance.now() - start), error: { code: String(e.code), message: String(e.message) } };
  }
}

function short(message: string | undefined, max = 160): string {
  if (message === undefined) return '';
  return message.length > max ? `${message.slice(0, max)}… (${message.length} chars)` : message;
}

const scenarios: Record<string, () => Promise<Figures>> = {
  /** 10 start/close cycles of an obedient stdio child: children left running or as zombies. */
  async 'close-reaps'() {
    const { McpHub } = await lib();
    const dir = tmp();
    const pids: number[] = [];
    for (let i = 0; i < 10; i++) {
      const state = join(dir, `s${i}.json`);
      const hub = McpHub.start({ mcpServers: stdio('s', [], state) }, { logDir: dir });
      pids.push(readState(state).pid);
      hub.close();
    }
    await sleep(500);
    return {
      zombies: pids.filter((p) => processState(p) === 'zombie').length,
      running: pids.filter((p) => processState(p) === 'running').length,
      zombieChildren: zombieChildren(),
    };
  },
  /** A child that ignores stdin EOF (and SIGTERM), with a grandchild: what is left after close(). */
  async 'close-eof-ignoring'() {
    const { McpHub } = await lib();
    const dir = tmp();
    const state = join(dir, 's.json');
    const hub = McpHub.start({ mcpServers: stdio('s', ['--ignore-eof', '--ignore-term', '--grandchild'], state) }, { logDir: dir });
    const { pid, grandchild } = readState(state);
    const closed = timed(() => hub.close());
    await sleep(3_000);
    const result = { closeMs: closed.ms, child: processState(pid), grandchild: processState(grandchild) };
    for (const p of [pid, grandchild])
      if (p)
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          /* gone */
        }
    return result;
  },
  /** A child still starting when connectTimeout expires (sh -c "sleep 30; exec …"). */
  async 'connect-timeout-child'() {
    const { McpHub } = await lib();
    const dir = tmp();
    const pidFile = join(dir, 'sh.pid');
    const config = {
      mcpServers: {
        slow: { command: 'sh', args: ['-c', `echo $$ > ${pidFile}; sleep 30; exec node ${HOSTILE_STDIO}`], connectTimeout: 1 },
      },
    };
    const started = timed(() => McpHub.start(config, { logDir: dir, recovery: { connectRetries: 0, parkedProbeMs: 600_000 } }));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const error = started.value?.servers()[0]?.error?.message;
    await sleep(1_000);
    const afterStart = processState(pid);
    started.value?.close();
    await sleep(1_000);
    const afterClose = processState(pid);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    return { startMs: started.ms, error: short(error), shAfterStart: afterStart, shAfterClose: afterClose };
  },
  /** A host process killed by a signal, with an EOF- and SIGTERM-ignoring child and its grandchild. */
  async 'host-killed'() {
    const out: Figures = {};
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGKILL'] as const) {
      const dir = tmp();
      const state = join(dir, 's.json');
      const script = join(dir, 'host.mjs');
      writeFileSync(
        script,
        `import { McpHub } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist/src/index.js')).href)};\n` +
          `const hub = McpHub.start(${JSON.stringify({ mcpServers: stdio('s', ['--ignore-eof', '--ignore-term', '--grandchild'], state) })}, { logDir: ${JSON.stringify(dir)} });\n` +
          `console.log('ready'); setInterval(() => {}, 1000);\n`,
      );
      const host = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((ok) => host.stdout.once('data', () => ok()));
      const { pid, grandchild } = readState(state);
      host.kill(signal);
      await new Promise((ok) => host.once('exit', ok));
      await sleep(2_500);
      out[`${signal} child`] = processState(pid);
      out[`${signal} grandchild`] = processState(grandchild);
      for (const p of [pid, grandchild])
        if (p)
          try {
            process.kill(p, 'SIGKILL');
          } catch {
            /* gone */
          }
    }
    return out;
  },
  /** A host run as `node --input-type=module -e …`: how long start() takes, and what it says. */
  async 'input-type-host'() {
    const dir = tmp();
    const code =
      `import { McpHub } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist/src/index.js')).href)};\n` +
      `const t = performance.now();\n` +
      `try { const hub = McpHub.start(${JSON.stringify({ mcpServers: stdio('s', [], join(dir, 's.json'), { connectTimeout: 5 }) })}, { logDir: ${JSON.stringify(dir)} }); console.log(JSON.stringify({ ms: Math.round(performance.now() - t), ok: true })); hub.close(); }\n` +
      `catch (e) { console.log(JSON.stringify({ ms: Math.round(performance.now() - t), code: e.code, message: e.message })); }\n`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
    const line = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { ms: number; code?: string; message?: string; ok?: boolean };
    return { startMs: line.ms, code: line.code ?? 'ok', message: short(line.message) };
  },
  /** Timed-out calls to a server that drips an endless body: RSS after the callers gave up, sockets left. */
  async 'timeout-keeps-downloading'() {
    const { McpHub } = await lib();
    const server = await startHostileHttp();
    const hub = McpHub.start({ mcpServers: { h: { url: server.url } } }, { logDir: tmp() });
    const before = rssMb();
    let code = '';
    for (let i = 0; i < 20; i++) {
      const r = timed(() => hub.callTool('h', 'drip', { bytes: 2e9, chunk: 1 << 20, everyMs: 5 }, { timeoutMs: 300 }));
      code = r.error?.code ?? 'ok';
    }
    await sleep(5_000);
    const stats = await server.stats();
    const result = { code, rssBeforeMb: before, rss5sAfterMb: rssMb(), serverOpenSockets: stats.openSockets - 1 };
    hub.close();
    await server.stop();
    return result;
  },
  /** One 50 MB line from a stdio server (server-filesystem reading a big file): code, and whether the session survived. */
  async 'stdio-50mb-line'() {
    const { McpHub } = await lib();
    const dir = tmp();
    const state = join(dir, 's.json');
    const hub = McpHub.start({ mcpServers: stdio('s', [], state) }, { logDir: dir });
    const pid = readState(state).pid;
    const big = timed(() => hub.callTool('s', 'big', { bytes: 50e6 }));
    const next = timed(() => hub.callTool('s', 'echo', { text: 'after' }));
    const result = {
      code: big.error?.code ?? 'ok',
      message: short(big.error?.message),
      nextCall: next.error?.code ?? 'ok',
      samePid: readState(state).pid === pid,
      rssMb: rssMb(),
    };
    hub.close();
    return result;
  },
  /** A 300 MB JSON answer over HTTP: RSS, and what a call on another server waited meanwhile. */
  async 'http-300mb-answer'() {
    const { McpHub } = await lib();
    const server = await startHostileHttp();
    const dir = tmp();
    const hub = McpHub.start({ mcpServers: { h: { url: server.url }, s: stdio('s', [], join(dir, 's.json'))['s'] } }, { logDir: dir });
    const other = spawnWatcher(hub);
    const big = timed(() => hub.callTool('h', 'big', { bytes: 300e6 }, { timeoutMs: 60_000 }));
    const rss = rssMb();
    const worst = await other.stop();
    const result = { code: big.error?.code ?? 'ok', message: short(big.error?.message), ms: big.ms, rssMb: rss, otherServerWorstMs: worst };
    hub.close();
    await server.stop();
    return result;
  },
  /** An HTTP 502 with a 100 MB HTML page: how long the error message is. */
  async 'error-page-100mb'() {
    const { McpHub } = await lib();
    const server = await startHostileHttp();
    const hub = McpHub.start({ mcpServers: { h: { url: server.url } } }, { logDir: tmp() });
    const r = timed(() => hub.callTool('h', 'error-page', { bytes: 100e6 }, { timeoutMs: 60_000 }));
    const entry = hub.toolEntries().find((e) => e.name === 'mcp_h_error_page');
    const handlerOut = entry?.handler({ bytes: 100e6 }) ?? '';
    const result = {
      code: r.error?.code ?? 'ok',
      messageChars: r.error?.message.length ?? 0,
      handlerChars: handlerOut.length,
      rssMb: rssMb(),
    };
    hub.close();
    await server.stop();
    return result;
  },
  /** A stdio server flooding notifications: p99 of calls to another server on the same hub. */
  async 'notification-flood'() {
    const { McpHub } = await lib();
    const server = await startHostileHttp();
    const dir = tmp();
    const quiet = () => {
      const times: number[] = [];
      for (let i = 0; i < 400; i++) {
        const start = performance.now();
        hub.callTool('h', 'echo', { text: 'x' });
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      return { p50: times[200]!, p99: times[396]! };
    };
    let hub = McpHub.start({ mcpServers: { h: { url: server.url } } }, { logDir: dir });
    const calm = quiet();
    hub.close();
    hub = McpHub.start({ mcpServers: { h: { url: server.url }, f: stdio('f', ['--flood'], join(dir, 'f.json'))['f'] } }, { logDir: dir });
    const flooded = quiet();
    hub.close();
    await server.stop();
    const r = (n: number): number => Math.round(n * 100) / 100;
    return { calmP50ms: r(calm.p50), calmP99ms: r(calm.p99), floodP50ms: r(flooded.p50), floodP99ms: r(flooded.p99) };
  },
  /** A server that is down (connection refused): the code, and how long the next calls block. */
  async refused() {
    const { McpHub } = await lib();
    const server = await startHostileHttp();
    const hub = McpHub.start({ mcpServers: { h: { url: server.url } } }, { logDir: tmp() });
    await server.kill();
    const rows: Figures = {};
    for (let i = 1; i <= 5; i++) {
      const r = timed(() => hub.callTool('h', 'count', {}, { timeoutMs: 30_000 }));
      rows[`call${i}`] = `${r.error?.code ?? 'ok'} ${r.ms} ms`;
    }
    rows['state'] = hub.servers()[0]?.state ?? '';
    hub.close();
    return rows;
  },
  /** The server ran the tool, then closed the socket mid-body: the code (and how often it ran). */
  async 'mid-body-close'() {
    const { McpHub } = await lib();
    const server = await startHostileHttp();
    const hub = McpHub.start({ mcpServers: { h: { url: server.url } } }, { logDir: tmp() });
    const cut = timed(() => hub.callTool('h', 'cut', {}, { timeoutMs: 10_000 }));
    const sse = timed(() => hub.callTool('h', 'sse-cut', {}, { timeoutMs: 10_000 }));
    const stats = await server.stats();
    hub.close();
    await server.stop();
    return {
      jsonCut: `${cut.error?.code ?? 'ok'} ${cut.ms} ms`,
      sseCut: `${sse.error?.code ?? 'ok'} ${sse.ms} ms`,
      executions: JSON.stringify(stats.executions),
    };
  },
  /** BigInt and cyclic arguments: the code, and what three of them do to the server for everyone. */
  async 'bad-arguments'() {
    const { McpHub } = await lib();
    const dir = tmp();
    const hub = McpHub.start({ mcpServers: stdio('s', [], join(dir, 's.json')) }, { logDir: dir });
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const codes = [
      timed(() => hub.callTool('s', 'echo', { n: 1n })),
      timed(() => hub.callTool('s', 'echo', cyclic)),
      timed(() => hub.callTool('s', 'echo', { n: 2n })),
    ].map((r) => r.error?.code ?? 'ok');
    const after = timed(() => hub.callTool('s', 'echo', { text: 'fine' }));
    const result = { codes: codes.join(' '), nextGoodCall: after.error?.code ?? 'ok', state: hub.servers()[0]?.state ?? '' };
    hub.close();
    return result;
  },
  /** Start-up failures as a new user meets them. */
  async 'start-errors'() {
    const { McpHub } = await lib();
    const dir = tmp();
    const server = await startHostileHttp();
    const out: Figures = {};
    const first = (config: Record<string, unknown>, connectTimeout?: number): string => {
      const hub = McpHub.start(
        { mcpServers: { x: { ...config, ...(connectTimeout && { connectTimeout }) } } },
        { logDir: dir, recovery: { connectRetries: 3, parkedProbeMs: 600_000 } },
      );
      const info = hub.servers()[0];
      hub.close();
      return `${info?.error?.code}: ${short(info?.error?.message, 200)}`;
    };
    let t = performance.now();
    out['fatal-at-start'] = first({ command: process.execPath, args: [HOSTILE_STDIO, '--die-at-start', '1'] });
    out['fatal-at-start ms'] = Math.round(performance.now() - t);
    out['http-404'] = first({ url: server.url.replace('/mcp', '/wrong') });
    t = performance.now();
    out['enoent'] = first({ command: 'no-such-command-xyz' });
    out['enoent ms'] = Math.round(performance.now() - t);
    out['connect-timeout'] = first({ command: 'sh', args: ['-c', 'sleep 5'] }, 1);
    const hub = McpHub.start({ mcpServers: { h: { url: server.url } } }, { logDir: dir });
    const unknown = timed(() => hub.callTool('h', 'ecko', {}));
    out['unknown-tool'] = `${unknown.error?.code}: ${short(unknown.error?.message, 200)}`;
    const attach = timed(() => McpHub.attach(hub as never));
    out['attach(hub)'] = `${attach.error?.code ?? (attach.error as never)}: ${short(attach.error?.message)}`;
    hub.close();
    await server.stop();
    const cli = spawnSync(process.execPath, [join(ROOT, 'bin/mcp-sync.js'), 'tols'], { encoding: 'utf8' });
    out['cli typo'] = short(cli.stderr.trim().split('\n')[0]);
    return out;
  },
  /** A planted symlink in a shared log dir, and a secret that does not look like one. */
  async 'logs-and-secrets'() {
    const { McpHub } = await lib();
    const base = tmp();
    const logDir = join(base, 'logs');
    mkdirSync(logDir, { mode: 0o777 });
    execFileSync('chmod', ['0777', logDir]);
    const target = join(base, 'victim.txt');
    writeFileSync(target, 'original\n');
    symlinkSync(target, join(logDir, 's.log'));
    const state = join(base, 's.json');
    let started = 'ok';
    try {
      McpHub.start({ mcpServers: stdio('s', [], state) }, { logDir }).close();
    } catch (error) {
      started = `${(error as { code: string }).code}: ${short((error as Error).message)}`;
    }
    const victim = readFileSync(target, 'utf8');
    const server = await startHostileHttp();
    const hub = McpHub.start({ mcpServers: { h: { url: server.url, headers: { 'X-Api-Key': 'plainsecret789' } } } }, { logDir: tmp() });
    const r = timed(() => hub.callTool('h', 'echo-secret', {}));
    hub.close();
    await server.stop();
    rmSync(base, { recursive: true, force: true });
    return {
      worldWritableLogDir: started,
      symlinkFollowed: victim !== 'original\n',
      secretInError: (r.error?.message ?? '').includes('plainsecret789'),
    };
  },
};

/**
 * Another thread calling another server of the same hub in a loop while this one is blocked:
 * the worst latency it saw is what one server's answer cost the others.
 */
function spawnWatcher(hub: { handle(): unknown }): { stop(): Promise<number> } {
  const stop = new SharedArrayBuffer(4);
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    import(workerData.lib).then(({ McpHub }) => {
      const hub = McpHub.attach(workerData.handle);
      const stop = new Int32Array(workerData.stop);
      let worst = 0;
      while (Atomics.load(stop, 0) === 0) {
        const t = performance.now();
        hub.callTool('s', 'echo', { text: 'x' });
        worst = Math.max(worst, performance.now() - t);
      }
      hub.close();
      parentPort.postMessage(worst);
    });`;
  const lib = pathToFileURL(join(ROOT, 'dist/src/index.js')).href;
  const worker = new Worker(code, { eval: true, workerData: { lib, handle: hub.handle(), stop } });
  const done = new Promise<number>((ok) => worker.once('message', (worst: number) => ok(Math.round(worst))));
  return {
    stop: async () => {
      Atomics.store(new Int32Array(stop), 0, 1);
      return done;
    },
  };
}

async function runOne(name: string): Promise<void> {
  const scenario = scenarios[name];
  if (scenario === undefined) throw new Error(`unknown scenario ${name}`);
  const figures = await scenario();
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  process.exit(0);
}

async function main(): Promise<void> {
  const chosen = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--root');
  const names = chosen.length > 0 ? chosen : Object.keys(scenarios);
  console.log(`mcp-sync edges — ${ROOT}`);
  for (const name of names) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--root', ROOT, '--run', name], {
      encoding: 'utf8',
      timeout: 180_000,
      maxBuffer: 1 << 26,
    });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    let figures: Figures;
    try {
      figures = JSON.parse(line) as Figures;
    } catch {
      figures = { failed: short(`${child.error?.message ?? ''} ${child.stderr}`, 400) };
    }
    console.log(`\n${name}`);
    for (const [key, value] of Object.entries(figures)) console.log(`  ${key.padEnd(26)} ${String(value)}`);
  }
}

if (runAt >= 0) await runOne(args[runAt + 1]!);
else await main();
