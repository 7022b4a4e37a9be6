import { describe, expect, it } from 'vitest';
import { IdScanner, LineReader, type OversizedMessage } from '../../../workers/transport/line-reader.js';

function read(maxBytes: number, chunks: string[]): { lines: string[]; skipped: OversizedMessage[] } {
  const lines: string[] = [];
  const skipped: OversizedMessage[] = [];
  const reader = new LineReader(
    maxBytes,
    (line) => lines.push(line.toString('utf8')),
    (message) => skipped.push(message),
  );
  for (const chunk of chunks) reader.push(Buffer.from(chunk));
  return { lines, skipped };
}

function scan(text: string, pieces = 1): IdScanner {
  const scanner = new IdScanner();
  const size = Math.ceil(text.length / pieces);
  for (let i = 0; i < text.length; i += size) scanner.scan(Buffer.from(text.slice(i, i + size)));
  return scanner;
}

describe('LineReader', () => {
  it('splits lines across and within chunks, dropping \\r and blank lines', () => {
    expect(read(100, ['{"a":1}\n{"b"', ':2}\r\n\n', '{"c":3}\n']).lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('skips a line over the limit, reporting its size and id, and reads on', () => {
    const big = `{"result":{"text":"${'x'.repeat(500)}"},"jsonrpc":"2.0","id":7}`;
    const { lines, skipped } = read(100, [big.slice(0, 300), big.slice(300), '\n{"ok":1}\n']);
    expect(skipped).toEqual([{ bytes: big.length, id: 7, hasMethod: false }]);
    expect(lines).toEqual(['{"ok":1}']);
  });
});

describe('IdScanner', () => {
  it.each([1, 3, 17])('finds a top-level id after a large result, in %i pieces', (pieces) => {
    const text = `{"result":{"content":[{"type":"text","text":"a \\"quoted\\" \\\\ id:9 {"}],"id":"inner"},"jsonrpc":"2.0","id":42}`;
    expect(scan(text, pieces)).toMatchObject({ id: 42, hasMethod: false });
  });

  it('finds a string id, and notices a method (a request from the server)', () => {
    expect(scan('{"jsonrpc":"2.0","id":"abc-1","method":"sampling/createMessage","params":{}}')).toMatchObject({
      id: 'abc-1',
      hasMethod: true,
    });
  });

  it('yields no id for a notification, a null id, or nested ids only', () => {
    expect(scan('{"jsonrpc":"2.0","method":"notifications/message","params":{"id":3}}').id).toBeUndefined();
    expect(scan('{"jsonrpc":"2.0","id":null,"error":{}}').id).toBeUndefined();
    expect(scan('{"a":{"id":1},"b":[{"id":2}]}').id).toBeUndefined();
  });
});
