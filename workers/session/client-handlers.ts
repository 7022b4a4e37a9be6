/**
 * Server-initiated requests — `sampling/createMessage`, `elicitation/create`, `roots/list` —
 * answered by an application module loaded into the I/O worker (StartOptions.handlers). They run
 * in the worker, so a caller blocked in a call that triggers one never deadlocks. One module
 * serves both protocol eras: a 2025 server sends these as requests; a 2026-07-28 server answers
 * the call with `input_required` (MRTR), and the SDK runs the embedded requests through the same
 * handlers and retries the call with their answers. A capability is declared only when the
 * module has the handler; a request without one gets a JSON-RPC error that says how to add it.
 */
import { ProtocolError, ProtocolErrorCode, type Client, type ClientCapabilities } from '@modelcontextprotocol/client';
import type { IdTokenSource } from '../auth/grants.js';

/** What a handler learns about the request besides its params. */
export interface HandlerContext {
  /** The configured name of the server asking. */
  server: string;
  /** Aborted when the server cancels the request or the connection ends. */
  signal: AbortSignal;
}

/** The module named by `StartOptions.handlers` exports any of these (named exports). */
export interface ClientHandlers {
  sampling?: (params: unknown, context: HandlerContext) => unknown;
  elicitation?: (params: unknown, context: HandlerContext) => unknown;
  roots?: (context: HandlerContext) => unknown;
  /** The user's ID token for enterprise-managed authorization (`oauth.grantType: "enterprise_managed"`, grants.ts). */
  idToken?: IdTokenSource;
}

/** Loads the handler module (a path or file URL); its named exports that are functions count. */
export async function loadClientHandlers(specifier: string | null): Promise<ClientHandlers> {
  if (specifier === null) return {};
  const module = (await import(specifier)) as Record<string, unknown>;
  const pick = <K extends keyof ClientHandlers>(key: K): ClientHandlers[K] =>
    typeof module[key] === 'function' ? (module[key] as ClientHandlers[K]) : undefined;
  const handlers: ClientHandlers = {};
  if (pick('sampling')) handlers.sampling = pick('sampling');
  if (pick('elicitation')) handlers.elicitation = pick('elicitation');
  if (pick('roots')) handlers.roots = pick('roots');
  if (pick('idToken')) handlers.idToken = pick('idToken');
  return handlers;
}

/** The client capabilities to declare: exactly those the module can serve. */
export function clientCapabilities(handlers: ClientHandlers): ClientCapabilities {
  const capabilities: ClientCapabilities = {};
  if (handlers.sampling) capabilities.sampling = {};
  // applyDefaults (SEP-1034): the SDK fills the requested schema's defaults into accepted content.
  if (handlers.elicitation) capabilities.elicitation = { form: { applyDefaults: true } };
  if (handlers.roots) capabilities.roots = { listChanged: false };
  return capabilities;
}

/** The handler export that serves each server→client method, and the capability it declares. */
const EXPORTS: Record<string, { export: keyof ClientHandlers; capability: string }> = {
  'sampling/createMessage': { export: 'sampling', capability: 'sampling' },
  'elicitation/create': { export: 'elicitation', capability: 'elicitation' },
  'roots/list': { export: 'roots', capability: 'roots' },
};

/**
 * How to serve what a server asked for and found no handler for: `methods` are server→client
 * methods or client capability names (a 2026 server names the missing capabilities, -32021).
 */
export function handlerAdvice(methods: readonly string[]): string {
  const wanted = Object.values(EXPORTS)
    .filter((entry) => methods.some((method) => method === entry.capability || EXPORTS[method] === entry))
    .map((entry) => `${entry.export}()`);
  return wanted.length === 0
    ? ''
    : ` — give mcp-sync a handlers module that exports ${wanted.join(' and ')} (StartOptions.handlers, or --handlers on the command line)`;
}

/** Installs the module's handlers on `client`, and a clear error for requests it cannot serve. */
export function installClientHandlers(client: Client, handlers: ClientHandlers, server: string): void {
  const { sampling, elicitation, roots } = handlers;
  if (sampling)
    client.setRequestHandler(
      'sampling/createMessage',
      async (request, ctx) => sampling(request.params, { server, signal: ctx.mcpReq.signal }) as never,
    );
  if (elicitation)
    client.setRequestHandler(
      'elicitation/create',
      async (request, ctx) => elicitation(request.params, { server, signal: ctx.mcpReq.signal }) as never,
    );
  if (roots)
    client.setRequestHandler(
      'roots/list',
      async (_request, ctx) => normaliseRoots(await roots({ server, signal: ctx.mcpReq.signal })) as never,
    );
  client.fallbackRequestHandler = async (request) => {
    throw new ProtocolError(
      ProtocolErrorCode.MethodNotFound,
      `mcp-sync has no handler for '${request.method}'${handlerAdvice([request.method])}`,
    );
  };
}

/** `roots()` may return the list itself or `{roots}`. */
function normaliseRoots(value: unknown): { roots: unknown[] } {
  return Array.isArray(value) ? { roots: value } : (value as { roots: unknown[] });
}
