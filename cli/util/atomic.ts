/**
 * Atomic file writes: write a temporary file next to the target, flush it, then rename it over
 * the target. rename(2) within one directory is atomic, so a reader (or a later run after a
 * crash or Ctrl-C) sees either the old file or the new one, never half of one. Temporary files
 * end in `.tmp` (gitignored) and are removed when the write fails.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface AtomicWriteHooks {
  /** test hook: runs after the temporary file is complete and before the rename */
  readonly beforeRename?: (tmpPath: string) => void;
}

/** Writes `data` to `path` atomically; returns false (and touches nothing) when the file already holds exactly `data`. */
export function writeFileAtomic(path: string, data: string, hooks: AtomicWriteHooks = {}): boolean {
  try {
    if (readFileSync(path, 'utf8') === data) return false;
  } catch {
    // absent or unreadable: write it
  }
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    hooks.beforeRename?.(tmp);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return true;
}
