/**
 * Device fault path: hmm_range_fault (mm/hmm.c: hmm_vma_walk_test, hmm_vma_walk_hole,
 * hmm_vma_handle_pte, hmm_vma_fault) and the dmirror ioctls READ/WRITE (lib/test_hmm.c:
 * dmirror_read/dmirror_write → dmirror_do_read/do_write → dmirror_fault → dmirror_range_fault →
 * dmirror_do_fault), plus the hmm.rst reference driver's equivalents.
 */
import { describe, expect, it } from 'vitest';
import {
  PC, PTE_PRESENT, PTE_MIGRATION, PTE_DEVPRIV, PTE_DEVEXCL, PTE_ZERO, PF_W, ZERO_FRAME, EFAULT, EPERM, EBUSY, ENOENT,
  DPT_WRITE, DPT_ATOMIC, R_CPAGES, R_RETRIES, R_SEQOK, R_FAULTS, R_I, firstDevFrame, dptOff, type HmmConfig,
} from '../../../../model/hmm/index.ts';
import {
  model, init, step, steps, stepA, enabled, runUntil, runTo, runToReq, pte, frame, result, readers, writer, reg, pc, dpt, dma, devLock, pfn,
} from './helpers.ts';

const cfg = (c: Partial<HmmConfig>): HmmConfig => ({ driver: 'dmirror', pages: 1, frames: 2, ...c });
const VALID = 1;
const WRITE = 2;

describe('dmirror_do_read (lib/test_hmm.c, under dmirror->mutex)', () => {
  it('effect every page mapped by the device: copies the contents, cpages = npages, the ioctl returns 0 (no fault)', () => {
    const m = model(cfg({ initial: ['rw'], dev: [{ ops: [{ op: 'read', page: 0 }, { op: 'read', page: 0 }] }] }));
    const s = runToReq(m, init(m), 0, 1);
    expect(result(m, s, 0, 0)).toMatchObject({ ret: 0, faults: 1 });
    const x = stepA(m, s, 0, 'dmirror_do_read'); // request 1: no fault needed
    expect(x.a.info).toBe(0);
    expect(result(m, x.n, 0, 1)).toMatchObject({ ret: 0, cpages: 1, faults: 0, data: [1] });
  });
  it('effect -ENOENT at the first page the device does not map: cpages counts the pages read before it, then dmirror_fault', () => {
    const m = model(cfg({ pages: 2, frames: 2, initial: ['rw', 'rw'], dev: [{ ops: [{ op: 'read', page: 1 }, { op: 'read', page: 0, npages: 2 }] }] }));
    const s = runToReq(m, init(m), 0, 1); // request 0 done; page 1 mapped
    const x = stepA(m, s, 0, 'dmirror_do_read');
    expect(x.a.info).toBe(ENOENT);
    expect(x.a.page).toBe(0);
    expect(reg(m, x.n, 0, R_CPAGES)).toBe(0);
    expect(pc(m, x.n, 0)).toBe(PC.mmu_interval_read_begin);
    // page 0 faulted; the read resumes at cmd->addr + cpages and finds both pages
    const done = runUntil(m, x.n, 0, PC.done);
    expect(result(m, done, 0, 1)).toMatchObject({ ret: 0, cpages: 2, faults: 1, data: [1, 1] });
  });
  it('not enabled while another thread holds dmirror->mutex', () => {
    const m = model(cfg({ initial: ['rw'], dev: [{ ops: [{ op: 'read', page: 0 }] }, { ops: [{ op: 'read', page: 0 }] }] }));
    const s = runUntil(m, init(m), 0, PC.mmu_interval_read_retry);
    expect(devLock(m, s, 0)).toBe(1);
    expect(enabled(m, s, 1)).toEqual([]);
  });
});

describe('dmirror_do_write (lib/test_hmm.c)', () => {
  it('effect -ENOENT for an entry without DPT_XA_TAG_WRITE (mapped by a read fault): a write fault follows', () => {
    const m = model(cfg({ initial: ['rw'], dev: [{ ops: [{ op: 'read', page: 0 }, { op: 'write', page: 0 }] }] }));
    let s = runUntil(m, init(m), 0, PC.done);
    expect(dpt(m, s, 0, 0) & 3).toBe(DPT_WRITE); // a read fault of a writable PTE maps it writable
    // make the entry read-only: a read of a read-only page
    const r = model(cfg({ initial: ['ro'], dev: [{ ops: [{ op: 'read', page: 0 }, { op: 'write', page: 0 }] }] }));
    s = runToReq(r, init(r), 0, 1);
    expect(dpt(r, s, 0, 0) & 3).toBe(0);
    const x = stepA(r, s, 0, 'dmirror_do_write');
    expect(x.a.info).toBe(ENOENT);
    const done = runUntil(r, x.n, 0, PC.done);
    expect(result(r, done, 0, 1)).toMatchObject({ ret: 0, cpages: 1, faults: 1 });
    expect(dpt(r, done, 0, 0) & 3).toBe(DPT_WRITE);
  });
  it('effect -ENOENT for an ATOMIC (exclusive) entry too: xa_pointer_tag != DPT_XA_TAG_WRITE', () => {
    const m = model(cfg({ initial: ['rw'], dev: [{ ops: [{ op: 'exclusive', page: 0 }, { op: 'write', page: 0 }] }] }));
    const s = runUntil(m, init(m), 0, PC.dmirror_fault_ioctl);
    expect(dpt(m, s, 0, 0) & 3).toBe(DPT_ATOMIC);
    expect(stepA(m, s, 0, 'dmirror_do_write').a.info).toBe(ENOENT);
  });
  it('effect a writable entry: the store lands in the page (contents version + 1)', () => {
    const m = model(cfg({ initial: ['rw'], dev: [{ ops: [{ op: 'write', page: 0 }] }] }));
    const s = runUntil(m, init(m), 0, PC.done);
    expect(frame(m, s, 2).ver).toBe(2);
    expect(pte(m, s, 0, 0).lastw).toBe(2);
    expect(result(m, s, 0)).toMatchObject({ ret: 0, cpages: 1, faults: 1 });
  });
});

describe('driver_device_read / driver_device_write / driver_update_device_pt (Documentation/mm/hmm.rst reference driver)', () => {
  it('driver_device_read effect -ENOENT → fault; driver_update_device_pt programs the entry and DMA-maps it; driver_device_read then reads', () => {
    const m = model({ driver: 'reference', pages: 1, frames: 2, initial: ['rw'], features: { dma: true }, dev: [{ ops: [{ op: 'read', page: 0 }] }] });
    let s = init(m);
    expect(stepA(m, s, 0, 'driver_device_read').a.info).toBe(ENOENT);
    s = runTo(m, s, 0, 'driver_update_device_pt');
    s = step(m, s, 0, 'driver_update_device_pt');
    expect(dpt(m, s, 0, 0)).toBe((2 << 2) | DPT_WRITE);
    expect(dma(m, s, 0, 0)).toBe(2);
    expect(devLock(m, s, 0)).toBe(0);
    const x = stepA(m, s, 0, 'driver_device_read');
    expect(x.a.info).toBe(0);
    expect(result(m, x.n, 0)).toMatchObject({ ret: 0, data: [1], faults: 1 });
  });
  it('driver_device_write effect a writable entry: the store lands in the page', () => {
    const m = model({ driver: 'reference', pages: 1, frames: 2, initial: ['rw'], dev: [{ ops: [{ op: 'write', page: 0 }] }] });
    const s = runUntil(m, init(m), 0, PC.done);
    expect(frame(m, s, 2).ver).toBe(2);
    expect(result(m, s, 0).ret).toBe(0);
  });
});

describe('mmap_read_lock (dmirror_range_fault, before hmm_range_fault)', () => {
  it('effect takes mmap_lock for read; the walk starts at cmd->addr + cpages', () => {
    const m = model(cfg({ initial: ['rw'], dev: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const s = steps(m, init(m), 0, ['dmirror_do_read', 'mmu_interval_read_begin', 'mmap_read_lock']);
    expect(readers(m, s)).toBe(1);
    expect(reg(m, s, 0, R_I)).toBe(0);
    expect(pc(m, s, 0)).toBe(PC.hmm_range_fault);
  });
  it('not enabled while a writer holds mmap_lock', () => {
    const m = model(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'munmap', page: 0 }] }], dev: [{ ops: [{ op: 'read', page: 0 }] }] }));
    let s = steps(m, init(m), 1, ['dmirror_do_read', 'mmu_interval_read_begin']);
    s = step(m, s, 0, 'mmap_write_lock');
    expect(writer(m, s)).toBe(1);
    expect(enabled(m, s, 1)).toEqual([]);
  });
});

describe('hmm_range_fault → hmm_vma_handle_pte (mm/hmm.c)', () => {
  const walk = (c: HmmConfig, t = 0) => {
    const m = model(c);
    const s = runTo(m, init(m), t, 'hmm_range_fault');
    return { m, s, x: stepA(m, s, t, 'hmm_range_fault') };
  };
  it('effect a present writable PTE is reported VALID|WRITE with its pfn; the last page unlocks mmap_lock', () => {
    const { m, x } = walk(cfg({ initial: ['rw'], dev: [{ ops: [{ op: 'read', page: 0 }] }] }));
    expect(x.a.info).toBe(0);
    expect(pfn(m, x.n, 0, 0)).toBe((2 << 2) | VALID | WRITE);
    expect(readers(m, x.n)).toBe(0);
    expect(pc(m, x.n, 0)).toBe(PC.range_fault_mutex_lock);
  });
  it('effect a read-only PTE is reported VALID only for a read request', () => {
    const { m, x } = walk(cfg({ initial: ['ro'], dev: [{ ops: [{ op: 'read', page: 0 }] }] }));
    expect(pfn(m, x.n, 0, 0)).toBe((2 << 2) | VALID);
  });
  it('effect the zero page is reported VALID (read-only) for a read; a write request faults it (hmm_pte_need_fault)', () => {
    const r = walk(cfg({ initial: ['zero'], dev: [{ ops: [{ op: 'read', page: 0 }] }] }));
    expect(pfn(r.m, r.x.n, 0, 0)).toBe((ZERO_FRAME << 2) | VALID);
    const w = walk(cfg({ initial: ['zero'], dev: [{ ops: [{ op: 'write', page: 0 }] }] }));
    expect(w.x.a.info).toBe(1);
    expect(enabled(w.m, w.x.n, 0)).toEqual(['wp_page_copy']);
  });
  it('effect pte_none with a fault requested → hmm_vma_fault: handle_mm_fault (do_anonymous_page) runs for the device thread', () => {
    const { m, x } = walk(cfg({ dev: [{ ops: [{ op: 'write', page: 0 }] }] }));
    expect(x.a.info).toBe(1);
    expect(pc(m, x.n, 0)).toBe(PC.handle_mm_fault);
    expect(readers(m, x.n)).toBe(1); // mmap_lock still held across the fault
    expect(enabled(m, x.n, 0)).toEqual(['do_anonymous_page']);
  });
  it('effect a hole (no VMA) with a fault requested → -EFAULT (hmm_vma_walk_hole), mmap_lock released, ioctl returns -EFAULT', () => {
    const { m, x } = walk(cfg({ initial: ['hole'], dev: [{ ops: [{ op: 'read', page: 0 }] }] }));
    expect(x.a.info).toBe(EFAULT);
    expect(result(m, x.n, 0).ret).toBe(EFAULT);
    expect(readers(m, x.n)).toBe(0);
  });
  it('effect a PROT_NONE VMA (no VM_READ) with a fault requested → -EFAULT (hmm_vma_walk_test)', () => {
    const { m, x } = walk(cfg({ initial: ['rw'], prot: 'none', dev: [{ ops: [{ op: 'read', page: 0 }] }] }));
    expect(x.a.info).toBe(EFAULT);
    expect(result(m, x.n, 0).ret).toBe(EFAULT);
  });
  it('effect a write request on a read-only VMA → -EPERM (hmm_vma_fault: !(vm_flags & VM_WRITE))', () => {
    const { m, x } = walk(cfg({ initial: ['ro'], prot: 'read', dev: [{ ops: [{ op: 'write', page: 0 }] }] }));
    expect(x.a.info).toBe(EPERM);
    expect(result(m, x.n, 0).ret).toBe(EPERM);
  });
  it('effect -EBUSY at the walk start when mmu_interval_check_retry fails: mmap_lock released, back to read_begin, retries + 1', () => {
    const m = model(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'read' }] }], dev: [{ ops: [{ op: 'read', page: 0 }] }] }));
    let s = steps(m, init(m), 1, ['dmirror_do_read', 'mmu_interval_read_begin']);
    s = steps(m, s, 0, ['mmap_write_lock', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate', 'change_pte_range', 'mmu_notifier_invalidate_range_end', 'mmap_write_unlock']);
    s = step(m, s, 1, 'mmap_read_lock');
    expect(reg(m, s, 1, R_SEQOK)).toBe(0);
    const x = stepA(m, s, 1, 'hmm_range_fault');
    expect(x.a.info).toBe(EBUSY);
    expect(readers(m, x.n)).toBe(0);
    expect(pc(m, x.n, 1)).toBe(PC.mmu_interval_read_begin);
    expect(reg(m, x.n, 1, R_RETRIES)).toBe(1);
  });
  it('not enabled on a migration entry (migration_entry_wait) until the migration finishes', () => {
    const m = model(cfg({ devices: 2, devFrames: 1, initial: ['rw'], dev: [{ device: 0, ops: [{ op: 'migrateToDev', page: 0 }] }, { device: 1, ops: [{ op: 'read', page: 0 }] }] }));
    let s = runUntil(m, init(m), 0, PC.migrate_device_unmap);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_MIGRATION);
    s = steps(m, s, 1, ['dmirror_do_read', 'mmu_interval_read_begin', 'mmap_read_lock']);
    expect(enabled(m, s, 1)).toEqual([]);
  });
  it('effect a device-private page of this device (range->dev_private_owner) is reported VALID|WRITE, not faulted', () => {
    const r = model({ driver: 'reference', pages: 1, frames: 2, devFrames: 1, initial: ['rw'], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }, { op: 'read', page: 0 }] }] });
    let t = runToReq(r, init(r), 0, 1);
    expect(pte(r, t, 0, 0).kind).toBe(PTE_DEVPRIV);
    // drop the device's own entry (as if it had been erased) so the read must walk the CPU page table
    t = t.slice();
    t[dptOff(r.ctx.L, 0, 0)] = 0;
    t = runTo(r, t, 0, 'hmm_range_fault');
    const x = stepA(r, t, 0, 'hmm_range_fault');
    expect(x.a.info).toBe(0);
    expect(pfn(r, x.n, 0, 0)).toBe((firstDevFrame(r.ctx.L, 0) << 2) | VALID | WRITE);
  });
  it('effect a device-private page of another device → fault (do_swap_page → migrate_to_ram)', () => {
    const m = model(cfg({ devices: 2, devFrames: 1, initial: ['rw'], dev: [{ device: 0, ops: [{ op: 'migrateToDev', page: 0 }] }, { device: 1, ops: [{ op: 'read', page: 0 }] }] }));
    let s = runUntil(m, init(m), 0, PC.done);
    s = runTo(m, s, 1, 'hmm_range_fault');
    const x = stepA(m, s, 1, 'hmm_range_fault');
    expect(x.a.info).toBe(1);
    expect(enabled(m, x.n, 1)).toEqual(['do_swap_page']);
  });
  it('effect a device-exclusive entry → fault (remove_device_exclusive_entry)', () => {
    const m = model(cfg({ devices: 2, initial: ['rw'], dev: [{ device: 0, ops: [{ op: 'exclusive', page: 0 }] }, { device: 1, ops: [{ op: 'read', page: 0 }] }] }));
    let s = runUntil(m, init(m), 0, PC.done);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_DEVEXCL);
    s = runTo(m, s, 1, 'hmm_range_fault');
    expect(stepA(m, s, 1, 'hmm_range_fault').a.info).toBe(1);
    expect(enabled(m, stepA(m, s, 1, 'hmm_range_fault').n, 1)).toEqual(['remove_device_exclusive_entry']);
  });
  it('protnoneValid core-mm variant: a PROT_NONE PTE is reported as valid (the broken core-mm rule the model checks against)', () => {
    const { m, x } = walk({ driver: 'reference', coreMm: 'protnoneValid', pages: 1, frames: 2, initial: ['rw'], prot: 'none', dev: [{ ops: [{ op: 'read', page: 0 }] }] });
    expect(x.a.info).toBe(0);
    expect(pfn(m, x.n, 0, 0) & VALID).toBe(VALID);
  });
});

describe('hmm_vma_fault (mm/hmm.c): handle_mm_fault returned to the walk', () => {
  it('effect success → -EBUSY inside hmm_range_fault: the walk restarts (no retry counted), the page is then reported', () => {
    const m = model(cfg({ dev: [{ ops: [{ op: 'write', page: 0 }] }] }));
    let s = runTo(m, init(m), 0, 'hmm_vma_fault');
    expect(pte(m, s, 0, 0).kind).toBe(PTE_PRESENT);
    const x = stepA(m, s, 0, 'hmm_vma_fault');
    expect(x.a.info).toBe(0);
    expect(pc(m, x.n, 0)).toBe(PC.hmm_range_fault);
    expect(reg(m, x.n, 0, R_RETRIES)).toBe(0);
    s = step(m, x.n, 0, 'hmm_range_fault');
    expect(pfn(m, s, 0, 0)).toBe((2 << 2) | VALID | WRITE);
  });
  it('effect VM_FAULT_ERROR (OOM) → -EFAULT; mmap_lock released and the ioctl returns -EFAULT', () => {
    const m = model(cfg({ frames: 0, dev: [{ ops: [{ op: 'write', page: 0 }] }] }));
    const s = runTo(m, init(m), 0, 'hmm_vma_fault');
    const x = stepA(m, s, 0, 'hmm_vma_fault');
    expect(x.a.info).toBe(EFAULT);
    expect(result(m, x.n, 0).ret).toBe(EFAULT);
    expect(readers(m, x.n)).toBe(0);
  });
});

describe('mutex_lock (dmirror_range_fault: mutex_lock(&dmirror->mutex))', () => {
  it('effect takes the device lock (holder = thread + 1)', () => {
    const m = model(cfg({ initial: ['rw'], dev: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const s = step(m, runTo(m, init(m), 0, 'mutex_lock'), 0, 'mutex_lock');
    expect(devLock(m, s, 0)).toBe(1);
    expect(pc(m, s, 0)).toBe(PC.mmu_interval_read_retry);
  });
  it('not enabled while another device thread of the same dmirror holds the mutex', () => {
    const m = model(cfg({ initial: ['rw'], dev: [{ ops: [{ op: 'read', page: 0 }] }, { ops: [{ op: 'write', page: 0 }] }] }));
    let s = runTo(m, init(m), 1, 'mutex_lock');
    s = runUntil(m, s, 0, PC.mmu_interval_read_retry);
    expect(devLock(m, s, 0)).toBe(1);
    expect(enabled(m, s, 1)).toEqual([]);
  });
});

describe('dmirror_do_fault (lib/test_hmm.c, under dmirror->mutex)', () => {
  it('effect xa_store of every hmm_pfns[] page (WRITE tag iff HMM_PFN_WRITE), mutex_unlock, cmd->faults++; no DMA (dmirror)', () => {
    const m = model(cfg({ pages: 2, frames: 2, initial: ['rw', 'ro'], features: { dma: true }, dev: [{ ops: [{ op: 'read', page: 0, npages: 2 }] }] }));
    const s = runTo(m, init(m), 0, 'dmirror_do_fault');
    expect(devLock(m, s, 0)).toBe(1);
    const x = stepA(m, s, 0, 'dmirror_do_fault');
    expect(x.a.info).toBe(0);
    expect(dpt(m, x.n, 0, 0)).toBe((2 << 2) | DPT_WRITE);
    expect(dpt(m, x.n, 0, 1)).toBe(3 << 2);
    expect(dma(m, x.n, 0, 0)).toBe(0);
    expect(devLock(m, x.n, 0)).toBe(0);
    expect(reg(m, x.n, 0, R_FAULTS)).toBe(1);
    expect(pfn(m, x.n, 0, 0)).toBe(0); // hmm_pfns[] scratch cleared
    expect(pc(m, x.n, 0)).toBe(PC.dmirror_fault_ioctl);
  });
  it('effect the CPU PTE is untouched by the device mapping it (no reference taken: the xarray relies on the notifier)', () => {
    const m = model(cfg({ initial: ['rw'], dev: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const s = runUntil(m, init(m), 0, PC.done);
    expect(frame(m, s, 2)).toMatchObject({ ref: 1, map: 1 });
    expect(pte(m, s, 0, 0).flags & PF_W).toBe(PF_W);
  });
});

describe('noReadRetry variant (no mmu_interval_read_retry before programming)', () => {
  it('effect after the walk, mutex_lock leads straight to driver_update_device_pt', () => {
    const m = model({ driver: 'noReadRetry', pages: 1, frames: 2, initial: ['rw'], dev: [{ ops: [{ op: 'read', page: 0 }] }] });
    const s = step(m, runTo(m, init(m), 0, 'mutex_lock'), 0, 'mutex_lock');
    expect(enabled(m, s, 0)).toEqual(['driver_update_device_pt']);
    expect(PTE_ZERO).toBe(2);
  });
});
