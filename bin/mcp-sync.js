#!/usr/bin/env node
// The `mcp-sync` command (package.json "bin"): runs the built CLI, dist/src/cli/main.js. A launcher
// rather than the built file itself, so the command is executable straight from a checkout (git
// keeps this file's mode) without a chmod after every build.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(cli)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(
    `mcp-sync: error: the CLI is not built yet (${fileURLToPath(cli)} is missing)\n` +
      `  → Build it: cd ${root} && npm install && npm run build\n`,
  );
  process.exit(1);
}
await import(cli.href);
