/**
 * A configured server, validated and normalised: what loadConfig yields and the I/O worker is
 * given (through protocol.ts, which re-exports it). Secrets live here only on the worker's side.
 */

/** Which tools and utilities of a server are exposed. */
export interface ToolFilter {
  /** Raw MCP tool names or globs to keep; when set, only these are kept. */
  include?: string[];
  /** Raw MCP tool names or globs to drop; ignored when `include` is set. */
  exclude?: string[];
  /** Expose the resource utilities when the server advertises resources. @default true */
  resources: boolean;
  /** Expose the prompt utilities when the server advertises prompts. @default true */
  prompts: boolean;
}

interface ServerConfigBase {
  /** The server's name: the key under `mcpServers`. */
  name: string;
  /** `false` skips the server entirely. @default true */
  enabled: boolean;
  /** Deadline of one call, in milliseconds (config `timeout` is in seconds). @default 120000 */
  timeoutMs: number;
  /** Bound on the whole initial connect, retries included, in ms (config: seconds). @default 60000 */
  connectTimeoutMs: number;
  /** Interval of keepalive pings while idle, in ms (config: seconds). @default 180000 */
  keepaliveIntervalMs: number;
  /**
   * Largest answer taken from the server, in bytes (one JSON-RPC message). A larger answer fails
   * its call with RESPONSE_TOO_LARGE without being read to the end; the session lives on.
   * @default 67108864 (64 MiB)
   */
  maxResponseBytes: number;
  /**
   * Which MCP protocol era to speak: `legacy` — 2024-11-05 … 2025-11-25, with `initialize` and a
   * session; `modern` — 2026-07-28 only (stateless: `server/discover`, `_meta` on every request);
   * `auto` — probe with `server/discover` and fall back to `initialize`, remembering the answer.
   * @default "auto"
   */
  protocol: ProtocolSetting;
  /**
   * The least severe server log messages wanted (`logging/setLevel` in 2025, each request's `_meta`
   * in 2026-07-28). @default none: the server's own choice
   */
  logLevel?: LogLevel;
  /**
   * Believe this server's tool annotations: a call to a tool it marks `readOnlyHint` or
   * `idempotentHint` that the link cut mid-flight (OUTCOME_UNCERTAIN) is sent again, once, on the
   * healed link. Annotations of untrusted servers are only hints (MCP spec). @default false
   */
  trusted: boolean;
  /** Tool filtering and utility switches. */
  tools: ToolFilter;
}

/** The severities of server log messages (RFC 5424), least severe first. */
export const LOG_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One log message a server sent (`notifications/message`). */
export interface ServerLogMessage {
  level: LogLevel;
  /** The server's name for where it comes from, if it gave one. */
  logger?: string;
  /** The message: any JSON value. */
  data: unknown;
}

/** The `protocol` setting of a server. */
export type ProtocolSetting = 'auto' | 'legacy' | 'modern';

/** The era a server speaks: 2025 (`legacy`: sessions) or 2026-07-28 (`modern`: stateless). */
export type ProtocolEra = 'legacy' | 'modern';

/** A server started as a child process, spoken to over stdin/stdout. */
export interface StdioServerConfig extends ServerConfigBase {
  transport: 'stdio';
  command: string;
  args: string[];
  /** Extra environment for the child, on top of the safe variables it inherits. */
  env: Record<string, string>;
  cwd?: string;
}

/**
 * OAuth settings of an HTTP server (`auth: "oauth"`). The worker never opens a browser: it
 * refreshes stored tokens, and asks for `mcp-sync login <server>` (NEEDS_REAUTH) when only a new
 * login can help. A `client_credentials` client needs no login: the worker gets its own tokens.
 */
export interface OAuthConfig {
  /**
   * How tokens are obtained: a browser login (`authorization_code`), or without one —
   * `client_credentials` (SEP-1046: `clientId` + `clientSecret` or `privateKey`), `jwt_bearer`
   * (workload identity, SEP-1933: a platform-issued JWT as `assertion` / `assertionFile`), or
   * `enterprise_managed` (SEP-990: the user's ID token from the enterprise IdP exchanged for an
   * ID-JAG, which `clientId` + `clientSecret` present to the MCP authorization server).
   * @default "authorization_code"
   */
  grantType?: 'authorization_code' | 'client_credentials' | 'jwt_bearer' | 'enterprise_managed';
  /** A pre-registered client id. @default none: mcp-sync registers itself dynamically at login */
  clientId?: string;
  /** The secret of a confidential `clientId`. @default none (a public client, PKCE only) */
  clientSecret?: string;
  /** `client_credentials` only: the client's PKCS#8 PEM key, for private_key_jwt (RFC 7523). @default none */
  privateKey?: string;
  /** The `privateKey`'s JWS algorithm (RS*, PS*, ES*). @default from the key: RS256 (RSA), ES256/384/512 (EC curve) */
  signingAlgorithm?: string;
  /** https URL of mcp-sync's client metadata document: the client id where SEP-991 is supported. @default none (registration) */
  clientMetadataUrl?: string;
  /** Scopes for a login (after the server's challenge and `scopes_supported`) and every `client_credentials` grant. @default none */
  scope?: string;
  /** Where the authorization server sends the login back. @default http://127.0.0.1:47615/callback */
  redirectUri?: string;
  /** Where tokens are stored (one 0600 file per server, in a 0700 directory). @default ~/.mcp-sync/tokens */
  tokenDir?: string;
  /** `jwt_bearer`: the workload's JWT, given as is. */
  assertion?: string;
  /** `jwt_bearer`: a file holding the workload's JWT, read at every token request (platforms rotate it). */
  assertionFile?: string;
  /** `enterprise_managed`: the user's ID token from the enterprise IdP, given as is. */
  idToken?: string;
  /** `enterprise_managed`: a file holding that ID token, read at every token request. */
  idTokenFile?: string;
  /** `enterprise_managed`: the IdP's token endpoint (RFC 8693 token exchange) … */
  idpTokenEndpoint?: string;
  /** … or its issuer URL, whose metadata names the token endpoint. */
  idpIssuer?: string;
  /** `enterprise_managed`: mcp-sync's client id (and secret, if confidential) at the IdP. */
  idpClientId?: string;
  idpClientSecret?: string;
  /**
   * Bind tokens to a key of this client (DPoP, RFC 9449 / SEP-1932) when the authorization server
   * supports it; `false` never does. @default true
   */
  dpop?: boolean;
}

/** A server reached over Streamable HTTP (`http`) or legacy HTTP+SSE (`sse`). */
export interface HttpServerConfig extends ServerConfigBase {
  transport: 'http' | 'sse';
  url: string;
  headers: Record<string, string>;
  auth?: 'oauth';
  oauth?: OAuthConfig;
}

/** One configured server, validated and normalised. */
export type ServerConfig = StdioServerConfig | HttpServerConfig;
