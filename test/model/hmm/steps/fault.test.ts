/**
 * CPU-side fault paths (mm/memory.c, mm/huge_memory.c, mm/hugetlb.c): one describe per kernel
 * function, "enabled when / not enabled when / effect" per it, asserting state words.
 */
import { describe, expect, it } from 'vitest';
import {
  PC, PTE_NONE, PTE_PRESENT, PTE_ZERO, PTE_SWAP, PTE_DEVPRIV, PTE_DEVEXCL, PTE_MIGRATION, PF_W, PF_D, PF_PROTNONE, PF_HUGE,
  ZERO_FRAME, VM_FAULT_SIGSEGV, VM_FAULT_OOM, EV_CLEAR, EV_MIGRATE, R_MMAP, R_I_EV, R_I_OWNER, R_M_KIND, MIG_FAULT,
  firstDevFrame, pgOff, PG_KIND, type HmmConfig,
} from './internals.ts';
import {
  model, init, step, steps, stepA, enabled, runUntil, runTo, pte, frame, result, readers, tlb, reg, pc, dpt,
} from './helpers.ts';

const cfg1 = (c: Partial<HmmConfig>): HmmConfig => ({ driver: 'dmirror', pages: 1, frames: 2, ...c });

describe('cpu_access (arch page walk / TLB, no fault)', () => {
  it('enabled when the PTE is present and readable: effect the walk fills the TLB and the load reads the contents version', () => {
    const m = model(cfg1({ initial: ['rw'], cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const s0 = init(m);
    expect(enabled(m, s0, 0)).toEqual(['cpu_access']);
    const s = step(m, s0, 0, 'cpu_access');
    expect(tlb(m, s, 0, 0)).toBe((2 << 1) | 1); // frame 2, writable
    expect(result(m, s, 0).ret).toBe(0);
    expect(result(m, s, 0).data[0]).toBe(1);
    expect(readers(m, s)).toBe(0); // no mmap_lock taken on the fast path
  });
  it('effect a store through a writable PTE sets the PTE dirty bit and bumps the contents version (ghost lastWrite too)', () => {
    const m = model(cfg1({ initial: ['rw'], cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    const s = step(m, init(m), 0, 'cpu_access');
    expect(pte(m, s, 0, 0).flags & PF_D).toBe(PF_D);
    expect(frame(m, s, 2).ver).toBe(2);
    expect(pte(m, s, 0, 0).lastw).toBe(2);
  });
  it('not enabled (a page fault instead) when the store hits a read-only PTE or pte_none', () => {
    const m = model(cfg1({ initial: ['ro'], cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    expect(enabled(m, init(m), 0)).toEqual(['lock_mm_and_find_vma']);
    const n = model(cfg1({ cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    expect(enabled(n, init(n), 0)).toEqual(['lock_mm_and_find_vma']);
  });
  it('effect a load of the zero page maps ZERO_FRAME read-only in the TLB and reads version 0', () => {
    const m = model(cfg1({ initial: ['zero'], cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const s = step(m, init(m), 0, 'cpu_access');
    expect(tlb(m, s, 0, 0)).toBe(ZERO_FRAME << 1);
    expect(result(m, s, 0).data[0]).toBe(0);
  });
  it('enabled when the TLB still holds a translation the PTE no longer has (stale until flush_tlb_*)', () => {
    // two loads; after the first, the TLB is filled; clearing the PTE word by hand leaves the TLB
    const m = model(cfg1({ initial: ['rw'], cpu: [{ ops: [{ op: 'read', page: 0 }, { op: 'read', page: 0 }] }] }));
    const s = step(m, init(m), 0, 'cpu_access');
    const t = s.slice();
    t[pgOff(m.ctx.L, 0, 0) + PG_KIND] = PTE_NONE; // the PTE is gone; the TLB entry is not
    const n = stepA(m, t, 0, 'cpu_access');
    expect(n.a.info).toBe(0);
    expect(result(m, n.n, 0, 1).data[0]).toBe(1);
  });
});

describe('cpu_access: a store racing MADV_DONTNEED through a TLB entry its zap has not flushed yet', () => {
  // T0 writes (TLB filled writable), T1 MADV_DONTNEED zaps the PTE (the page waits in T1's
  // mmu_gather for tlb_finish_mmu), T2 reads and maps the zero page, T0 stores again
  const three = cfg1({
    initial: ['rw'],
    cpu: [{ ops: [{ op: 'write', page: 0 }, { op: 'write', page: 0 }] }, { ops: [{ op: 'madvDontneed', page: 0 }] }, { ops: [{ op: 'read', page: 0 }] }],
  });
  const zapped = (m: ReturnType<typeof model>) => {
    let s = step(m, init(m), 0, 'cpu_access');
    s = step(m, runTo(m, s, 1, 'zap_page_range_single'), 1, 'zap_page_range_single');
    expect(pte(m, s, 0, 0).kind).toBe(PTE_NONE);
    expect(tlb(m, s, 0, 0)).not.toBe(0); // not flushed until tlb_finish_mmu
    return s;
  };
  it('effect with the PTE refilled by the zero page: the store reaches the zapped frame only, "the last value written" stays 0', () => {
    const m = model(three);
    let s = zapped(m);
    s = runUntil(m, s, 2, PC.done);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_ZERO);
    s = step(m, s, 0, 'cpu_access');
    expect(frame(m, s, 2).ver).toBe(3);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_ZERO, lastw: 0 });
  });
  it('effect with the PTE still none: the same (the verdict does not depend on whether the PTE was refilled)', () => {
    const m = model(three);
    const s = step(m, zapped(m), 0, 'cpu_access');
    expect(frame(m, s, 2).ver).toBe(3);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_NONE, lastw: 0 });
  });
});

describe('lock_mm_and_find_vma (mm/memory.c, arch fault entry)', () => {
  it('effect takes mmap_lock for read and enters handle_mm_fault', () => {
    const m = model(cfg1({ cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const s = step(m, init(m), 0, 'lock_mm_and_find_vma');
    expect(readers(m, s)).toBe(1);
    expect(reg(m, s, 0, R_MMAP)).toBe(1);
    expect(pc(m, s, 0)).toBe(PC.handle_mm_fault);
  });
  it('not enabled when a writer holds mmap_lock (munmap by another thread)', () => {
    const m = model(cfg1({ cpu: [{ ops: [{ op: 'read', page: 0 }] }, { ops: [{ op: 'munmap', page: 0 }] }] }));
    const s = step(m, init(m), 1, 'mmap_write_lock');
    expect(enabled(m, s, 0)).toEqual([]);
  });
  it('effect access_error on a hole (no VMA): the access ends with VM_FAULT_SIGSEGV, mmap_lock not held', () => {
    const m = model(cfg1({ initial: ['hole'], cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const x = stepA(m, init(m), 0, 'lock_mm_and_find_vma');
    expect(x.a.info).toBe(VM_FAULT_SIGSEGV);
    expect(result(m, x.n, 0).ret).toBe(VM_FAULT_SIGSEGV);
    expect(readers(m, x.n)).toBe(0);
  });
  it('effect access_error on a store to a read-only VMA: VM_FAULT_SIGSEGV', () => {
    const m = model(cfg1({ initial: ['ro'], prot: 'read', cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    const s = step(m, init(m), 0, 'lock_mm_and_find_vma');
    expect(result(m, s, 0).ret).toBe(VM_FAULT_SIGSEGV);
  });
});

describe('mmap_read_unlock after handle_mm_fault (mm/memory.c)', () => {
  it('effect drops mmap_lock and retries the access when the fault succeeded', () => {
    const m = model(cfg1({ cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    let s = steps(m, init(m), 0, ['lock_mm_and_find_vma', 'do_anonymous_page']);
    const x = stepA(m, s, 0, 'mmap_read_unlock');
    s = x.n;
    expect(x.a.info).toBe(0);
    expect(readers(m, s)).toBe(0);
    expect(pc(m, s, 0)).toBe(PC.cpu_access);
  });
  it('effect delivers VM_FAULT_OOM to the access when do_anonymous_page could not allocate', () => {
    const m = model(cfg1({ frames: 0, cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    let s = steps(m, init(m), 0, ['lock_mm_and_find_vma', 'do_anonymous_page']);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_NONE);
    const x = stepA(m, s, 0, 'mmap_read_unlock');
    s = x.n;
    expect(x.a.info).toBe(VM_FAULT_OOM);
    expect(result(m, s, 0).ret).toBe(VM_FAULT_OOM);
    expect(readers(m, s)).toBe(0);
  });
});

describe('do_anonymous_page (mm/memory.c)', () => {
  it('effect a read fault on pte_none maps the shared zero page read-only, allocating nothing', () => {
    const m = model(cfg1({ cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const s = steps(m, init(m), 0, ['lock_mm_and_find_vma', 'do_anonymous_page']);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_ZERO, val: ZERO_FRAME, flags: 0 });
    expect(frame(m, s, 2).ref).toBe(0);
  });
  it('effect a write fault maps a fresh zeroed page writable+dirty: refcount 1, mapcount 1, on the LRU, version 0', () => {
    const m = model(cfg1({ cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    const x = stepA(m, step(m, init(m), 0, 'lock_mm_and_find_vma'), 0, 'do_anonymous_page');
    expect(x.a.info).toBe(1);
    expect(pte(m, x.n, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: PF_W | PF_D });
    expect(frame(m, x.n, 2)).toMatchObject({ ref: 1, map: 1, lru: 1, ver: 0, lock: 0 });
  });
  it('effect no free page: VM_FAULT_OOM, the PTE stays none', () => {
    const m = model(cfg1({ frames: 0, cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    const s = steps(m, init(m), 0, ['lock_mm_and_find_vma', 'do_anonymous_page']);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_NONE);
  });
});

describe('do_wp_page (mm/memory.c)', () => {
  it('effect wp_page_reuse: an exclusive read-only anon page (mapcount 1, refcount 1) becomes writable+dirty in place', () => {
    const m = model(cfg1({ initial: ['ro'], cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    const s = steps(m, init(m), 0, ['lock_mm_and_find_vma', 'do_wp_page']);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: PF_W | PF_D });
    expect(frame(m, s, 3).ref).toBe(0); // nothing copied
    expect(frame(m, s, 2)).toMatchObject({ ref: 1, map: 1 });
  });
  it('effect spurious fault (another thread already made the PTE writable): nothing changes, returns 0', () => {
    const m = model(cfg1({ initial: ['ro'], cpu: [{ ops: [{ op: 'write', page: 0 }] }, { ops: [{ op: 'write', page: 0 }] }] }));
    let s = step(m, init(m), 0, 'lock_mm_and_find_vma');
    s = step(m, s, 1, 'lock_mm_and_find_vma');
    s = step(m, s, 0, 'do_wp_page');
    const before = s.slice();
    const x = stepA(m, s, 1, 'do_wp_page');
    expect(x.a.info).toBe(1);
    expect(pte(m, x.n, 0, 0)).toEqual(pte(m, before, 0, 0));
    expect(frame(m, x.n, 2)).toEqual(frame(m, before, 2));
  });
  it('effect wp_page_shared: a MAP_SHARED page is made writable in place (no COW)', () => {
    const m = model(cfg1({ mapping: 'shared', initial: ['ro'], cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    const s = steps(m, init(m), 0, ['lock_mm_and_find_vma', 'do_wp_page']);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2 });
    expect(pte(m, s, 0, 0).flags & (PF_W | PF_D)).toBe(PF_W | PF_D);
  });
});

describe('wp_page_copy / wp_page_copy_set_pte (mm/memory.c)', () => {
  it('wp_page_copy effect on the zero page: allocates a zeroed page (not mapped yet) and starts an MMU_NOTIFY_CLEAR invalidation', () => {
    const m = model(cfg1({ initial: ['zero'], cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    const s = steps(m, init(m), 0, ['lock_mm_and_find_vma', 'wp_page_copy']);
    expect(frame(m, s, 2)).toMatchObject({ ref: 1, map: 0, ver: 0 });
    expect(pte(m, s, 0, 0).kind).toBe(PTE_ZERO);
    expect(reg(m, s, 0, R_I_EV)).toBe(EV_CLEAR);
    expect(pc(m, s, 0)).toBe(PC.mn_itree_inv_start_range);
  });
  it('wp_page_copy_set_pte effect (pte_same): the PTE maps the copy writable+dirty, the copy is mapped and on the LRU', () => {
    const m = model(cfg1({ initial: ['zero'], cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    let s = steps(m, init(m), 0, ['lock_mm_and_find_vma', 'wp_page_copy', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate']);
    s = step(m, s, 0, 'wp_page_copy_set_pte');
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: PF_W | PF_D });
    expect(frame(m, s, 2)).toMatchObject({ ref: 1, map: 1, lru: 1 });
    expect(pc(m, s, 0)).toBe(PC.mn_itree_inv_end);
  });
  it('effect COW of a page shared with the fork child: copy carries the contents, the old page keeps only the child mapping', () => {
    const m = model(cfg1({ frames: 3, initial: ['rw'], features: { fork: true }, cpu: [{ ops: [{ op: 'fork' }, { op: 'write', page: 0 }] }] }));
    let s = runUntil(m, init(m), 0, PC.cpu_access);
    expect(frame(m, s, 2)).toMatchObject({ ref: 2, map: 2 });
    s = steps(m, s, 0, ['lock_mm_and_find_vma', 'wp_page_copy']);
    expect(frame(m, s, 3)).toMatchObject({ ref: 1, ver: 1 }); // the copy
    expect(frame(m, s, 2).ref).toBe(3); // folio_get(old) held across the copy
    s = steps(m, s, 0, ['mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate', 'wp_page_copy_set_pte']);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 3, flags: PF_W | PF_D });
    expect(pte(m, s, 1, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2 });
    expect(frame(m, s, 2)).toMatchObject({ ref: 1, map: 1 });
    expect(frame(m, s, 3)).toMatchObject({ ref: 1, map: 1 });
  });
  it('wp_page_copy_set_pte effect when !pte_same (another thread already replaced the PTE): the new page is freed', () => {
    const m = model(cfg1({ frames: 2, initial: ['zero'], cpu: [{ ops: [{ op: 'write', page: 0 }] }, { ops: [{ op: 'write', page: 0 }] }] }));
    let s = steps(m, init(m), 0, ['lock_mm_and_find_vma', 'wp_page_copy']);
    s = steps(m, s, 1, ['lock_mm_and_find_vma', 'wp_page_copy']); // thread 1 copies into frame 3
    expect(frame(m, s, 3).ref).toBe(1);
    s = steps(m, s, 0, ['mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate', 'wp_page_copy_set_pte', 'mmu_notifier_invalidate_range_end']);
    s = steps(m, s, 1, ['mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate', 'wp_page_copy_set_pte']);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2 });
    expect(frame(m, s, 3).ref).toBe(0);
  });
  it('effect OOM: wp_page_copy returns VM_FAULT_OOM without touching the PTE or starting an invalidation', () => {
    const m = model(cfg1({ frames: 0, initial: ['zero'], cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    const x = stepA(m, step(m, init(m), 0, 'lock_mm_and_find_vma'), 0, 'wp_page_copy');
    expect(x.a.info).toBe(VM_FAULT_OOM);
    expect(pc(m, x.n, 0)).toBe(PC.do_user_addr_fault_unlock);
    expect(pte(m, x.n, 0, 0).kind).toBe(PTE_ZERO);
  });
});

describe('do_swap_page (mm/memory.c): swap entry', () => {
  it('effect a write fault swaps in a new page with the swapped contents, mapped writable+dirty', () => {
    const m = model(cfg1({ initial: ['swap'], cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    const x = stepA(m, step(m, init(m), 0, 'lock_mm_and_find_vma'), 0, 'do_swap_page');
    expect(x.a.info).toBe(0);
    expect(pte(m, x.n, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: PF_W | PF_D });
    expect(frame(m, x.n, 2)).toMatchObject({ ref: 1, map: 1, lru: 1, ver: 1 });
  });
  it('effect a read fault swaps in a present page; the access then reads the swapped contents', () => {
    const m = model(cfg1({ initial: ['swap'], cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const s = runUntil(m, init(m), 0, PC.done);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2 });
    expect(result(m, s, 0).data[0]).toBe(1);
  });
  it('effect a read fault of a writable VMA maps the swapped-in (exclusive) page writable but not dirty', () => {
    const m = model(cfg1({ initial: ['swap'], cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const x = stepA(m, step(m, init(m), 0, 'lock_mm_and_find_vma'), 0, 'do_swap_page');
    expect(pte(m, x.n, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: PF_W });
    expect(frame(m, x.n, 2)).toMatchObject({ ref: 1, map: 1, dirty: 0, ver: 1 });
  });
  it('effect a read fault of a read-only VMA maps the swapped-in page read-only', () => {
    const m = model(cfg1({ prot: 'read', initial: ['swap'], cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const x = stepA(m, step(m, init(m), 0, 'lock_mm_and_find_vma'), 0, 'do_swap_page');
    expect(pte(m, x.n, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: 0 });
  });
  it('effect no free page: VM_FAULT_OOM, the swap entry stays', () => {
    const m = model(cfg1({ frames: 0, initial: ['swap'], cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const s = runUntil(m, init(m), 0, PC.done);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_SWAP);
    expect(result(m, s, 0).ret).toBe(VM_FAULT_OOM);
  });
});

describe('do_swap_page (mm/memory.c): device-private entry → pgmap->ops->migrate_to_ram (dmirror_devmem_fault)', () => {
  const cfg = cfg1({ devFrames: 1, initial: ['rw'], cpu: [{ ops: [{ op: 'read', page: 0 }] }], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }] });
  it('enabled when the device page is unlocked: effect folio_trylock + reference, then a MIGRATE invalidation owned by the device', () => {
    const m = model(cfg);
    let s = runUntil(m, init(m), 1, PC.done);
    const df = firstDevFrame(m.ctx.L, 0);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_DEVPRIV, val: df });
    const ref = frame(m, s, df).ref;
    s = step(m, s, 0, 'lock_mm_and_find_vma');
    const x = stepA(m, s, 0, 'do_swap_page');
    expect(x.a.info).toBe(1);
    expect(frame(m, x.n, df)).toMatchObject({ lock: 1, ref: ref + 1 });
    expect(reg(m, x.n, 0, R_I_EV)).toBe(EV_MIGRATE);
    expect(reg(m, x.n, 0, R_I_OWNER)).toBe(1); // device 0 + 1
    expect(reg(m, x.n, 0, R_M_KIND)).toBe(MIG_FAULT);
  });
  it('effect (do_swap_page after migrate_to_ram returns): unlock + put the device page, which is freed; the access reads the contents', () => {
    const m = model(cfg);
    let s = runUntil(m, init(m), 1, PC.done);
    const df = firstDevFrame(m.ctx.L, 0);
    s = runTo(m, s, 0, 'do_swap_page');
    s = step(m, s, 0, 'do_swap_page'); // info 1
    s = runTo(m, s, 0, 'do_swap_page');
    const x = stepA(m, s, 0, 'do_swap_page');
    expect(x.a.info).toBe(2);
    expect(frame(m, x.n, df)).toMatchObject({ ref: 0, lock: 0 });
    expect(pte(m, x.n, 0, 0).kind).toBe(PTE_PRESENT);
    const done = runUntil(m, x.n, 0, PC.done);
    expect(result(m, done, 0).data[0]).toBe(1);
    expect(dpt(m, done, 0, 0)).toBe(0);
  });
  it('not enabled while the device page is locked (HMM_DMIRROR_RELEASE holds it: migration_entry_wait_on_locked)', () => {
    const m = model(cfg1({ devFrames: 1, initial: ['rw'], cpu: [{ ops: [{ op: 'read', page: 0 }] }], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }, { op: 'release' }] }] }));
    let s = runUntil(m, init(m), 1, PC.migrate_device_range);
    s = step(m, s, 1, 'migrate_device_range');
    expect(pte(m, s, 0, 0).kind).toBe(PTE_DEVPRIV);
    s = step(m, s, 0, 'lock_mm_and_find_vma');
    expect(enabled(m, s, 0)).toEqual([]);
  });
});

describe('migration_entry_wait (mm/migrate.c via do_swap_page)', () => {
  it('not enabled (the faulting thread sleeps) while a migration entry is present; resumes after migrate_vma_finalize', () => {
    const m = model(cfg1({ devFrames: 1, initial: ['rw'], cpu: [{ ops: [{ op: 'read', page: 0 }] }], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }] }));
    let s = runUntil(m, init(m), 1, PC.migrate_device_unmap);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_MIGRATION);
    s = step(m, s, 0, 'lock_mm_and_find_vma');
    expect(enabled(m, s, 0)).toEqual([]);
    s = runUntil(m, s, 1, PC.done);
    expect(enabled(m, s, 0)).toEqual(['do_swap_page']); // now a device-private entry
  });
});

describe('do_numa_page (mm/memory.c)', () => {
  it('effect restores the protection of a NUMA-hinting (protnone) PTE; an exclusive page in a VM_WRITE VMA becomes writable again', () => {
    const m = model(cfg1({ initial: ['rw'], features: { numa: true }, cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const bg = 1;
    let s = steps(m, init(m), bg, ['change_prot_numa', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate', 'change_prot_numa_set', 'mmu_notifier_invalidate_range_end', 'folio_unlock']);
    expect(pte(m, s, 0, 0).flags & PF_PROTNONE).toBe(PF_PROTNONE);
    expect(enabled(m, s, 0)).toEqual(['lock_mm_and_find_vma']); // protnone is not accessible
    s = steps(m, s, 0, ['lock_mm_and_find_vma', 'do_numa_page']);
    expect(pte(m, s, 0, 0).flags & (PF_PROTNONE | PF_W)).toBe(PF_W);
    expect(pte(m, s, 0, 0).val).toBe(2);
  });
});

describe('remove_device_exclusive_entry / restore_exclusive_pte / folio_unlock (mm/memory.c)', () => {
  const cfg = cfg1({ initial: ['rw'], cpu: [{ ops: [{ op: 'read', page: 0 }] }], dev: [{ ops: [{ op: 'exclusive', page: 0 }] }] });
  it('remove_device_exclusive_entry enabled when the folio is unlocked: effect folio locked + referenced, MMU_NOTIFY_CLEAR invalidation', () => {
    const m = model(cfg);
    let s = runUntil(m, init(m), 1, PC.done);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_DEVEXCL);
    const ref = frame(m, s, 2).ref;
    s = steps(m, s, 0, ['lock_mm_and_find_vma', 'remove_device_exclusive_entry']);
    expect(frame(m, s, 2)).toMatchObject({ lock: 1, ref: ref + 1 });
    expect(reg(m, s, 0, R_I_EV)).toBe(EV_CLEAR);
    expect(reg(m, s, 0, R_I_OWNER)).toBe(0);
  });
  it('not enabled while the folio is locked (dmirror_exclusive holds it until dmirror_atomic_map)', () => {
    const m = model(cfg);
    let s = runUntil(m, init(m), 1, PC.dmirror_atomic_map);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_DEVEXCL);
    expect(frame(m, s, 2).lock).toBe(2);
    s = step(m, s, 0, 'lock_mm_and_find_vma');
    expect(enabled(m, s, 0)).toEqual([]);
  });
  it('restore_exclusive_pte effect: the PTE maps the folio again with its write bit; the callback erased the ATOMIC device entry', () => {
    const m = model(cfg);
    let s = runUntil(m, init(m), 1, PC.done);
    s = steps(m, s, 0, ['lock_mm_and_find_vma', 'remove_device_exclusive_entry', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate']);
    expect(dpt(m, s, 0, 0)).toBe(0);
    s = step(m, s, 0, 'restore_exclusive_pte');
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2 });
    expect(pte(m, s, 0, 0).flags & PF_W).toBe(PF_W);
  });
  it('folio_unlock effect: the folio is unlocked and the fault reference dropped', () => {
    const m = model(cfg);
    let s = runUntil(m, init(m), 1, PC.done);
    const ref = frame(m, s, 2).ref;
    s = steps(m, s, 0, ['lock_mm_and_find_vma', 'remove_device_exclusive_entry', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate', 'restore_exclusive_pte', 'mmu_notifier_invalidate_range_end', 'folio_unlock']);
    expect(frame(m, s, 2)).toMatchObject({ lock: 0, ref });
    expect(pc(m, s, 0)).toBe(PC.do_user_addr_fault_unlock);
  });
});

describe('do_huge_pmd_anonymous_page (mm/huge_memory.c)', () => {
  const thp = (c: Partial<HmmConfig>): HmmConfig => ({ driver: 'dmirror', pages: 2, frames: 2, mapping: 'thp', ...c });
  it('effect a read fault maps the huge zero page over the whole PMD', () => {
    const m = model(thp({ cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const s = steps(m, init(m), 0, ['lock_mm_and_find_vma', 'do_huge_pmd_anonymous_page']);
    for (const a of [0, 1]) expect(pte(m, s, 0, a)).toMatchObject({ kind: PTE_ZERO, val: ZERO_FRAME, flags: PF_HUGE });
  });
  it('effect a write fault maps a fresh huge page writable+dirty over the whole PMD', () => {
    const m = model(thp({ cpu: [{ ops: [{ op: 'write', page: 1 }] }] }));
    const s = steps(m, init(m), 0, ['lock_mm_and_find_vma', 'do_huge_pmd_anonymous_page']);
    for (const a of [0, 1]) expect(pte(m, s, 0, a)).toMatchObject({ kind: PTE_PRESENT, flags: PF_HUGE | PF_W | PF_D });
    expect([pte(m, s, 0, 0).val, pte(m, s, 0, 1).val].sort()).toEqual([2, 3]);
    for (const f of [2, 3]) expect(frame(m, s, f)).toMatchObject({ ref: 1, map: 1 });
  });
  it('not enabled (VM_FAULT_FALLBACK → do_anonymous_page) when no huge page can be allocated', () => {
    const m = model(thp({ frames: 1, cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    const s = step(m, init(m), 0, 'lock_mm_and_find_vma');
    expect(enabled(m, s, 0)).toEqual(['do_anonymous_page']);
    const n = step(m, s, 0, 'do_anonymous_page');
    expect(pte(m, n, 0, 0)).toMatchObject({ kind: PTE_PRESENT, flags: PF_W | PF_D });
    expect(pte(m, n, 0, 1).kind).toBe(PTE_NONE);
  });
});

describe('do_huge_pmd_wp_page (mm/huge_memory.c)', () => {
  it('effect reuse: a write fault on an exclusive read-only THP makes the whole PMD writable+dirty in place', () => {
    const m = model({ driver: 'dmirror', pages: 2, frames: 2, mapping: 'thp', initial: ['ro', 'ro'], cpu: [{ ops: [{ op: 'write', page: 0 }] }] });
    const s0 = init(m);
    expect(pte(m, s0, 0, 0).flags & PF_HUGE).toBe(PF_HUGE);
    const s = steps(m, s0, 0, ['lock_mm_and_find_vma', 'do_huge_pmd_wp_page']);
    for (const a of [0, 1]) expect(pte(m, s, 0, a)).toMatchObject({ kind: PTE_PRESENT, val: 2 + a, flags: PF_HUGE | PF_W | PF_D });
  });
});

describe('hugetlb_fault → hugetlb_no_page / hugetlb_wp (mm/hugetlb.c)', () => {
  const h = (c: Partial<HmmConfig>): HmmConfig => ({ driver: 'dmirror', pages: 2, frames: 2, mapping: 'hugetlb', ...c });
  it('hugetlb_fault effect a read fault maps a fresh huge page (never the zero page), read-only in a private mapping', () => {
    const m = model(h({ cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const s = steps(m, init(m), 0, ['lock_mm_and_find_vma', 'hugetlb_fault']);
    for (const a of [0, 1]) expect(pte(m, s, 0, a)).toMatchObject({ kind: PTE_PRESENT, val: 2 + a, flags: PF_HUGE });
    expect(frame(m, s, 2)).toMatchObject({ ref: 1, map: 1, lru: 0 });
  });
  it('hugetlb_fault effect a write fault ends with the huge page writable+dirty', () => {
    const m = model(h({ cpu: [{ ops: [{ op: 'write', page: 1 }] }] }));
    const s = steps(m, init(m), 0, ['lock_mm_and_find_vma', 'hugetlb_fault']);
    for (const a of [0, 1]) expect(pte(m, s, 0, a).flags).toBe(PF_HUGE | PF_W | PF_D);
  });
  it('hugetlb_fault effect no huge page available: VM_FAULT_OOM (hugetlb never falls back to small pages)', () => {
    const m = model(h({ frames: 1, cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const x = stepA(m, step(m, init(m), 0, 'lock_mm_and_find_vma'), 0, 'hugetlb_fault');
    expect(x.a.info).toBe(VM_FAULT_OOM);
    expect(pte(m, x.n, 0, 0).kind).toBe(PTE_NONE);
  });
  it('hugetlb_wp effect reuse: a write to an exclusive read-only hugetlb entry makes it writable+dirty', () => {
    const m = model(h({ initial: ['ro', 'ro'], cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    const s = steps(m, init(m), 0, ['lock_mm_and_find_vma', 'hugetlb_wp']);
    for (const a of [0, 1]) expect(pte(m, s, 0, a).flags).toBe(PF_HUGE | PF_W | PF_D);
  });
});

describe('do_read_fault / do_shared_fault (mm/memory.c, MAP_SHARED)', () => {
  it('do_read_fault effect: maps the shmem page present, mapcount 1, on the LRU', () => {
    const m = model(cfg1({ mapping: 'shared', cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const s = steps(m, init(m), 0, ['lock_mm_and_find_vma', 'do_read_fault']);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2 });
    expect(frame(m, s, 2)).toMatchObject({ ref: 1, map: 1, lru: 1 });
  });
  it('do_read_fault effect: a shmem (\'shared\') read fault of a writable VMA maps the page writable, not dirty (no write-notify)', () => {
    const m = model(cfg1({ mapping: 'shared', cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const s = steps(m, init(m), 0, ['lock_mm_and_find_vma', 'do_read_fault']);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: PF_W });
  });
  it('do_read_fault effect: a \'file\' mapping read fault maps the page read-only (write-notify until a write fault)', () => {
    const m = model(cfg1({ mapping: 'file', cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const s = steps(m, init(m), 0, ['lock_mm_and_find_vma', 'do_read_fault']);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: 0 });
  });
  it('do_read_fault effect: a shmem read fault of a read-only VMA maps the page read-only', () => {
    const m = model(cfg1({ mapping: 'shared', prot: 'read', cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const s = steps(m, init(m), 0, ['lock_mm_and_find_vma', 'do_read_fault']);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: 0 });
  });
  it('do_shared_fault effect: a write fault maps the shared page writable+dirty (no COW)', () => {
    const m = model(cfg1({ mapping: 'shared', cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    const s = steps(m, init(m), 0, ['lock_mm_and_find_vma', 'do_shared_fault']);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: PF_W | PF_D });
  });
  it('effect no free page: VM_FAULT_OOM', () => {
    const m = model(cfg1({ frames: 0, mapping: 'shared', cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const s = runUntil(m, init(m), 0, PC.done);
    expect(result(m, s, 0).ret).toBe(VM_FAULT_OOM);
  });
});
