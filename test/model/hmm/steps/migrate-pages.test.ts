/**
 * migrate_pages of an ordinary LRU anonymous folio (mm/migrate.c, mm/rmap.c try_to_migrate_one):
 * compaction (mm/compaction.c isolate_migratepages_block, the background actor) and NUMA
 * balancing (mm/memory.c do_numa_page → migrate_misplaced_folio, the faulting thread).
 */
import { describe, expect, it } from 'vitest';
import {
  PC, PTE_PRESENT, PTE_MIGRATION, PF_W, PF_D, PF_PROTNONE, EV_CLEAR, EAGAIN, ENOMEM, OK, R_I_EV, R_I_A, R_I_N, R_H_T,
  dptFrame, type HmmConfig,
} from './internals.ts';
import {
  model, init, step, steps, stepA, enabled, runUntil, runTo, pte, frame, result, readers, reg, pc, dpt, gseq, active, tlb,
} from './helpers.ts';

const INV = ['mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate'];
const UNMAP = ['migrate_folio_unmap', ...INV, 'try_to_migrate_one', 'mmu_notifier_invalidate_range_end'];

/** kcompactd over page 0; the device thread (actor 0) mirrors it first; the background actor is 1 */
const compact = (c: Partial<HmmConfig> = {}): HmmConfig => ({
  driver: 'dmirror', pages: 1, frames: 2, initial: ['rw'], features: { compaction: true },
  dev: [{ ops: [{ op: 'read', page: 0 }] }], ...c,
});
const DEV = 0;
const BG = 1;

/** the device mirrors page 0, then kcompactd isolates it */
function isolated(c: Partial<HmmConfig> = {}) {
  const m = model(compact(c));
  let s = runUntil(m, init(m), DEV, PC.done);
  s = step(m, s, BG, 'isolate_migratepages_block');
  return { m, s };
}

describe('isolate_migratepages_block (mm/compaction.c, kcompactd)', () => {
  it('enabled when the folio is on the LRU, unlocked and mapped once without extra references: effect LRU cleared, isolation reference, budget spent', () => {
    const m = model(compact());
    let s = runUntil(m, init(m), DEV, PC.done);
    expect(dpt(m, s, 0, 0)).not.toBe(0);
    expect(frame(m, s, 2)).toMatchObject({ ref: 1, map: 1, lru: 1, lock: 0 }); // the mirror holds no reference
    s = step(m, s, BG, 'isolate_migratepages_block');
    expect(frame(m, s, 2)).toMatchObject({ ref: 2, map: 1, lru: 0, lock: 0 });
    expect(pc(m, s, BG)).toBe(PC.migrate_folio_unmap);
    expect(s[m.ctx.L.gBudCompact]).toBe(0);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: PF_W | PF_D }); // not touched yet
    expect(dpt(m, s, 0, 0)).not.toBe(0);
  });
  it('not enabled for a pinned page (F_REF != F_MAP: folio_ref_count - 1 > folio_mapcount → isolate_fail_put)', () => {
    const m = model(compact({ dev: [], cpu: [{ ops: [{ op: 'pin', page: 0 }] }] }));
    const s = runUntil(m, init(m), 0, PC.done);
    expect(frame(m, s, 2)).toMatchObject({ ref: 2, map: 1, pin: 1, lru: 1 });
    expect(enabled(m, s, 1)).toEqual([]);
  });
  it('not enabled when the compaction budget is used up (budgets.compaction 0), nor again after one attempt', () => {
    const m0 = model(compact({ budgets: { compaction: 0 } }));
    expect(enabled(m0, init(m0), BG)).toEqual([]);
    const m = model(compact({ dev: [] }));
    const s = runUntil(m, step(m, init(m), 0, 'isolate_migratepages_block'), 0, PC.core_mm_background);
    expect(frame(m, s, 3)).toMatchObject({ map: 1, lru: 1 }); // migrated once
    expect(enabled(m, s, 0)).toEqual([]);
  });
});

describe('migrate_folio_unmap (mm/migrate.c)', () => {
  it('effect get_new_folio allocates a locked destination, folio_trylock(src), try_to_migrate opens an MMU_NOTIFY_CLEAR invalidation of the mapping', () => {
    const { m, s } = isolated();
    const x = stepA(m, s, BG, 'migrate_folio_unmap');
    expect(x.a.info).toBe(OK);
    expect(frame(m, x.n, 2)).toMatchObject({ lock: BG + 1, ref: 2, map: 1, lru: 0 });
    expect(frame(m, x.n, 3)).toMatchObject({ lock: BG + 1, ref: 1, map: 0, lru: 0 });
    expect(reg(m, x.n, BG, R_H_T)).toBe(3);
    expect(reg(m, x.n, BG, R_I_EV)).toBe(EV_CLEAR);
    expect([reg(m, x.n, BG, R_I_A), reg(m, x.n, BG, R_I_N)]).toEqual([0, 1]);
    expect(pc(m, x.n, BG)).toBe(PC.mn_itree_inv_start_range);
    expect(pte(m, x.n, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2 }); // the PTE changes inside the invalidation
  });
  it('effect no free frame (get_new_folio fails): -ENOMEM, no invalidation, the source is put back on the LRU and the isolation reference dropped', () => {
    const { m, s } = isolated({ frames: 1 });
    const x = stepA(m, s, BG, 'migrate_folio_unmap');
    expect(x.a.info).toBe(ENOMEM);
    expect(frame(m, x.n, 2)).toMatchObject({ ref: 1, map: 1, lru: 1, lock: 0 });
    expect(pte(m, x.n, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: PF_W | PF_D });
    expect([gseq(m, x.n), active(m, x.n)]).toEqual([0, 0]);
    expect(dpt(m, x.n, 0, 0)).not.toBe(0); // no callback ran
    expect(pc(m, x.n, BG)).toBe(PC.core_mm_background);
  });
});

describe('migrate_folio_unmap: folio_trylock fails (MIGRATE_ASYNC)', () => {
  it('effect -EAGAIN, no invalidation; the lock stays with its holder (migrate_folio_undo_src unlocks only `if (locked)`), the folio is put back', () => {
    const m = model(compact({ features: { compaction: true, exclusive: true }, dev: [{ ops: [{ op: 'exclusive', page: 0 }] }] }));
    let s = step(m, init(m), BG, 'isolate_migratepages_block');
    // make_device_exclusive: GUP, then folio_lock of the page (held across its EXCLUSIVE invalidation)
    for (let i = 0; i < 10 && frame(m, s, 2).lock === 0; i++) s = step(m, s, DEV, enabled(m, s, DEV)[0]!);
    expect(frame(m, s, 2).lock).toBe(DEV + 1);
    const x = stepA(m, s, BG, 'migrate_folio_unmap');
    expect(x.a.info).toBe(EAGAIN);
    expect(frame(m, x.n, 2).lock).toBe(DEV + 1);
    expect(frame(m, x.n, 2).lru).toBe(1);
    expect(frame(m, x.n, 2).ref).toBe(frame(m, s, 2).ref - 1); // the isolation reference dropped
    expect([gseq(m, x.n), active(m, x.n)]).toEqual([gseq(m, s), active(m, s)]);
    expect(pc(m, x.n, BG)).toBe(PC.core_mm_background);
  });
});

describe('try_to_migrate_one (mm/rmap.c, inside the CLEAR invalidation)', () => {
  it('effect the callback erased the device entry (seq odd, active 1); then PTE → migration entry {pfn, write, dirty}, dirty → folio, rmap and mapping reference dropped, TLB flushed', () => {
    const m = model(compact({ cpu: [{ ops: [{ op: 'read', page: 0 }] }] })); // cpu 0, dev 1, bg 2
    let s = step(m, init(m), 0, 'cpu_access');
    s = runUntil(m, s, 1, PC.done);
    expect(tlb(m, s, 0, 0)).not.toBe(0);
    s = steps(m, s, 2, ['isolate_migratepages_block', 'migrate_folio_unmap', 'mmu_notifier_invalidate_range_start']);
    expect([gseq(m, s), active(m, s)]).toEqual([1, 1]);
    s = step(m, s, 2, 'dmirror_interval_invalidate');
    expect(dpt(m, s, 0, 0)).toBe(0);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_PRESENT); // callbacks run before the PTE changes
    const x = stepA(m, s, 2, 'try_to_migrate_one');
    expect(x.a.info).toBe(OK);
    expect(pte(m, x.n, 0, 0)).toMatchObject({ kind: PTE_MIGRATION, val: 2, flags: PF_W | PF_D });
    expect(frame(m, x.n, 2)).toMatchObject({ map: 0, ref: 1, dirty: 1, lock: 3 }); // only the isolation reference
    expect(tlb(m, x.n, 0, 0)).toBe(0);
    expect(pc(m, x.n, 2)).toBe(PC.mn_itree_inv_end);
    s = step(m, x.n, 2, 'mmu_notifier_invalidate_range_end');
    expect([gseq(m, s), active(m, s)]).toEqual([0, 0]);
    expect(pc(m, s, 2)).toBe(PC.migrate_folio_move);
  });
  it('effect a pinned page (folio_try_share_anon_rmap_pte fails): -EAGAIN, the PTE is left mapped as it was', () => {
    const m = model(compact({ dev: [], cpu: [{ ops: [{ op: 'pin', page: 0 }] }] })); // cpu 0, bg 1
    let s = step(m, init(m), 1, 'isolate_migratepages_block'); // isolated before the pin
    s = runUntil(m, s, 0, PC.done);
    expect(frame(m, s, 2)).toMatchObject({ ref: 3, pin: 1 });
    s = steps(m, s, 1, ['migrate_folio_unmap', ...INV]);
    const x = stepA(m, s, 1, 'try_to_migrate_one');
    expect(x.a.info).toBe(EAGAIN);
    expect(pte(m, x.n, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: PF_W | PF_D });
    expect(frame(m, x.n, 2)).toMatchObject({ ref: 3, map: 1, pin: 1, lock: 2 });
  });
});

describe('migrate_folio_undo_src (mm/migrate.c)', () => {
  it('effect after the pinned bail-out: the source is unlocked, put back on the LRU, isolation reference dropped; the destination is freed', () => {
    const m = model(compact({ dev: [], cpu: [{ ops: [{ op: 'pin', page: 0 }] }] }));
    let s = step(m, init(m), 1, 'isolate_migratepages_block');
    s = runUntil(m, s, 0, PC.done);
    s = steps(m, s, 1, [...UNMAP]);
    expect(enabled(m, s, 1)).toEqual(['migrate_folio_undo_src']);
    const x = stepA(m, s, 1, 'migrate_folio_undo_src');
    expect(x.a.info).toBe(EAGAIN);
    expect(frame(m, x.n, 2)).toMatchObject({ ref: 2, map: 1, pin: 1, lock: 0, lru: 1 });
    expect(frame(m, x.n, 3)).toMatchObject({ ref: 0, lock: 0 });
    expect(pte(m, x.n, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: PF_W | PF_D });
    expect(pc(m, x.n, 1)).toBe(PC.core_mm_background);
  });
  it('effect on an extra reference (wp_page_copy holds the old folio: refcount != 1 after unmap): remove_migration_ptes(src, src) restores the PTE, so the COW still sees pte_same', () => {
    // cpu 0 writes a read-only page after kcompactd isolated it: mapcount 1 but refcount 2 → COW
    const m = model(compact({ frames: 3, initial: ['ro'], dev: [], cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    let s = step(m, init(m), 1, 'isolate_migratepages_block');
    s = steps(m, s, 0, ['lock_mm_and_find_vma', 'wp_page_copy']);
    expect(frame(m, s, 2)).toMatchObject({ ref: 3, map: 1 });
    s = steps(m, s, 1, ['migrate_folio_unmap', ...INV, 'try_to_migrate_one', 'mmu_notifier_invalidate_range_end']);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_MIGRATION, val: 2, flags: 0 });
    expect(frame(m, s, 2)).toMatchObject({ ref: 2, map: 0 });
    const dstFrame = reg(m, s, 1, R_H_T);
    const x = stepA(m, s, 1, 'migrate_folio_undo_src');
    expect(x.a.info).toBe(EAGAIN);
    expect(pte(m, x.n, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: 0 });
    expect(frame(m, x.n, 2)).toMatchObject({ ref: 2, map: 1, lock: 0, lru: 1 });
    expect(frame(m, x.n, dstFrame)).toMatchObject({ ref: 0, map: 0, lock: 0 });
    // the COW now completes against the restored PTE
    s = runTo(m, x.n, 0, 'wp_page_copy_set_pte');
    s = step(m, s, 0, 'wp_page_copy_set_pte');
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, flags: PF_W | PF_D });
    expect(pte(m, s, 0, 0).val).not.toBe(2);
    expect(frame(m, s, 2).ref).toBe(0);
  });
});

describe('migrate_folio_move (mm/migrate.c: move_to_new_folio, remove_migration_ptes(src, dst), migrate_folio_done)', () => {
  it('effect copies the contents version and dirty flag, maps the destination with write/dirty from the migration entry, LRU, and frees the source', () => {
    // cpu 0 stores first (contents version 2), dev 1 mirrors, bg 2 migrates, then dev 1 reads again
    const m = model(compact({ cpu: [{ ops: [{ op: 'write', page: 0 }] }], dev: [{ ops: [{ op: 'read', page: 0 }, { op: 'read', page: 0 }] }] }));
    let s = step(m, init(m), 0, 'cpu_access');
    expect(frame(m, s, 2).ver).toBe(2);
    s = runUntil(m, s, 1, PC.dmirror_fault_ioctl); // first read done
    s = steps(m, s, 2, ['isolate_migratepages_block', ...UNMAP]);
    const x = stepA(m, s, 2, 'migrate_folio_move');
    s = x.n;
    expect(x.a.info).toBe(OK);
    expect(frame(m, s, 3)).toMatchObject({ ver: 2, dirty: 1, map: 1, ref: 1, lock: 0, lru: 1 });
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 3, flags: PF_W | PF_D });
    expect(frame(m, s, 2)).toMatchObject({ ref: 0, map: 0, lock: 0 });
    expect(pc(m, s, 2)).toBe(PC.core_mm_background);
    expect([gseq(m, s), active(m, s)]).toEqual([0, 0]); // remove_migration_ptes: no notifier
    // the device faults the new page in
    s = runUntil(m, s, 1, PC.done);
    expect(dptFrame(dpt(m, s, 0, 0))).toBe(3);
    expect(result(m, s, 1, 1).data[0]).toBe(2);
  });
  it('effect a clean read-only source: the destination is clean and mapped read-only (write and dirty come from the migration entry)', () => {
    const { m, s: s0 } = isolated({ initial: ['ro'] });
    const s = steps(m, s0, BG, [...UNMAP, 'migrate_folio_move']);
    expect(frame(m, s, 3)).toMatchObject({ ver: 1, dirty: 0, map: 1, ref: 1 });
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 3, flags: 0 });
  });
  it('effect a CPU fault on the migration entry sleeps (migration_entry_wait) until migrate_folio_move, then finds the new writable PTE', () => {
    const m = model(compact({ dev: [], cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    let s = steps(m, init(m), 1, ['isolate_migratepages_block', 'migrate_folio_unmap', 'mmu_notifier_invalidate_range_start',
      'dmirror_interval_invalidate', 'try_to_migrate_one', 'mmu_notifier_invalidate_range_end']);
    s = step(m, s, 0, 'lock_mm_and_find_vma');
    expect(enabled(m, s, 0)).toEqual([]);
    s = step(m, s, 1, 'migrate_folio_move');
    expect(enabled(m, s, 0)).toEqual(['do_wp_page']); // spurious: the new PTE is writable
    s = runUntil(m, s, 0, PC.done);
    expect(frame(m, s, 3).ver).toBe(2);
    expect(result(m, s, 0).ret).toBe(0);
  });
});

describe('migrate_misplaced_folio (mm/migrate.c, from do_numa_page in mm/memory.c)', () => {
  /** cpu 0 reads page 0 after task_numa_work made it protnone; dev 1 mirrors it; bg 2 */
  const numa = (c: Partial<HmmConfig> = {}) => {
    const m = model({
      driver: 'dmirror', pages: 1, frames: 2, initial: ['rw'], features: { numa: true, numaMigrate: true },
      cpu: [{ ops: [{ op: 'read', page: 0 }] }], dev: [{ ops: [{ op: 'read', page: 0 }] }], ...c,
    });
    let s = runUntil(m, init(m), 1, PC.done);
    s = steps(m, s, 2, ['change_prot_numa', ...INV, 'change_prot_numa_set', 'mmu_notifier_invalidate_range_end', 'folio_unlock']);
    s = step(m, s, 0, 'lock_mm_and_find_vma');
    return { m, s };
  };
  it('enabled on a NUMA-hinting fault of an LRU folio mapped once, beside do_numa_page (NUMA_NO_NODE): effect folio_isolate_lru + isolation reference, the PTE stays protnone', () => {
    const { m, s } = numa();
    expect(pte(m, s, 0, 0).flags & (PF_PROTNONE | PF_W)).toBe(PF_PROTNONE);
    expect(enabled(m, s, 0).sort()).toEqual(['do_numa_page', 'migrate_misplaced_folio']);
    const n = step(m, s, 0, 'migrate_misplaced_folio');
    expect(frame(m, n, 2)).toMatchObject({ ref: 2, map: 1, lru: 0, lock: 0 });
    expect(pte(m, n, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: PF_PROTNONE | PF_D });
    expect(pc(m, n, 0)).toBe(PC.migrate_folio_unmap);
    expect(readers(m, n)).toBe(1); // the fault's mmap_read_lock
  });
  it('not enabled without features.numaMigrate (do_numa_page only)', () => {
    const { m, s } = numa({ features: { numa: true } });
    expect(enabled(m, s, 0)).toEqual(['do_numa_page']);
  });
  it('effect migrated: the new PTE is read-only (protnone had no write bit), dirty, not protnone, and do_numa_page leaves it alone', () => {
    const { m, s: s0 } = numa();
    expect(dpt(m, s0, 0, 0)).toBe(0); // change_prot_numa's PROTECTION_VMA callback erased the mirror
    let s = step(m, s0, 0, 'migrate_misplaced_folio');
    s = steps(m, s, 0, ['migrate_folio_unmap', 'mmu_notifier_invalidate_range_start']);
    expect([gseq(m, s), active(m, s)]).toEqual([1, 1]);
    s = steps(m, s, 0, ['dmirror_interval_invalidate', 'try_to_migrate_one']);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_MIGRATION, val: 2, flags: PF_D });
    s = steps(m, s, 0, ['mmu_notifier_invalidate_range_end', 'migrate_folio_move']);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 3, flags: PF_D });
    expect(frame(m, s, 3)).toMatchObject({ ver: 1, dirty: 1, map: 1, ref: 1, lru: 1 });
    expect(frame(m, s, 2).ref).toBe(0);
    expect(pc(m, s, 0)).toBe(PC.do_user_addr_fault_unlock);
    s = runUntil(m, s, 0, PC.done);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 3, flags: PF_D });
    expect(result(m, s, 0).data[0]).toBe(1);
  });
  it('effect failed migration (-ENOMEM) with the PTE still protnone: do_numa_page restores it read-only (writable = false after a failed migration)', () => {
    const { m, s: s0 } = numa({ frames: 1 });
    let s = step(m, s0, 0, 'migrate_misplaced_folio');
    const x = stepA(m, s, 0, 'migrate_folio_unmap');
    expect(x.a.info).toBe(ENOMEM);
    s = x.n;
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: PF_D });
    expect(frame(m, s, 2)).toMatchObject({ ref: 1, map: 1, lru: 1, lock: 0 });
    expect(pc(m, s, 0)).toBe(PC.do_user_addr_fault_unlock);
    // do_numa_page without a migration attempt makes the exclusive page writable again
    const n = step(m, s0, 0, 'do_numa_page');
    expect(pte(m, n, 0, 0).flags).toBe(PF_W | PF_D);
  });
});
