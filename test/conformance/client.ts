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
 * and is listed in expected-failures.json.
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
  // The application's handlers module (answers elicitation with only the required fields); the
  // declared applyDefaults capability makes the rest come from the schema's defaults.
  const handlers = new URL('../../dist/test/fixtures/client-handlers.js', import.meta.url);
  const text = withHub({ url }, (hub) => textOf(listAndCall(hub, 'test_client_elicitation_defaults')), { handlers });
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

/** The client metadata document URL the conformance suite expects as a SEP-991 client id. */
const CLIENT_METADATA_URL = 'https://conformance-test.local/client-metadata.json';
/** Logins after the first when a call answers NEEDS_REAUTH (a step-up): one, as a user would retry once. */
const MAX_RELOGINS = 1;

/**
 * The `oauth` settings an application would configure for the scenario: a machine-to-machine
 * client (client credentials, with a secret or a private key) for the SEP-1046 scenarios; else a
 * user login, with the pre-registered client from the context if there is one, or the CIMD URL.
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
    if (server.oauth['grantType'] !== 'client_credentials') await loginAsUser(config);
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
