/**
 * Results of the utility entries (list/read resources, list/get prompts) as JSON strings, in the
 * shapes hermes-agent's `_render_*` functions produce.
 */
import type { ContentBlock, GetPromptResult, JsonObject, Prompt, ReadResourceResult, Resource } from '../shared/types.js';
import { base64ByteLength, toAttachment } from './format.js';
import { stripUnicodeTags } from './scan.js';

/**
 * `{"resources": [{uri, name, description?, mimeType?}, …]}` — `description` and `mimeType` only
 * when non-empty.
 */
export function formatResources(resources: readonly Resource[]): string {
  return JSON.stringify({
    resources: objects(resources).map((resource) => {
      const entry: JsonObject = { uri: String(resource.uri), name: resource.name };
      if (resource.description) entry['description'] = resource.description;
      if (resource.mimeType) entry['mimeType'] = resource.mimeType;
      return entry;
    }),
  });
}

/**
 * `{"result": text}` — the contents joined with `\n`; a binary item becomes
 * `[binary data, N bytes]` (N decoded bytes).
 */
export function formatReadResource(result: ReadResourceResult): string {
  const parts: string[] = [];
  for (const item of objects(Array.isArray(result.contents) ? result.contents : [])) {
    if (typeof item['text'] === 'string') parts.push(stripUnicodeTags(item['text']));
    else if (typeof item['blob'] === 'string') parts.push(`[binary data, ${base64ByteLength(item['blob'])} bytes]`);
  }
  return JSON.stringify({ result: parts.join('\n') });
}

/**
 * `{"prompts": [{name, description?, arguments?: [{name, description?, required?}]}, …]}` —
 * `description` only when non-empty, `arguments` only when there are some, `required` whenever
 * the server sent it.
 */
export function formatPrompts(prompts: readonly Prompt[]): string {
  return JSON.stringify({
    prompts: objects(prompts).map((prompt) => {
      const entry: JsonObject = { name: prompt.name };
      if (prompt.description) entry['description'] = prompt.description;
      if (Array.isArray(prompt.arguments) && prompt.arguments.length > 0) {
        entry['arguments'] = objects(prompt.arguments).map((argument) => {
          const out: JsonObject = { name: argument.name };
          if (argument.description) out['description'] = argument.description;
          if (argument.required !== undefined) out['required'] = argument.required;
          return out;
        });
      }
      return entry;
    }),
  });
}

/**
 * `{"messages": [{role, content}, …], "description"?}` — `content` is the text of a text block
 * (or of an embedded text resource); any other block is carried as an attachment object.
 */
export function formatGetPrompt(result: GetPromptResult): string {
  const messages = objects(Array.isArray(result.messages) ? result.messages : []).map((message) => ({
    role: message.role,
    content: messageContent(message.content),
  }));
  const payload: JsonObject = { messages };
  if (result.description) payload['description'] = result.description;
  return JSON.stringify(payload);
}

function messageContent(block: ContentBlock | undefined): unknown {
  if (typeof block !== 'object' || block === null) return '';
  if (block.type === 'text') return stripUnicodeTags(String(block.text ?? ''));
  const attachment = toAttachment(block);
  return attachment.type === 'resource' && typeof attachment['text'] === 'string' ? attachment['text'] : attachment;
}

/** The object items of a list from the wire (a malformed item must not make a handler throw). */
function objects<T>(items: readonly T[]): T[] {
  return items.filter((item) => typeof item === 'object' && item !== null);
}
