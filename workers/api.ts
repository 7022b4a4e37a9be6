/**
 * The worker's one API object. Every way of calling mcp-sync — the synchronous channels and
 * the async façade — dispatches into an instance of this class; no operation is implemented
 * twice. Each method takes its arguments, then the request's {@link CallContext}.
 */
import {
  UriTemplate,
  type CallToolResult,
  type Client,
  type GetPromptResult,
  type Prompt,
  type ReadResourceResult,
  type RequestOptions,
  type Resource,
  type ResourceTemplateType as ResourceTemplate,
  type Tool,
} from '@modelcontextprotocol/client';
import { SkillsClient, type Skill, type SkillFile as SdkSkillFile } from '@modelcontextprotocol/client/ext/skills';
import { ErrorCode, McpSyncError, unknownServerError } from '../src/shared/errors.js';
import type { Completion, CompletionReference, SkillFile, TaskInfo } from '../src/shared/types.js';
import { suggest } from '../src/shared/suggest.js';
import type { Operations, WorkerApiOf } from '../src/shared/operations.js';
import type { RecoveryOptions, ServerCatalog, ServerConfig, ServerInfo } from '../src/shared/protocol.js';
import { ChildGroup } from './transport/child-group.js';
import { outputInvalid, rpcMessage } from './recovery/classify.js';
import { withRecovery } from './recovery/with-recovery.js';
import type { ServerLog } from './logs/server-log.js';
import { linkedContext, type CallContext } from './session/inflight.js';
import { ServerSession, type SessionHooks } from './session/server-session.js';
import { cancelTask, createdTask, startToolTask, taskResult, taskStatus, taskSupport } from './session/tasks.js';

/** How long `close()` waits for all servers together before giving up on the stragglers. */
export const CLOSE_TIMEOUT_MS = 5_000;

/**
 * The server says it has no such tool — a JSON-RPC error, or an `isError` result, as SDK servers
 * answer — and its tool list agrees: UNKNOWN_TOOL, naming the listed tool that was probably meant
 * or how many it lists. Undefined when the tool is listed (its own failure stands as is).
 */
function unknownTool(session: ServerSession, tool: string, said: string): McpSyncError | undefined {
  const names = session.tools.map((listed) => listed.name);
  if (names.includes(tool)) return undefined;
  const guess = suggest(tool, names);
  const hint = guess === undefined ? `it lists ${names.length} tool${names.length === 1 ? '' : 's'}` : `did you mean '${guess}'?`;
  const message = `MCP server '${session.name}' has no tool '${tool}' (${hint}). It said: ${rpcMessage(said)}`;
  return new McpSyncError(ErrorCode.UNKNOWN_TOOL, message, {
    server: session.name,
    tool,
    ...(guess !== undefined && { suggestion: guess }),
  });
}

/** A verified skill file as plain data: text as is, bytes in base64. */
function skillFile(read: SdkSkillFile): SkillFile {
  const { uri, mimeType, text, bytes, verified, frontmatter, body } = read;
  return {
    uri,
    verified,
    ...(mimeType !== undefined && { mimeType }),
    ...(text !== undefined ? { text } : { blob: Buffer.from(bytes).toString('base64') }),
    ...(frontmatter !== undefined && { frontmatter }),
    ...(body !== undefined && { body }),
  };
}

/**
 * Whether the server advertised `capability`: a listing of one it lacks is empty, answered here
 * (the SDK would answer it the same way, and say so on the console).
 */
function advertises(client: Client, capability: 'tools' | 'resources' | 'prompts'): boolean {
  return client.getServerCapabilities()?.[capability] !== undefined;
}

/** The annotation that makes `tool` safe to send twice (`readOnlyHint`, `idempotentHint`), if any. */
function repeatableHint(session: ServerSession, tool: string): string | undefined {
  const annotations = session.tools.find((listed) => listed.name === tool)?.annotations;
  if (annotations?.readOnlyHint === true) return 'readOnlyHint';
  if (annotations?.idempotentHint === true) return 'idempotentHint';
  return undefined;
}

function firstText(result: CallToolResult): string {
  const block = result.content.find((b) => b.type === 'text');
  return block?.type === 'text' ? block.text : '';
}

export class HubApi implements WorkerApiOf<Operations, CallContext> {
  readonly #sessions = new Map<string, ServerSession>();
  #closed: Promise<void> | undefined;

  readonly #hooks: SessionHooks;

  /** `logs` holds the stderr log of every stdio server. */
  constructor(
    servers: ServerConfig[],
    hubState: Int32Array,
    logs: ReadonlyMap<string, ServerLog>,
    recovery: RecoveryOptions,
    hooks: SessionHooks,
  ) {
    this.#hooks = hooks;
    servers.forEach((config, index) =>
      this.#sessions.set(config.name, new ServerSession(config, index, hubState, logs.get(config.name), recovery, hooks)),
    );
  }

  /** Connects every server in parallel; resolves once each is ready or has failed. */
  async start(): Promise<ServerInfo[]> {
    await Promise.all([...this.#sessions.values()].map((session) => session.connect()));
    return this.servers();
  }

  servers(): ServerInfo[] {
    return [...this.#sessions.values()].map((session) => session.info());
  }

  /**
   * Every server's discovered tools and capabilities: what registries build from. No server I/O —
   * but for a list the server said may be kept only `ttlMs` (2026-07-28), stale by now: that
   * server is asked again first (one that does not answer keeps its last list).
   */
  async catalog(ctx: CallContext): Promise<ServerCatalog[]> {
    const stale = [...this.#sessions.values()].filter((session) => session.state === 'ready' && session.catalog.stale);
    await Promise.all(
      stale.map((session) =>
        withRecovery(session, linkedContext(ctx), (client, options) => session.catalog.refresh(client, options)).then(
          (changed) => changed && this.#hooks.toolsChanged(session.name),
          () => undefined,
        ),
      ),
    );
    return [...this.#sessions.values()].map((session) => {
      const { instructions } = session.info();
      return {
        name: session.name,
        state: session.state,
        capabilities: session.catalog.capabilities,
        tools: [...session.tools],
        ...(instructions !== undefined && { instructions }),
      };
    });
  }

  /**
   * Lists every page of tools of one server — or of every ready server, leaving out any that
   * fails to answer (its state and error are in `servers()`).
   */
  async listTools(server: string | undefined, ctx: CallContext): Promise<(Tool & { server: string })[]> {
    // Every page (the SDK follows nextCursor, at most MAX_PAGES; in 2026 it may answer from the
    // server's ttlMs cache).
    return this.#across(server, ctx, async (client, options, session) => {
      if (!advertises(client, 'tools')) return [];
      const { tools } = await client.listTools(undefined, options);
      // Asked past the cache: the registry's catalog is brought up to date too.
      if (ctx.refresh === true && session.catalog.update(tools)) this.#hooks.toolsChanged(session.name);
      return tools;
    });
  }

  async listResourceTemplates(server: string | undefined, ctx: CallContext): Promise<(ResourceTemplate & { server: string })[]> {
    return this.#across(server, ctx, async (client, options) =>
      advertises(client, 'resources') ? (await client.listResourceTemplates(undefined, options)).resourceTemplates : [],
    );
  }

  async readResourceTemplate(
    server: string,
    uriTemplate: string,
    variables: Record<string, string | string[]>,
    ctx: CallContext,
  ): Promise<ReadResourceResult> {
    let uri: string;
    try {
      uri = new UriTemplate(uriTemplate).expand(variables);
    } catch (error) {
      const message = `The URI template '${uriTemplate}' of MCP server '${server}' cannot be expanded: ${error instanceof Error ? error.message : String(error)}`;
      throw new McpSyncError(ErrorCode.INVALID_ARGUMENT, message, { server });
    }
    return this.readResource(server, uri, ctx);
  }

  async complete(
    server: string,
    ref: CompletionReference,
    argument: { name: string; value: string },
    context: Record<string, string> | undefined,
    ctx: CallContext,
  ): Promise<Completion> {
    const params = { ref, argument, ...(context !== undefined && { context: { arguments: context } }) };
    return withRecovery(this.#session(server), ctx, async (client, options) => (await client.complete(params, options)).completion);
  }

  /**
   * Calls a tool. One the server says must run as a task is started as one and waited for within
   * the call's deadline (cancelled if the caller stops waiting): the caller sees only its result.
   */
  async callTool(server: string, tool: string, args: Record<string, unknown> | undefined, ctx: CallContext): Promise<CallToolResult> {
    const session = this.#session(server);
    const params = args === undefined ? { name: tool } : { name: tool, arguments: args };
    let result: CallToolResult;
    try {
      if (taskSupport(session, tool) === 'required') {
        const deadline = Date.now() + ctx.timeoutMs;
        const started = await startToolTask(session, params, ctx);
        result =
          started.result ??
          (await taskResult(session, started.task.taskId, { ...ctx, timeoutMs: Math.max(1, deadline - Date.now()) }, true));
      } else {
        const deadline = Date.now() + ctx.timeoutMs;
        result = await this.#callOnce(session, params, ctx);
        // A 2026 server may answer any call with a task (the tasks extension): wait for it the same way.
        const created = createdTask(server, result);
        if (created !== undefined)
          result = await taskResult(session, created.taskId, { ...ctx, timeoutMs: Math.max(1, deadline - Date.now()) }, true);
      }
    } catch (error) {
      const rpcError = error instanceof McpSyncError && error.code === ErrorCode.RPC_ERROR;
      throw (rpcError && unknownTool(session, tool, error.message)) || error;
    }
    if (result.isError === true) {
      const unknown = unknownTool(session, tool, firstText(result));
      if (unknown !== undefined) throw unknown;
    }
    return result;
  }

  /**
   * One `tools/call`, its structured result checked against the tool's `outputSchema` by the SDK
   * (OUTPUT_INVALID). A call the link cut mid-flight stays OUTCOME_UNCERTAIN — unless the server
   * is `trusted` and annotates the tool `readOnlyHint` or `idempotentHint`: then it is sent again,
   * once, on the healed link, within the same deadline.
   */
  async #callOnce(
    session: ServerSession,
    params: { name: string; arguments?: Record<string, unknown> },
    ctx: CallContext,
  ): Promise<CallToolResult> {
    const call = (client: Client, options: RequestOptions): Promise<CallToolResult> =>
      client.callTool(params, options).then(
        (result) => result as CallToolResult,
        (error: unknown) => Promise.reject(outputInvalid(error, session.name, params.name) ?? error),
      );
    const hint = session.config.trusted ? repeatableHint(session, params.name) : undefined;
    if (hint === undefined) return withRecovery(session, ctx, call);
    const deadline = Date.now() + ctx.timeoutMs;
    const generation = session.generation;
    try {
      // Its own controller: a dead link aborts this attempt, not the caller's context.
      return await withRecovery(session, linkedContext(ctx), call);
    } catch (error) {
      if (!(error instanceof McpSyncError) || error.code !== ErrorCode.OUTCOME_UNCERTAIN || ctx.signal.aborted) throw error;
      const waitMs = Math.min(session.recoveryWaitMs, deadline - Date.now());
      if (!(await session.waitForSession(generation, waitMs, ctx.signal))) throw error;
      this.#hooks.log(session.name, `re-sent '${params.name}' once after its link was cut (trusted server; the tool is ${hint})`);
      return withRecovery(session, { ...ctx, timeoutMs: Math.max(1, deadline - Date.now()) }, call);
    }
  }

  async startTask(
    server: string,
    tool: string,
    args: Record<string, unknown> | undefined,
    ctx: CallContext,
  ): Promise<TaskInfo & { result?: CallToolResult }> {
    const session = this.#session(server);
    if (taskSupport(session, tool) === undefined && session.info().era !== 'modern') {
      const why = session.catalog.capabilities.toolTasks ? `its tool '${tool}' does not run as a task` : 'it does not run tools as tasks';
      const message = `MCP server '${server}' cannot start '${tool}' as a task: ${why} (call it with callTool)`;
      throw new McpSyncError(ErrorCode.INVALID_ARGUMENT, message, { server, tool });
    }
    const started = await startToolTask(session, args === undefined ? { name: tool } : { name: tool, arguments: args }, ctx);
    return started.task ?? { server, taskId: '', status: 'completed', result: started.result };
  }

  async getTask(server: string, taskId: string, ctx: CallContext): Promise<TaskInfo> {
    return taskStatus(this.#session(server), taskId, ctx);
  }

  async taskResult(server: string, taskId: string, ctx: CallContext): Promise<CallToolResult> {
    return taskResult(this.#session(server), taskId, ctx);
  }

  async cancelTask(server: string, taskId: string, ctx: CallContext): Promise<TaskInfo> {
    return cancelTask(this.#session(server), taskId, ctx);
  }

  async listResources(server: string, ctx: CallContext): Promise<Resource[]> {
    return withRecovery(this.#session(server), ctx, async (client, options) =>
      advertises(client, 'resources') ? (await client.listResources(undefined, options)).resources : [],
    );
  }

  async readResource(server: string, uri: string, ctx: CallContext): Promise<ReadResourceResult> {
    return withRecovery(this.#session(server), ctx, (client, options) => client.readResource({ uri }, options));
  }

  async listPrompts(server: string, ctx: CallContext): Promise<Prompt[]> {
    return withRecovery(this.#session(server), ctx, async (client, options) =>
      advertises(client, 'prompts') ? (await client.listPrompts(undefined, options)).prompts : [],
    );
  }

  async getPrompt(server: string, name: string, args: Record<string, string> | undefined, ctx: CallContext): Promise<GetPromptResult> {
    const params = args === undefined ? { name } : { name, arguments: args };
    return withRecovery(this.#session(server), ctx, (client, options) => client.getPrompt(params, options));
  }

  async subscribe(server: string, uri: string, ctx: CallContext): Promise<void> {
    const session = this.#session(server);
    await withRecovery(session, ctx, (client, options) => session.subscriptions.add(client, uri, options));
  }

  async unsubscribe(server: string, uri: string, ctx: CallContext): Promise<void> {
    const session = this.#session(server);
    await withRecovery(session, ctx, (client, options) => session.subscriptions.remove(client, uri, options));
  }

  async listSkills(server: string, ctx: CallContext): Promise<Skill[]> {
    return withRecovery(
      this.#session(server),
      ctx,
      async (client, options) => (await new SkillsClient(client).list(undefined, options)).skills,
    );
  }

  /** Finds the skill's entry (by URI or name) in the server's listing, then reads and verifies the file. */
  async readSkill(server: string, skill: string, file: string | undefined, ctx: CallContext): Promise<SkillFile> {
    const session = this.#session(server);
    return withRecovery(session, ctx, async (client, options) => {
      const skills = new SkillsClient(client);
      const listed = (await skills.list(undefined, options)).skills;
      const entry = listed.find((candidate) => candidate.uri === skill || candidate.frontmatter.name === skill);
      if (entry === undefined) {
        const names = listed.map((candidate) => `'${candidate.frontmatter.name}'`).join(', ') || 'none';
        const message = `MCP server '${server}' lists no skill '${skill}' (its skills: ${names}; \`listSkills\` shows their URIs)`;
        throw new McpSyncError(ErrorCode.INVALID_ARGUMENT, message, { server, skill });
      }
      return skillFile(await skills.read(entry, file, options));
    });
  }

  async ping(server: string, ctx: CallContext): Promise<void> {
    // A 2026-07-28 server has no ping: server/discover is its liveness question.
    await withRecovery(this.#session(server), ctx, (client, options) =>
      client.getProtocolEra() === 'modern' ? client.discover(options) : client.ping(options),
    );
  }

  /**
   * Closes every server in parallel and waits until every stdio child — abandoned connect
   * attempts and replaced children included — has exited and been reaped, bounded by
   * {@link CLOSE_TIMEOUT_MS} (the stop sequence ends in SIGKILL well within it). Idempotent.
   */
  close(): Promise<void> {
    this.#closed ??= Promise.race([
      Promise.allSettled([...this.#sessions.values()].map((session) => session.close())).then(() => ChildGroup.stopAll()),
      new Promise<void>((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref()),
    ]);
    return this.#closed;
  }

  /**
   * `list` on one server — or on every ready server, leaving out any that fails to answer (its
   * state and error are in `servers()`) — each item tagged with its server.
   */
  async #across<T>(
    server: string | undefined,
    ctx: CallContext,
    list: (client: Client, options: RequestOptions, session: ServerSession) => Promise<T[]>,
  ): Promise<(T & { server: string })[]> {
    const sessions = server === undefined ? [...this.#sessions.values()].filter((s) => s.state === 'ready') : [this.#session(server)];
    const lists = await Promise.all(
      // Each server gets a request controller of its own (linked to the caller's), so a link
      // found dead on one server aborts only that server's listing.
      sessions.map((session) =>
        withRecovery(session, sessions.length === 1 ? ctx : linkedContext(ctx), (client, options) => list(client, options, session)).catch(
          (error: unknown) => {
            if (server !== undefined) throw error;
            return [];
          },
        ),
      ),
    );
    return lists.flatMap((items, i) => items.map((item) => ({ ...item, server: sessions[i]!.name })));
  }

  #session(server: string): ServerSession {
    const session = this.#sessions.get(server);
    if (session === undefined) throw unknownServerError(server, [...this.#sessions.keys()]);
    return session;
  }
}
