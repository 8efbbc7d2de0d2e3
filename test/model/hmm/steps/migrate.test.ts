/**
 * Device migration: mm/migrate_device.c (migrate_vma_setup → migrate_vma_collect_pmd,
 * migrate_device_unmap, migrate_vma_pages / migrate_vma_insert_page, migrate_vma_finalize) and the
 * dmirror side (lib/test_hmm.c: dmirror_migrate_to_device / _to_system,
 * dmirror_migrate_alloc_and_copy, dmirror_migrate_finalize_and_map,
 * dmirror_devmem_fault_alloc_and_copy).
 */
import { describe, expect, it } from 'vitest';
import {
  PC, PTE_NONE, PTE_PRESENT, PTE_ZERO, PTE_MIGRATION, PTE_DEVPRIV, PF_W, PF_D, EV_MIGRATE, EINVAL, ENOENT, MPFN_MIGRATE,
  MPFN_WRITE, MPFN_HOLE, MPFN_DIRTY, MIG_TO_DEV, MIG_TO_SYS, R_I_EV, R_I_OWNER, R_M_KIND, R_M_N, VM_FAULT_OOM, dvFlagsOff, firstDevFrame,
  type HmmConfig,
} from './internals.ts';
import {
  model, init, step, steps, stepA, enabled, runUntil, runTo, runToReq, trace, pte, frame, result, readers, reg, pc, dpt, devLock, src, dst,
} from './helpers.ts';

const cfg = (c: Partial<HmmConfig>): HmmConfig => ({ driver: 'dmirror', pages: 1, frames: 2, devFrames: 1, ...c });
const toDev = (c: Partial<HmmConfig> = {}): HmmConfig => cfg({ initial: ['rw'], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }], ...c });

describe('mmap_read_lock + vma_lookup (dmirror_migrate_to_device) / migrate_vma_setup guards', () => {
  it('effect no VMA (vma_lookup fails): -EINVAL, nothing collected, mmap_lock not held', () => {
    const m = model(toDev({ initial: ['hole'] }));
    const x = stepA(m, init(m), 0, 'mmap_read_lock');
    expect(x.a.info).toBe(EINVAL);
    expect(result(m, x.n, 0).ret).toBe(EINVAL);
    expect(readers(m, x.n)).toBe(0);
  });
  it('effect a VMA without VM_READ: -EINVAL', () => {
    const m = model(toDev({ prot: 'none' }));
    expect(stepA(m, init(m), 0, 'mmap_read_lock').a.info).toBe(EINVAL);
  });
  it('effect hugetlb VMA: migrate_vma_setup returns -EINVAL (is_vm_hugetlb_page)', () => {
    const m = model(toDev({ pages: 2, frames: 2, devFrames: 2, mapping: 'hugetlb', initial: ['rw', 'rw'], dev: [{ ops: [{ op: 'migrateToDev', page: 0, npages: 2 }] }] }));
    const x = stepA(m, init(m), 0, 'mmap_read_lock');
    expect(x.a.info).toBe(EINVAL);
    expect(pte(m, x.n, 0, 0).kind).toBe(PTE_PRESENT);
  });
  it('effect VM_MIXEDMAP (VM_SPECIAL, dmirror_fops_mmap): migrate_vma_setup returns -EINVAL', () => {
    const m = model(toDev({ mapping: 'mixedmap' }));
    expect(stepA(m, init(m), 0, 'mmap_read_lock').a.info).toBe(EINVAL);
  });
  it('not enabled while a writer holds mmap_lock', () => {
    const m = model(toDev({ cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'read' }] }] }));
    const s = step(m, init(m), 0, 'mmap_write_lock');
    expect(enabled(m, s, 1)).toEqual([]);
  });
});

describe('migrate_vma_setup (mm/migrate_device.c)', () => {
  it('effect mmap_lock held for read, an MMU_NOTIFY_MIGRATE invalidation with owner = this device starts before collect', () => {
    const m = model(toDev());
    const x = stepA(m, init(m), 0, 'migrate_vma_setup');
    expect(x.a.info).toBe(1);
    expect(readers(m, x.n)).toBe(1);
    expect(reg(m, x.n, 0, R_I_EV)).toBe(EV_MIGRATE);
    expect(reg(m, x.n, 0, R_I_OWNER)).toBe(1);
    expect(reg(m, x.n, 0, R_M_KIND)).toBe(MIG_TO_DEV);
    expect(pc(m, x.n, 0)).toBe(PC.mn_itree_inv_start_range);
  });
});

describe('migrate_vma_collect_pmd (mm/migrate_device.c)', () => {
  const collect = (c: HmmConfig, t = 0) => {
    const m = model(c);
    const s = runTo(m, t === 0 ? init(m) : runUntil(m, init(m), 0, PC.done), t, 'migrate_vma_collect_pmd');
    return { m, s, n: step(m, s, t, 'migrate_vma_collect_pmd') };
  };
  it('effect a present anon page: folio_get + folio_trylock, PTE → migration entry (write, dirty kept), rmap removed, src = MIGRATE|WRITE|DIRTY', () => {
    const { m, n } = collect(toDev());
    expect(pte(m, n, 0, 0)).toMatchObject({ kind: PTE_MIGRATION, val: 2, flags: PF_W | PF_D });
    expect(frame(m, n, 2)).toMatchObject({ lock: 1, map: 0, ref: 1, dirty: 1 });
    expect(src(m, n, 0, 0)).toBe((2 << 4) | MPFN_MIGRATE | MPFN_WRITE | MPFN_DIRTY);
    expect(pc(m, n, 0)).toBe(PC.mn_itree_inv_end);
  });
  it('effect pte_none and the zero page (SELECT_SYSTEM): MIGRATE|HOLE without a page; the PTE is left as it is', () => {
    const { m, n } = collect(toDev({ pages: 2, devFrames: 2, initial: ['none', 'zero'], dev: [{ ops: [{ op: 'migrateToDev', page: 0, npages: 2 }] }] }));
    expect(src(m, n, 0, 0)).toBe(MPFN_MIGRATE | MPFN_HOLE);
    expect(src(m, n, 0, 1)).toBe(MPFN_MIGRATE | MPFN_HOLE);
    expect(pte(m, n, 0, 0).kind).toBe(PTE_NONE);
    expect(pte(m, n, 0, 1).kind).toBe(PTE_ZERO);
  });
  it('effect a pinned anon-exclusive page is skipped (folio_try_share_anon_rmap_pte fails): src 0, PTE unchanged', () => {
    const m = model(toDev({ cpu: [{ ops: [{ op: 'pin', page: 0 }] }] }));
    let s = runUntil(m, init(m), 0, PC.done);
    s = steps(m, s, 1, ['migrate_vma_setup', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate', 'migrate_vma_collect_pmd']);
    expect(src(m, s, 1, 0)).toBe(0);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_PRESENT);
    expect(frame(m, s, 2).lock).toBe(0);
  });
  it('effect a page whose folio lock is held elsewhere is skipped (folio_trylock fails)', () => {
    const m = model(toDev({ features: { reclaim: true } }));
    const bg = 1;
    let s = step(m, init(m), bg, 'try_to_unmap'); // reclaim holds the folio lock
    expect(frame(m, s, 2).lock).toBe(bg + 1);
    s = steps(m, s, 0, ['migrate_vma_setup', 'mmu_notifier_invalidate_range_start']);
    s = runTo(m, s, 0, 'migrate_vma_collect_pmd');
    s = step(m, s, 0, 'migrate_vma_collect_pmd');
    expect(src(m, s, 0, 0)).toBe(0);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_PRESENT);
  });
  it('effect MAP_SHARED: pte_none is not collected (migrate_vma_collect_hole: anon VMAs only)', () => {
    const { m, n } = collect(toDev({ mapping: 'shared', initial: ['none'] }));
    expect(src(m, n, 0, 0)).toBe(0);
  });
  it('effect SELECT_DEVICE_PRIVATE (MIGRATE_TO_SYS): only this device\'s device-private pages, not system pages', () => {
    const m = model(cfg({ pages: 2, frames: 3, initial: ['rw', 'rw'], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }, { op: 'migrateToSys', page: 0, npages: 2 }] }] }));
    let s = runToReq(m, init(m), 0, 1);
    s = runTo(m, s, 0, 'migrate_vma_collect_pmd');
    s = step(m, s, 0, 'migrate_vma_collect_pmd');
    const df = firstDevFrame(m.ctx.L, 0);
    expect(src(m, s, 0, 0)).toBe((df << 4) | MPFN_MIGRATE | MPFN_WRITE);
    expect(src(m, s, 0, 1)).toBe(0);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_MIGRATION, val: df });
  });
});

describe('migrate_device_unmap (mm/migrate_device.c): isolate, try_to_migrate, migrate_vma_check_page', () => {
  it('effect a collected system page leaves the LRU (folio_isolate_lru); the migration proceeds to the driver', () => {
    const m = model(toDev());
    const s = step(m, runTo(m, init(m), 0, 'migrate_device_unmap'), 0, 'migrate_device_unmap');
    expect(frame(m, s, 2).lru).toBe(0);
    expect(src(m, s, 0, 0) & MPFN_MIGRATE).toBe(MPFN_MIGRATE);
    expect(pc(m, s, 0)).toBe(PC.dmirror_migrate_alloc_and_copy);
  });
  it('effect try_to_migrate replaces the fork child\'s mapping by a migration entry too', () => {
    const m = model(toDev({ frames: 2, features: { fork: true }, cpu: [{ ops: [{ op: 'fork' }] }] }));
    let s = runUntil(m, init(m), 0, PC.done);
    s = runTo(m, s, 1, 'migrate_device_unmap');
    expect(pte(m, s, 1, 0).kind).toBe(PTE_PRESENT);
    s = step(m, s, 1, 'migrate_device_unmap');
    expect(pte(m, s, 1, 0)).toMatchObject({ kind: PTE_MIGRATION, val: 2 });
    expect(frame(m, s, 2).map).toBe(0);
    s = runUntil(m, s, 1, PC.done);
    const df = firstDevFrame(m.ctx.L, 0);
    for (const mm of [0, 1]) expect(pte(m, s, mm, 0)).toMatchObject({ kind: PTE_DEVPRIV, val: df });
    expect(frame(m, s, df)).toMatchObject({ map: 2 });
    expect(frame(m, s, 2).ref).toBe(0);
  });
  it('effect an extra reference (refcount − expected > mapcount: wp_page_copy holds the old folio) → mappings restored, unlocked, src 0', () => {
    const m = model(toDev({ frames: 3, features: { fork: true }, cpu: [{ ops: [{ op: 'fork' }, { op: 'write', page: 0 }] }] }));
    let s = runToReq(m, init(m), 0, 1);
    s = steps(m, s, 0, ['lock_mm_and_find_vma', 'wp_page_copy']); // folio_get(old) held
    expect(frame(m, s, 2).ref).toBe(3);
    s = runTo(m, s, 1, 'migrate_device_unmap');
    s = step(m, s, 1, 'migrate_device_unmap');
    expect(src(m, s, 1, 0)).toBe(0);
    for (const mm of [0, 1]) expect(pte(m, s, mm, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2 });
    expect(frame(m, s, 2)).toMatchObject({ lock: 0, map: 2, lru: 1 });
  });
});

describe('dmirror_migrate_alloc_and_copy (lib/test_hmm.c)', () => {
  it('effect allocates a locked device page (refcount 1) with the copied contents; dst = page | WRITE from src', () => {
    const m = model(toDev());
    const s = step(m, runTo(m, init(m), 0, 'dmirror_migrate_alloc_and_copy'), 0, 'dmirror_migrate_alloc_and_copy');
    const df = firstDevFrame(m.ctx.L, 0);
    expect(frame(m, s, df)).toMatchObject({ ref: 1, lock: 1, ver: 1, map: 0 });
    expect(dst(m, s, 0, 0)).toBe((df << 4) | MPFN_WRITE);
  });
  it('effect a hole gets a cleared device page (contents version 0)', () => {
    const m = model(toDev({ initial: ['none'] }));
    const s = step(m, runTo(m, init(m), 0, 'dmirror_migrate_alloc_and_copy'), 0, 'dmirror_migrate_alloc_and_copy');
    expect(frame(m, s, firstDevFrame(m.ctx.L, 0))).toMatchObject({ ref: 1, ver: 0 });
  });
  it('effect no free device page (dmirror_devmem_alloc_page fails): dst 0, the page is not migrated, read-back -ENOENT', () => {
    const m = model(toDev({ devFrames: 0 }));
    let s = step(m, runTo(m, init(m), 0, 'dmirror_migrate_alloc_and_copy'), 0, 'dmirror_migrate_alloc_and_copy');
    expect(dst(m, s, 0, 0)).toBe(0);
    s = runUntil(m, s, 0, PC.done);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2 });
    expect(result(m, s, 0).ret).toBe(ENOENT);
  });
  it('effect HMM_DMIRROR_FLAG_FAIL_ALLOC: the allocation fails once (dst 0) and the flag is cleared', () => {
    const m = model(cfg({ initial: ['rw'], dev: [{ ops: [{ op: 'flags', flags: 1 }, { op: 'migrateToDev', page: 0 }] }] }));
    let s = runToReq(m, init(m), 0, 1);
    expect(s[dvFlagsOff(m.ctx.L, 0)]).toBe(1);
    s = step(m, runTo(m, s, 0, 'dmirror_migrate_alloc_and_copy'), 0, 'dmirror_migrate_alloc_and_copy');
    expect(dst(m, s, 0, 0)).toBe(0);
    expect(s[dvFlagsOff(m.ctx.L, 0)]).toBe(0);
  });
});

describe('migrate_vma_pages (mm/migrate_device.c: __migrate_device_pages)', () => {
  it('effect a page with a destination keeps MIGRATE and the dirty flag moves to the destination (folio_migrate_flags)', () => {
    const m = model(toDev());
    const s = step(m, runTo(m, init(m), 0, 'migrate_vma_pages'), 0, 'migrate_vma_pages');
    expect(src(m, s, 0, 0) & MPFN_MIGRATE).toBe(MPFN_MIGRATE);
    expect(frame(m, s, firstDevFrame(m.ctx.L, 0)).dirty).toBe(1);
    expect(pc(m, s, 0)).toBe(PC.dmirror_migrate_finalize_and_map);
  });
  it('effect no destination: MIGRATE cleared', () => {
    const m = model(toDev({ devFrames: 0 }));
    const s = step(m, runTo(m, init(m), 0, 'migrate_vma_pages'), 0, 'migrate_vma_pages');
    expect(src(m, s, 0, 0) & MPFN_MIGRATE).toBe(0);
  });
  it('effect a MAP_SHARED page (folio_mapping != NULL, not anon): MIGRATE cleared', () => {
    const m = model(toDev({ mapping: 'shared' }));
    const s = step(m, runTo(m, init(m), 0, 'migrate_vma_pages'), 0, 'migrate_vma_pages');
    expect(src(m, s, 0, 0) & MPFN_MIGRATE).toBe(0);
  });
  it('effect holes to fill: a second MMU_NOTIFY_MIGRATE invalidation (owner = device) before migrate_vma_insert_page', () => {
    const m = model(toDev({ initial: ['none'] }));
    const s = step(m, runTo(m, init(m), 0, 'migrate_vma_pages'), 0, 'migrate_vma_pages');
    expect(reg(m, s, 0, R_I_EV)).toBe(EV_MIGRATE);
    expect(reg(m, s, 0, R_I_OWNER)).toBe(1);
    expect(pc(m, s, 0)).toBe(PC.mn_itree_inv_start_range);
  });
});

describe('migrate_vma_insert_page (mm/migrate_device.c)', () => {
  it('effect pte_none of an anon VMA: a device-private entry (writable iff VM_WRITE), mapcount 1, reference taken', () => {
    const m = model(toDev({ initial: ['none'] }));
    const s = step(m, runTo(m, init(m), 0, 'migrate_vma_insert_page'), 0, 'migrate_vma_insert_page');
    const df = firstDevFrame(m.ctx.L, 0);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_DEVPRIV, val: df, flags: PF_W });
    expect(frame(m, s, df)).toMatchObject({ map: 1, ref: 2 });
  });
  it('effect over the zero page of a read-only VMA: a read-only device-private entry', () => {
    const m = model(toDev({ initial: ['zero'], prot: 'read' }));
    const s = step(m, runTo(m, init(m), 0, 'migrate_vma_insert_page'), 0, 'migrate_vma_insert_page');
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_DEVPRIV, flags: 0 });
  });
  it('effect the PTE got populated since collect (!pte_none): abort, MIGRATE cleared, the device page is freed at finalize', () => {
    const m = model(toDev({ initial: ['none'], cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    let s = runTo(m, init(m), 1, 'dmirror_migrate_alloc_and_copy');
    s = runUntil(m, s, 0, PC.done); // the CPU write fault maps a page meanwhile
    expect(pte(m, s, 0, 0).kind).toBe(PTE_PRESENT);
    s = step(m, runTo(m, s, 1, 'migrate_vma_insert_page'), 1, 'migrate_vma_insert_page');
    expect(src(m, s, 1, 0) & MPFN_MIGRATE).toBe(0);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_PRESENT);
    s = runUntil(m, s, 1, PC.done);
    expect(frame(m, s, firstDevFrame(m.ctx.L, 0)).ref).toBe(0);
  });
});

describe('dmirror_migrate_finalize_and_map (lib/test_hmm.c)', () => {
  it('effect under dmirror->mutex, each migrated page is stored in the device page table (WRITE tag from dst)', () => {
    const m = model(toDev());
    const s = step(m, runTo(m, init(m), 0, 'dmirror_migrate_finalize_and_map'), 0, 'dmirror_migrate_finalize_and_map');
    const df = firstDevFrame(m.ctx.L, 0);
    expect(dpt(m, s, 0, 0)).toBe((df << 2) | 1);
    expect(devLock(m, s, 0)).toBe(0);
  });
  it('not enabled while another thread holds dmirror->mutex', () => {
    const m = model(toDev({ pages: 2, frames: 2, initial: ['rw', 'rw'], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }, { ops: [{ op: 'read', page: 1 }] }] }));
    let s = runTo(m, init(m), 0, 'dmirror_migrate_finalize_and_map');
    s = runUntil(m, s, 1, PC.dmirror_do_fault);
    expect(devLock(m, s, 0)).toBe(2);
    expect(enabled(m, s, 0)).toEqual([]);
  });
});

describe('migrate_vma_finalize (mm/migrate_device.c: remove_migration_ptes + unlock/put)', () => {
  it('effect migrated: the migration entry becomes a device-private entry; the source page is unlocked and freed', () => {
    const m = model(toDev());
    const s = step(m, runTo(m, init(m), 0, 'migrate_vma_finalize'), 0, 'migrate_vma_finalize');
    const df = firstDevFrame(m.ctx.L, 0);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_DEVPRIV, val: df, flags: PF_W });
    expect(frame(m, s, 2).ref).toBe(0);
    expect(frame(m, s, df)).toMatchObject({ lock: 0, ref: 1, map: 1 });
    expect(readers(m, s)).toBe(0);
    expect(pc(m, s, 0)).toBe(PC.dmirror_migrate_readback);
  });
  it('effect not migrated: remove_migration_ptes(src, src) restores the PTE and the page goes back to the LRU', () => {
    const m = model(toDev({ devFrames: 0 }));
    const s = step(m, runTo(m, init(m), 0, 'migrate_vma_finalize'), 0, 'migrate_vma_finalize');
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: PF_W | PF_D });
    expect(frame(m, s, 2)).toMatchObject({ lock: 0, ref: 1, map: 1, lru: 1 });
  });
  it('then dmirror_do_read (read-back under the mutex): 0 and cpages when every page is mapped by the device', () => {
    const m = model(toDev());
    const s = runTo(m, init(m), 0, 'dmirror_do_read');
    const x = stepA(m, s, 0, 'dmirror_do_read');
    expect(x.a.info).toBe(0);
    expect(result(m, x.n, 0)).toMatchObject({ ret: 0, cpages: 1, data: [1] });
  });
});

describe('dmirror_devmem_fault_alloc_and_copy (lib/test_hmm.c; MIGRATE_TO_SYS and migrate_to_ram)', () => {
  const toSys = (driver: 'dmirror' | 'reference' = 'dmirror', extra: Partial<HmmConfig> = {}) =>
    model(cfg({ driver, initial: ['rw'], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }, { op: 'migrateToSys', page: 0 }] }], ...extra }));
  it('effect xa_erase of the device entry, a locked system page with the copied contents, dst = page | WRITE', () => {
    const m = toSys();
    let s = runTo(m, init(m), 0, 'dmirror_devmem_fault_alloc_and_copy');
    expect(dpt(m, s, 0, 0)).not.toBe(0);
    const x = stepA(m, s, 0, 'dmirror_devmem_fault_alloc_and_copy');
    s = x.n;
    expect(x.a.info).toBe(0);
    expect(dpt(m, s, 0, 0)).toBe(0);
    expect(frame(m, s, 2)).toMatchObject({ ref: 1, lock: 1, ver: 1 });
    expect(dst(m, s, 0, 0)).toBe((2 << 4) | MPFN_WRITE);
  });
  it('enabled while dmirror->mutex is held (dmirror erases with xa_erase, without the mutex); the reference driver waits for its lock', () => {
    for (const [driver, expected] of [['dmirror', ['dmirror_devmem_fault_alloc_and_copy']], ['reference', []]] as const) {
      const m = toSys(driver, { pages: 2, frames: 3, initial: ['rw', 'rw'], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }, { op: 'migrateToSys', page: 0 }] }, { ops: [{ op: 'read', page: 1 }] }] });
      let s = runTo(m, init(m), 0, 'dmirror_devmem_fault_alloc_and_copy');
      s = runUntil(m, s, 1, PC.mmu_interval_read_retry);
      expect(devLock(m, s, 0)).toBe(2);
      expect(enabled(m, s, 0)).toEqual(expected);
    }
  });
  it('effect MIGRATE_TO_SYS completes: present system page, device page freed, cpages = pages migrated, returns 0', () => {
    const m = toSys();
    const s = runUntil(m, init(m), 0, PC.done);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2 });
    expect(frame(m, s, firstDevFrame(m.ctx.L, 0)).ref).toBe(0);
    expect(result(m, s, 0, 1)).toMatchObject({ ret: 0, cpages: 1 });
    expect(reg(m, s, 0, R_M_KIND)).toBe(0);
    expect(MIG_TO_SYS).toBe(2);
  });
  it('effect MIGRATE_TO_SYS with HMM_DMIRROR_FLAG_FAIL_ALLOC: dmirror_migrate_to_system ignores the VM_FAULT_OOM — rc 0, cpages 0, the page stays device-private', () => {
    const m = model(cfg({ initial: ['rw'], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }, { op: 'flags', flags: 1 }, { op: 'migrateToSys', page: 0 }] }] }));
    let s = runToReq(m, init(m), 0, 2);
    const df = firstDevFrame(m.ctx.L, 0);
    s = runTo(m, s, 0, 'dmirror_devmem_fault_alloc_and_copy');
    const x = stepA(m, s, 0, 'dmirror_devmem_fault_alloc_and_copy');
    expect(x.a.info).toBe(VM_FAULT_OOM);
    expect(s[dvFlagsOff(m.ctx.L, 0)]).toBe(1);
    expect(x.n[dvFlagsOff(m.ctx.L, 0)]).toBe(0);
    s = runUntil(m, x.n, 0, PC.done);
    expect(result(m, s, 0, 2)).toMatchObject({ ret: 0, cpages: 0 });
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_DEVPRIV, val: df });
    expect(frame(m, s, df)).toMatchObject({ ref: 1, map: 1, lock: 0 });
  });
  it('effect MIGRATE_TO_SYS of system pages: nothing selected (SELECT_DEVICE_PRIVATE), cpages 0, returns 0', () => {
    const m = model(cfg({ initial: ['rw'], dev: [{ ops: [{ op: 'migrateToSys', page: 0 }] }] }));
    const s = runUntil(m, init(m), 0, PC.done);
    expect(result(m, s, 0)).toMatchObject({ ret: 0, cpages: 0 });
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2 });
  });
});

describe('migrate_vma_finalize then -EINVAL (dmirror_migrate_to_device / _to_system: the VMA loop stops at a hole or a !VM_READ VMA)', () => {
  it('effect MIGRATE_TO_DEV over a range that runs into a hole: the page before it is migrated, then -EINVAL without read-back (no dmirror_do_read)', () => {
    const m = model(cfg({ pages: 2, initial: ['rw', 'hole'], dev: [{ ops: [{ op: 'migrateToDev', page: 0, npages: 2 }] }] }));
    const x = stepA(m, init(m), 0, 'migrate_vma_setup');
    expect(reg(m, x.n, 0, R_M_N)).toBe(1);
    const t = trace(m, x.n, 0, PC.done);
    expect(t.kinds).toContain('migrate_vma_finalize');
    expect(t.kinds).not.toContain('dmirror_do_read');
    expect(result(m, t.s, 0).ret).toBe(EINVAL);
    expect(pte(m, t.s, 0, 0)).toMatchObject({ kind: PTE_DEVPRIV, val: firstDevFrame(m.ctx.L, 0) });
    expect(dpt(m, t.s, 0, 0)).not.toBe(0); // dmirror_migrate_finalize_and_map ran for it
    expect(readers(m, t.s)).toBe(0);
  });
  it('effect MIGRATE_TO_DEV over a range that runs into a VMA without VM_READ (mprotect PROT_NONE): same, -EINVAL after migrating the readable page', () => {
    const m = model(cfg({ pages: 2, devFrames: 2, initial: ['rw', 'rw'], cpu: [{ ops: [{ op: 'mprotect', page: 1, prot: 'none' }] }],
      dev: [{ ops: [{ op: 'migrateToDev', page: 0, npages: 2 }] }] }));
    let s = runUntil(m, init(m), 0, PC.done);
    const t = trace(m, s, 1, PC.done);
    expect(t.kinds).not.toContain('dmirror_do_read');
    s = t.s;
    expect(result(m, s, 1).ret).toBe(EINVAL);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_DEVPRIV);
    expect(pte(m, s, 0, 1)).toMatchObject({ kind: PTE_PRESENT, val: 3 });
  });
  it('effect MIGRATE_TO_SYS over a range that runs into a hole: the device page before it comes back to system memory, then -EINVAL', () => {
    const m = model(cfg({ pages: 2, initial: ['rw', 'hole'], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }, { op: 'migrateToSys', page: 0, npages: 2 }] }] }));
    let s = runToReq(m, init(m), 0, 1);
    const df = firstDevFrame(m.ctx.L, 0);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_DEVPRIV, val: df });
    s = runUntil(m, s, 0, PC.done);
    expect(result(m, s, 0, 1).ret).toBe(EINVAL);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2 });
    expect(frame(m, s, df).ref).toBe(0);
    expect(readers(m, s)).toBe(0);
  });
});
