/**
 * Issue 15, item 2: the type-check's temporary tsconfig lives in the OS temp directory (never in
 * node_modules/.cache of the repository) and is removed after the run.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { BIN, MUTEX, ROOT, tempDir } from '../helpers.ts';

it('writes the temporary tsconfig under TMPDIR, removes it, and leaves node_modules/.cache alone', () => {
  const cache = join(ROOT, 'node_modules', '.cache', 'hmm-check');
  const before = existsSync(cache) ? readdirSync(cache).sort() : [];
  const tmp = tempDir();
  const r = spawnSync(process.execPath, [BIN, MUTEX, '--quiet', '--out', tempDir()], { encoding: 'utf8', env: { ...process.env, TMPDIR: tmp }, timeout: 120_000 });
  expect(r.status).toBe(0);
  expect(readdirSync(tmp).filter((n) => n.startsWith('hmm-check'))).toEqual([]);
  expect(existsSync(cache) ? readdirSync(cache).sort() : []).toEqual(before);
});

it('a type error is still found with the temporary tsconfig in TMPDIR', () => {
  const tmp = tempDir();
  const spec = join(tempDir(), 'typo.spec.ts');
  // the documented fixture with a type error
  const src = join(ROOT, 'test', 'cli', 'fixtures', 'type-error.spec.ts.txt');
  spawnSync('cp', [src, spec]);
  const r = spawnSync(process.execPath, [BIN, spec, '--quiet', '--out', tempDir()], { encoding: 'utf8', env: { ...process.env, TMPDIR: tmp }, timeout: 120_000 });
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/typo\.spec\.ts does not type-check: .*TS\d+/);
  expect(readdirSync(tmp).filter((n) => n.startsWith('hmm-check'))).toEqual([]);
});
