/**
 * HMM_DMIRROR_EXCLUSIVE / CHECK_EXCLUSIVE: make_device_exclusive (mm/rmap.c) and lib/test_hmm.c
 * dmirror_exclusive → dmirror_atomic_map, dmirror_check_atomic.
 */
import { describe, expect, it } from 'vitest';
import {
  PC, PTE_PRESENT, PTE_DEVEXCL, PF_W, PF_HUGE, EFAULT, EOPNOTSUPP, EPERM, EV_EXCLUSIVE, R_I_EV, R_I_OWNER, DPT_ATOMIC, pgOff, PG_FLAGS, type HmmConfig,
} from './internals.ts';
import {
  model, init, step, steps, stepA, enabled, runUntil, runTo, runToReq, pte, frame, result, readers, reg, pc, dpt, devLock, tlb,
} from './helpers.ts';

const cfg = (c: Partial<HmmConfig>): HmmConfig => ({ driver: 'dmirror', pages: 1, frames: 2, initial: ['rw'], dev: [{ ops: [{ op: 'exclusive', page: 0 }] }], ...c });

describe('make_device_exclusive (mm/rmap.c) from dmirror_exclusive', () => {
  it('enabled after mmap_read_lock: effect on a present writable page, folio locked + GUP reference, MMU_NOTIFY_EXCLUSIVE (owner NULL)', () => {
    const m = model(cfg({}));
    let s = step(m, init(m), 0, 'mmap_read_lock');
    expect(readers(m, s)).toBe(1);
    const x = stepA(m, s, 0, 'make_device_exclusive');
    s = x.n;
    expect(x.a.info).toBe(0);
    expect(frame(m, s, 2)).toMatchObject({ lock: 1, ref: 2 });
    expect(reg(m, s, 0, R_I_EV)).toBe(EV_EXCLUSIVE);
    expect(reg(m, s, 0, R_I_OWNER)).toBe(0);
  });
  it('effect a page that is not present+writable: GUP(FOLL_WRITE) faults it first (handle_mm_fault write), then retries', () => {
    const m = model(cfg({ initial: ['zero'] }));
    const x = stepA(m, step(m, init(m), 0, 'mmap_read_lock'), 0, 'make_device_exclusive');
    expect(x.a.info).toBe(1);
    expect(enabled(m, x.n, 0)).toEqual(['wp_page_copy']);
  });
  it('effect a hole: -EFAULT, mmap_lock released, the ioctl returns -EFAULT', () => {
    const m = model(cfg({ initial: ['hole'] }));
    const x = stepA(m, step(m, init(m), 0, 'mmap_read_lock'), 0, 'make_device_exclusive');
    expect(x.a.info).toBe(EFAULT);
    expect(result(m, x.n, 0).ret).toBe(EFAULT);
    expect(readers(m, x.n)).toBe(0);
  });
  it('effect a read-only VMA: the FOLL_WRITE fault fails → -EFAULT', () => {
    const m = model(cfg({ initial: ['ro'], prot: 'read' }));
    const s = runUntil(m, init(m), 0, PC.done);
    expect(result(m, s, 0).ret).toBe(EFAULT);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_PRESENT);
  });
  // mm/rmap.c make_device_exclusive: `if (!folio_test_anon(folio) || folio_test_hugetlb(folio))
  // return ERR_PTR(-EOPNOTSUPP)` (6.1: folio_make_device_exclusive returns false for the same)
  it('effect a hugetlb entry: -EOPNOTSUPP, the huge entry is neither split nor converted, no invalidation, no lock, no reference', () => {
    const m = model(cfg({ mapping: 'hugetlb', pages: 2, frames: 3, initial: ['rw', 'rw'] }));
    const x = stepA(m, step(m, init(m), 0, 'mmap_read_lock'), 0, 'make_device_exclusive');
    expect(x.a.info).toBe(EOPNOTSUPP);
    for (const a of [0, 1]) expect(pte(m, x.n, 0, a)).toMatchObject({ kind: PTE_PRESENT, flags: PF_W | 2 | PF_HUGE });
    expect(frame(m, x.n, 2)).toMatchObject({ lock: 0, ref: 1 });
    expect(readers(m, x.n)).toBe(0);
    expect(pc(m, x.n, 0)).toBe(PC.done);
    expect(result(m, x.n, 0).ret).toBe(EOPNOTSUPP);
  });
  it('effect a hugetlb page faulted in by GUP(FOLL_WRITE) (hugetlb_fault) is refused the same way', () => {
    const m = model(cfg({ mapping: 'hugetlb', pages: 2, frames: 3, initial: ['none', 'none'] }));
    const s = runUntil(m, init(m), 0, PC.done);
    expect(result(m, s, 0).ret).toBe(EOPNOTSUPP);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT });
    expect(pte(m, s, 0, 0).flags & PF_HUGE).toBe(PF_HUGE);
  });
  it('effect a shared (shmem) page is not anonymous: -EOPNOTSUPP, the PTE stays', () => {
    const m = model(cfg({ mapping: 'shared' }));
    const s = runUntil(m, init(m), 0, PC.done);
    expect(result(m, s, 0).ret).toBe(EOPNOTSUPP);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_PRESENT);
  });
  it('not enabled while the folio is locked (folio_lock sleeps), e.g. by reclaim', () => {
    const m = model(cfg({ features: { reclaim: true } }));
    let s = step(m, init(m), 1, 'try_to_unmap');
    s = step(m, s, 0, 'mmap_read_lock');
    expect(enabled(m, s, 0)).toEqual([]);
  });
});

describe('make_device_exclusive_convert (make_device_exclusive inside the invalidation)', () => {
  it('effect the PTE still maps the folio writable: ptep_clear_flush → device-exclusive entry (write kept), dirty → folio', () => {
    const m = model(cfg({ cpu: [{ ops: [{ op: 'read', page: 0 }] }], dev: [{ ops: [{ op: 'exclusive', page: 0 }] }] }));
    let s = step(m, init(m), 0, 'cpu_access');
    expect(tlb(m, s, 0, 0)).not.toBe(0);
    s = runTo(m, s, 1, 'make_device_exclusive_convert');
    s = step(m, s, 1, 'make_device_exclusive_convert');
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_DEVEXCL, val: 2, flags: PF_W });
    expect(frame(m, s, 2).dirty).toBe(1);
    expect(tlb(m, s, 0, 0)).toBe(0);
  });
  it('effect the PTE changed meanwhile (raced): invalidate_range_end, folio_unlock + folio_put, and make_device_exclusive again', () => {
    const m = model(cfg({ features: { ksm: true } }));
    let s = runTo(m, init(m), 0, 'make_device_exclusive_convert');
    // write-protect the PTE by hand (as KSM would after the folio lock is dropped) to break the check
    const t = s.slice();
    t[pgOff(m.ctx.L, 0, 0) + PG_FLAGS] = 0; // not writable any more
    s = step(m, t, 0, 'make_device_exclusive_convert');
    expect(frame(m, s, 2)).toMatchObject({ lock: 0, ref: 1 });
    expect(pte(m, s, 0, 0).kind).toBe(PTE_PRESENT);
    s = step(m, s, 0, 'mmu_notifier_invalidate_range_end');
    expect(pc(m, s, 0)).toBe(PC.make_device_exclusive);
  });
});

describe('dmirror_atomic_map (lib/test_hmm.c) + folio_unlock/folio_put in dmirror_exclusive', () => {
  it('effect xa_store with DPT_XA_TAG_ATOMIC under the mutex; the folio is unlocked and the GUP reference dropped', () => {
    const m = model(cfg({}));
    const s = step(m, runTo(m, init(m), 0, 'dmirror_atomic_map'), 0, 'dmirror_atomic_map');
    expect(dpt(m, s, 0, 0)).toBe((2 << 2) | DPT_ATOMIC);
    expect(frame(m, s, 2)).toMatchObject({ lock: 0, ref: 1 });
    expect(readers(m, s)).toBe(0);
    expect(pc(m, s, 0)).toBe(PC.dmirror_migrate_readback);
  });
  it('not enabled while dmirror->mutex is held', () => {
    const m = model(cfg({ pages: 2, initial: ['rw', 'rw'], dev: [{ ops: [{ op: 'exclusive', page: 0 }] }, { ops: [{ op: 'read', page: 1 }] }] }));
    let s = runTo(m, init(m), 0, 'dmirror_atomic_map');
    s = runUntil(m, s, 1, PC.mmu_interval_read_retry);
    expect(devLock(m, s, 0)).toBe(2);
    expect(enabled(m, s, 0)).toEqual([]);
  });
  it('then dmirror_do_read (read-back): returns 0 and the contents (ATOMIC entries are readable)', () => {
    const m = model(cfg({}));
    const s = runUntil(m, init(m), 0, PC.done);
    expect(result(m, s, 0)).toMatchObject({ ret: 0, cpages: 1, data: [1] });
  });
});

describe('dmirror_check_atomic (lib/test_hmm.c, HMM_DMIRROR_CHECK_EXCLUSIVE)', () => {
  it('effect -EPERM while an entry still has DPT_XA_TAG_ATOMIC', () => {
    const m = model(cfg({ dev: [{ ops: [{ op: 'exclusive', page: 0 }, { op: 'checkExclusive', page: 0 }] }] }));
    const s = runToReq(m, init(m), 0, 1);
    const x = stepA(m, s, 0, 'dmirror_check_atomic');
    expect(x.a.info).toBe(EPERM);
    expect(result(m, x.n, 0, 1).ret).toBe(EPERM);
  });
  it('effect 0 once a CPU access revoked the exclusive entry (its CLEAR invalidation erased the device entry)', () => {
    const m = model(cfg({ cpu: [{ ops: [{ op: 'write', page: 0 }] }], dev: [{ ops: [{ op: 'exclusive', page: 0 }, { op: 'checkExclusive', page: 0 }] }] }));
    let s = runToReq(m, init(m), 1, 1);
    s = runUntil(m, s, 0, PC.done);
    expect(dpt(m, s, 0, 0)).toBe(0);
    const x = stepA(m, s, 1, 'dmirror_check_atomic');
    expect(x.a.info).toBe(0);
  });
});
