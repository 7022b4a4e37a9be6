import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../../../src/bridge/start.js';

describe("the worker's execArgv", () => {
  const boot = (argv: string[]): string[] => workerExecArgv(argv).slice(2);

  it('preloads the boot hook first, ahead of every loader of the host', () => {
    const argv = workerExecArgv(['--import', 'tsx']);
    expect(argv[0]).toBe('--import');
    expect(argv[1]).toMatch(/workers\/boot\.js$/);
    expect(argv.slice(2)).toEqual(['--import', 'tsx']);
  });

  it('keeps loaders and module-resolution flags, in both spellings', () => {
    expect(boot(['--require', './a.cjs', '-r', 'b', '--import=tsx', '--conditions', 'dev', '-C', 'x', '--loader', 'l.mjs'])).toEqual([
      '--require',
      './a.cjs',
      '-r',
      'b',
      '--import=tsx',
      '--conditions',
      'dev',
      '-C',
      'x',
      '--loader',
      'l.mjs',
    ]);
    expect(boot(['--experimental-vm-modules', '--enable-source-maps', '--no-warnings'])).toEqual([
      '--experimental-vm-modules',
      '--enable-source-maps',
      '--no-warnings',
    ]);
  });

  it('keeps the profiling flags, so that `node --cpu-prof` profiles the I/O worker too', () => {
    expect(boot(['--cpu-prof', '--cpu-prof-dir=/tmp/p', '--cpu-prof-interval', '100', '--heap-prof', '--heap-prof-dir', '/tmp/h'])).toEqual(
      ['--cpu-prof', '--cpu-prof-dir=/tmp/p', '--cpu-prof-interval', '100', '--heap-prof', '--heap-prof-dir', '/tmp/h'],
    );
  });

  it('drops what a worker refuses or must not inherit', () => {
    expect(
      boot(['--input-type=module', '--eval', 'x', '--inspect', '--max-old-space-size=100', '--experimental-default-type=module']),
    ).toEqual([]);
  });
});
