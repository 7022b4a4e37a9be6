/**
 * `npx tsx bench/floor-steps.ts` (after `npm run build`): where the hub's cost over the floor comes
 * from, over stdio. The floor (bench/sdk-floor.ts) made like the hub one step at a time, each
 * step a worker of its own (the floor's own for the first two, then bench/workers/floor-steps.mjs),
 * all called from this thread in
 * interleaved rounds: the SDK's client and transport; mcp-sync's client and transport as its
 * worker opens them; the hub's request and reply messages; a per-request controller and the
 * worker's promise layers; the hub's own caller side (its Channel) on top; and the hub itself.
 * Prints per-call medians and each step's median ratio to the floor over the rounds.
 * BENCH_ROUNDS (default 15) adjusts the run.
 */
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { McpHub } from '../dist/src/index.js';
import { Channel } from '../dist/src/bridge/channel.js';
import { stdioFixtureCommand } from '../test/helpers/servers.js';
import { median } from './median.js';
import { HAS_THREAD_CPU, roundOrder, timeCalls } from './measure.js';
import { SdkFloor, endWorker } from './sdk-floor.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 15);
const CALLS = 3_000;
const args = { text: 'hello' };
type Step = 'shape' | 'layers';

interface Subject {
  call(): unknown;
  close(): Promise<unknown>;
}

/** A hub-shaped step's worker, and `hubCaller`: called through the hub's Channel rather than the minimal loop. */
async function step(step: Step, hubCaller = false): Promise<Subject> {
  const { port1, port2 } = new MessageChannel();
  const slot = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  const word = new Int32Array(slot);
  const worker = new Worker(new URL('./workers/floor-steps.mjs', import.meta.url), {
    workerData: { port: port2, sab: slot, server: stdioFixtureCommand(step), step },
    transferList: [port2],
  });
  await once(worker, 'message');
  const close = (): Promise<void> => endWorker(worker, port1);
  if (hubCaller) {
    const hubState = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    Atomics.store(new Int32Array(hubState), 0, 1); // the worker word: running
    const channel = new Channel(port1, slot, { hubState, failure: new SharedArrayBuffer(4_096) });
    return { call: () => channel.request({ op: 'callTool', args: ['s', 'echo', args], timeoutMs: 120_000, server: 's' }), close };
  }
  let id = 0;
  const call = (): unknown => {
    const mine = ++id;
    port1.postMessage({ type: 'request', id: mine, op: 'callTool', args: ['s', 'echo', args], timeoutMs: 120_000 });
    for (;;) {
      const seen = Atomics.load(word, 0);
      const entry = receiveMessageOnPort(port1) as { message: { id: number; value?: unknown } } | undefined;
      if (entry?.message.id === mine) return entry.message.value;
      if (entry === undefined) Atomics.wait(word, 0, seen, 60_000);
    }
  };
  return { call, close };
}

/** The floor's own worker (bench/sdk-floor.ts), its calls with a deadline; `openedAsWorker`: our transport. */
async function floor(name: string, openedAsWorker: boolean): Promise<Subject> {
  const floor = await SdkFloor.start(stdioFixtureCommand(name), { deadline: true, openedAsWorker });
  return { call: () => floor.callTool('echo', args), close: () => floor.close() };
}

const hub = McpHub.start({ mcpServers: { s: stdioFixtureCommand('hub') } }, { eventLog: false });
const subjects: [string, Subject][] = [
  ['floor: SDK client and stdio transport', await floor('sdk', false)],
  ["+ mcp-sync's transport, client opened as the worker does", await floor('opened', true)],
  ["+ the hub's request and reply messages", await step('shape')],
  ['+ a controller per request, the promise layers', await step('layers')],
  ["+ the hub's caller side (Channel)", await step('layers', true)],
  ['the hub (hub.callTool)', { call: () => hub.callTool('s', 'echo', args), close: async () => hub.close() }],
];
const times = subjects.map(() => [] as number[]);
// CPU per call: this (the caller's) thread, and the rest of the process (the worker, mostly);
// on Node without process.threadCpuUsage (before 23.9) only the process total is shown.
const callerCpu = subjects.map(() => [] as number[]);
const restCpu = subjects.map(() => [] as number[]);
try {
  console.error(`floor steps: ${subjects.length} subjects × ${ROUNDS} rounds × ${CALLS} calls …`);
  for (const [, subject] of subjects) await timeCalls(CALLS, subject.call);
  for (let round = 0; round < ROUNDS; round++) {
    for (const i of roundOrder(round, subjects.length)) {
      const [wall, cpu, thread] = await timeCalls(CALLS, subjects[i]![1].call);
      times[i]!.push(wall);
      callerCpu[i]!.push(thread);
      restCpu[i]!.push(HAS_THREAD_CPU ? cpu - thread : cpu);
    }
  }
} finally {
  await Promise.all(subjects.map(([, subject]) => subject.close()));
}
console.log(
  `\nthe floor to the hub, step by step — stdio echo, node ${process.version}, ${availableParallelism()} CPUs, ${ROUNDS} interleaved rounds`,
);
const cpuHeader = HAS_THREAD_CPU ? '  CPU/call: caller thread, rest of process' : '  CPU/call (process)';
console.log(`${'step'.padEnd(58)} per call   vs floor (median of rounds)${cpuHeader}`);
for (const [i, [name]] of subjects.entries()) {
  const ratio = median(times[i]!.map((us, round) => us / times[0]![round]!));
  const cpu = HAS_THREAD_CPU
    ? `${median(callerCpu[i]!).toFixed(1).padStart(6)} µs ${median(restCpu[i]!).toFixed(1).padStart(6)} µs`
    : `${median(restCpu[i]!).toFixed(1).padStart(6)} µs`;
  console.log(`${name.padEnd(58)} ${median(times[i]!).toFixed(1).padStart(6)} µs   ${ratio.toFixed(2).padEnd(28)}${cpu}`);
}
