/**
 * How a stdio server is spawned, and the servers spawned early: the moment the worker boots, before
 * it loads the SDK, so that a server's own start-up (a Node server spends 100–200 ms loading its
 * modules) overlaps ours instead of following it. An early child's stderr goes to its log from the
 * first byte and its output is held until its session's first connect adopts it (createTransport);
 * a reconnect spawns its own. A hub that closes first ends it like any other (ChildGroup.stopAll).
 */
import type { SpawnOptions } from './child-group.js';
import { spawnServer, type SpawnedServer } from './stdio-transport.js';
import type { ServerLog } from '../logs/server-log.js';
import type { StdioServerConfig } from '../../src/shared/protocol.js';

/** Variables a stdio child inherits from our environment; everything else must come from config. */
export const SAFE_ENV_VARS: readonly string[] = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TERM', 'SHELL', 'TMPDIR'];
const SAFE_ENV_PREFIX = 'XDG_';

/** The environment of a stdio child: the safe variables of `parent`, then the config's `env`. */
export function childEnvironment(configEnv: Record<string, string>, parent: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined || value.startsWith('()')) continue; // skip shell functions
    if (SAFE_ENV_VARS.includes(name) || name.startsWith(SAFE_ENV_PREFIX)) env[name] = value;
  }
  return { ...env, ...configEnv };
}

/** What a stdio server's process is spawned with. */
export function spawnOptions(config: StdioServerConfig): SpawnOptions {
  return {
    command: config.command,
    args: config.args,
    env: childEnvironment(config.env),
    ...(config.cwd !== undefined && { cwd: config.cwd }),
  };
}

const early = new Map<string, Promise<SpawnedServer>>();

/** Spawns every server of `configs` now, each logging to its `logs` entry; a spawn error (ENOENT…) waits for its first connect. */
export function spawnEarly(configs: readonly StdioServerConfig[], logs: ReadonlyMap<string, ServerLog>): void {
  for (const config of configs) {
    const spawned = spawnServer(spawnOptions(config), logs.get(config.name)!);
    spawned.catch(() => undefined);
    early.set(config.name, spawned);
  }
}

/** The child spawned early for `server`, once. */
export function takeEarlyChild(server: string): Promise<SpawnedServer> | undefined {
  const spawned = early.get(server);
  early.delete(server);
  return spawned;
}
