import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, McpHub } from '../../dist/src/index.js';
import { catchError } from '../helpers/calls.js';
import { modernStdioCommand, startModernHttp, stdioFixtureCommand, type ModernHttpServer } from '../helpers/servers.js';

/**
 * Skills (the `io.modelcontextprotocol/skills` extension, SEP-2640) through the blocking API,
 * against the v2 fixture: listed without reading anything, read lazily, every file checked
 * against the server's own entry, a tampered one refused. What the server was asked is read back
 * from it.
 */
const SKILL_URI = 'skill://pdf-processing/SKILL.md';
const FORMS_URI = 'skill://pdf-processing/references/FORMS.md';
const servers: ModernHttpServer[] = [];
const hubs: McpHub[] = [];

function start(mcpServers: Record<string, unknown>): McpHub {
  const hub = McpHub.start({ mcpServers }, { eventLog: false });
  hubs.push(hub);
  return hub;
}

afterAll(async () => {
  for (const hub of hubs) hub.close();
  await Promise.all(servers.map((server) => server.stop()));
});

async function reads(server: ModernHttpServer): Promise<string[]> {
  return (await server.stats()).requests.filter((request) => request.method === 'resources/read').map((request) => request.target ?? '');
}

describe('a server with skills', () => {
  let server: ModernHttpServer;
  let hub: McpHub;

  beforeAll(async () => {
    server = await startModernHttp();
    servers.push(server);
    hub = start({ web: { url: server.url }, local: modernStdioCommand(), legacy: { url: server.url, protocol: 'legacy' } });
  });

  it('lists them, reading no file', async () => {
    const [skill, ...more] = hub.listSkills('web');
    expect(more).toEqual([]);
    expect(skill).toMatchObject({ uri: SKILL_URI, frontmatter: { name: 'pdf-processing', description: expect.stringContaining('PDF') } });
    expect(await reads(server)).toEqual([]);
  });

  it('reads SKILL.md verified, with its frontmatter and body, and a referenced file only when asked', async () => {
    const manifest = hub.readSkill('web', SKILL_URI);
    expect(manifest).toMatchObject({ uri: SKILL_URI, verified: true, frontmatter: { name: 'pdf-processing' } });
    expect(manifest.body).toContain('See references/FORMS.md.');
    expect(await reads(server)).toEqual([SKILL_URI]);
    const forms = hub.readSkill('web', 'pdf-processing', 'references/FORMS.md'); // by name, too
    expect(forms).toMatchObject({ uri: FORMS_URI, verified: true, text: '# Forms\n\nFill every field.\n' });
    expect(await reads(server)).toEqual([SKILL_URI, FORMS_URI]);
  });

  it('works over stdio and in the 2025 era alike', () => {
    for (const name of ['local', 'legacy']) {
      expect(hub.listSkills(name).map((skill) => skill.uri)).toEqual([SKILL_URI]);
      expect(hub.readSkill(name, SKILL_URI).verified).toBe(true);
    }
  });

  it('refuses a file the skill does not list, and a skill the server does not list, before asking for them', async () => {
    const before = (await reads(server)).length;
    expect(catchError(() => hub.readSkill('web', SKILL_URI, 'references/SECRETS.md')).code).toBe(ErrorCode.SKILL_UNVERIFIED);
    const unknown = catchError(() => hub.readSkill('web', 'docx-processing'));
    expect(unknown.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(unknown.message).toContain("lists no skill 'docx-processing' (its skills: 'pdf-processing'");
    expect((await reads(server)).length).toBe(before);
  });
});

describe.each(['size', 'digest'] as const)('a SKILL.md tampered with (%s)', (tamperSkill) => {
  it('fails SKILL_UNVERIFIED naming the check and the file', async () => {
    const server = await startModernHttp({ tamperSkill });
    servers.push(server);
    const hub = start({ web: { url: server.url } });
    const error = catchError(() => hub.readSkill('web', SKILL_URI));
    expect(error.code).toBe(ErrorCode.SKILL_UNVERIFIED);
    expect(error.data).toMatchObject({ server: 'web', uri: SKILL_URI, reason: tamperSkill });
    expect(error.message).toContain('do not use it');
    // The server answered: nothing to heal, nothing against the breaker.
    expect(hub.servers()[0]?.state).toBe('ready');
    expect(hub.servers()[0]?.breaker).toBeUndefined();
  });
});

describe('a server without skills', () => {
  it('lists none', () => {
    const hub = start({ plain: stdioFixtureCommand('plain') });
    expect(hub.listSkills('plain')).toEqual([]);
  });
});
