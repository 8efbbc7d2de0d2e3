/**
 * Unit tests per action: "enabled when … / effect …", each describe names the kernel function.
 * States are built from a config and driven through the model's own successors (by label).
 */
import { describe, expect, it } from 'vitest';
import {
  createHmmModel, type HmmConfig, PC, R_PC, R_SEQOK, PTE_PRESENT, PTE_ZERO, PTE_NONE,
  PTE_SWAP, PTE_MIGRATION, PTE_DEVPRIV, PTE_DEVEXCL, PF_W, PF_PROTNONE, pgOff, dptOff, dmaOff, devOff, frOff, resOff,
  PG_KIND, PG_VAL, PG_FLAGS, F_REF, F_LOCK, DV_LOCK, DV_SSEQCUR, RES_RET, DPT_WRITE, DPT_ATOMIC, EFAULT, EPERM,
  VM_FAULT_SIGSEGV, dptFrame, isDevFrame,
} from '../../../model/hmm/index.ts';

import { succs, step, enabled, runUntil } from './steps/helpers.ts';

const base: Omit<HmmConfig, 'driver'> = { pages: 1, frames: 2 };

describe('do_anonymous_page (mm/memory.c) via lock_mm_and_find_vma', () => {
  it('read fault on pte_none maps the zero page; write fault maps a fresh writable page', () => {
    const m = createHmmModel({ driver: 'reference', ...base, cpu: [{ ops: [{ op: 'read', page: 0 }, { op: 'write', page: 0 }] }] });
    const L = m.ctx.L;
    let s = m.initialStates()[0]!;
    expect(enabled(m, s, 0)).toEqual(['lock_mm_and_find_vma']);
    s = step(m, s, 0, 'lock_mm_and_find_vma');
    s = step(m, s, 0, 'do_anonymous_page');
    expect(s[pgOff(L, 0, 0) + PG_KIND]).toBe(PTE_ZERO);
    s = runUntil(m, s, 0, PC.cpu_access);
    s = step(m, s, 0, 'cpu_access'); // read via the zero page
    s = step(m, s, 0, 'lock_mm_and_find_vma'); // write: COW of the zero page
    s = step(m, s, 0, 'wp_page_copy');
    s = runUntil(m, s, 0, PC.do_user_addr_fault_unlock);
    expect(s[pgOff(L, 0, 0) + PG_KIND]).toBe(PTE_PRESENT);
    expect(s[pgOff(L, 0, 0) + PG_FLAGS]! & PF_W).toBe(PF_W);
  });
  it('a store to a PROT_NONE VMA gets SIGSEGV', () => {
    const m = createHmmModel({ driver: 'reference', ...base, prot: 'none', cpu: [{ ops: [{ op: 'write', page: 0 }] }] });
    let s = m.initialStates()[0]!;
    s = step(m, s, 0, 'lock_mm_and_find_vma');
    expect(s[resOff(m.ctx.L, 0, 0) + RES_RET]).toBe(VM_FAULT_SIGSEGV);
    expect(s[m.ctx.L.actors[0]!.base + R_PC]).toBe(PC.done);
  });
});

describe('mmu_interval_read_begin / mmu_interval_read_retry (mm/mmu_notifier.c)', () => {
  const cfg: HmmConfig = { driver: 'reference', ...base, initial: ['rw'], cpu: [{ ops: [{ op: 'munmap', page: 0 }] }], dev: [{ ops: [{ op: 'read', page: 0 }] }] };
  it('read_begin sleeps while the interval was invalidated in the current epoch', () => {
    const m = createHmmModel(cfg);
    const L = m.ctx.L;
    let s = m.initialStates()[0]!;
    s = step(m, s, 1, 'driver_device_read'); // -ENOENT → fault
    s = step(m, s, 0, 'mmap_write_lock');
    s = step(m, s, 0, 'mmu_notifier_invalidate_range_start');
    expect(enabled(m, s, 1)).toEqual(['mmu_interval_read_begin']); // callback not run yet: no wait
    s = step(m, s, 0, 'driver_invalidate');
    expect(s[devOff(L, 0) + DV_SSEQCUR]).toBe(1);
    expect(enabled(m, s, 1)).toEqual([]); // now it sleeps until invalidate_range_end
  });
  it('a callback after read_begin makes read_retry fail and the thread retry', () => {
    const m = createHmmModel({ ...cfg, cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'read' }] }] });
    const L = m.ctx.L;
    const b1 = L.actors[1]!.base;
    let s = m.initialStates()[0]!;
    s = step(m, s, 1, 'driver_device_read');
    s = step(m, s, 1, 'mmu_interval_read_begin');
    s = step(m, s, 1, 'mmap_read_lock');
    s = step(m, s, 1, 'hmm_range_fault');
    expect(s[b1 + R_SEQOK]).toBe(1);
    s = step(m, s, 0, 'mmap_write_lock');
    s = step(m, s, 0, 'mmu_notifier_invalidate_range_start');
    s = step(m, s, 0, 'driver_invalidate');
    expect(s[b1 + R_SEQOK]).toBe(0);
    s = step(m, s, 1, 'mutex_lock');
    s = step(m, s, 1, 'mmu_interval_read_retry');
    expect(s[b1 + R_PC]).toBe(PC.mmu_interval_read_begin);
    expect(s[devOff(L, 0) + DV_LOCK]).toBe(0);
  });
});

describe('driver invalidate callback (dmirror_interval_invalidate / hmm.rst invalidate)', () => {
  it('is blocked while the driver lock is held, then erases the device PT and DMA mappings', () => {
    const m = createHmmModel({ driver: 'reference', ...base, initial: ['rw'], features: { dma: true }, cpu: [{ ops: [{ op: 'munmap', page: 0 }] }], dev: [{ ops: [{ op: 'read', page: 0 }] }] });
    const L = m.ctx.L;
    let s = m.initialStates()[0]!;
    s = runUntil(m, s, 1, PC.dmirror_do_fault);
    s = step(m, s, 0, 'mmap_write_lock');
    s = step(m, s, 0, 'mmu_notifier_invalidate_range_start');
    expect(enabled(m, s, 0)).toEqual([]); // mutex held by the fault thread
    s = step(m, s, 1, 'driver_update_device_pt');
    expect(s[dptOff(L, 0, 0)]).not.toBe(0);
    expect(s[dmaOff(L, 0, 0)]).not.toBe(0);
    s = step(m, s, 0, 'driver_invalidate');
    expect(s[dptOff(L, 0, 0)]).toBe(0);
    expect(s[dmaOff(L, 0, 0)]).toBe(0);
  });
  it('dmirror returns early for its own MIGRATE invalidation without mmu_interval_set_seq', () => {
    const m = createHmmModel({ driver: 'dmirror', ...base, devFrames: 1, initial: ['rw'], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }] });
    let s = m.initialStates()[0]!;
    s = step(m, s, 0, 'migrate_vma_setup');
    s = step(m, s, 0, 'mmu_notifier_invalidate_range_start');
    s = step(m, s, 0, 'dmirror_interval_invalidate');
    expect(s[devOff(m.ctx.L, 0) + DV_SSEQCUR]).toBe(0);
  });
});

describe('hmm_range_fault (mm/hmm.c)', () => {
  it('PROT_NONE VMA with a fault requested → -EFAULT', () => {
    const m = createHmmModel({ driver: 'reference', ...base, initial: ['rw'], prot: 'none', dev: [{ ops: [{ op: 'read', page: 0 }] }] });
    const s = runUntil(m, m.initialStates()[0]!, 0, PC.done);
    expect(s[resOff(m.ctx.L, 0, 0) + RES_RET]).toBe(EFAULT);
  });
  it('write request on a read-only VMA → -EPERM', () => {
    const m = createHmmModel({ driver: 'reference', ...base, initial: ['ro'], prot: 'read', dev: [{ ops: [{ op: 'write', page: 0 }] }] });
    const s = runUntil(m, m.initialStates()[0]!, 0, PC.done);
    expect(s[resOff(m.ctx.L, 0, 0) + RES_RET]).toBe(EPERM);
  });
  it('protnone variant reports a PROT_NONE page as valid and maps it', () => {
    const m = createHmmModel({ driver: 'reference', coreMm: 'protnoneValid', ...base, initial: ['rw'], prot: 'none', dev: [{ ops: [{ op: 'read', page: 0 }] }] });
    const s = runUntil(m, m.initialStates()[0]!, 0, PC.done);
    expect(s[resOff(m.ctx.L, 0, 0) + RES_RET]).toBe(0);
    expect(s[pgOff(m.ctx.L, 0, 0) + PG_FLAGS]! & PF_PROTNONE).toBe(PF_PROTNONE);
  });
  it('a swapped-out page is faulted in (do_swap_page) and then mapped writable for a write', () => {
    const m = createHmmModel({ driver: 'reference', ...base, initial: ['swap'], dev: [{ ops: [{ op: 'write', page: 0 }] }] });
    const L = m.ctx.L;
    const s = runUntil(m, m.initialStates()[0]!, 0, PC.done);
    expect(s[resOff(L, 0, 0) + RES_RET]).toBe(0);
    expect(s[pgOff(L, 0, 0) + PG_KIND]).toBe(PTE_PRESENT);
    expect(s[dptOff(L, 0, 0)]! & 3).toBe(DPT_WRITE);
  });
});

describe('migrate_vma_setup / _pages / _finalize (mm/migrate_device.c) + dmirror_devmem_fault', () => {
  it('MIGRATE_TO_DEV leaves a device-private entry, the device maps its page, the source is freed', () => {
    const m = createHmmModel({ driver: 'reference', ...base, devFrames: 1, initial: ['rw'], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }] });
    const L = m.ctx.L;
    let s = m.initialStates()[0]!;
    const src = s[pgOff(L, 0, 0) + PG_VAL]!;
    s = runUntil(m, s, 0, PC.migrate_device_unmap);
    expect(s[pgOff(L, 0, 0) + PG_KIND]).toBe(PTE_MIGRATION);
    expect(s[frOff(L, src) + F_LOCK]).toBe(1);
    s = runUntil(m, s, 0, PC.done);
    expect(s[pgOff(L, 0, 0) + PG_KIND]).toBe(PTE_DEVPRIV);
    expect(isDevFrame(L, s[pgOff(L, 0, 0) + PG_VAL]!)).toBe(true);
    expect(s[frOff(L, src) + F_REF]).toBe(0);
    expect(isDevFrame(L, dptFrame(s[dptOff(L, 0, 0)]!))).toBe(true);
    expect(s[resOff(L, 0, 0) + RES_RET]).toBe(0);
  });
  it('a CPU touch of the device-private page runs do_swap_page → migrate_to_ram', () => {
    const m = createHmmModel({ driver: 'dmirror', ...base, devFrames: 1, initial: ['rw'], cpu: [{ ops: [{ op: 'read', page: 0 }] }], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }] });
    const L = m.ctx.L;
    let s = runUntil(m, m.initialStates()[0]!, 1, PC.done);
    s = runUntil(m, s, 0, PC.done);
    expect(s[pgOff(L, 0, 0) + PG_KIND]).toBe(PTE_PRESENT);
    expect(isDevFrame(L, s[pgOff(L, 0, 0) + PG_VAL]!)).toBe(false);
    expect(s[dptOff(L, 0, 0)]).toBe(0); // dmirror_devmem_fault_alloc_and_copy: xa_erase
  });
  it('a pinned page is not migrated (migrate_vma_check_page / anon-exclusive pin check)', () => {
    const m = createHmmModel({ driver: 'reference', ...base, devFrames: 1, initial: ['rw'], cpu: [{ ops: [{ op: 'pin', page: 0 }] }], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }] });
    const L = m.ctx.L;
    let s = runUntil(m, m.initialStates()[0]!, 0, PC.done);
    s = runUntil(m, s, 1, PC.done);
    expect(s[pgOff(L, 0, 0) + PG_KIND]).toBe(PTE_PRESENT);
    expect(s[resOff(L, 1, 0) + RES_RET]).toBe(-2); // read-back finds no device entry: -ENOENT
  });
});

describe('copy_page_range (fork) with a device-private entry', () => {
  it('both parent and child get read-only device-private entries; refcount 2', () => {
    const m = createHmmModel({ driver: 'reference', ...base, devFrames: 1, initial: ['rw'], features: { fork: true }, cpu: [{ ops: [{ op: 'fork' }] }], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }] });
    const L = m.ctx.L;
    let s = runUntil(m, m.initialStates()[0]!, 1, PC.done);
    s = runUntil(m, s, 0, PC.done);
    for (const mm of [0, 1]) {
      expect(s[pgOff(L, mm, 0) + PG_KIND]).toBe(PTE_DEVPRIV);
      expect(s[pgOff(L, mm, 0) + PG_FLAGS]! & PF_W).toBe(0);
    }
    expect(s[frOff(L, s[pgOff(L, 0, 0) + PG_VAL]!) + F_REF]).toBe(2);
    expect(s[dptOff(L, 0, 0)]).toBe(0); // PROTECTION_PAGE invalidation erased the device mapping
  });
});

describe('make_device_exclusive + dmirror_atomic_map, remove_device_exclusive_entry', () => {
  it('grant: devExclusive entry + ATOMIC device entry; a CPU write revokes both', () => {
    const m = createHmmModel({ driver: 'dmirror', ...base, initial: ['rw'], cpu: [{ ops: [{ op: 'write', page: 0 }] }], dev: [{ ops: [{ op: 'exclusive', page: 0 }] }] });
    const L = m.ctx.L;
    let s = runUntil(m, m.initialStates()[0]!, 1, PC.done);
    expect(s[pgOff(L, 0, 0) + PG_KIND]).toBe(PTE_DEVEXCL);
    expect(s[dptOff(L, 0, 0)]! & 3).toBe(DPT_ATOMIC);
    s = runUntil(m, s, 0, PC.done);
    expect(s[pgOff(L, 0, 0) + PG_KIND]).toBe(PTE_PRESENT);
    expect(s[dptOff(L, 0, 0)]).toBe(0);
  });
});

describe('try_to_unmap (reclaim) / change_prot_numa / write_protect_page (core-mm background)', () => {
  it('reclaim turns the PTE into a swap entry carrying the contents and frees the page', () => {
    const m = createHmmModel({ driver: 'reference', ...base, initial: ['rw'], features: { reclaim: true } });
    const L = m.ctx.L;
    const s = runUntil(m, m.initialStates()[0]!, 0, -1, 6);
    expect(s[pgOff(L, 0, 0) + PG_KIND]).toBe(PTE_SWAP);
    expect(s[pgOff(L, 0, 0) + PG_VAL]).toBe(1);
    expect(s[frOff(L, 2) + F_REF]).toBe(0);
    expect(m.isTerminal(s)).toBe(true);
  });
  it('NUMA hinting makes the PTE protnone', () => {
    const m = createHmmModel({ driver: 'reference', ...base, initial: ['rw'], features: { numa: true } });
    const s = runUntil(m, m.initialStates()[0]!, 0, -1, 6);
    expect(s[pgOff(m.ctx.L, 0, 0) + PG_FLAGS]! & PF_PROTNONE).toBe(PF_PROTNONE);
  });
});

describe('zap_pte_range + tlb_finish_mmu (munmap)', () => {
  it('the page is freed only after the TLB flush', () => {
    const m = createHmmModel({ driver: 'reference', ...base, cpu: [{ ops: [{ op: 'write', page: 0 }, { op: 'munmap', page: 0 }] }] });
    const L = m.ctx.L;
    let s = runUntil(m, m.initialStates()[0]!, 0, PC.do_vmi_munmap);
    const f = s[pgOff(L, 0, 0) + PG_VAL]!;
    s = runUntil(m, s, 0, PC.tlb_finish_mmu);
    expect(s[pgOff(L, 0, 0) + PG_KIND]).toBe(PTE_NONE);
    expect(s[frOff(L, f) + F_REF]).toBe(1); // held by the mmu_gather
    s = step(m, s, 0, 'tlb_finish_mmu');
    expect(s[frOff(L, f) + F_REF]).toBe(0);
    expect(m.isTerminal(s)).toBe(true);
  });
});

describe('codec', () => {
  it('encodes every word and equal states encode equally', () => {
    const m = createHmmModel({ driver: 'reference', ...base, cpu: [{ ops: [{ op: 'write', page: 0 }] }] });
    const s = m.initialStates()[0]!;
    const w1: number[] = [];
    const w2: number[] = [];
    m.codec.encode(s, { push: (v) => w1.push(v) });
    m.codec.encode(s.slice(), { push: (v) => w2.push(v) });
    expect(w1).toEqual(w2);
    expect(w1.length).toBe(m.ctx.L.width);
  });
});
