/**
 * Registry names for MCP tools: `mcp_<server>_<tool>`, the hermes-agent convention. Names must
 * pass the function-name rules of the LLM APIs (OpenAI and Anthropic both accept
 * `^[a-zA-Z0-9_-]{1,64}$`), so every character outside `[A-Za-z0-9_]` becomes `_` and an
 * over-long name is shortened to a stable, hash-suffixed form.
 */
import { createHash } from 'node:crypto';

/**
 * Longest name {@link toolName} returns by default: the OpenAI and Anthropic function-name limit.
 * (The MCP spec allows tool names up to 128 characters; 64 is what the model APIs accept.)
 */
export const DEFAULT_MAX_TOOL_NAME_LENGTH = 64;

/** Hex characters of the SHA-256 of the full name appended to a shortened name (as hermes). */
export const TOOL_NAME_HASH_LENGTH = 8;

/** Every name {@link toolName} returns matches this. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,128}$/;

// `u`: one replacement per code point, so an emoji (two UTF-16 units) becomes one `_`, as in Python.
const UNSAFE_NAME_CHARS = /[^A-Za-z0-9_]/gu;

/**
 * Makes one part of a tool name safe: every character outside `[A-Za-z0-9_]` becomes `_`
 * (`my-server` → `my_server`, `@scope/my-pkg.v2` → `_scope_my_pkg_v2`). Nothing is collapsed or
 * trimmed, exactly as hermes' `sanitize_mcp_name_component`.
 */
export function sanitizeNameComponent(value: string): string {
  return value.replace(UNSAFE_NAME_CHARS, '_');
}

/** Options of {@link toolName}. */
export interface ToolNameOptions {
  /**
   * Longest name to return; longer names are cut and end in `_` + 8 hex characters of the
   * SHA-256 of the full name. Must be at least 16. @default 64
   */
  maxLength?: number;
}

/**
 * The registry name of MCP tool `tool` on server `server`: `mcp_<server>_<tool>` with both parts
 * sanitised (`my-server` + `get-sum` → `mcp_my_server_get_sum`). A name longer than `maxLength`
 * keeps its first characters and ends in `_<hash>` of the full name, so it stays deterministic and
 * two long names that differ only at the end do not collide. The result always matches
 * {@link TOOL_NAME_PATTERN}.
 * @throws RangeError when `maxLength` is below 16 or above 128.
 */
export function toolName(server: string, tool: string, options: ToolNameOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MAX_TOOL_NAME_LENGTH;
  if (!Number.isInteger(maxLength) || maxLength < 16 || maxLength > 128) {
    throw new RangeError(`maxLength must be an integer from 16 to 128, got ${maxLength}`);
  }
  const full = `mcp_${sanitizeNameComponent(server)}_${sanitizeNameComponent(tool)}`;
  if (full.length <= maxLength) return full;
  // Hash the full sanitised name (as hermes does), so the short form is a pure function of it.
  const suffix = `_${createHash('sha256').update(full, 'utf8').digest('hex').slice(0, TOOL_NAME_HASH_LENGTH)}`;
  return full.slice(0, maxLength - suffix.length) + suffix;
}

/** The toolset of a server's entries: `mcp-<server>`, with the server name as configured. */
export function toolsetName(server: string): string {
  return `mcp-${server}`;
}
