/** Spawns the real CLI (`node bin/hmm-check.mjs …`), as users and npm scripts do. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin', 'hmm-check.mjs');
export const FIXTURES = join(ROOT, 'test', 'cli', 'fixtures');
export const MUTEX = join(ROOT, 'specs', 'examples', 'mutex.spec.ts');

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function cli(args: readonly string[], cwd = ROOT): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix = 'hmm-check-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Copies a `.ts.txt` fixture (kept out of the project's type-check) to a temporary `.ts` file. */
export function tsFixture(name: string, dir = tempDir()): string {
  const to = join(dir, name.replace(/\.txt$/, ''));
  copyFileSync(join(FIXTURES, name), to);
  return to;
}
