/**
 * HMM_DMIRROR_SNAPSHOT (lib/test_hmm.c dmirror_range_snapshot / dmirror_mkentry), HMM_DMIRROR_RELEASE
 * (dmirror_device_evict_chunk → mm/migrate_device.c migrate_device_range / migrate_device_pages /
 * migrate_device_finalize) and HMM_DMIRROR_FLAGS (dmirror_fops_unlocked_ioctl).
 */
import { describe, expect, it } from 'vitest';
import {
  PC, PTE_PRESENT, PTE_DEVPRIV, PTE_MIGRATION, EV_CLEAR, MPFN_MIGRATE, MPFN_WRITE, R_I_EV, R_SNAP, dvFlagsOff, firstDevFrame,
  type HmmConfig,
} from './internals.ts';
import {
  model, init, step, steps, stepA, enabled, runUntil, runTo, runToReq, pte, frame, result, reg, dpt, devLock, src, dst, gseq,
} from './helpers.ts';

const PROT_ERROR = 0xff;
const PROT_NONE = 0;
const PROT_READ = 0x01;
const PROT_WRITE = 0x02;
const PROT_PMD = 0x04;
const PROT_ZERO = 0x10;
const PROT_DEV_PRIVATE_LOCAL = 0x20;

describe('hmm_range_fault without faulting + dmirror_mkentry (dmirror_range_snapshot)', () => {
  it('dmirror_mkentry effect: ERROR for a hole and a PROT_NONE VMA, NONE for pte_none/swap, ZERO|READ, READ, WRITE', () => {
    const m = model({ driver: 'dmirror', pages: 6, frames: 3, initial: ['hole', 'none', 'zero', 'ro', 'rw', 'swap'], dev: [{ ops: [{ op: 'snapshot', page: 0, npages: 6 }] }] });
    let s = runTo(m, init(m), 0, 'dmirror_mkentry');
    expect(devLock(m, s, 0)).toBe(1);
    expect(pte(m, s, 0, 1).kind).toBe(0); // nothing was faulted in
    s = step(m, s, 0, 'dmirror_mkentry');
    expect(devLock(m, s, 0)).toBe(0);
    s = step(m, s, 0, 'mmu_interval_notifier_remove');
    expect(result(m, s, 0)).toMatchObject({ ret: 0, cpages: 6, data: [PROT_ERROR, PROT_NONE, PROT_ZERO | PROT_READ, PROT_READ, PROT_WRITE, PROT_NONE] });
  });
  it('dmirror_mkentry effect: a PROT_NONE VMA reports HMM_DMIRROR_PROT_ERROR (hmm_vma_walk_test: HMM_PFN_ERROR)', () => {
    const m = model({ driver: 'dmirror', pages: 1, frames: 2, prot: 'none', initial: ['rw'], dev: [{ ops: [{ op: 'snapshot', page: 0 }] }] });
    const s = runUntil(m, init(m), 0, PC.done);
    expect(result(m, s, 0).data).toEqual([PROT_ERROR]);
  });
  it('dmirror_mkentry effect: this device\'s device-private page is DEV_PRIVATE_LOCAL|WRITE; another device sees NONE (not its owner)', () => {
    const m = model({ driver: 'dmirror', pages: 1, frames: 2, devices: 2, devFrames: 1, initial: ['rw'], dev: [{ device: 0, ops: [{ op: 'migrateToDev', page: 0 }, { op: 'snapshot', page: 0 }] }, { device: 1, ops: [{ op: 'snapshot', page: 0 }] }] });
    let s = runUntil(m, runUntil(m, init(m), 0, PC.done), 1, PC.done);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_DEVPRIV);
    expect(result(m, s, 0, 1).data).toEqual([PROT_DEV_PRIVATE_LOCAL | PROT_WRITE]);
    expect(result(m, s, 1, 0).data).toEqual([PROT_NONE]);
  });
  it('dmirror_mkentry effect: a PMD-mapped THP adds HMM_DMIRROR_PROT_PMD (hmm_pfn_to_map_order)', () => {
    const m = model({ driver: 'dmirror', pages: 2, frames: 2, mapping: 'thp', initial: ['rw', 'rw'], dev: [{ ops: [{ op: 'snapshot', page: 0, npages: 2 }] }] });
    const s = runUntil(m, init(m), 0, PC.done);
    expect(result(m, s, 0).data).toEqual([PROT_WRITE | PROT_PMD, PROT_WRITE | PROT_PMD]);
  });
  it('hmm_range_fault effect (snapshot): a migration entry is reported as not valid instead of waiting (no fault requested)', () => {
    const m = model({ driver: 'dmirror', pages: 1, frames: 2, devices: 2, devFrames: 1, initial: ['rw'], dev: [{ device: 0, ops: [{ op: 'migrateToDev', page: 0 }] }, { device: 1, ops: [{ op: 'snapshot', page: 0 }] }] });
    let s = runUntil(m, init(m), 0, PC.migrate_device_unmap);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_MIGRATION);
    s = steps(m, s, 1, ['mmu_interval_notifier_insert', 'mmu_interval_read_begin', 'mmap_read_lock']);
    expect(enabled(m, s, 1)).toEqual(['hmm_range_fault']);
  });
});

describe('mmu_interval_notifier_remove (mm/mmu_notifier.c, end of dmirror_range_snapshot)', () => {
  it('effect outside an invalidation: the temporary notifier is removed, cmd->cpages = npages, the ioctl returns 0', () => {
    const m = model({ driver: 'dmirror', pages: 1, frames: 2, initial: ['rw'], dev: [{ ops: [{ op: 'snapshot', page: 0 }] }] });
    let s = runTo(m, init(m), 0, 'mmu_interval_notifier_remove');
    expect(reg(m, s, 0, R_SNAP)).not.toBe(0);
    s = step(m, s, 0, 'mmu_interval_notifier_remove');
    expect(reg(m, s, 0, R_SNAP)).toBe(0);
    expect(result(m, s, 0)).toMatchObject({ ret: 0, cpages: 1 });
  });
  it('not enabled while the mm is being invalidated (waits for mmu_interval_seq_released)', () => {
    const m = model({ driver: 'dmirror', pages: 1, frames: 2, initial: ['rw'], cpu: [{ ops: [{ op: 'munmap', page: 0 }] }], dev: [{ ops: [{ op: 'snapshot', page: 0 }] }] });
    let s = runTo(m, init(m), 1, 'mmu_interval_notifier_remove');
    s = steps(m, s, 0, ['mmap_write_lock', 'mmu_notifier_invalidate_range_start']);
    expect(gseq(m, s)).toBe(1);
    expect(enabled(m, s, 1)).toEqual([]);
  });
});

describe('HMM_DMIRROR_RELEASE: migrate_device_range / dmirror_device_evict_chunk / migrate_device_pages / migrate_device_finalize', () => {
  const c: HmmConfig = { driver: 'dmirror', pages: 2, frames: 2, devFrames: 2, initial: ['rw', 'rw'], dev: [{ ops: [{ op: 'migrateToDev', page: 0, npages: 2 }, { op: 'release' }] }] };
  it('migrate_device_range effect: every in-use device page of the chunk is referenced and locked (by pfn), src = MIGRATE; CLEAR invalidation', () => {
    const m = model(c);
    let s = runToReq(m, init(m), 0, 1);
    const df = firstDevFrame(m.ctx.L, 0);
    const x = stepA(m, s, 0, 'migrate_device_range');
    s = x.n;
    for (const i of [0, 1]) {
      expect(frame(m, s, df + i)).toMatchObject({ lock: 1, ref: 2 });
      expect(src(m, s, 0, i)).toBe(((df + i) << 4) | MPFN_MIGRATE);
    }
    expect(reg(m, s, 0, R_I_EV)).toBe(EV_CLEAR);
  });
  it('migrate_device_range effect: a free device page is skipped (get_page_unless_zero fails)', () => {
    const m = model({ ...c, dev: [{ ops: [{ op: 'migrateToDev', page: 0 }, { op: 'release' }] }] });
    const s = step(m, runToReq(m, init(m), 0, 1), 0, 'migrate_device_range');
    expect(src(m, s, 0, 1)).toBe(0);
    expect(frame(m, s, firstDevFrame(m.ctx.L, 0) + 1).ref).toBe(0);
  });
  it('migrate_device_unmap effect (release): try_to_migrate turns device-private entries into migration entries; the CLEAR callback erased the mirror', () => {
    const m = model(c);
    let s = runTo(m, runToReq(m, init(m), 0, 1), 0, 'migrate_device_unmap');
    expect(dpt(m, s, 0, 0)).toBe(0);
    s = step(m, s, 0, 'migrate_device_unmap');
    for (const a of [0, 1]) expect(pte(m, s, 0, a).kind).toBe(PTE_MIGRATION);
  });
  it('dmirror_device_evict_chunk effect: a locked system page with the copied contents per source; dst WRITE from src', () => {
    const m = model(c);
    const s = step(m, runTo(m, runToReq(m, init(m), 0, 1), 0, 'dmirror_device_evict_chunk'), 0, 'dmirror_device_evict_chunk');
    for (const i of [0, 1]) {
      expect(frame(m, s, 2 + i)).toMatchObject({ ref: 1, lock: 1, ver: 1 });
      expect(dst(m, s, 0, i) >> 4).toBe(2 + i);
    }
    expect(dst(m, s, 0, 0) & MPFN_WRITE).toBe(src(m, s, 0, 0) & MPFN_WRITE);
  });
  it('migrate_device_pages + migrate_device_finalize effect: present system pages again, device pages freed, RELEASE returns 0', () => {
    const m = model(c);
    let s = step(m, runTo(m, runToReq(m, init(m), 0, 1), 0, 'migrate_device_pages'), 0, 'migrate_device_pages');
    s = step(m, s, 0, 'migrate_device_finalize');
    const df = firstDevFrame(m.ctx.L, 0);
    for (const a of [0, 1]) {
      expect(pte(m, s, 0, a)).toMatchObject({ kind: PTE_PRESENT, val: 2 + a });
      expect(frame(m, s, df + a).ref).toBe(0);
      expect(frame(m, s, 2 + a)).toMatchObject({ lock: 0, map: 1, ref: 1, ver: 1 });
    }
    expect(result(m, s, 0, 1).ret).toBe(0);
  });
});

describe('dmirror_fops_unlocked_ioctl (HMM_DMIRROR_FLAGS)', () => {
  it('effect dmirror->flags = cmd.npages, returns 0', () => {
    const m = model({ driver: 'dmirror', pages: 1, frames: 2, dev: [{ ops: [{ op: 'flags', flags: 1 }] }] });
    const x = stepA(m, init(m), 0, 'dmirror_fops_unlocked_ioctl');
    expect(x.a.info).toBe(1);
    expect(x.n[dvFlagsOff(m.ctx.L, 0)]).toBe(1);
    expect(result(m, x.n, 0).ret).toBe(0);
  });
});
