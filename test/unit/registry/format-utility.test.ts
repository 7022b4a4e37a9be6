import { describe, it, expect } from 'vitest';
import { formatGetPrompt, formatPrompts, formatReadResource, formatResources } from '../../../src/registry/format-utility.js';
import type { GetPromptResult, Prompt, ReadResourceResult, Resource } from '../../../src/shared/types.js';

describe('resource list formatting', () => {
  it('lists uri, name, description and mimeType (hermes: test_list_resources_success)', () => {
    const resources: Resource[] = [
      { uri: 'file:///tmp/test.txt', name: 'test.txt', description: 'A test file', mimeType: 'text/plain', size: 3 },
    ];
    expect(JSON.parse(formatResources(resources))).toEqual({
      resources: [{ uri: 'file:///tmp/test.txt', name: 'test.txt', description: 'A test file', mimeType: 'text/plain' }],
    });
  });

  it('leaves out empty descriptions and mime types', () => {
    expect(formatResources([{ uri: 'a://1', name: 'one', description: '', mimeType: '' }])).toBe(
      '{"resources":[{"uri":"a://1","name":"one"}]}',
    );
  });

  it('returns an empty list', () => {
    expect(formatResources([])).toBe('{"resources":[]}');
  });
});

describe('resource read formatting', () => {
  it('joins text contents with newlines', () => {
    const result: ReadResourceResult = {
      contents: [
        { uri: 'a://1', text: 'line one' },
        { uri: 'a://2', text: 'line two' },
      ],
    };
    expect(JSON.parse(formatReadResource(result))).toEqual({ result: 'line one\nline two' });
  });

  it('describes binary contents by their decoded size', () => {
    const blob = Buffer.from([1, 2, 3, 4, 5]).toString('base64');
    const result: ReadResourceResult = {
      contents: [
        { uri: 'a://img', mimeType: 'image/png', blob },
        { uri: 'a://t', text: 'x' },
      ],
    };
    expect(JSON.parse(formatReadResource(result))).toEqual({ result: '[binary data, 5 bytes]\nx' });
  });

  it('returns an empty result for no contents, and never throws on malformed ones', () => {
    expect(formatReadResource({ contents: [] })).toBe('{"result":""}');
    expect(formatReadResource({} as ReadResourceResult)).toBe('{"result":""}');
    expect(formatReadResource({ contents: [null] } as unknown as ReadResourceResult)).toBe('{"result":""}');
  });
});

describe('prompt list formatting', () => {
  it('lists names, descriptions and arguments', () => {
    const prompts: Prompt[] = [
      {
        name: 'summarize',
        description: 'Summarize text',
        arguments: [{ name: 'text', description: 'The text', required: true }, { name: 'style', required: false }, { name: 'tone' }],
      },
      { name: 'plain', description: '', arguments: [] },
    ];
    expect(JSON.parse(formatPrompts(prompts))).toEqual({
      prompts: [
        {
          name: 'summarize',
          description: 'Summarize text',
          arguments: [{ name: 'text', description: 'The text', required: true }, { name: 'style', required: false }, { name: 'tone' }],
        },
        { name: 'plain' },
      ],
    });
  });
});

describe('get prompt formatting', () => {
  it('renders messages with role and text content (hermes: test_get_prompt_success)', () => {
    const result: GetPromptResult = {
      messages: [{ role: 'assistant', content: { type: 'text', text: 'Here is a summary of your text.' } }],
    };
    expect(JSON.parse(formatGetPrompt(result))).toEqual({
      messages: [{ role: 'assistant', content: 'Here is a summary of your text.' }],
    });
  });

  it('adds the description after the messages when there is one', () => {
    const result: GetPromptResult = { description: 'A prompt', messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }] };
    expect(formatGetPrompt(result)).toBe('{"messages":[{"role":"user","content":"hi"}],"description":"A prompt"}');
  });

  it('renders an embedded text resource as its text and other content as an attachment object', () => {
    const result: GetPromptResult = {
      messages: [
        { role: 'user', content: { type: 'resource', resource: { uri: 'doc://1', text: 'doc text' } } },
        { role: 'user', content: { type: 'image', data: 'AAAA', mimeType: 'image/png' } },
      ],
    };
    expect(JSON.parse(formatGetPrompt(result))).toEqual({
      messages: [
        { role: 'user', content: 'doc text' },
        { role: 'user', content: { type: 'image', mimeType: 'image/png', data: 'AAAA' } },
      ],
    });
  });

  it('never throws on malformed results', () => {
    expect(formatGetPrompt({} as GetPromptResult)).toBe('{"messages":[]}');
    expect(JSON.parse(formatGetPrompt({ messages: [{ role: 'user' }] } as unknown as GetPromptResult))).toEqual({
      messages: [{ role: 'user', content: '' }],
    });
  });
});
