/**
 * Newline-delimited JSON-RPC from a stdio server, with a size limit that skips an over-long
 * message without buffering it and without ending the session.
 *
 * A line is kept as a list of chunks and joined once, at its newline (the SDK's reader joined on
 * every chunk: quadratic in the size of a message). Once a line passes the limit its bytes are no
 * longer kept: they only go through {@link IdScanner}, which finds the top-level `"id"` (and whether
 * there is a `"method"`) wherever it stands — the SDK's own servers write `result` first and the id
 * last — so the request waiting for that answer can be failed precisely.
 */

const NEWLINE = 0x0a;

/** What is known of a message that was skipped for its size. */
export interface OversizedMessage {
  /** Its size in bytes (without the newline). */
  bytes: number;
  /** Its top-level JSON-RPC id, if it had one: the answer to that request, or a request to us. */
  id: string | number | undefined;
  /** It had a top-level `method`: a request or notification from the server, not an answer. */
  hasMethod: boolean;
}

export class LineReader {
  readonly #maxBytes: number;
  readonly #onLine: (line: Buffer) => void;
  readonly #onOversized: (message: OversizedMessage) => void;
  #parts: Buffer[] = [];
  #bytes = 0;
  #scanner: IdScanner | undefined;

  /** `onLine` gets each line's bytes, without its newline (nor a `\r` before it); blank lines are skipped. */
  constructor(maxBytes: number, onLine: (line: Buffer) => void, onOversized: (message: OversizedMessage) => void) {
    this.#maxBytes = maxBytes;
    this.#onLine = onLine;
    this.#onOversized = onOversized;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline >= 0; newline = chunk.indexOf(NEWLINE, start)) {
      this.#take(chunk.subarray(start, newline));
      this.#endLine();
      start = newline + 1;
    }
    if (start < chunk.length) this.#take(chunk.subarray(start));
  }

  #take(piece: Buffer): void {
    if (piece.length === 0) return;
    this.#bytes += piece.length;
    if (this.#scanner !== undefined) {
      this.#scanner.scan(piece);
      return;
    }
    if (this.#bytes <= this.#maxBytes) {
      this.#parts.push(piece);
      return;
    }
    // Over the limit: what was kept goes through the scanner once, and is dropped.
    this.#scanner = new IdScanner();
    for (const part of this.#parts) this.#scanner.scan(part);
    this.#scanner.scan(piece);
    this.#parts = [];
  }

  #endLine(): void {
    const scanner = this.#scanner;
    const bytes = this.#bytes;
    const parts = this.#parts;
    this.#parts = [];
    this.#bytes = 0;
    this.#scanner = undefined;
    if (scanner !== undefined) {
      this.#onOversized({ bytes, id: scanner.id, hasMethod: scanner.hasMethod });
      return;
    }
    if (bytes === 0) return;
    let line = parts.length === 1 ? parts[0]! : Buffer.concat(parts, bytes);
    if (line.at(-1) === 0x0d) line = line.subarray(0, -1);
    if (line.length > 0) this.#onLine(line);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = new Set([0x7b, 0x5b]); // { [
const CLOSE = new Set([0x7d, 0x5d]); // } ]
/** Keys are remembered only if this short: `id` and `method` are all that matter. */
const MAX_KEY = 16;
/** A string id longer than this is not one we ever sent: not kept. */
const MAX_ID = 256;

/**
 * Streams over the bytes of one JSON object and picks out its top-level `"id"` value (a number
 * or a string) and whether it has a top-level `"method"`. Tolerates anything: a message that is
 * not valid JSON simply yields no id.
 */
export class IdScanner {
  id: string | number | undefined;
  hasMethod = false;
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** The text of the string being read, while it may be a top-level key or the id's value. */
  #text: string | undefined;
  /** The last top-level string, until we know whether a colon follows (a key). */
  #lastString: string | undefined;
  /** After `"id":` at the top level: the raw value being read. */
  #value: string | undefined;
  #readingValue = false;

  scan(bytes: Buffer): void {
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i]!;
      if (this.#inString) {
        if (this.#text === undefined && !this.#escaped) {
          // Not a string we care about: jump to its next quote or backslash.
          const quote = bytes.indexOf(QUOTE, i);
          const backslash = bytes.indexOf(BACKSLASH, i);
          const next = quote < 0 ? backslash : backslash < 0 ? quote : Math.min(quote, backslash);
          if (next < 0) return;
          i = next;
          this.#stringByte(bytes[i]!);
          continue;
        }
        this.#stringByte(byte);
        continue;
      }
      this.#structureByte(byte);
    }
  }

  #stringByte(byte: number): void {
    if (this.#escaped) {
      this.#escaped = false;
      this.#append(byte);
    } else if (byte === BACKSLASH) {
      this.#escaped = true;
    } else if (byte === QUOTE) {
      this.#inString = false;
      if (this.#text === undefined) return;
      if (this.#readingValue) this.#setId(this.#text);
      else this.#lastString = this.#text;
      this.#text = undefined;
    } else {
      this.#append(byte);
    }
  }

  #append(byte: number): void {
    if (this.#text === undefined) return;
    if (this.#text.length < (this.#readingValue ? MAX_ID : MAX_KEY)) {
      this.#text += String.fromCharCode(byte);
      return;
    }
    this.#text = undefined;
    this.#readingValue = false;
  }

  #structureByte(byte: number): void {
    if (byte === QUOTE) {
      this.#inString = true;
      // Only top-level strings can be keys or the id's value.
      this.#text = this.#depth === 1 ? '' : undefined;
      return;
    }
    if (this.#depth === 1 && this.#readingValue && this.#value !== undefined && (byte === COMMA || CLOSE.has(byte) || byte <= 0x20)) {
      const number = Number(this.#value);
      if (this.#value !== '' && Number.isFinite(number)) this.#setId(number);
      else this.#readingValue = false;
    }
    if (OPEN.has(byte)) {
      this.#depth++;
      if (this.#depth === 2) this.#readingValue = false; // an object or array id: not JSON-RPC
    } else if (CLOSE.has(byte)) {
      this.#depth--;
    } else if (byte === COLON && this.#depth === 1) {
      if (this.#lastString === 'method') this.hasMethod = true;
      if (this.#lastString === 'id' && this.id === undefined) {
        this.#readingValue = true;
        this.#value = undefined;
      }
      this.#lastString = undefined;
    } else if (byte === COMMA && this.#depth === 1) {
      this.#lastString = undefined;
    } else if (this.#readingValue && this.#depth === 1 && byte > 0x20) {
      this.#value = (this.#value ?? '') + String.fromCharCode(byte);
    }
  }

  #setId(value: string | number): void {
    this.id = value;
    this.#readingValue = false;
    this.#value = undefined;
  }
}
