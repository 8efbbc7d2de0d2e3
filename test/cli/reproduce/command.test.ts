import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT, tempDir } from '../helpers.ts';

const F2 = 'counterexamples/hmm-dmirror/migrate-vs-device-read/s3-no-use-after-free.itf.json';
const F8 = 'counterexamples/hmm-dmirror/two-fds-one-device-migrate/s3-no-use-after-free.itf.json';

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

  it('--emit-only translates F8\'s trace (one device opened twice): each op names the file it goes through', () => {
    const out = tempDir();
    const r = cli(['reproduce', F8, '--emit-only', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('mirror0.t0: HMM_DMIRROR_MIGRATE_TO_DEV on /dev/hmm_dmirror0 through its open file 0, page 0 (trace steps 1–15)');
    expect(r.stdout).toContain('mirror1.t1: HMM_DMIRROR_READ on /dev/hmm_dmirror0 through its open file 1, page 0 (trace steps 5–18)');
    expect(readFileSync(join(out, 'repro.c'), 'utf8')).toContain('open_fds(NFDS, (const int[]){ 0, 0 });');
  });

  it('a tampered F8 trace (an fd out of range, file records that change) exits 2 with one paragraph and writes no C', () => {
    const doc = JSON.parse(readFileSync(join(ROOT, F8), 'utf8')) as { states: { '#meta': { action?: string; actor?: string }; device: Record<string, unknown>[] }[] };
    const dir = tempDir();
    const outOfRange = structuredClone(doc);
    for (const s of outOfRange.states) s.device.pop();
    const changing = structuredClone(doc);
    changing.states[9]!.device[1]!['of_device'] = { '#bigint': '1' };
    for (const [name, d, msg] of [['range.itf.json', outOfRange, /fd 1 is out of range/], ['changing.itf.json', changing, /open-file records of state 9 differ/]] as const) {
      writeFileSync(join(dir, name), JSON.stringify(d));
      const out = join(dir, `out-${name}`);
      const r = cli(['reproduce', join(dir, name), '--emit-only', '--out', out]);
      expect(r.code, name).toBe(2);
      oneParagraph(r.stderr);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).toContain(name);
      expect(existsSync(join(out, 'repro.c')), name).toBe(false);
    }
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
