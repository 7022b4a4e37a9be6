import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenStore, tokenFileName, type StoredAuth } from '../../../workers/auth/token-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp directory; the store's own directory is a not-yet-existing child of it. */
function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'mcp-sync-store-'));
  dirs.push(root);
  return root;
}

const mode = (path: string): number => statSync(path).mode & 0o777;

const SAMPLE: StoredAuth = {
  tokens: {
    access_token: 'at_secret_value',
    token_type: 'Bearer',
    refresh_token: 'rt_secret_value',
    expires_in: 3600,
    issuer: 'http://a/',
  },
  clientInformation: {
    client_id: 'client-1',
    redirect_uris: ['http://127.0.0.1:1/cb'],
    issuer: 'http://a/',
  } as StoredAuth['clientInformation'],
  discoveryState: { authorizationServerUrl: 'http://a/' },
  requiredScope: 'files:read files:write',
  dpopKey: { alg: 'ES256', privateJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd_secret_value' } },
};

describe('TokenStore', () => {
  it('round-trips exactly what was written, unknown fields included', () => {
    const store = new TokenStore('web', join(tempRoot(), 'tokens'));
    const data = { ...SAMPLE, tokens: { ...SAMPLE.tokens!, id_token: 'idt' } };
    store.write(data);
    expect(store.read()).toEqual(data);
    expect(store.update((stored) => ({ ...stored, codeVerifier: 'v' }))).toEqual({ ...data, codeVerifier: 'v' });
    expect(new TokenStore('web', join(dirs[0]!, 'tokens')).read()).toEqual({ ...data, codeVerifier: 'v' });
  });

  it('creates its directory 0700 and every token file 0600', () => {
    const dir = join(tempRoot(), 'nested', 'tokens');
    const store = new TokenStore('web', dir);
    store.write(SAMPLE);
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, '..'))).toBe(0o700);
    expect(mode(store.path)).toBe(0o600);
    store.write({}); // a rewrite makes a new file: it must be 0600 from the start, too
    expect(mode(store.path)).toBe(0o600);
  });

  it('treats a missing, corrupt, truncated or mistyped file as nothing stored, and never throws', () => {
    const store = new TokenStore('web', join(tempRoot(), 'tokens'));
    expect(store.read()).toEqual({});
    store.write(SAMPLE);
    const full = readFileSync(store.path, 'utf8');
    for (const content of ['', '{', full.slice(0, full.length / 2), 'null', '[]', '"x"', '\u0000\u0001']) {
      writeFileSync(store.path, content);
      expect(store.read(), JSON.stringify(content)).toEqual({});
    }
    rmSync(store.path);
    mkdirSync(store.path); // a directory where the file should be: unreadable as a file
    expect(store.read()).toEqual({});
  });

  it('drops a mangled field and keeps the others', () => {
    const store = new TokenStore('web', join(tempRoot(), 'tokens'));
    store.write(SAMPLE);
    const raw = JSON.parse(readFileSync(store.path, 'utf8')) as Record<string, unknown>;
    const mangled = { tokens: { token_type: 'Bearer' }, codeVerifier: 42, requiredScope: ['a'], dpopKey: { alg: 'HS256' } };
    writeFileSync(store.path, JSON.stringify({ ...raw, ...mangled }));
    expect(store.read()).toEqual({ clientInformation: SAMPLE.clientInformation, discoveryState: SAMPLE.discoveryState });
  });

  it('replaces the file by rename (a new inode) and leaves no temp file behind', () => {
    const store = new TokenStore('web', join(tempRoot(), 'tokens'));
    store.write(SAMPLE);
    const before = statSync(store.path).ino;
    store.write({ ...SAMPLE, codeVerifier: 'v2' });
    expect(statSync(store.path).ino).not.toBe(before);
    expect(readdirSync(join(dirs[0]!, 'tokens'))).toEqual(['web.json']);
  });

  it('never shows a reader in another process a partial file', async () => {
    const store = new TokenStore('web', join(tempRoot(), 'tokens'));
    // Big enough that a non-atomic write would be caught half-written now and then.
    const big = (n: number): StoredAuth => ({ ...SAMPLE, codeVerifier: String(n).repeat(200_000) });
    store.write(big(0));
    const reader = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs'); let reads = 0, torn = 0; const end = Date.now() + 1500;
         while (Date.now() < end) { reads++; try { JSON.parse(fs.readFileSync(process.argv[1], 'utf8')); } catch { torn++; } }
         process.stdout.write(JSON.stringify({ reads, torn }));`,
        store.path,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    reader.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(reader, 'exit');
    const end = Date.now() + 1500;
    for (let n = 1; Date.now() < end; n++) store.write(big(n % 10));
    await exited;
    const { reads, torn } = JSON.parse(output) as { reads: number; torn: number };
    expect(reads).toBeGreaterThan(10);
    expect(torn).toBe(0);
  });

  it('fails a write with the path and the error code, never the content', () => {
    const root = tempRoot();
    writeFileSync(join(root, 'file'), '');
    const store = new TokenStore('web', join(root, 'file', 'tokens')); // a file where a directory must go
    let message = '';
    try {
      store.write(SAMPLE);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/Cannot write the OAuth token file '.*web\.json' \(ENOTDIR\)/);
    expect(message).not.toContain('secret_value');
  });

  it('expands a leading ~/ in the directory', () => {
    expect(new TokenStore('web', '~/somewhere').path).not.toContain('~');
  });
});

describe('tokenFileName', () => {
  it('keeps a plain name and sanitises the rest without collisions or hidden files', () => {
    expect(tokenFileName('github')).toBe('github.json');
    expect(tokenFileName('my-server_2.v1')).toBe('my-server_2.v1.json');
    expect(tokenFileName('a/b')).not.toBe(tokenFileName('a_b'));
    expect(tokenFileName('a/b')).toMatch(/^a_b-[0-9a-f]{8}\.json$/);
    for (const name of ['..', '.', '../../etc/passwd', '.hidden']) {
      expect(tokenFileName(name)).not.toMatch(/^\.|\//);
    }
  });
});
