/**
 * Docs that cannot rot: every code sample of the README, of docs/ and of bench/README.md is run
 * or checked here, so a renamed method, option, command or flag breaks the build, not the docs.
 *
 * - `ts` / `js` blocks are written into `.tools/doc-samples/<doc>/` (inside the package, so that
 *   `import … from 'mcp-sync'` resolves to this build), type-checked together with `tsc` (excess
 *   option keys included) and run one by one; a block preceded by `<!-- sample: file=NAME -->`
 *   is written as NAME for the samples after it, and not run by itself.
 * - `json` / `yaml` blocks holding a config are loaded with `loadConfig`.
 * - `sh` blocks: every `mcp-sync …` line is parsed as the CLI parses it (known command, flags it
 *   takes, enough arguments), `npm run X` names a script, `npx tsx F` a file that exists.
 * - The errors table in docs/errors.md lists exactly the codes of `ErrorCode`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ErrorCode, loadConfig } from '../../dist/src/index.js';
import { parseCommandLine } from '../../dist/src/cli/args.js';
import { findCommand } from '../../dist/src/cli/commands.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLES = join(ROOT, '.tools', 'doc-samples');
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((file) => `docs/${file}`), 'bench/README.md'];

interface Block {
  doc: string;
  lang: string;
  code: string;
  line: number;
  /** `file=NAME` from a `<!-- sample: … -->` comment just before the block. */
  file?: string;
}

function blocksOf(doc: string): Block[] {
  const lines = readFileSync(join(ROOT, doc), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)?\s*$/.exec(lines[i]!);
    if (open === null) continue;
    const end = lines.findIndex((line, j) => j > i && line.startsWith('```'));
    const before =
      lines
        .slice(0, i)
        .reverse()
        .find((line) => line.trim() !== '') ?? '';
    const file = /<!-- sample: file=(\S+) -->/.exec(before)?.[1];
    blocks.push({ doc, lang: open[1] ?? '', code: lines.slice(i + 1, end).join('\n'), line: i + 1, ...(file !== undefined && { file }) });
    i = end;
  }
  return blocks;
}

const blocks = DOCS.flatMap(blocksOf);
const slug = (doc: string): string => doc.replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '-');

/** Writes every doc's code samples; returns the runnable ones with their paths. */
function writeSamples(): { block: Block; path: string }[] {
  rmSync(SAMPLES, { recursive: true, force: true });
  const runnable: { block: Block; path: string }[] = [];
  for (const block of blocks.filter((b) => b.lang === 'ts' || b.lang === 'js')) {
    const dir = join(SAMPLES, slug(block.doc));
    mkdirSync(dir, { recursive: true });
    const path = join(dir, block.file ?? `line-${block.line}.${block.lang === 'ts' ? 'ts' : 'mjs'}`);
    writeFileSync(path, `${block.code}\n`);
    if (block.file === undefined) runnable.push({ block, path });
  }
  writeFileSync(
    join(SAMPLES, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        types: ['node'],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        allowJs: true,
      },
      include: ['**/*.ts'],
    }),
  );
  return runnable;
}

const samples = writeSamples();

describe('code samples in the docs', () => {
  it('type-check (a renamed method or option fails here)', () => {
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(SAMPLES, 'tsconfig.json')], {
      encoding: 'utf8',
    });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it.each(samples.map(({ block, path }) => [`${block.doc}:${block.line}`, path] as const))('%s runs', (_where, path) => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', path], {
      cwd: join(path, '..'),
      encoding: 'utf8',
      timeout: 90_000,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    expect(run.stderr).not.toMatch(/Error|error:/);
    expect(run.status).toBe(0);
  });

  it.each(
    blocks
      .filter((b) => (b.lang === 'json' || b.lang === 'yaml') && /mcpServers|mcp_servers/.test(b.code))
      .map((b) => [`${b.doc}:${b.line}`, b] as const),
  )('%s is a valid config', (_where, block) => {
    const config = (block.lang === 'json' ? JSON.parse(block.code) : parseYaml(block.code)) as Record<string, unknown>;
    const variables = Object.fromEntries([...block.code.matchAll(/\$\{(\w+)/g)].map((m) => [m[1]!, 'value']));
    expect(() => loadConfig(config, variables)).not.toThrow();
  });

  it.each(blocks.filter((b) => b.lang === 'sh').map((b) => [`${b.doc}:${b.line}`, b] as const))(
    '%s names real commands, flags and scripts',
    (_where, block) => {
      const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
      for (const raw of block.code.split('\n')) {
        const line = raw.replace(/\s+#.*$/, '').trim();
        const words = shellWords(line);
        if (words[0] === 'mcp-sync') checkCli(words.slice(1), line);
        if (words[0] === 'npx' && words[1] === 'mcp-sync') checkCli(words.slice(2), line);
        if (words[0] === 'npm' && words[1] === 'run') expect(Object.keys(scripts), line).toContain(words[2]);
        if (words[0] === 'npx' && words[1] === 'tsx') expect(existsSync(join(ROOT, words[2]!)), line).toBe(true);
      }
    },
  );

  it('the errors table lists exactly the error codes', () => {
    const table = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
    const listed = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect([...listed].sort()).toEqual(Object.values(ErrorCode).sort());
  });
});

/** Checks a command line the way the CLI does before it runs anything. */
function checkCli(argv: string[], line: string): void {
  const parsed = parseCommandLine(argv);
  if (parsed.command === undefined || parsed.command === 'help' || parsed.flags.help || parsed.flags.version) return;
  const command = findCommand(parsed.command);
  expect(command, `${line}: unknown command`).toBeDefined();
  expect(
    parsed.given.filter((flag) => flag !== 'config' && !command!.flags.includes(flag)),
    line,
  ).toEqual([]);
  expect(parsed.args.length, line).toBeGreaterThanOrEqual(command!.arity[0]);
  expect(parsed.args.length, line).toBeLessThanOrEqual(command!.arity[1]);
}

/** Splits a command line into words, honouring single and double quotes. */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}
