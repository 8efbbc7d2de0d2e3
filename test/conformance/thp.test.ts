/**
 * hmm-tests.c, transparent huge pages (section d #8, #29–#37). The scaled model has 2-page
 * "PMD" units (an aligned page pair mapped by one huge entry: order reported as
 * HMM_DMIRROR_PROT_PMD, split by partial operations). With features.deviceThp (the kernel these
 * tests come from, 2025) migration moves a whole THP to a compound device page mapped by a
 * device-private PMD and back (MIGRATE_VMA_SELECT_COMPOUND), falling back to 4 KiB pages when
 * the compound allocation fails (HMM_DMIRROR_FLAG_FAIL_ALLOC).
 */
import { describe, expect } from 'vitest';
import { Session, PROT } from '../../model/hmm/selftest/index.ts';
import {
  PTE_ZERO, PF_HUGE,
} from '../../model/hmm/index.ts';
import { HMM_DMIRROR_FLAG_FAIL_ALLOC } from '../../model/hmm/config.ts';
import { selftest } from './selftest.ts';
import { view } from '../model/hmm/state/view-helper.ts';

const fill = (n: number, v: number): number[] => Array.from({ length: n }, () => v);

describe('hmm-tests.c: THP', () => {
  selftest(8, 'hmm', 'anon_write_huge', (v) => {
    const p = new Session({ ...v.session, features: { deviceThp: true }, pages: 4, mapping: 'thp' });
    expect(p.dev(0).write(0, 4)).toMatchObject({ rc: 0, cpages: 4, faults: 1 });
    expect(p.read(0, 4).data).toEqual(fill(4, 1));
    const L = p.model.ctx.L;
    for (let a = 0; a < 4; a++) expect(view(p, p.state).mm(0).pte(a).flags & PF_HUGE).toBe(PF_HUGE); // PMD-mapped
  });

  selftest(29, 'hmm', 'migrate_anon_huge_empty', (v) => {
    const p = new Session({ ...v.session, features: { deviceThp: true }, pages: 2, mapping: 'thp', prot: 'read' });
    expect(p.dev(0).migrateToDev(0, 2)).toMatchObject({ rc: 0, cpages: 2, data: [0, 0] });
  });

  selftest(30, 'hmm', 'migrate_anon_huge_zero', (v) => {
    const p = new Session({ ...v.session, features: { deviceThp: true }, pages: 2, mapping: 'thp', prot: 'read' });
    expect(p.read(0).data).toEqual([0]); // maps the huge zero page
    const L = p.model.ctx.L;
    expect(view(p, p.state).mm(0).pte(1).kind).toBe(PTE_ZERO);
    expect(view(p, p.state).mm(0).pte(1).flags & PF_HUGE).toBe(PF_HUGE);
    expect(p.dev(0).migrateToDev(0, 2)).toMatchObject({ rc: 0, cpages: 2, data: [0, 0] });
    expect(p.read(0, 2)).toEqual({ rc: 0, data: [0, 0] });
  });

  selftest(31, 'hmm', 'migrate_anon_huge_free', (v) => {
    const p = new Session({ ...v.session, features: { deviceThp: true }, pages: 2, mapping: 'thp' });
    p.write(0, 2);
    expect(p.dev(0).migrateToDev(0, 2)).toMatchObject({ rc: 0, cpages: 2, data: [1, 1] });
    expect(p.madvFree(0, 2)).toBe(0);
  });

  selftest(32, 'hmm', 'migrate_anon_huge_fault', (v) => {
    const p = new Session({ ...v.session, features: { deviceThp: true }, pages: 2, mapping: 'thp' });
    p.write(0, 2); // (MADV_COLLAPSE: the write fault already mapped a PMD)
    expect(p.dev(0).migrateToDev(0, 2)).toMatchObject({ rc: 0, cpages: 2, data: [1, 1] });
    // (the pagemap check — PM_SWAP set, not present — goes with the snapshot: private only)
    if (!v.coherent) expect(p.dev(0).snapshot(0, 2).data).toEqual(fill(2, PROT.DEV_PRIVATE_LOCAL | PROT.WRITE | PROT.PMD));
    expect(p.read(0, 2)).toEqual({ rc: 0, data: [1, 1] });
  });

  selftest(33, 'hmm', 'migrate_partial_unmap_fault', (v) => {
    // the PMD-sized region is scaled to 4 pages (two huge units) so that the offsets 0, 1/4 and
    // 1/2 of the region land on page boundaries; half of it is unmapped
    for (const mapping of ['anon', 'thp'] as const) {
      for (const off of [0, 1, 2]) {
        const p = new Session({ ...v.session, features: { deviceThp: true }, pages: 4, mapping });
        p.write(0, 4);
        expect(p.dev(0).migrateToDev(0, 4)).toMatchObject({ rc: 0, cpages: 4, data: fill(4, 1) });
        expect(p.munmap(off, 2)).toBe(0);
        for (let a = 0; a < 4; a++) if (a < off || a >= off + 2) expect(p.read(a).data).toEqual([1]);
      }
    }
  });

  selftest(34, 'hmm', 'migrate_remap_fault', (v) => {
    // {mremap before/after the migration} × {MREMAP_DONTUNMAP or not} × {THP or not} × offsets
    // 0, 1/4, 1/2 of the region: the 2-page region moves into the 4-page hole after it
    for (const before of [false, true]) {
      for (const dontUnmap of [false, true]) {
        for (const mapping of ['anon', 'thp'] as const) {
          for (const off of [0, 1, 2]) {
            const p = new Session({ ...v.session, features: { deviceThp: true }, pages: 8, mapping, initial: ['none', 'none', 'hole', 'hole', 'hole', 'hole', 'hole', 'hole'] });
            p.write(0, 2);
            const to = 2 + off;
            let at = 0;
            if (before) {
              expect(p.mremap(0, 2, to, dontUnmap)).toBe(0);
              at = to;
            }
            expect(p.dev(0).migrateToDev(at, 2)).toMatchObject({ rc: 0, cpages: 2, data: [1, 1] });
            if (!before) {
              expect(p.mremap(0, 2, to, dontUnmap)).toBe(0);
              at = to;
            }
            expect(p.read(at, 2)).toEqual({ rc: 0, data: [1, 1] });
          }
        }
      }
    }
  });

  selftest(35, 'hmm', 'migrate_anon_huge_err', (v) => {
    const thp = { ...v.session, features: { deviceThp: true }, pages: 2, mapping: 'thp' } as const;
    let p = new Session(thp);
    p.write(0, 2);
    // migrate to the device, but the THP device allocation fails: 4 KiB device pages instead
    expect(p.dev(0).flags(HMM_DMIRROR_FLAG_FAIL_ALLOC).rc).toBe(0);
    expect(p.dev(0).migrateToDev(0, 2)).toMatchObject({ rc: 0, cpages: 2, data: [1, 1] });
    expect(p.read(1).data).toEqual([1]); // fault back a single (PAGE_SIZE) page: ptr[2048]
    // unmap and remap the region to reset things (a fresh mapping)
    p = new Session(thp);
    p.write(0, 2);
    expect(p.dev(0).migrateToDev(0, 2)).toMatchObject({ rc: 0, cpages: 2 }); // a whole THP
    // the allocation error now hits the way back: 4 KiB system pages, the device THP is split
    expect(p.dev(0).flags(HMM_DMIRROR_FLAG_FAIL_ALLOC).rc).toBe(0);
    expect(p.dev(0).migrateToSys(0, 2).rc).toBe(0);
    expect(p.read(1).data).toEqual([1]);
  });

  selftest(36, 'hmm', 'migrate_anon_huge_zero_err', (v) => {
    const thp = { ...v.session, features: { deviceThp: true }, pages: 2, mapping: 'thp', prot: 'read' } as const;
    let p = new Session(thp);
    expect(p.dev(0).flags(HMM_DMIRROR_FLAG_FAIL_ALLOC).rc).toBe(0);
    expect(p.dev(0).migrateToDev(0, 2)).toMatchObject({ rc: 0, cpages: 2, data: [0, 0] });
    expect(p.read(1).data).toEqual([0]);
    p = new Session(thp);
    expect(p.read(0).data).toEqual([0]); // the huge zero page
    expect(p.dev(0).flags(HMM_DMIRROR_FLAG_FAIL_ALLOC).rc).toBe(0);
    expect(p.dev(0).migrateToDev(0, 2)).toMatchObject({ rc: 0, cpages: 2 });
    expect(p.read(0, 2).data).toEqual([0, 0]);
  });

  selftest(37, 'hmm', 'benchmark_thp_migration', (v) => {
    // sizes {1/2, 1, 2} huge units, with and without THP, a warm-up and 2 iterations of
    // sys→dev and dev→sys: every migration returns 0 (timings are not modelled)
    for (const npages of [1, 2, 4]) {
      for (const mapping of ['thp', 'anon'] as const) {
        const p = new Session({ ...v.session, features: { deviceThp: true }, pages: npages, mapping });
        p.write(0, npages);
        for (let i = 0; i < 3; i++) { // a warm-up and 2 iterations
          expect(p.dev(0).migrateToDev(0, npages).rc).toBe(0);
          expect(p.dev(0).migrateToSys(0, npages).rc).toBe(0);
        }
      }
    }
  });
});
