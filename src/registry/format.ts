/**
 * A `tools/call` result as the JSON string a registry handler returns (hermes-agent's
 * `_make_tool_handler` rendering). Unlike hermes, images, audio and embedded resources are never
 * dropped: they travel in `attachments`.
 */
import type { CallToolResult, ContentBlock, JsonObject } from '../shared/types.js';
import { redactSecrets } from '../shared/redact.js';
import { stripUnicodeTags } from './scan.js';

/** Error text when an `isError` result carries no text. */
export const TOOL_ERROR_FALLBACK = 'MCP tool returned an error';

/** A non-text content block of a tool result, as carried in `attachments`. */
export type Attachment = MediaAttachment | ResourceAttachment | ResourceLinkAttachment | OtherAttachment;

/** An image or audio block. `data` is base64; with `inlineData: false` it is left out and `size` given. */
export interface MediaAttachment {
  type: 'image' | 'audio';
  mimeType: string;
  data?: string;
  /** Decoded size in bytes (only with `inlineData: false`). */
  size?: number;
}

/** An embedded resource: `text`, or base64 `blob` (with `inlineData: false`: `size` instead of `blob`). */
export interface ResourceAttachment {
  type: 'resource';
  uri: string;
  mimeType?: string;
  text?: string;
  blob?: string;
  /** Decoded size of the blob in bytes (only with `inlineData: false`). */
  size?: number;
}

/** A link to a resource the client may read with `resources/read`. */
export interface ResourceLinkAttachment {
  type: 'resource_link';
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

/** A block of a type this version does not know, carried as the server sent it. */
export interface OtherAttachment {
  type: string;
  [key: string]: unknown;
}

/** Options of {@link formatToolResult}. */
export interface FormatOptions {
  /**
   * Put base64 `data`/`blob` of images, audio and binary resources in the string. Set `false`
   * when the string goes to a model verbatim: a screenshot is megabytes of base64. @default true
   */
  inlineData?: boolean;
}

/**
 * Renders a `tools/call` result as the handler's JSON string:
 * - `{"result": text}` — the text blocks joined with `\n` (invisible TAG characters stripped);
 * - with `structuredContent`: `{"result": text, "structuredContent": …}`, or
 *   `{"result": structured}` when there is no text block;
 * - other blocks in `"attachments": [...]` (see {@link Attachment}), after the fields above;
 * - `isError`: `{"error": text}` (credentials redacted), or `"MCP tool returned an error"`.
 */
export function formatToolResult(result: CallToolResult, options: FormatOptions = {}): string {
  // Never throw on a malformed result: a handler's contract is a string, always.
  const blocks = (Array.isArray(result.content) ? result.content : []).filter(
    (block): block is ContentBlock => typeof block === 'object' && block !== null,
  );
  if (result.isError === true) return JSON.stringify({ error: redactSecrets(errorText(blocks) || TOOL_ERROR_FALLBACK) });
  const texts: string[] = [];
  const attachments: Attachment[] = [];
  for (const block of blocks) {
    if (block.type === 'text' && typeof block.text === 'string') texts.push(stripUnicodeTags(block.text));
    else attachments.push(toAttachment(block, options.inlineData !== false));
  }
  const text = texts.join('\n');
  const structured = result.structuredContent;
  const payload: JsonObject = {};
  if (structured === undefined || structured === null) payload['result'] = text;
  else if (texts.length === 0) payload['result'] = structured;
  else Object.assign(payload, { result: text, structuredContent: structured });
  if (attachments.length > 0) payload['attachments'] = attachments;
  return JSON.stringify(payload);
}

/** A non-text content block as an {@link Attachment}. */
export function toAttachment(block: ContentBlock | OtherAttachment, inlineData = true): Attachment {
  switch (block.type) {
    case 'image':
    case 'audio': {
      const data = typeof block['data'] === 'string' ? block['data'] : '';
      const media: MediaAttachment = { type: block.type, mimeType: String(block['mimeType'] ?? '') };
      if (inlineData) media.data = data;
      else media.size = base64ByteLength(data);
      return media;
    }
    case 'resource':
      return toResourceAttachment(block['resource'], inlineData);
    case 'resource_link': {
      const link: ResourceLinkAttachment = { type: 'resource_link', uri: String(block['uri']), name: String(block['name']) };
      for (const key of ['title', 'description', 'mimeType'] as const) {
        if (typeof block[key] === 'string') link[key] = block[key];
      }
      return link;
    }
    default:
      return { ...block };
  }
}

/** Decoded size in bytes of base64 `data` (whitespace ignored), without decoding it. */
export function base64ByteLength(data: string): number {
  const compact = data.replace(/\s+/g, '');
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((compact.length * 3) / 4) - padding);
}

function toResourceAttachment(resource: unknown, inlineData: boolean): ResourceAttachment {
  const contents = typeof resource === 'object' && resource !== null ? (resource as JsonObject) : {};
  const out: ResourceAttachment = { type: 'resource', uri: String(contents['uri'] ?? '') };
  if (typeof contents['mimeType'] === 'string') out.mimeType = contents['mimeType'];
  if (typeof contents['text'] === 'string') out.text = stripUnicodeTags(contents['text']);
  else if (typeof contents['blob'] === 'string') {
    if (inlineData) out.blob = contents['blob'];
    else out.size = base64ByteLength(contents['blob']);
  }
  return out;
}

/** Text of an error result: text blocks and embedded text resources (as hermes), joined with `\n`. */
function errorText(blocks: readonly ContentBlock[]): string {
  const parts: string[] = [];
  for (const block of blocks) {
    if (block.type === 'text' && typeof block.text === 'string' && block.text) parts.push(block.text);
    else if (block.type === 'resource') {
      const text: unknown = (block.resource as JsonObject | undefined)?.['text'];
      if (typeof text === 'string' && text) parts.push(text);
    }
  }
  return stripUnicodeTags(parts.join('\n'));
}
