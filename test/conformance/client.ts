/**
 * The client under test for the official MCP conformance suite (`@modelcontextprotocol/conformance`
 * client scenarios). The conformance CLI runs this file once per scenario, appends the scenario
 * server's URL as the last argument and names the scenario in `MCP_CONFORMANCE_SCENARIO` (auth
 * scenarios with pre-issued credentials also get `MCP_CONFORMANCE_CONTEXT`).
 *
 * Every scenario is driven through mcp-sync's synchronous API, from the built library: one hub,
 * one server named `conformance`, blocking calls on this (main) thread. Nothing here speaks MCP
 * or OAuth itself; the only thing played by hand is the user approving the login in a browser
 * (see login.ts). A scenario that needs something the library cannot do fails here, honestly,
 * and is listed in its suite's expected-failures/<version>.json.
 *
 * Run by run.ts as `node --import tsx test/conformance/client.ts <url>` on the machine's Node.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, McpHub, McpSyncError, type CallToolResult, type StartOptions } from '../../dist/src/index.js';
import { loginAsUser } from './login.js';

/** The one server every scenario configures. */
const SERVER = 'conformance';
/**
 * The application's handlers module for server requests (answers elicitation with only the
 * required fields). Built JavaScript: on Node 20 the worker cannot load TypeScript through tsx.
 */
const HANDLERS_MODULE = new URL('../../dist/test/fixtures/client-handlers.js', import.meta.url);

/** What the scenario server passes in `MCP_CONFORMANCE_CONTEXT` (fields vary by scenario). */
interface ConformanceContext {
  name?: string;
  client_id?: string;
  client_secret?: string;
  /** SEP-1046 private_key_jwt: the client's PKCS#8 key and its algorithm. */
  private_key_pem?: string;
  signing_algorithm?: string;
  [key: string]: unknown;
}

type ScenarioHandler = (url: string, context: ConformanceContext) => Promise<void>;

/** Starts a hub on `server`, runs `body`, always closes the hub. */
function withHub<T>(server: Record<string, unknown>, body: (hub: McpHub) => T, options: StartOptions = {}): T {
  const hub = McpHub.start({ mcpServers: { [SERVER]: server } }, { eventLog: false, ...options });
  try {
    const info = hub.servers().find((entry) => entry.name === SERVER);
    if (info?.state !== 'ready') {
      throw new Error(`server not ready (state ${info?.state ?? 'missing'}): ${info?.error?.code ?? ''} ${info?.error?.message ?? ''}`);
    }
    return body(hub);
  } finally {
    hub.close();
  }
}

/** Lists the tools, calls `tool` (which must be listed) and returns its result. */
function listAndCall(hub: McpHub, tool: string, args: Record<string, unknown> = {}): CallToolResult {
  const names = hub.listTools(SERVER).map((entry) => entry.name);
  if (!names.includes(tool)) throw new Error(`tool '${tool}' not listed (got ${names.join(', ') || 'none'})`);
  const result = hub.callTool(SERVER, tool, args);
  if (result.isError === true) throw new Error(`tool '${tool}' failed: ${JSON.stringify(result.content)}`);
  return result;
}

function textOf(result: CallToolResult): string {
  return result.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
}

/** initialize: connect (initialize + initialized), then list tools like any client would. */
const initialize: ScenarioHandler = async (url) => {
  withHub({ url }, (hub) => hub.listTools(SERVER));
};

/** tools_call: call `add_numbers` with two numbers and check the sum comes back. */
const toolsCall: ScenarioHandler = async (url) => {
  const text = withHub({ url }, (hub) => textOf(listAndCall(hub, 'add_numbers', { a: 5, b: 3 })));
  if (!text.includes('8')) throw new Error(`unexpected add_numbers result: ${text}`);
};

/**
 * elicitation-sep1034-client-defaults: the tool sends `elicitation/create` back to the client,
 * which must accept it with the schema's defaults filled in.
 */
const elicitationDefaults: ScenarioHandler = async (url) => {
  // The declared applyDefaults capability makes the fields the handler leaves out come from the schema's defaults.
  const text = withHub({ url }, (hub) => textOf(listAndCall(hub, 'test_client_elicitation_defaults')), { handlers: HANDLERS_MODULE });
  if (!text.startsWith('Elicitation completed')) throw new Error(`elicitation did not complete: ${text}`);
};

/**
 * sse-retry: the server closes the tool call's SSE stream after a priming event carrying
 * `retry: 500`; the transport must reconnect with GET (and Last-Event-ID) after that delay, and
 * the tool result arrives on the resumed stream.
 */
const sseRetry: ScenarioHandler = async (url) => {
  const text = withHub({ url }, (hub) => textOf(listAndCall(hub, 'test_reconnection')));
  if (!text.includes('Reconnection test completed')) throw new Error(`unexpected test_reconnection result: ${text}`);
};

/**
 * request-metadata: a 2026-07-28 server that refuses the first request (-32022) and then wants
 * the version header and `_meta` on every request. Connect, list tools.
 */
const requestMetadata: ScenarioHandler = async (url) => {
  withHub({ url }, (hub) => hub.listTools(SERVER));
};

/**
 * sep-2322-client-request-state: multi-round-trip tool calls. The application's elicitation
 * handler answers the embedded requests; the SDK retries each call with the answers and the
 * server's requestState. An unrelated call in between must carry neither.
 */
const requestState: ScenarioHandler = async (url) => {
  withHub(
    { url },
    (hub) => {
      hub.listTools(SERVER);
      for (const tool of ['test_mrtr_echo_state', 'test_mrtr_unrelated', 'test_mrtr_no_state']) hub.callTool(SERVER, tool, {});
      // A 2026-07-28 result without `resultType`: the scenario wants it taken as complete (not
      // retried); the SDK (2.4.0) refuses it as malformed, since that revision makes the field
      // required. Either way nothing is retried, which is what the check observes.
      try {
        hub.callTool(SERVER, 'test_mrtr_no_result_type', {});
      } catch (error) {
        if (!(error instanceof McpSyncError && error.code === ErrorCode.RPC_ERROR && /resultType/.test(error.message))) throw error;
      }
    },
    { handlers: HANDLERS_MODULE },
  );
};

/** http-standard-headers: every kind of request, so each carries its Mcp-Method (and Mcp-Name). */
const standardHeaders: ScenarioHandler = async (url) => {
  withHub({ url }, (hub) => {
    for (const tool of hub.listTools(SERVER)) hub.callTool(SERVER, tool.name, {});
    for (const resource of hub.listResources(SERVER)) hub.readResource(SERVER, resource.uri);
    for (const prompt of hub.listPrompts(SERVER)) hub.getPrompt(SERVER, prompt.name, {});
  });
};

/** http-custom-headers: the context's tool calls; parameters marked `x-mcp-header` go out as `Mcp-Param-*` headers too. */
const customHeaders: ScenarioHandler = async (url, context) => {
  const calls = (context['toolCalls'] ?? []) as { name: string; arguments: Record<string, unknown> }[];
  withHub({ url }, (hub) => {
    hub.listTools(SERVER);
    for (const call of calls) hub.callTool(SERVER, call.name, call.arguments);
  });
};

/** http-invalid-tool-headers: a tool with malformed `x-mcp-header`s is left out of the list; the valid one is called. */
const invalidToolHeaders: ScenarioHandler = async (url) => {
  withHub({ url }, (hub) => {
    const names = hub.listTools(SERVER).map((tool) => tool.name);
    if (names.length !== 1) throw new Error(`expected only valid_tool to be listed, got ${names.join(', ')}`);
    listAndCall(hub, 'valid_tool', { region: 'us-west1' });
  });
};

/** json-schema-ref-no-deref: list tools whose schema holds a network `$ref` (never fetched). */
const refNoDeref: ScenarioHandler = async (url) => {
  withHub({ url }, (hub) => hub.listTools(SERVER));
};

/** json-schema-2020-12-preservation: the focal tool's schema, as the client holds it, echoed back to the server. */
const schemaPreservation: ScenarioHandler = async (url) => {
  withHub({ url }, (hub) => {
    const focal = hub.listTools(SERVER).find((tool) => tool.name === 'json_schema_2020_12_tool');
    if (focal === undefined) throw new Error('json_schema_2020_12_tool not listed');
    listAndCall(hub, 'json_schema_echo', { schema: focal.inputSchema });
  });
};

/** sep-2640-client-no-prefetch: list the skills; read nothing until a skill is used. */
const skillsNoPrefetch: ScenarioHandler = async (url) => {
  withHub({ url }, (hub) => {
    if (hub.listSkills(SERVER).length === 0) throw new Error('no skills listed');
  });
};

/**
 * sep-2640-client-verify-*: use the first skill as a host would: read its SKILL.md (verified
 * against the listing), and only if it passes, the files it references. The server tampers with
 * SKILL.md, so the read must fail SKILL_UNVERIFIED and nothing else be read.
 */
const skillsVerify: ScenarioHandler = async (url) => {
  withHub({ url }, (hub) => {
    const [skill] = hub.listSkills(SERVER);
    if (skill === undefined) throw new Error('no skills listed');
    try {
      hub.readSkill(SERVER, skill.uri);
    } catch (error) {
      if (error instanceof McpSyncError && error.code === ErrorCode.SKILL_UNVERIFIED) return; // not used: done
      throw error;
    }
    hub.readSkill(SERVER, skill.uri, 'references/FORMS.md');
    throw new Error(`the tampered SKILL.md of ${skill.uri} passed verification`);
  });
};

/** The client metadata document URL the conformance suite expects as a SEP-991 client id. */
const CLIENT_METADATA_URL = 'https://conformance-test.local/client-metadata.json';
/** Logins after the first when a call answers NEEDS_REAUTH (a step-up): one, as a user would retry once. */
const MAX_RELOGINS = 1;

/**
 * The `oauth` settings an application would configure for the scenario: a client without a login
 * — client credentials (SEP-1046, a secret or a private key), workload identity (SEP-1933, the
 * platform's JWT) or enterprise-managed (SEP-990, the user's ID token from the IdP) — where the
 * context carries those credentials; else a user login, with the pre-registered client from the
 * context if there is one, or the CIMD URL.
 */
function oauthSettings(context: ConformanceContext, tokenDir: string): Record<string, string> {
  const settings: Record<string, string> = { tokenDir };
  const { client_id: clientId, client_secret: clientSecret, private_key_pem: privateKey, signing_algorithm: algorithm } = context;
  if (clientId !== undefined) settings['clientId'] = clientId;
  if (clientSecret !== undefined) settings['clientSecret'] = clientSecret;
  if (context.name?.startsWith('auth/client-credentials') === true) {
    settings['grantType'] = 'client_credentials';
    if (privateKey !== undefined) settings['privateKey'] = privateKey;
    if (algorithm !== undefined) settings['signingAlgorithm'] = algorithm;
  } else if (typeof context['valid_jwt'] === 'string') {
    settings['grantType'] = 'jwt_bearer';
    settings['assertion'] = context['valid_jwt'];
  } else if (typeof context['idp_id_token'] === 'string') {
    settings['grantType'] = 'enterprise_managed';
    settings['idToken'] = context['idp_id_token'];
    settings['idpTokenEndpoint'] = String(context['idp_token_endpoint']);
    settings['idpClientId'] = String(context['idp_client_id']);
  } else if (clientId === undefined) {
    settings['clientMetadataUrl'] = CLIENT_METADATA_URL;
  }
  return settings;
}

/**
 * auth/*: the user's journey with `auth: "oauth"`: log in once (the library's login steps; the
 * user's browser approval is the only thing done by hand), then use the server through the hub,
 * which sends the stored token. When a call answers NEEDS_REAUTH — the server wants more scope
 * (a step-up) — the user logs in again as the error says, and the call is made again: the login
 * asks for the scope the worker kept in the token file, a ready session picks the new tokens up
 * by itself, and a server that never got ready is restarted. A client credentials client needs
 * no login at all: the worker gets its tokens itself.
 */
const oauth: ScenarioHandler = async (url, context) => {
  const tokenDir = mkdtempSync(join(tmpdir(), 'mcp-sync-conformance-'));
  try {
    const server = { url, auth: 'oauth', oauth: oauthSettings(context, tokenDir) };
    const config = { mcpServers: { [SERVER]: server } };
    if (server.oauth['grantType'] === undefined) await loginAsUser(config);
    let hub = McpHub.start(config, { eventLog: false });
    try {
      for (let logins = 0; ; logins++) {
        try {
          listAndCall(hub, 'test-tool');
          return;
        } catch (error) {
          const needsLogin = error instanceof McpSyncError && error.code === ErrorCode.NEEDS_REAUTH;
          if (!needsLogin || logins >= MAX_RELOGINS) throw error;
          await loginAsUser(config);
          if (hub.state(SERVER) !== 'ready') {
            hub.close();
            hub = McpHub.start(config, { eventLog: false });
          }
        }
      }
    } finally {
      hub.close();
    }
  } finally {
    rmSync(tokenDir, { recursive: true, force: true });
  }
};

const HANDLERS: Record<string, ScenarioHandler> = {
  initialize,
  tools_call: toolsCall,
  'elicitation-sep1034-client-defaults': elicitationDefaults,
  'sse-retry': sseRetry,
  'request-metadata': requestMetadata,
  'sep-2322-client-request-state': requestState,
  'http-standard-headers': standardHeaders,
  'http-custom-headers': customHeaders,
  'http-invalid-tool-headers': invalidToolHeaders,
  'json-schema-ref-no-deref': refNoDeref,
  'json-schema-2020-12-preservation': schemaPreservation,
  'sep-2640-client-no-prefetch': skillsNoPrefetch,
  'sep-2640-client-verify-digest': skillsVerify,
  'sep-2640-client-verify-size': skillsVerify,
  'sep-2640-client-verify-frontmatter': skillsVerify,
};

function handlerFor(scenario: string): ScenarioHandler | undefined {
  return HANDLERS[scenario] ?? (scenario.startsWith('auth/') ? oauth : undefined);
}

async function main(): Promise<void> {
  const scenario = process.env['MCP_CONFORMANCE_SCENARIO'];
  const url = process.argv.at(-1);
  if (scenario === undefined || url === undefined || !/^https?:\/\//.test(url)) {
    throw new Error('usage: MCP_CONFORMANCE_SCENARIO=<scenario> client.ts <server-url> (set by the conformance CLI)');
  }
  const handler = handlerFor(scenario);
  if (handler === undefined) throw new Error(`no handler for scenario '${scenario}'`);
  const rawContext = process.env['MCP_CONFORMANCE_CONTEXT'];
  const context = rawContext === undefined ? {} : (JSON.parse(rawContext) as ConformanceContext);
  await handler(url, context);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const detail = error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error);
    console.error(`conformance client (${process.env['MCP_CONFORMANCE_SCENARIO'] ?? '?'}): ${detail}`);
    process.exit(1);
  },
);
