/**
 * Where kernels are built and cached: ~/.cache/hmm-check/kernel/ (HMM_CHECK_CACHE overrides),
 * outside the repository. A build directory is named by a hash of the config fragment and the
 * source's identity, so it is rebuilt exactly when either changes.
 */
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DEBIAN_TARBALL = '/usr/src/linux-source-6.1.tar.xz';

export function cacheRoot(): string {
  return process.env['HMM_CHECK_CACHE'] ?? join(homedir(), '.cache', 'hmm-check', 'kernel');
}

const short = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

/** The Debian tarball's identity: path, size and modification time (a new package version changes them). */
export function tarballKey(path = DEBIAN_TARBALL): string {
  const st = statSync(path);
  return `${path}:${st.size}:${Math.floor(st.mtimeMs)}`;
}

export function sourceDirFor(tarKey: string): string {
  return join(cacheRoot(), `src-${short(tarKey)}`);
}

/** A tree given with --source: its real path and the version its Makefile declares. */
export function treeKey(dir: string): string {
  const mk = readFileSync(join(dir, 'Makefile'), 'utf8');
  const v = ['VERSION', 'PATCHLEVEL', 'SUBLEVEL'].map((k) => new RegExp(`^${k} = (\\S*)`, 'm').exec(mk)?.[1] ?? '?').join('.');
  return `${realpathSync(dir)}@${v}`;
}

export function buildKey(fragment: string, source: string): string {
  return short(`${fragment}\0${source}`);
}

export function buildDirFor(key: string): string {
  return join(cacheRoot(), key);
}
