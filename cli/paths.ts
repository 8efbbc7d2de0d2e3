/** Where things are: the repository root (for specs/ and the `hmm-check` import), and display paths. */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/[\\/]$/, '');

export function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** A path as the user should see it: relative to the current directory when inside it. */
export function display(p: string, cwd = process.cwd()): string {
  const r = relative(cwd, p);
  return r === '' ? '.' : r.startsWith('..') || isAbsolute(r) ? p : r;
}

/** POSIX-style relative path from directory `fromDir` to `to` (stable across OSes in files we commit). */
export function posixRelative(fromDir: string, to: string): string {
  return relative(fromDir, to).split(sep).join('/');
}

export function isInside(dir: string, p: string): boolean {
  const r = relative(dir, p);
  return r !== '' && !r.startsWith('..') && !isAbsolute(r);
}
