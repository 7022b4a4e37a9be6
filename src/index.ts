/** mcp-sync: MCP servers as plain synchronous function calls, from any thread. */
export { McpHub } from './bridge/hub.js';
export { AsyncMcpHub } from './bridge/async-hub.js';
export { DEFAULT_LOG_DIR, type StartOptions } from './bridge/start.js';
export type { CallOptions } from './bridge/requests.js';
export type { ToolEntry, ToolEntriesOptions } from './registry/entries.js';
export type { ToolRegistry, RegistrationChanges } from './registry/register.js';
export {
  toOpenAITools,
  toAnthropicTools,
  toOpenAIResponsesTools,
  type OpenAITool,
  type AnthropicTool,
  type OpenAIResponsesTool,
} from './registry/adapters.js';
export { redactSecrets } from './shared/redact.js';
export type { InterruptToken } from './bridge/channel.js';
export { McpSyncError, ErrorCode, type McpSyncErrorData } from './shared/errors.js';
export { loadConfig, DEFAULT_CALL_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_KEEPALIVE_INTERVAL_MS } from './config/load-config.js';
export { DEFAULT_RECOVERY, LOG_LEVELS } from './shared/protocol.js';
export type {
  HubHandle,
  RecoveryOptions,
  ServerConfig,
  StdioServerConfig,
  HttpServerConfig,
  OAuthConfig,
  ToolFilter,
  ServerInfo,
  ServerState,
  ServerLogMessage,
  LogLevel,
} from './shared/protocol.js';
export type {
  CallToolResult,
  Completion,
  CompletionReference,
  ContentBlock,
  GetPromptResult,
  JsonObject,
  Progress,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceContents,
  ResourceTemplate,
  Skill,
  SkillFile,
  TaskInfo,
  TaskStatus,
  Tool,
} from './shared/types.js';
export { TaskHandle, AsyncTaskHandle, type TaskRef } from './bridge/task-handle.js';
export {
  runStress,
  executionBounds,
  returnedCalls,
  DEFAULT_STRESS_GRACE_MS,
  DEFAULT_FAULT_INTERVAL_MS,
  type StressOptions,
  type StressReport,
  type StressProgress,
  type StressControl,
} from './stress/run-stress.js';
