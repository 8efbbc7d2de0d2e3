import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.ts';

const F2 = 'counterexamples/hmm-dmirror/migrate-vs-device-read/s3-no-use-after-free.itf.json';

function oneParagraph(stderr: string): void {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^hmm-check: error: /);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('hmm-check reproduce (no VM)', () => {
  it('--emit-only writes the C program with the headers it includes and lists the operations', () => {
    const out = tempDir();
    const r = cli(['reproduce', F2, '--emit-only', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('dev0.t1: HMM_DMIRROR_READ on /dev/hmm_dmirror0, page 0 (trace steps 4–17)');
    for (const f of ['repro.c', 'repro.h', 'dmirror-uapi.h']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'repro.c'), 'utf8')).toContain('op_migrate_to_dev(0, 0, 1);');
  });

  it('bad input exits 2 with one paragraph: another spec, the reference driver, a missing file, a bad budget', () => {
    const out = tempDir();
    for (const args of [
      ['counterexamples/mutex/check-then-set/mutual-exclusion.itf.json'],
      ['counterexamples/hmm-reference/dontneed-vs-migrate/s3-no-use-after-free.itf.json'],
      ['counterexamples/hmm-dmirror/release-vs-fault-back/s3-no-use-after-free.itf.json'],
      ['no/such/trace.itf.json'],
      [F2, '--budget', 'soon'],
      [F2, F2],
    ]) {
      const r = cli(['reproduce', ...args, '--emit-only', '--out', out]);
      expect(r.code, args.join(' ')).toBe(2);
      oneParagraph(r.stderr);
    }
  });
});

describe('hmm-check kernel (argument checks only: no VM)', () => {
  it('--help exits 0 and says what it does; a bad option or budget exits 2 before anything is installed or built', () => {
    const h = cli(['kernel', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/kernel-results\.json/);
    for (const args of [['--budget', '0'], ['--selftest-timeout', 'long'], ['--frobnicate']]) {
      const r = cli(['kernel', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      oneParagraph(r.stderr);
    }
  });
});
