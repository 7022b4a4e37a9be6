import { describe, it, expect } from 'vitest';
import { base64ByteLength, formatToolResult, toAttachment, TOOL_ERROR_FALLBACK } from '../../../src/registry/format.js';
import type { CallToolResult, ContentBlock } from '../../../src/shared/types.js';

function text(value: string): ContentBlock {
  return { type: 'text', text: value };
}

function parsed(result: CallToolResult, inlineData?: boolean): unknown {
  return JSON.parse(formatToolResult(result, inlineData === undefined ? {} : { inlineData }));
}

const PNG = 'iVBORw0KGgo='; // 8 bytes

describe('tool result formatting', () => {
  it('returns the text as result (hermes: test_successful_call)', () => {
    expect(parsed({ content: [text('hello world')] })).toEqual({ result: 'hello world' });
  });

  it('joins text blocks with newlines', () => {
    expect(parsed({ content: [text('a'), text('b'), text('')] })).toEqual({ result: 'a\nb\n' });
  });

  it('returns an empty result for empty content', () => {
    expect(formatToolResult({ content: [] })).toBe('{"result":""}');
  });

  it('adds structuredContent next to the text', () => {
    const result = { content: [text('{"temp":21}')], structuredContent: { temp: 21 } };
    expect(formatToolResult(result)).toBe('{"result":"{\\"temp\\":21}","structuredContent":{"temp":21}}');
  });

  it('puts structuredContent in result when there is no text block', () => {
    expect(parsed({ content: [], structuredContent: { rows: [1, 2] } })).toEqual({ result: { rows: [1, 2] } });
  });

  it('returns the error text for isError results (hermes: test_mcp_error_result)', () => {
    expect(parsed({ content: [text('something went wrong')], isError: true })).toEqual({ error: 'something went wrong' });
  });

  it('falls back to a fixed message for an isError result without text', () => {
    expect(parsed({ content: [], isError: true })).toEqual({ error: TOOL_ERROR_FALLBACK });
    expect(TOOL_ERROR_FALLBACK).toBe('MCP tool returned an error');
    expect(parsed({ content: [text('')], isError: true })).toEqual({ error: 'MCP tool returned an error' });
  });

  it('includes embedded resource text in error text, as hermes', () => {
    const result: CallToolResult = {
      content: [text('failed:'), { type: 'resource', resource: { uri: 'log://1', text: 'stack trace' } }],
      isError: true,
    };
    expect(parsed(result)).toEqual({ error: 'failed:\nstack trace' });
  });

  it('redacts credentials in error text, but not in results', () => {
    expect(parsed({ content: [text('bad token=abc123')], isError: true })).toEqual({ error: 'bad [REDACTED]' });
    expect(parsed({ content: [text('your token=abc123')] })).toEqual({ result: 'your token=abc123' });
  });

  it('ignores structuredContent and attachments of an error result', () => {
    const result: CallToolResult = {
      content: [text('no'), { type: 'image', data: PNG, mimeType: 'image/png' }],
      structuredContent: { a: 1 },
      isError: true,
    };
    expect(parsed(result)).toEqual({ error: 'no' });
  });

  it('carries images and audio in attachments instead of dropping them', () => {
    const result: CallToolResult = {
      content: [
        text('screenshot taken'),
        { type: 'image', data: PNG, mimeType: 'image/png' },
        { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
      ],
    };
    expect(parsed(result)).toEqual({
      result: 'screenshot taken',
      attachments: [
        { type: 'image', mimeType: 'image/png', data: PNG },
        { type: 'audio', mimeType: 'audio/wav', data: 'AAAA' },
      ],
    });
  });

  it('carries embedded resources and resource links in attachments', () => {
    const result: CallToolResult = {
      content: [
        { type: 'resource', resource: { uri: 'file:///a.txt', mimeType: 'text/plain', text: 'A' } },
        { type: 'resource', resource: { uri: 'file:///b.bin', blob: 'AAECAw==' } },
        { type: 'resource_link', uri: 'file:///c', name: 'c', description: 'the c file', extra: 1 },
      ],
    };
    expect(parsed(result)).toEqual({
      result: '',
      attachments: [
        { type: 'resource', uri: 'file:///a.txt', mimeType: 'text/plain', text: 'A' },
        { type: 'resource', uri: 'file:///b.bin', blob: 'AAECAw==' },
        { type: 'resource_link', uri: 'file:///c', name: 'c', description: 'the c file' },
      ],
    });
  });

  it('orders result, structuredContent, attachments', () => {
    const result: CallToolResult = {
      content: [{ type: 'image', data: PNG, mimeType: 'image/png' }, text('t')],
      structuredContent: { k: 1 },
    };
    expect(Object.keys(parsed(result) as object)).toEqual(['result', 'structuredContent', 'attachments']);
    const noText: CallToolResult = { content: [{ type: 'image', data: PNG, mimeType: 'image/png' }], structuredContent: { k: 1 } };
    expect(parsed(noText)).toEqual({ result: { k: 1 }, attachments: [{ type: 'image', mimeType: 'image/png', data: PNG }] });
  });

  it('gives sizes instead of base64 data with inlineData: false', () => {
    const result: CallToolResult = {
      content: [
        { type: 'image', data: PNG, mimeType: 'image/png' },
        { type: 'resource', resource: { uri: 'file:///b.bin', blob: 'AAECAw==' } },
        { type: 'resource', resource: { uri: 'file:///a.txt', text: 'kept' } },
      ],
    };
    expect(parsed(result, false)).toEqual({
      result: '',
      attachments: [
        { type: 'image', mimeType: 'image/png', size: 8 },
        { type: 'resource', uri: 'file:///b.bin', size: 4 },
        { type: 'resource', uri: 'file:///a.txt', text: 'kept' },
      ],
    });
  });

  it('carries blocks of unknown types as the server sent them', () => {
    const result = { content: [{ type: 'video', url: 'x' }] } as unknown as CallToolResult;
    expect(parsed(result)).toEqual({ result: '', attachments: [{ type: 'video', url: 'x' }] });
  });

  it('strips invisible TAG characters from text', () => {
    expect(parsed({ content: [text('ok\u{E0069}\u{E0067}')] })).toEqual({ result: 'ok' });
  });

  it('never throws on malformed results', () => {
    for (const result of [{}, { content: null }, { content: [null, 5, text('x')] }, { content: [{ type: 'resource' }] }]) {
      expect(() => formatToolResult(result as unknown as CallToolResult)).not.toThrow();
    }
    expect(parsed({ content: [null, text('x')] } as unknown as CallToolResult)).toEqual({ result: 'x' });
    expect(parsed({ content: [{ type: 'resource' }], isError: true } as unknown as CallToolResult)).toEqual({
      error: TOOL_ERROR_FALLBACK,
    });
  });

  it('returns a string that JSON.parse accepts, unicode kept as is', () => {
    const out = formatToolResult({ content: [text('日本語 "quoted" \n')] });
    expect(out).toContain('日本語');
    expect(JSON.parse(out)).toEqual({ result: '日本語 "quoted" \n' });
  });
});

describe('attachments', () => {
  it('maps a block to its attachment', () => {
    expect(toAttachment({ type: 'image', data: PNG, mimeType: 'image/png', annotations: {} })).toEqual({
      type: 'image',
      mimeType: 'image/png',
      data: PNG,
    });
    expect(toAttachment({ type: 'image', data: PNG, mimeType: 'image/png' }, false)).toEqual({
      type: 'image',
      mimeType: 'image/png',
      size: 8,
    });
  });
});

describe('base64 byte length', () => {
  it('counts decoded bytes without decoding', () => {
    for (const bytes of [0, 1, 2, 3, 4, 5, 100]) {
      const data = Buffer.alloc(bytes, 7).toString('base64');
      expect(base64ByteLength(data)).toBe(bytes);
    }
    expect(base64ByteLength('AAEC\nAw==')).toBe(4);
  });
});
