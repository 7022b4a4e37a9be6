/**
 * Prompt-injection indicators in tool descriptions (a port of hermes-agent's
 * `_MCP_INJECTION_PATTERNS` / `_scan_mcp_description`). Findings are for a warning only — never
 * block a tool on them: false positives would break legitimate servers.
 */

/** One suspicious passage of a description. */
export interface DescriptionFinding {
  /** Why it is suspicious, e.g. `"prompt override attempt"`. */
  reason: string;
  /** The matched text (whitespace collapsed), or `hidden characters U+…` listing invisible code points. */
  match: string;
}

/** hermes' list, with word boundaries added where hermes matched inside ordinary words, plus a few more. */
const INJECTION_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/\bignore\s+(?:all\s+)?previous\s+instructions/i, 'prompt override attempt'],
  [
    /\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+)?(?:prior|above|earlier|preceding)\s+(?:instructions|messages|context|rules)/i,
    'prompt override attempt',
  ],
  [
    /\bdisregard\s+(?:all\s+|any\s+|the\s+|your\s+)?(?:previous\s+)?(?:instructions|rules|guidelines|system\s+prompt)/i,
    'prompt override attempt',
  ],
  [/\byou\s+are\s+now\s+a/i, 'identity override attempt'],
  [/\byour\s+new\s+(?:task|role|instructions?)\s+(?:is|are)/i, 'task override attempt'],
  [/\bsystem\s*:/i, 'system prompt injection attempt'],
  [/\b(?:reveal|print|show|repeat|leak)\s+(?:your|the)\s+system\s+prompt/i, 'system prompt extraction attempt'],
  [/<\s*(?:system|human|assistant)\s*>/i, 'role tag injection attempt'],
  [/\bdo\s+not\s+(?:tell|inform|mention|reveal)/i, 'concealment instruction'],
  [/\b(?:curl|wget|fetch)\s+https?:\/\//i, 'network command in description'],
  [/\bbase64\.(?:b64decode|decodebytes)/i, 'base64 decode reference'],
  [/\b(?:exec|eval)\s*\(/i, 'code execution reference'],
  [/\bimport\s+(?:subprocess|os|shutil|socket)\b/i, 'dangerous import reference'],
];

// Plane-14 TAG characters render as nothing but tokenizers read them ("ASCII smuggling"). The
// only legitimate use is an emoji tag sequence (black flag + tag spec + CANCEL TAG), kept.
const EMOJI_TAG_SEQUENCE = /\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}/gu;
const TAG_CHARS = /[\u{E0000}-\u{E007F}]/gu;
const HAS_TAG_CHAR = /[\u{E0000}-\u{E007F}]/u;
/** Zero-width and invisible characters, byte order mark, bidi embeddings/overrides/isolates. */
const INVISIBLE_CODE_POINTS: ReadonlySet<number> = new Set([
  0x200b, 0x200c, 0x200d, 0x2060, 0x2062, 0x2063, 0x2064, 0xfeff, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069,
]);
const ZWJ = 0x200d;
/** Code point ranges that may sit on both sides of a ZWJ inside an emoji sequence (family, profession emoji). */
const EMOJI_RANGES: readonly (readonly [number, number])[] = [
  [0x1f000, 0x1faff],
  [0x2600, 0x27bf],
  [0x2b00, 0x2bff],
  [0xfe00, 0xfe0f],
];

/**
 * The prompt-injection indicators in `text`, each with its reason and the matched text; `[]` when
 * clean. Hidden characters (Unicode TAG characters outside emoji flags, zero-width characters,
 * bidi controls) are reported by code point: `"hidden characters U+200B U+E0069"`.
 */
export function findInjectionIndicators(text: string): DescriptionFinding[] {
  if (!text) return [];
  const findings: DescriptionFinding[] = [];
  // Scan the text as a model would read it: with smuggled TAG characters decoded to ASCII.
  const decoded = Array.from(decodeTagCharacters(text))
    .filter((char) => !INVISIBLE_CODE_POINTS.has(codePoint(char)))
    .join('');
  for (const [pattern, reason] of INJECTION_PATTERNS) {
    const match = pattern.exec(decoded);
    if (match) findings.push({ reason, match: match[0].replace(/\s+/g, ' ') });
  }
  const hidden = hiddenCodePoints(text);
  if (hidden.length > 0) findings.push({ reason: 'hidden characters', match: `hidden characters ${hidden.join(' ')}` });
  return findings;
}

/**
 * The matched phrases of {@link findInjectionIndicators}: what to show in a warning. Never use
 * the result to block a tool.
 */
export function scanDescription(text: string): string[] {
  return findInjectionIndicators(text).map((finding) => finding.match);
}

/**
 * Removes invisible Unicode TAG characters (the "ASCII smuggling" channel) from untrusted text,
 * keeping valid emoji tag sequences (the flags of England, Scotland, Wales). Text without TAG
 * characters is returned unchanged.
 */
export function stripUnicodeTags(text: string): string {
  if (!HAS_TAG_CHAR.test(text)) return text;
  return splitEmojiTags(text)
    .map(([part, isEmoji]) => (isEmoji ? part : part.replace(TAG_CHARS, '')))
    .join('');
}

/**
 * The description a tool's entry shows: the server's own description with TAG characters
 * stripped, or `MCP tool <tool> from <server>` when it has none (the hermes fallback).
 */
export function toolDescription(server: string, tool: { name: string; description?: string | undefined }): string {
  return tool.description ? stripUnicodeTags(tool.description) : `MCP tool ${tool.name} from ${server}`;
}

/** Distinct hidden code points of `text` as `U+XXXX`, in order of first appearance. */
function hiddenCodePoints(text: string): string[] {
  const found = new Set<string>();
  for (const [part, isEmoji] of splitEmojiTags(text)) {
    if (isEmoji) continue;
    const chars = Array.from(part);
    chars.forEach((char, i) => {
      const code = codePoint(char);
      const hidden = isTag(char) || (INVISIBLE_CODE_POINTS.has(code) && !isEmojiZwj(chars, i));
      if (hidden) found.add(`U+${code.toString(16).toUpperCase().padStart(4, '0')}`);
    });
  }
  return [...found];
}

function codePoint(char: string): number {
  return char.codePointAt(0) ?? 0;
}

function isTag(char: string): boolean {
  const code = codePoint(char);
  return code >= 0xe0000 && code <= 0xe007f;
}

function isEmoji(char: string | undefined): boolean {
  const code = char === undefined ? -1 : codePoint(char);
  return EMOJI_RANGES.some(([low, high]) => code >= low && code <= high);
}

function isEmojiZwj(chars: string[], i: number): boolean {
  return codePoint(chars[i] ?? '') === ZWJ && isEmoji(chars[i - 1]) && isEmoji(chars[i + 1]);
}

/** TAG characters outside emoji sequences → the ASCII they encode (what the model would read). */
function decodeTagCharacters(text: string): string {
  return splitEmojiTags(text)
    .map(([part, isEmoji]) =>
      isEmoji ? part : part.replace(TAG_CHARS, (char) => String.fromCodePoint((char.codePointAt(0) ?? 0) - 0xe0000)),
    )
    .join('');
}

/** `text` cut into runs, each flagged whether it is an emoji tag sequence. */
function splitEmojiTags(text: string): [string, boolean][] {
  const parts: [string, boolean][] = [];
  let last = 0;
  for (const match of text.matchAll(EMOJI_TAG_SEQUENCE)) {
    parts.push([text.slice(last, match.index), false], [match[0], true]);
    last = match.index + match[0].length;
  }
  parts.push([text.slice(last), false]);
  return parts;
}
