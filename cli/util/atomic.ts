/**
 * Atomic file writes. Each file is written in full to a temporary next to its target (every byte
 * counted, then fsync), and only when every temporary of the group is complete are they renamed
 * over their targets. rename(2) within one directory is atomic, so a reader (or a later run after
 * a crash, a kill or Ctrl-C) sees the old file or the new one, never half of one.
 *
 * A group (the three files of a counterexample) is a two-phase commit: once all temporaries are
 * on disk a commit marker is written, then the renames run, then the marker goes. A run killed
 * between the renames leaves the marker, and the next run rolls the group forward; a run killed
 * before the marker leaves only temporaries, which the next run deletes (recoverTemporaries).
 * Temporaries and markers end in `.tmp` (gitignored). Any failure removes this group's
 * temporaries and throws a DiskError naming the path and the cause.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { diskError } from './disk-error.ts';

export interface AtomicWriteHooks {
  /** test hook: runs after every temporary file is complete and before the first rename */
  readonly beforeRename?: (tmpPaths: readonly string[]) => void;
  /** test hook: runs after each rename of a group */
  readonly afterRename?: (path: string) => void;
  /** test hook: stands in for writeSync (returns the bytes it wrote, like writeSync) */
  readonly write?: (fd: number, buf: Uint8Array, off: number, len: number) => number;
}

export interface FileContent {
  readonly path: string;
  readonly data: string;
}

/** `<pid>x<random>`: names the writing process (for stale-temporary recovery) and the group. */
export function newToken(): string {
  return `${process.pid}x${randomBytes(4).toString('hex')}`;
}

export const tmpPathOf = (path: string, token: string): string => `${path}.${token}.tmp`;
export const markerPathOf = (dir: string, token: string): string => join(dir, `.${token}.commit.tmp`);

function unchanged(path: string, data: string): boolean {
  try {
    return readFileSync(path, 'utf8') === data;
  } catch {
    return false;
  }
}

/** Writes all of `buf` to a new file and flushes it; a short write is retried, a zero-byte one is a full disk. */
function writeComplete(path: string, buf: Uint8Array, hooks: AtomicWriteHooks): void {
  const fd = openSync(path, 'wx');
  try {
    let done = 0;
    while (done < buf.length) {
      const n = hooks.write ? hooks.write(fd, buf, done, buf.length - done) : writeSync(fd, buf, done, buf.length - done);
      if (!(n > 0)) {
        throw Object.assign(new Error(`wrote ${done} of ${buf.length} bytes`), { code: 'ENOSPC' });
      }
      done += n;
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes every file of the group, all or nothing. Returns the paths whose content changed
 * (identical files are not touched).
 */
export function writeFilesAtomic(files: readonly FileContent[], hooks: AtomicWriteHooks = {}): string[] {
  const todo = files.filter((f) => !unchanged(f.path, f.data));
  if (todo.length === 0) return [];
  const token = newToken();
  const temps: string[] = [];
  let marker: string | undefined;
  let current = todo[0]!.path;
  try {
    for (const f of todo) {
      current = f.path;
      mkdirSync(dirname(f.path), { recursive: true });
      const tmp = tmpPathOf(f.path, token);
      temps.push(tmp);
      writeComplete(tmp, Buffer.from(f.data, 'utf8'), hooks);
    }
    hooks.beforeRename?.(temps);
    const dirs = new Set(todo.map((f) => dirname(f.path)));
    if (todo.length > 1 && dirs.size === 1) {
      // the commit marker: from here on the group is rolled forward, never back
      marker = current = markerPathOf(dirname(todo[0]!.path), token);
      writeComplete(marker, Buffer.from(JSON.stringify(todo.map((f) => basename(f.path))), 'utf8'), hooks);
    }
    for (const f of todo) {
      current = f.path;
      renameSync(tmpPathOf(f.path, token), f.path);
      hooks.afterRename?.(f.path);
    }
    if (marker !== undefined) rmSync(marker, { force: true });
  } catch (e) {
    for (const t of temps) rmSync(t, { force: true });
    if (marker !== undefined) rmSync(marker, { force: true });
    throw diskError(e, 'write', current);
  }
  return todo.map((f) => f.path);
}

/** Writes `data` to `path` atomically; returns false (and touches nothing) when the file already holds exactly `data`. */
export function writeFileAtomic(path: string, data: string, hooks: AtomicWriteHooks = {}): boolean {
  return writeFilesAtomic([{ path, data }], hooks).length > 0;
}

/** Removes files, blaming the disk (not the spec) when it refuses. */
export function removeFiles(paths: readonly string[]): void {
  for (const p of paths) {
    try {
      rmSync(p, { force: true });
    } catch (e) {
      throw diskError(e, 'remove', p);
    }
  }
}
