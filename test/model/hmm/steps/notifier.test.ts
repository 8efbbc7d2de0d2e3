/**
 * mm/mmu_notifier.c (interval notifiers) and the drivers' invalidate callbacks
 * (lib/test_hmm.c dmirror_interval_invalidate, Documentation/mm/hmm.rst invalidate()).
 */
import { describe, expect, it } from 'vitest';
import {
  PC, EV_MIGRATE, EBUSY, R_SEQOK, R_RETRYOK, R_RETRIES, R_I_CB, R_SNAP, R_MMAP, type HmmConfig,
} from './internals.ts';
import {
  model, init, step, steps, stepA, enabled, runUntil, runTo, result, readers, reg, pc, dpt, dma, devLock, sseqCur, gseq, active,
} from './helpers.ts';

const cfg = (c: Partial<HmmConfig>): HmmConfig => ({ driver: 'dmirror', pages: 1, frames: 2, ...c });

describe('mmu_notifier_invalidate_range_start (mn_itree_inv_start_range, mm/mmu_notifier.c)', () => {
  it('effect active_invalidate_ranges++, invalidate_seq made odd, the first overlapping subscription is next', () => {
    const m = model(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'munmap', page: 0 }] }] }));
    let s = step(m, init(m), 0, 'mmap_write_lock');
    expect(gseq(m, s)).toBe(0);
    s = step(m, s, 0, 'mmu_notifier_invalidate_range_start');
    expect(active(m, s)).toBe(1);
    expect(gseq(m, s)).toBe(1);
    expect(pc(m, s, 0)).toBe(PC.mn_itree_invalidate);
    expect(reg(m, s, 0, R_I_CB)).toBe(0);
  });
  it('not emitted when the mm has no interval subscriptions (mm_has_notifiers false: the PTE change follows directly)', () => {
    const m = model(cfg({ devices: 0, initial: ['rw'], cpu: [{ ops: [{ op: 'munmap', page: 0 }] }] }));
    const s = step(m, init(m), 0, 'mmap_write_lock');
    expect(enabled(m, s, 0)).toEqual(['zap_pte_range']);
  });
  it('effect with two subscriptions: one ops->invalidate per step, in order, then the PTE change', () => {
    const m = model(cfg({ devices: 2, initial: ['rw'], cpu: [{ ops: [{ op: 'munmap', page: 0 }] }] }));
    let s = steps(m, init(m), 0, ['mmap_write_lock', 'mmu_notifier_invalidate_range_start']);
    const a = stepA(m, s, 0, 'dmirror_interval_invalidate');
    expect(a.a.info).toBe(0);
    s = a.n;
    const b = stepA(m, s, 0, 'dmirror_interval_invalidate');
    expect(b.a.info).toBe(1);
    expect(enabled(m, b.n, 0)).toEqual(['zap_pte_range']);
  });
});

describe('mmu_notifier_invalidate_range_end (mn_itree_inv_end, mm/mmu_notifier.c)', () => {
  it('effect the last range ending makes invalidate_seq even: every interval is valid again (read_begin no longer sleeps)', () => {
    const m = model(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'read' }] }] }));
    let s = runTo(m, init(m), 0, 'mmu_notifier_invalidate_range_end');
    expect(sseqCur(m, s, 0)).toBe(1);
    s = step(m, s, 0, 'mmu_notifier_invalidate_range_end');
    expect(active(m, s)).toBe(0);
    expect(gseq(m, s)).toBe(0);
    expect(sseqCur(m, s, 0)).toBe(0);
    expect(pc(m, s, 0)).toBe(PC.mmap_write_unlock);
  });
  it('effect with two overlapping invalidations (mprotect + reclaim) the first end leaves the seq odd; the second makes it even', () => {
    const m = model(cfg({ initial: ['rw'], features: { reclaim: true }, cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'read' }] }] }));
    const bg = 1;
    let s = steps(m, init(m), 0, ['mmap_write_lock', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate']);
    s = steps(m, s, bg, ['try_to_unmap', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate']);
    expect(active(m, s)).toBe(2);
    s = steps(m, s, 0, ['change_pte_range', 'mmu_notifier_invalidate_range_end']);
    expect(active(m, s)).toBe(1);
    expect(gseq(m, s)).toBe(1);
    expect(sseqCur(m, s, 0)).toBe(1);
    s = steps(m, s, bg, ['try_to_unmap_one', 'mmu_notifier_invalidate_range_end']);
    expect(active(m, s)).toBe(0);
    expect(gseq(m, s)).toBe(0);
    expect(sseqCur(m, s, 0)).toBe(0);
  });
});

describe('dmirror_interval_invalidate (lib/test_hmm.c)', () => {
  it('effect early return for MMU_NOTIFY_MIGRATE whose owner is this device: no mutex, no mmu_interval_set_seq, no erase', () => {
    // device 0 maps page 0 (read), then migrates it: its own callback returns before mutex_lock
    const m = model(cfg({ devFrames: 1, initial: ['rw'], dev: [{ ops: [{ op: 'read', page: 0 }, { op: 'migrateToDev', page: 0 }] }] }));
    let s = runUntil(m, init(m), 0, PC.dmirror_migrate);
    const e = dpt(m, s, 0, 0);
    expect(e).not.toBe(0);
    s = steps(m, s, 0, ['migrate_vma_setup', 'mmu_notifier_invalidate_range_start']);
    s = step(m, s, 0, 'dmirror_interval_invalidate');
    expect(sseqCur(m, s, 0)).toBe(0);
    expect(dpt(m, s, 0, 0)).toBe(e);
    expect(devLock(m, s, 0)).toBe(0);
  });
  it('enabled even while the mutex is held when it takes the MIGRATE+owner early return (the check precedes mutex_lock)', () => {
    const m = model(cfg({ devFrames: 1, initial: ['rw'], dev: [{ ops: [{ op: 'read', page: 0 }] }, { ops: [{ op: 'migrateToDev', page: 0 }] }] }));
    let s = runUntil(m, init(m), 0, PC.mmu_interval_read_retry); // thread 0 holds dmirror->mutex
    expect(devLock(m, s, 0)).toBe(1);
    s = steps(m, s, 1, ['migrate_vma_setup', 'mmu_notifier_invalidate_range_start']);
    expect(enabled(m, s, 1)).toEqual(['dmirror_interval_invalidate']);
  });
  it('effect MMU_NOTIFY_MIGRATE of another device: no early return — mmu_interval_set_seq and erase this device\'s entries', () => {
    const m = model(cfg({ devices: 2, devFrames: 1, initial: ['rw'], dev: [{ device: 1, ops: [{ op: 'read', page: 0 }] }, { device: 0, ops: [{ op: 'migrateToDev', page: 0 }] }] }));
    let s = runUntil(m, init(m), 0, PC.done);
    expect(dpt(m, s, 1, 0)).not.toBe(0);
    s = steps(m, s, 1, ['migrate_vma_setup', 'mmu_notifier_invalidate_range_start']);
    const own = stepA(m, s, 1, 'dmirror_interval_invalidate'); // device 0: early return
    expect(own.a.info).toBe(0);
    expect(sseqCur(m, own.n, 0)).toBe(0);
    const other = stepA(m, own.n, 1, 'dmirror_interval_invalidate'); // device 1
    expect(other.a.info).toBe(1);
    expect(reg(m, s, 1, 23)).toBe(1); // R_I_OWNER = device 0 + 1
    expect(sseqCur(m, other.n, 1)).toBe(1);
    expect(dpt(m, other.n, 1, 0)).toBe(0);
  });
  it('not enabled while dmirror->mutex is held (mutex_lock sleeps) for any other event', () => {
    const m = model(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'munmap', page: 0 }] }], dev: [{ ops: [{ op: 'read', page: 0 }] }] }));
    let s = runUntil(m, init(m), 1, PC.mmu_interval_read_retry);
    expect(devLock(m, s, 0)).toBe(2);
    s = steps(m, s, 0, ['mmap_write_lock', 'mmu_notifier_invalidate_range_start']);
    expect(enabled(m, s, 0)).toEqual([]);
  });
  it('effect erases only [start, end) of the device page table (dmirror_do_update) and sets the interval seq', () => {
    const m = model(cfg({ pages: 2, initial: ['rw', 'rw'], frames: 2, cpu: [{ ops: [{ op: 'munmap', page: 1 }] }], dev: [{ ops: [{ op: 'read', page: 0, npages: 2 }] }] }));
    let s = runUntil(m, init(m), 1, PC.done);
    const e0 = dpt(m, s, 0, 0);
    s = steps(m, s, 0, ['mmap_write_lock', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate']);
    expect(dpt(m, s, 0, 0)).toBe(e0);
    expect(dpt(m, s, 0, 1)).toBe(0);
    expect(sseqCur(m, s, 0)).toBe(1);
  });
  it('effect a device thread between read_begin and read_retry loses its notifier_seq (read_retry will fail)', () => {
    const m = model(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'read' }] }], dev: [{ ops: [{ op: 'read', page: 0 }] }] }));
    let s = steps(m, init(m), 1, ['dmirror_do_read', 'mmu_interval_read_begin']);
    expect(reg(m, s, 1, R_SEQOK)).toBe(1);
    s = steps(m, s, 0, ['mmap_write_lock', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate']);
    expect(reg(m, s, 1, R_SEQOK)).toBe(0);
  });
});

describe('driver_invalidate (Documentation/mm/hmm.rst invalidate(): take_lock(driver->update))', () => {
  it('effect no early return even for the driver\'s own MMU_NOTIFY_MIGRATE: seq set, device entries erased', () => {
    const m = model({ driver: 'reference', pages: 1, frames: 2, devFrames: 1, initial: ['rw'], dev: [{ ops: [{ op: 'read', page: 0 }, { op: 'migrateToDev', page: 0 }] }] });
    let s = runUntil(m, init(m), 0, PC.dmirror_migrate);
    s = steps(m, s, 0, ['migrate_vma_setup', 'mmu_notifier_invalidate_range_start']);
    expect(reg(m, s, 0, 20)).toBe(EV_MIGRATE); // R_I_EV
    s = step(m, s, 0, 'driver_invalidate');
    expect(sseqCur(m, s, 0)).toBe(1);
    expect(dpt(m, s, 0, 0)).toBe(0);
  });
  it('effect with DMA mapping on: the invalidation also unmaps the DMA words it erases (dmaNoUnmap variant does not)', () => {
    for (const [driver, left] of [['reference', false], ['dmaNoUnmap', true]] as const) {
      const m = model({ driver, pages: 1, frames: 2, initial: ['rw'], features: { dma: true }, cpu: [{ ops: [{ op: 'munmap', page: 0 }] }], dev: [{ ops: [{ op: 'read', page: 0 }] }] });
      let s = runUntil(m, init(m), 1, PC.done);
      expect(dma(m, s, 0, 0)).toBe(2);
      s = steps(m, s, 0, ['mmap_write_lock', 'mmu_notifier_invalidate_range_start', 'driver_invalidate']);
      expect(dpt(m, s, 0, 0)).toBe(0);
      expect(dma(m, s, 0, 0) !== 0).toBe(left);
    }
  });
});

describe('mmu_interval_read_begin (mm/mmu_notifier.c) in dmirror_range_fault', () => {
  it('effect records notifier_seq (valid) and goes on to mmap_read_lock', () => {
    const m = model(cfg({ initial: ['rw'], dev: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const s = steps(m, init(m), 0, ['dmirror_do_read', 'mmu_interval_read_begin']);
    expect(reg(m, s, 0, R_SEQOK)).toBe(1);
    expect(reg(m, s, 0, R_RETRYOK)).toBe(0);
    expect(pc(m, s, 0)).toBe(PC.range_fault_mmap_read_lock);
  });
  it('not enabled while this interval was invalidated in the current epoch (wait_event until invalidate_range_end)', () => {
    const m = model(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'read' }] }], dev: [{ ops: [{ op: 'read', page: 0 }] }] }));
    let s = step(m, init(m), 1, 'dmirror_do_read');
    s = steps(m, s, 0, ['mmap_write_lock', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate']);
    expect(enabled(m, s, 1)).toEqual([]);
    s = steps(m, s, 0, ['change_pte_range', 'mmu_notifier_invalidate_range_end']);
    expect(enabled(m, s, 1)).toEqual(['mmu_interval_read_begin']);
  });
  it('effect -EBUSY when the retries run out (dmirror_range_fault: time_after(jiffies, timeout))', () => {
    const m = model(cfg({ initial: ['rw'], budgets: { retries: 0 }, cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'read' }] }], dev: [{ ops: [{ op: 'read', page: 0 }] }] }));
    let s = steps(m, init(m), 1, ['dmirror_do_read', 'mmu_interval_read_begin', 'mmap_read_lock', 'hmm_range_fault']);
    s = runUntil(m, s, 0, PC.done); // mprotect invalidates in between
    s = step(m, s, 1, 'mutex_lock');
    s = step(m, s, 1, 'mmu_interval_read_retry'); // retry 1 > budget 0
    expect(reg(m, s, 1, R_RETRIES)).toBe(1);
    const x = stepA(m, s, 1, 'mmu_interval_read_begin');
    expect(x.a.info).toBe(EBUSY);
    expect(result(m, x.n, 1).ret).toBe(EBUSY);
    expect(devLock(m, x.n, 0)).toBe(0);
    expect(readers(m, x.n)).toBe(0);
  });
});

describe('mmu_interval_read_retry (mm/mmu_notifier.c) under dmirror->mutex', () => {
  it('effect seq unchanged: the fault may program the device page table (RETRYOK under the lock)', () => {
    const m = model(cfg({ initial: ['rw'], dev: [{ ops: [{ op: 'read', page: 0 }] }] }));
    let s = steps(m, init(m), 0, ['dmirror_do_read', 'mmu_interval_read_begin', 'mmap_read_lock', 'hmm_range_fault', 'mutex_lock']);
    const x = stepA(m, s, 0, 'mmu_interval_read_retry');
    s = x.n;
    expect(x.a.info).toBe(0);
    expect(reg(m, s, 0, R_RETRYOK)).toBe(1);
    expect(devLock(m, s, 0)).toBe(1);
    expect(pc(m, s, 0)).toBe(PC.dmirror_do_fault);
  });
  it('effect seq changed: mutex_unlock and loop back to mmu_interval_read_begin (retries + 1)', () => {
    const m = model(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'read' }] }], dev: [{ ops: [{ op: 'read', page: 0 }] }] }));
    let s = steps(m, init(m), 1, ['dmirror_do_read', 'mmu_interval_read_begin', 'mmap_read_lock', 'hmm_range_fault']);
    s = runUntil(m, s, 0, PC.done);
    s = step(m, s, 1, 'mutex_lock');
    const x = stepA(m, s, 1, 'mmu_interval_read_retry');
    expect(x.a.info).toBe(1);
    expect(devLock(m, x.n, 0)).toBe(0);
    expect(pc(m, x.n, 1)).toBe(PC.mmu_interval_read_begin);
    expect(reg(m, x.n, 1, R_RETRIES)).toBe(1);
  });
  it('retryBeforeLock variant: mmu_interval_read_retry is checked before mutex_lock (RETRYOK = 2, unlocked)', () => {
    const m = model({ driver: 'retryBeforeLock', pages: 1, frames: 2, initial: ['rw'], dev: [{ ops: [{ op: 'read', page: 0 }] }] });
    let s = steps(m, init(m), 0, ['driver_device_read', 'mmu_interval_read_begin', 'mmap_read_lock', 'hmm_range_fault']);
    s = step(m, s, 0, 'mmu_interval_read_retry');
    expect(reg(m, s, 0, R_RETRYOK)).toBe(2);
    expect(devLock(m, s, 0)).toBe(0);
    expect(enabled(m, s, 0)).toEqual(['mutex_lock']);
  });
});

describe('mmu_interval_notifier_insert (mm/mmu_notifier.c, dmirror_range_snapshot)', () => {
  it('effect outside an invalidation: inserted with a seq that differs from the mm\'s (read_begin proceeds)', () => {
    const m = model(cfg({ initial: ['rw'], dev: [{ ops: [{ op: 'snapshot', page: 0 }] }] }));
    const s = step(m, init(m), 0, 'mmu_interval_notifier_insert');
    expect(reg(m, s, 0, R_SNAP)).toBe(1);
    expect(enabled(m, s, 0)).toEqual(['mmu_interval_read_begin']);
  });
  it('effect during an invalidation: interval_sub->invalidate_seq = the mm\'s seq, so read_begin sleeps until the epoch ends', () => {
    const m = model(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'read' }] }], dev: [{ ops: [{ op: 'snapshot', page: 0 }] }] }));
    let s = steps(m, init(m), 0, ['mmap_write_lock', 'mmu_notifier_invalidate_range_start']);
    s = step(m, s, 1, 'mmu_interval_notifier_insert');
    expect(reg(m, s, 1, R_SNAP)).toBe(2);
    expect(enabled(m, s, 1)).toEqual([]);
  });
});

describe('dmirror_snapshot_invalidate (lib/test_hmm.c, the snapshot notifier\'s callback)', () => {
  const c = cfg({ pages: 2, frames: 2, initial: ['rw', 'rw'], cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'read' }] }], dev: [{ ops: [{ op: 'snapshot', page: 0 }] }] });
  it('effect mutex_lock + mmu_interval_set_seq only: the snapshot\'s notifier_seq is stale, nothing else changes', () => {
    const m = model(c);
    let s = steps(m, init(m), 1, ['mmu_interval_notifier_insert', 'mmu_interval_read_begin', 'mmap_read_lock', 'hmm_range_fault']);
    s = steps(m, s, 0, ['mmap_write_lock', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate']);
    s = step(m, s, 0, 'dmirror_snapshot_invalidate');
    expect(reg(m, s, 1, R_SNAP)).toBe(2);
    expect(reg(m, s, 1, R_SEQOK)).toBe(0);
    expect(devLock(m, s, 0)).toBe(0);
  });
  it('not called for an invalidation outside the snapshot\'s interval [start, end)', () => {
    const m = model({ ...c, cpu: [{ ops: [{ op: 'mprotect', page: 1, prot: 'read' }] }] });
    let s = step(m, init(m), 1, 'mmu_interval_notifier_insert');
    s = steps(m, s, 0, ['mmap_write_lock', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate']);
    expect(enabled(m, s, 0)).toEqual(['change_pte_range']);
  });
  it('not enabled while dmirror->mutex is held (the snapshot thread itself, between mutex_lock and dmirror_mkentry)', () => {
    const m = model(c);
    let s = steps(m, init(m), 1, ['mmu_interval_notifier_insert', 'mmu_interval_read_begin', 'mmap_read_lock', 'hmm_range_fault', 'mutex_lock']);
    s = steps(m, s, 0, ['mmap_write_lock', 'mmu_notifier_invalidate_range_start']);
    expect(enabled(m, s, 0)).toEqual([]); // dmirror_interval_invalidate of the same dmirror sleeps first
    expect(reg(m, s, 0, R_MMAP)).toBe(2);
  });
});
