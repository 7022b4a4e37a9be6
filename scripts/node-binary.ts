/**
 * Node.js binaries of other majors, installed from npm (the `node` package) into the git-ignored
 * `.tools/node<major>/` on first use: CI runs the suite on the Node versions people run, and the
 * conformance CLI needs Node 22. Idempotent: present and right-versioned means nothing to do.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Thrown when a tool is missing and cannot be installed (offline, registry down, scripts blocked). */
export class ToolInstallError extends Error {
  override name = 'ToolInstallError';
}

/** The path of a Node `major` binary under `<root>/.tools/`, installed if missing. */
export function ensureNode(root: string, major: number): string {
  const prefix = join(root, '.tools', `node${major}`);
  const binary = join(prefix, 'node_modules', 'node', 'bin', 'node');
  if (nodeMajor(binary) === major) return binary;
  npmInstall(prefix, `node@${major}`);
  // The `node` package fetches the binary in a preinstall script: if npm skipped install
  // scripts, the install "succeeds" and leaves no binary behind.
  if (nodeMajor(binary) !== major) {
    throw new ToolInstallError(
      `node@${major} installed into ${prefix} but ${binary} is not a Node ${major} binary (were install scripts skipped?)`,
    );
  }
  return binary;
}

/** `npm install --prefix prefix spec`, with npm's own first error lines when it fails. */
export function npmInstall(prefix: string, spec: string): void {
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
export function nodeMajor(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const version = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000 }).trim();
    return Number(/^v(\d+)\./.exec(version)?.[1]);
  } catch {
    return undefined;
  }
}
