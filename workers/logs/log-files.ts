/**
 * Opening the hub's log files safely. A child's stderr often carries secrets, and the default log
 * directory lives in a shared temporary directory, where anyone may have created it first or
 * planted a symlink in it. So a log directory is used only if it is a real directory (not a
 * symlink) owned by this user and writable by no one else — created 0700 when missing — and a
 * log file is opened without following a symlink (`O_NOFOLLOW`), created 0600, and used only if it
 * is a regular file of this user.
 */
import { closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Open for appending; never through a symlink (0 where the platform has no O_NOFOLLOW). */
const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);
const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;

/** A log directory or file that must not be used; the message says why and what to do. */
export class UnsafeLogError extends Error {
  override name = 'UnsafeLogError';
}

/**
 * Creates `dir` (0700) if missing and checks it: a real directory of this user that not everyone
 * can write to (unless, like /tmp, it is sticky: then no one can replace our files in it, and the
 * file checks of {@link openLogFile} suffice). `ownParents` more directories above it are ones
 * mcp-sync creates itself (the default `<tmpdir>/mcp-sync-<uid>/logs`): those, and `dir` with
 * them, must be writable by this user alone.
 * @throws UnsafeLogError when a directory is a symlink, someone else's, or writable by others
 */
export function secureLogDir(dir: string, ownParents = 0): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // A directory chosen by the user may be group-writable (umask 002); ours must not be.
  for (let level = 0, path = dir; level <= ownParents; level++, path = dirname(path)) checkDir(path, ownParents > 0);
}

/** Writable by others in a way that lets them plant or replace files: group/other (`strict`), or everyone without the sticky bit. */
function openToOthers(mode: number, strict: boolean): boolean {
  if (strict) return (mode & 0o022) !== 0;
  return (mode & 0o002) !== 0 && (mode & 0o1000) === 0;
}

function checkDir(dir: string, strict: boolean): void {
  const stat = lstatSync(dir);
  if (stat.isSymbolicLink()) throw new UnsafeLogError(`the log directory ${dir} is a symlink; refusing to write logs through it`);
  if (!stat.isDirectory()) throw new UnsafeLogError(`the log directory ${dir} is not a directory`);
  if (uid !== undefined && stat.uid !== uid) {
    throw new UnsafeLogError(
      `the log directory ${dir} belongs to another user (uid ${stat.uid}); set StartOptions.logDir to a directory of your own`,
    );
  }
  if (uid !== undefined && openToOthers(stat.mode, strict)) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw new UnsafeLogError(
      `the log directory ${dir} is writable by others (mode ${mode}); run \`chmod 700 ${dir}\` or set StartOptions.logDir elsewhere`,
    );
  }
}

/**
 * Opens `path` for appending, 0600, never through a symlink; tightens a file of ours that others
 * could read. Returns the file descriptor.
 * @throws UnsafeLogError when it is a symlink, not a regular file, or someone else's
 */
export function openLogFile(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, APPEND, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP')
      throw new UnsafeLogError(`the log file ${path} is a symlink; refusing to write through it`);
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UnsafeLogError(`the log file ${path} is not a regular file`);
    if (uid !== undefined && stat.uid !== uid) throw new UnsafeLogError(`the log file ${path} belongs to another user (uid ${stat.uid})`);
    if (uid !== undefined && (stat.mode & 0o077) !== 0) fchmodSync(fd, 0o600);
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Appends `text` to `fd`; a full disk or a closed fd must not fail the caller. */
export function appendLog(fd: number, text: string): void {
  try {
    writeSync(fd, text);
  } catch {
    // a log must never break what logs
  }
}
