/**
 * Type tests of the operation table (checked by `tsc -p tsconfig.json`, part of `npm run lint`):
 * every side implements the table as it is, and adding an operation to it fails to compile until
 * every side has it. Each `@ts-expect-error` must hold, or tsc fails on the unused directive.
 */
import type { AsyncMcpHub } from '../../src/bridge/async-hub.js';
import type { McpHub } from '../../src/bridge/hub.js';
import type { AsyncClientOf, Operations, SyncClientOf, WorkerApiOf } from '../../src/shared/operations.js';
import type { HubApi } from '../../workers/api.js';
import type { CallContext } from '../../workers/session/inflight.js';

declare const hub: McpHub;
declare const asyncHub: AsyncMcpHub;
declare const api: HubApi;

// Every side implements today's table.
export const sync: SyncClientOf<Operations> = hub;
export const async: AsyncClientOf<Operations> = asyncHub;
export const worker: WorkerApiOf<Operations, CallContext> = api;

/** Today's table with one operation more, as a contributor would add it. */
type WithTemplates = Operations & { listResourceTemplates: { args: [server: string]; result: unknown[] } };

// @ts-expect-error — the synchronous hub (and so every attached client) has no listResourceTemplates yet
export const syncMissing: SyncClientOf<WithTemplates> = hub;
// @ts-expect-error — nor has the async façade
export const asyncMissing: AsyncClientOf<WithTemplates> = asyncHub;
// @ts-expect-error — nor the worker's API object, which would answer "Unknown operation" at run time
export const workerMissing: WorkerApiOf<WithTemplates, CallContext> = api;

/** A side whose method takes the wrong arguments does not implement the table either. */
type WrongArgs = Omit<McpHub, 'readResource'> & { readResource(server: string): unknown };
declare const wrong: WrongArgs;
// @ts-expect-error — readResource must take the uri
export const wrongArgs: SyncClientOf<Operations> = wrong;
