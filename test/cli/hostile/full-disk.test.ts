/**
 * Issue 15, items 1 and 9, on a real file system: a full disk (a small tmpfs mounted for the test)
 * and a read-only one never get a truncated counterexample, never lose the good one already there,
 * leave no temporary, and exit 2 with one paragraph blaming the disk and naming the path, not the
 * spec. Mounting needs root, which CI has (it runs as root on a fresh clone); without it this
 * test fails and says so rather than skipping.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, MUTEX, tempDir } from '../helpers.ts';

let mnt = '';

function mount(options: string): void {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', mnt], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(
      `cannot mount a tmpfs at ${mnt} (${(e as Error).message.split('\n')[0]}): this test needs root (CI runs as root); it does not skip, since a full disk must be tested on a real file system`,
    );
  }
}

function unmount(): void {
  try {
    execFileSync('umount', [mnt], { stdio: 'pipe' });
  } catch {
    // not mounted
  }
}

const FILES = ['mutual-exclusion.itf.json', 'mutual-exclusion.md', 'mutual-exclusion.mmd'];

/** Good counterexample files from an earlier run, standing in for evidence that must not be lost. */
function seedGoodFiles(): string {
  const dir = join(mnt, 'mutex', 'check-then-set');
  mkdirSync(dir, { recursive: true });
  for (const f of FILES) writeFileSync(join(dir, f), `GOOD ${f}\n`);
  return dir;
}

/** Fills the file system up to its last page, then frees one page (4 KiB): a disk that runs out mid-run. */
function fillDisk(): void {
  const page = Buffer.alloc(4096, 120);
  let i = 0;
  for (;;) {
    try {
      writeFileSync(join(mnt, `filler-${i}`), page);
      i++;
    } catch (e) {
      expect((e as { code?: string }).code).toBe('ENOSPC');
      break;
    }
  }
  expect(i).toBeGreaterThan(0);
  rmSync(join(mnt, `filler-${i - 1}`));
  rmSync(join(mnt, `filler-${i}`), { force: true });
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
}

function expectDiskParagraph(stderr: string, code: string): void {
  expect(stderr).toContain(`(${code})`);
  expect(stderr).toContain(mnt);
  expect(stderr).not.toMatch(/successors\(\)|fix the spec|mutex\.spec\.ts/);
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr.trim().split('\n').filter((l) => l.startsWith('hmm-check: error'))).toHaveLength(1);
}

describe('a full or read-only disk', () => {
  beforeAll(() => {
    mnt = tempDir('hmm-check-disk-');
  });
  afterAll(() => {
    unmount();
  });

  it('full: exit 2 blaming the disk; the good counterexample stays whole; no temporary', () => {
    mount('size=256k');
    try {
      const dir = seedGoodFiles();
      fillDisk();
      const r = cli([MUTEX, '--config', 'check-then-set', '--quiet', '--out', mnt]);
      expect(r.code).toBe(2);
      expectDiskParagraph(r.stderr, 'ENOSPC');
      expect(r.stderr).toContain('no space left on the device');
      for (const f of FILES) expect(readFileSync(join(dir, f), 'utf8')).toBe(`GOOD ${f}\n`);
      expect(allFiles(mnt).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    } finally {
      unmount();
    }
  });

  it('full from the start, nothing there before: no file at all, not a truncated one', () => {
    mount('size=64k');
    try {
      fillDisk();
      const r = cli([MUTEX, '--config', 'check-then-set', '--quiet', '--out', mnt]);
      expect(r.code).toBe(2);
      expectDiskParagraph(r.stderr, 'ENOSPC');
      expect(allFiles(mnt).filter((n) => !n.startsWith('filler-'))).toEqual([]);
    } finally {
      unmount();
    }
  });

  it('read-only: exit 2 blaming the disk; the good counterexample stays', () => {
    mount('size=256k');
    try {
      const dir = seedGoodFiles();
      execFileSync('mount', ['-o', 'remount,ro', mnt]);
      const r = cli([MUTEX, '--config', 'check-then-set', '--quiet', '--out', mnt]);
      expect(r.code).toBe(2);
      expectDiskParagraph(r.stderr, 'EROFS');
      expect(r.stderr).toContain('read-only');
      for (const f of FILES) expect(readFileSync(join(dir, f), 'utf8')).toBe(`GOOD ${f}\n`);
    } finally {
      unmount();
    }
  });
});

describe('a bad --out path', () => {
  it('ENOTDIR: a file where a directory should be', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'plain-file'), 'x');
    const out = join(dir, 'plain-file', 'sub');
    const r = cli([MUTEX, '--config', 'check-then-set', '--quiet', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(ENOTDIR)');
    expect(r.stderr).toContain(join(dir, 'plain-file'));
    expect(r.stderr).not.toMatch(/fix the spec|\n\s+at /);
  });

  it('ENAMETOOLONG: a directory name longer than the file system allows', () => {
    const out = join(tempDir(), 'd'.repeat(300));
    const r = cli([MUTEX, '--config', 'check-then-set', '--quiet', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(ENAMETOOLONG)');
    expect(r.stderr).not.toMatch(/fix the spec|\n\s+at /);
  });
});
