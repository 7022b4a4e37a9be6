/**
 * This package's name and version, read once from its package.json — the one source for what
 * `mcp-sync -v` prints and what the worker tells servers in `initialize` (clientInfo).
 */
import { readFileSync } from 'node:fs';

/** Looks upward from this file (it sits deeper under dist/ than under src/) for mcp-sync's package.json. */
function readPackage(): { name: string; version: string } {
  for (let up = '../', level = 0; level < 5; up += '../', level++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(`${up}package.json`, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'mcp-sync' && typeof pkg.version === 'string') return { name: pkg.name, version: pkg.version };
    } catch {
      // not here: one level up
    }
  }
  return { name: 'mcp-sync', version: '0.0.0' };
}

export const PACKAGE_INFO: Readonly<{ name: string; version: string }> = readPackage();
