/**
 * The MCP shapes the hub returns, written out structurally so the caller side does not import
 * the SDK (it is confined to `workers/`). They follow the MCP schema of both eras (2025-11-25 and
 * 2026-07-28); unknown fields the server sends are kept, so every type is open.
 */

/** A JSON object, as tool arguments and structured content are. */
export type JsonObject = Record<string, unknown>;

/** A block of content in a tool result or prompt message. */
export type ContentBlock =
  | { type: 'text'; text: string; [key: string]: unknown }
  | { type: 'image' | 'audio'; data: string; mimeType: string; [key: string]: unknown }
  | { type: 'resource'; resource: ResourceContents; [key: string]: unknown }
  | { type: 'resource_link'; uri: string; name: string; [key: string]: unknown };

/** A tool as listed by a server, with the name of the server that offers it. */
export interface Tool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: JsonObject;
  outputSchema?: JsonObject;
  annotations?: JsonObject;
  /** The configured name of the server this tool belongs to. */
  server: string;
  [key: string]: unknown;
}

/** The result of `tools/call`. A tool's own failure is `isError: true`, not a thrown error. */
export interface CallToolResult {
  content: ContentBlock[];
  /** The tool's structured result: a JSON object (2025), any JSON value (2026-07-28). */
  structuredContent?: unknown;
  isError?: boolean;
  [key: string]: unknown;
}

/** A resource as listed by a server. */
export interface Resource {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  [key: string]: unknown;
}

/** One item of a resource's contents: text or base64 blob. */
export type ResourceContents =
  | { uri: string; mimeType?: string; text: string; [key: string]: unknown }
  | { uri: string; mimeType?: string; blob: string; [key: string]: unknown };

/** The result of `resources/read`. */
export interface ReadResourceResult {
  contents: ResourceContents[];
  [key: string]: unknown;
}

/** A prompt as listed by a server. */
export interface Prompt {
  name: string;
  title?: string;
  description?: string;
  arguments?: { name: string; description?: string; required?: boolean }[];
  [key: string]: unknown;
}

/** The result of `prompts/get`. */
export interface GetPromptResult {
  description?: string;
  messages: { role: 'user' | 'assistant'; content: ContentBlock }[];
  [key: string]: unknown;
}

/**
 * A skill a server offers (the `io.modelcontextprotocol/skills` extension, SEP-2640): the URI of
 * its `SKILL.md`, the frontmatter the server vouches for, and its files with their sizes and
 * digests (or `"dynamic"`).
 */
export interface Skill {
  uri: string;
  frontmatter: { name: string; description: string; [key: string]: unknown };
  resources?: unknown;
  [key: string]: unknown;
}

/** One file of a skill, read and checked against the skill's entry. */
export interface SkillFile {
  /** The URI read. */
  uri: string;
  mimeType?: string;
  /** The file as text, when the server sent text (always for `SKILL.md`). */
  text?: string;
  /** The file's bytes in base64, when the server sent a blob. */
  blob?: string;
  /** Size and digest were checked (false only for a `"dynamic"` skill). */
  verified: boolean;
  /** `SKILL.md` only: its parsed frontmatter (equal to the entry's) and the markdown after it. */
  frontmatter?: JsonObject;
  body?: string;
}

/** A progress notification of a call in flight (`notifications/progress`). */
export interface Progress {
  /** How far along: increases with every notification. */
  progress: number;
  /** The end of the scale, when the server knows it. */
  total?: number;
  message?: string;
}

/** A resource template as listed by a server (RFC 6570 `uriTemplate`), with the server that offers it. */
export interface ResourceTemplate {
  uriTemplate: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  /** The configured name of the server this template belongs to. */
  server: string;
  [key: string]: unknown;
}

/** What a completion is for: a prompt's argument, or a resource template's variable. */
export type CompletionReference = { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string };

/** The result of `completion/complete`: candidate values for the argument. */
export interface Completion {
  values: string[];
  /** How many candidates there are in all, when the server says. */
  total?: number;
  /** More candidates exist than `values` holds. */
  hasMore?: boolean;
}

/** Where a task is in its life. The last three are final. */
export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

/**
 * A task a server runs for a tool call (2025-11-25 tasks, the 2026-07-28 extension), as last seen. `{ server, taskId }` is
 * all any thread needs to find it again (`hub.task(server, taskId)`), across reconnects.
 */
export interface TaskInfo {
  /** The configured name of the server running the task. */
  server: string;
  taskId: string;
  status: TaskStatus;
  statusMessage?: string;
  createdAt?: string;
  lastUpdatedAt?: string;
  /** How long the server keeps the task and its result after creation, in ms (null: no limit). */
  ttl?: number | null;
  /** How often the server suggests asking for the task's status, in ms. */
  pollInterval?: number;
}
