import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, McpHub, type Completion, type ReadResourceResult, type ResourceTemplate } from '../../dist/src/index.js';
import { catchError, onPoolThread } from '../helpers/calls.js';
import { everythingCommand, modernStdioCommand, startModernHttp, stdioFixtureCommand, type ModernHttpServer } from '../helpers/servers.js';

/**
 * Resource templates (listed, and read once their variables are filled in, RFC 6570) and
 * completion (prompt arguments, template variables), in both eras, from server-everything too,
 * on the main thread and on a pool thread.
 */
const NOTES = 'fixture://notes/{topic}{?lang}';
let modern: ModernHttpServer;
let hub: McpHub;

beforeAll(async () => {
  modern = await startModernHttp();
  hub = McpHub.start(
    {
      mcpServers: {
        web: { url: modern.url },
        legacy: { ...modernStdioCommand(), protocol: 'legacy' },
        v1: stdioFixtureCommand('v1'),
        everything: everythingCommand(),
      },
    },
    { eventLog: false },
  );
});

afterAll(async () => {
  hub?.close();
  await modern?.stop();
});

const text = (result: ReadResourceResult): string => result.contents.map((content) => ('text' in content ? content.text : '')).join('');

describe('resource templates', () => {
  it('lists the templates of every ready server, each with its server, or of one', () => {
    const all = hub.listResourceTemplates().map((template) => `${template.server} ${template.uriTemplate}`);
    expect(all).toEqual(
      expect.arrayContaining([
        `web ${NOTES}`,
        `legacy ${NOTES}`,
        'v1 fixture://echo/{text}',
        'everything demo://resource/dynamic/text/{resourceId}',
      ]),
    );
    expect(hub.listResourceTemplates('v1')).toEqual([expect.objectContaining({ uriTemplate: 'fixture://echo/{text}', server: 'v1' })]);
  });

  it('reads a template once its variables are filled in: path segments encoded, query expansion', () => {
    expect(text(hub.readResourceTemplate('web', NOTES, { topic: 'beta', lang: 'fr' }))).toBe('notes on beta (fr)');
    expect(hub.readResourceTemplate('legacy', NOTES, { topic: 'beta', lang: 'de' }).contents[0]?.uri).toBe('fixture://notes/beta?lang=de');
    expect(text(hub.readResourceTemplate('v1', 'fixture://echo/{text}', { text: 'a b/c' }))).toBe('a b/c');
    expect(text(hub.readResourceTemplate('everything', 'demo://resource/dynamic/text/{resourceId}', { resourceId: '7' }))).toContain('7');
  });

  it('refuses variables that are not strings, before anything is sent', () => {
    const error = catchError(() => hub.readResourceTemplate('web', NOTES, { topic: 1 } as never));
    expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(error.message).toContain(`Variables of template '${NOTES}' on 'web' must be an object of strings`);
  });

  it('works from a pool thread', async () => {
    const templates = await onPoolThread<ResourceTemplate[]>(hub.handle(), 'listResourceTemplates', 'web');
    expect(templates.map((template) => template.uriTemplate)).toContain(NOTES);
    expect(
      text(await onPoolThread<ReadResourceResult>(hub.handle(), 'readResourceTemplate', 'web', NOTES, { topic: 'alpha', lang: 'en' })),
    ).toBe('notes on alpha (en)');
  });
});

describe('completion', () => {
  it.each(['web', 'legacy'])('%s: completes a prompt argument and a template variable from what is typed so far', (server) => {
    expect(hub.complete(server, { type: 'ref/prompt', name: 'greet' }, { name: 'who', value: 'A' }).values).toEqual(['Ada', 'Alan']);
    expect(hub.complete(server, { type: 'ref/resource', uri: NOTES }, { name: 'topic', value: 'g' })).toMatchObject({ values: ['gamma'] });
  });

  it('server-everything completes its resource ids', () => {
    const completion = hub.complete(
      'everything',
      { type: 'ref/resource', uri: 'demo://resource/dynamic/text/{resourceId}' },
      { name: 'resourceId', value: '1' },
    );
    expect(completion.values.length).toBeGreaterThan(0);
    expect(completion.values.every((value) => value.startsWith('1'))).toBe(true);
  });

  it('works from a pool thread', async () => {
    const completion = await onPoolThread<Completion>(
      hub.handle(),
      'complete',
      'web',
      { type: 'ref/prompt', name: 'greet' },
      { name: 'who', value: 'G' },
    );
    expect(completion.values).toEqual(['Grace']);
  });

  it('refuses a reference it cannot send', () => {
    const error = catchError(() => hub.complete('web', { type: 'ref/tool', name: 'x' } as never, { name: 'a', value: '' }));
    expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(error.message).toContain("{type: 'ref/prompt', name} or {type: 'ref/resource', uri}");
  });
});
