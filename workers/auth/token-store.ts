/**
 * The file token store of one OAuth server: `<dir>/<server>.json` holding what the SDK's OAuth
 * flow asked us to keep. Writes are atomic (temp file in the same directory, fsync, rename), so
 * a reader — this worker, another process, the `mcp-sync login` CLI — sees the old file or the
 * new one, never half of one. Reads never throw: a missing, unreadable or corrupt file is
 * simply "nothing stored", which the worker reports as NEEDS_REAUTH. No token value is ever
 * logged or put into an error message here.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { OAuthClientInformationMixed, OAuthDiscoveryState, OAuthTokens } from '@modelcontextprotocol/client';
import type { StoredDpopKey } from './dpop.js';

/** Where tokens live when the server's config sets no `oauth.tokenDir`: `~/.mcp-sync/tokens`. */
export const DEFAULT_TOKEN_DIR = join(homedir(), '.mcp-sync', 'tokens');
/** Mode of the token directory when we create it: only the owner may list or enter it. */
export const TOKEN_DIR_MODE = 0o700;
/** Mode of every token file: only the owner may read or write it. */
export const TOKEN_FILE_MODE = 0o600;

/** What one server's token file holds. Every field is optional: absent means "not stored". */
export interface StoredAuth {
  /** Exactly what the SDK passed to `saveTokens` (stamped with `issuer`). */
  tokens?: OAuthTokens;
  /** Exactly what the SDK passed to `saveClientInformation` (a dynamic registration). */
  clientInformation?: OAuthClientInformationMixed;
  /** The PKCE verifier of an interactive login in progress. */
  codeVerifier?: string;
  /** Cached RFC 9728 / RFC 8414 discovery results: saves round trips on each refresh. */
  discoveryState?: OAuthDiscoveryState;
  /**
   * A pending step-up: the scope the server demanded (403 `insufficient_scope`) that the stored
   * tokens lack. The next login asks for it instead of refreshing, and clears it.
   */
  requiredScope?: string;
  /** The DPoP key the tokens are bound to (dpop.ts). */
  dpopKey?: StoredDpopKey;
}

/**
 * The token file of one server. Synchronous on purpose: the files are tiny and written only
 * when credentials change, and a synchronous read-modify-write cannot interleave with another
 * task of the worker's event loop, so concurrent refreshes never lose each other's fields.
 */
export class TokenStore {
  /** Absolute path of the token file. */
  readonly path: string;
  readonly #dir: string;

  /**
   * @param server the server's configured name; sanitised into a file name
   * @param dir the token directory; a leading `~/` means the home directory. @default DEFAULT_TOKEN_DIR
   */
  constructor(server: string, dir: string = DEFAULT_TOKEN_DIR) {
    this.#dir = dir === '~' || dir.startsWith('~/') ? join(homedir(), dir.slice(1)) : dir;
    this.path = join(this.#dir, tokenFileName(server));
  }

  /** What is stored; `{}` when the file is missing, unreadable or not valid JSON. Never throws. */
  read(): StoredAuth {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch {
      return {};
    }
    if (!isObject(parsed)) return {};
    // Each field is checked on its own: a mangled field is dropped, the others survive. The
    // values are returned as written (not re-parsed), since the SDK wants back what it saved.
    const stored: StoredAuth = {};
    const { tokens, clientInformation, codeVerifier, discoveryState, requiredScope, dpopKey } = parsed;
    if (isObject(tokens) && typeof tokens['access_token'] === 'string' && typeof tokens['token_type'] === 'string') {
      stored.tokens = tokens as unknown as OAuthTokens;
    }
    if (isObject(clientInformation) && typeof clientInformation['client_id'] === 'string') {
      stored.clientInformation = clientInformation as unknown as OAuthClientInformationMixed;
    }
    if (typeof codeVerifier === 'string') stored.codeVerifier = codeVerifier;
    if (typeof requiredScope === 'string' && requiredScope !== '') stored.requiredScope = requiredScope;
    if (isObject(discoveryState) && typeof discoveryState['authorizationServerUrl'] === 'string') {
      stored.discoveryState = discoveryState as unknown as OAuthDiscoveryState;
    }
    if (isObject(dpopKey) && dpopKey['alg'] === 'ES256' && isObject(dpopKey['privateJwk']))
      stored.dpopKey = dpopKey as unknown as StoredDpopKey;
    return stored;
  }

  /**
   * Replaces the file with `data`, atomically. Creates the directory (mode 0700) if needed.
   * @throws Error naming the path and the system error code — never the content
   */
  write(data: StoredAuth): void {
    // Same directory as the target: rename(2) is atomic only within one file system.
    const temp = `${this.path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      mkdirSync(this.#dir, { recursive: true, mode: TOKEN_DIR_MODE });
      // 'wx': a fresh file of our own with mode 0600 from its first byte (no chmod window).
      const fd = openSync(temp, 'wx', TOKEN_FILE_MODE);
      try {
        writeSync(fd, JSON.stringify(data, null, 2));
        // The rename below must not publish a file whose bytes are still only in the page cache.
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, this.path);
    } catch (error) {
      try {
        rmSync(temp, { force: true });
      } catch {
        // nothing was created (no directory, say): nothing to clean up
      }
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new Error(`Cannot write the OAuth token file '${this.path}' (${code})`);
    }
  }

  /** Reads the file, applies `change`, writes the result back, and returns it. @throws as {@link write} */
  update(change: (current: StoredAuth) => StoredAuth): StoredAuth {
    const next = change(this.read());
    this.write(next);
    return next;
  }
}

/**
 * `<server>.json`, with every character outside `[A-Za-z0-9_.-]` replaced by `_`; a name that
 * needed replacing also gets a short hash of the original, so `a/b` and `a_b` never share a file.
 */
export function tokenFileName(server: string): string {
  const safe = server.replace(/[^A-Za-z0-9_.-]/g, '_');
  if (safe === server && !server.startsWith('.')) return `${safe}.json`;
  const hash = createHash('sha256').update(server).digest('hex').slice(0, 8);
  return `${safe.replace(/^\./, '_')}-${hash}.json`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
