/**
 * File-system failures are the disk's or the path's fault, not the spec's: a DiskError names the
 * path, says what the system said (ENOSPC, EROFS, …) and how to get past it.
 */
import { CheckerError } from '../../checker/errors.ts';
import { display } from '../paths.ts';

export class DiskError extends CheckerError {
  override name = 'DiskError';
  readonly code: string | undefined;
  constructor(message: string, hint: string, code: string | undefined) {
    super(message, hint);
    this.code = code;
  }
}

const CAUSES: Readonly<Record<string, { readonly what: string; readonly fix: string }>> = {
  ENOSPC: { what: 'no space left on the device', fix: 'free space on that disk, or pass --out DIR on another one' },
  EDQUOT: { what: 'disk quota exceeded', fix: 'free space within your quota, or pass --out DIR elsewhere' },
  EROFS: { what: 'the file system is read-only', fix: 'pass --out DIR on a writable disk' },
  EACCES: { what: 'permission denied', fix: 'make the directory writable for this user, or pass --out DIR elsewhere' },
  EPERM: { what: 'operation not permitted', fix: 'make the directory writable for this user, or pass --out DIR elsewhere' },
  ENOTDIR: { what: 'a part of the path is a file, not a directory', fix: 'remove or rename that file, or pass --out DIR elsewhere' },
  EISDIR: { what: 'the path is a directory', fix: 'remove that directory, or pass --out DIR elsewhere' },
  ENAMETOOLONG: { what: 'the file name is too long for the file system', fix: 'use shorter spec, config and property names, or a shorter --out DIR' },
  EIO: { what: 'input/output error from the device', fix: 'check the disk (dmesg), or pass --out DIR on another one' },
  EMFILE: { what: 'too many open files', fix: 'raise the open-file limit (ulimit -n)' },
  ENFILE: { what: 'too many open files in the system', fix: 'close other programs or raise the system limit' },
  ELOOP: { what: 'too many symbolic links in the path', fix: 'fix the symbolic links in that path' },
};

export function errnoCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** Wraps a file-system error of `action` on `path`; anything else (a bug) passes through unchanged. */
export function diskError(e: unknown, action: 'write' | 'remove' | 'read' | 'create', path: string): unknown {
  if (e instanceof DiskError) return e;
  const code = errnoCode(e);
  if (code === undefined) return e;
  const cause = CAUSES[code];
  const err = new DiskError(
    `cannot ${action} ${display(path)}: ${cause?.what ?? (e as Error).message} (${code}); nothing was half-written`,
    cause?.fix ?? 'check that path and its disk, or pass --out DIR elsewhere',
    code,
  );
  if (e instanceof Error && e.stack) err.stack = `${err.name}: ${err.message}\ncaused by ${e.stack}`;
  return err;
}
