/**
 * The conformance CLI and the Node it needs, installed into the git-ignored `.tools/` on first
 * use. The CLI (`@modelcontextprotocol/conformance`, pinned) requires Node 22; the client under
 * test keeps running on the machine's Node (20), so Node 22 comes from npm into its own prefix
 * and is used for the CLI only. Idempotent: present and right-versioned means nothing to do.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The pinned conformance suite; its scenario list is what expected-failures.json is written against. */
export const CONFORMANCE_VERSION = '0.1.16';
/** The Node major the CLI requires. */
const NODE_MAJOR = 22;

/** Where the two tools live once installed. */
export interface Tools {
  /** The Node 22 binary that runs the CLI. */
  node22: string;
  /** The CLI's entry script. */
  cli: string;
}

/** Thrown when a tool is missing and cannot be installed (offline, registry down, scripts blocked). */
export class ToolInstallError extends Error {
  override name = 'ToolInstallError';
}

/** Installs whatever of Node 22 and the CLI is missing under `<root>/.tools/`, and returns their paths. */
export function ensureTools(root: string): Tools {
  const node22Prefix = join(root, '.tools', 'node22');
  const cliPrefix = join(root, '.tools', 'conformance');
  const tools: Tools = {
    node22: join(node22Prefix, 'node_modules', 'node', 'bin', 'node'),
    cli: join(cliPrefix, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js'),
  };
  if (nodeMajor(tools.node22) !== NODE_MAJOR) {
    npmInstall(node22Prefix, `node@${NODE_MAJOR}`);
    const major = nodeMajor(tools.node22);
    // The `node` package fetches the binary in a preinstall script: if npm skipped install
    // scripts, the install "succeeds" and leaves no binary behind.
    if (major !== NODE_MAJOR) {
      throw new ToolInstallError(
        `node@${NODE_MAJOR} installed into ${node22Prefix} but ${tools.node22} is not a Node ${NODE_MAJOR} binary (were install scripts skipped?)`,
      );
    }
  }
  if (cliVersion(cliPrefix) !== CONFORMANCE_VERSION || !existsSync(tools.cli)) {
    npmInstall(cliPrefix, `@modelcontextprotocol/conformance@${CONFORMANCE_VERSION}`);
    if (cliVersion(cliPrefix) !== CONFORMANCE_VERSION || !existsSync(tools.cli)) {
      throw new ToolInstallError(
        `@modelcontextprotocol/conformance@${CONFORMANCE_VERSION} is still missing from ${cliPrefix} after npm install`,
      );
    }
  }
  return tools;
}

function npmInstall(prefix: string, spec: string): void {
  console.log(`installing ${spec} into ${prefix} ...`);
  try {
    execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', spec], {
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      timeout: 300_000,
    });
  } catch (error) {
    // npm's first error lines name the cause (code, then the failed request); the rest is a stack.
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    const cause = stderr
      .split('\n')
      .filter((line) => line.startsWith('npm error') && !/^npm error\s+at /.test(line))
      .slice(0, 4)
      .join('\n');
    throw new ToolInstallError(`npm install ${spec} --prefix ${prefix} failed (offline?):\n${cause || String(error)}`);
  }
}

/** The major version of the Node binary at `path`, or undefined if it is missing or does not run. */
function nodeMajor(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const version = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000 }).trim();
    return Number(/^v(\d+)\./.exec(version)?.[1]);
  } catch {
    return undefined;
  }
}

function cliVersion(prefix: string): string | undefined {
  const manifest = join(prefix, 'node_modules', '@modelcontextprotocol', 'conformance', 'package.json');
  if (!existsSync(manifest)) return undefined;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
}
