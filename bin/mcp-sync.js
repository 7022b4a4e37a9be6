#!/usr/bin/env node
// The `mcp-sync` command (package.json "bin"): runs the built CLI, dist/src/cli.js. A launcher
// rather than the built file itself, so the command is executable straight from a checkout (git
// keeps this file's mode) without a chmod after every build. In a checkout: `npm run build` first.
await import('../dist/src/cli.js');
