/**
 * MCP results as text for people: text as it is, binary content as a one-line note (its type and
 * size — never base64 on a terminal), structured content as JSON when nothing else says it.
 */
import type { CallToolResult, ContentBlock, GetPromptResult, JsonObject, ReadResourceResult, ResourceContents } from '../shared/types.js';

/** The size in bytes of base64 `data`. */
function bytes(data: string): number {
  return Buffer.from(data, 'base64').length;
}

/** One item of a resource's contents. */
export function renderContents(contents: ResourceContents): string {
  if ('text' in contents && typeof contents.text === 'string') return contents.text;
  const blob = 'blob' in contents && typeof contents.blob === 'string' ? contents.blob : '';
  return `[blob ${contents.uri}: ${contents.mimeType ?? 'application/octet-stream'}, ${bytes(blob)} bytes — use --json for the data]`;
}

/** One content block. */
export function renderBlock(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'image':
    case 'audio':
      return `[${block.type}: ${block.mimeType}, ${bytes(block.data)} bytes — use --json for the data]`;
    case 'resource':
      return renderContents(block.resource);
    case 'resource_link':
      return `[resource link: ${block.uri}${block.name ? ` (${block.name})` : ''}]`;
    default:
      return JSON.stringify(block);
  }
}

/** A tool result: its blocks, one after the other; structured content when there are no blocks. */
export function renderCallResult(result: CallToolResult): string {
  const blocks = result.content.map(renderBlock);
  if (blocks.length === 0 && result.structuredContent !== undefined) return JSON.stringify(result.structuredContent, null, 2);
  return blocks.join('\n');
}

/** A resource's contents. */
export function renderReadResult(result: ReadResourceResult): string {
  return result.contents.map(renderContents).join('\n');
}

/** A prompt's messages, each under its role. */
export function renderPrompt(result: GetPromptResult): string {
  const head = result.description === undefined ? [] : [`# ${result.description}`, ''];
  return [...head, ...result.messages.map((message) => `${message.role}:\n${renderBlock(message.content)}`)].join('\n\n');
}

/** A tool's arguments from its input schema: `a, b?` (required ones plain, optional ones with `?`). */
export function renderParameters(schema: JsonObject | undefined): string {
  const properties = schema?.['properties'];
  if (typeof properties !== 'object' || properties === null) return '';
  const required = Array.isArray(schema?.['required']) ? (schema['required'] as unknown[]) : [];
  return Object.keys(properties)
    .map((name) => (required.includes(name) ? name : `${name}?`))
    .join(', ');
}
