/**
 * The core-mm background actor: reclaim (mm/vmscan.c shrink_folio_list → mm/rmap.c try_to_unmap /
 * try_to_unmap_one), NUMA hinting (mm/mprotect.c change_prot_numa), KSM (mm/ksm.c
 * write_protect_page), and their folio_unlock.
 */
import { describe, expect, it } from 'vitest';
import {
  PC, PTE_PRESENT, PTE_SWAP, PTE_DEVEXCL, PF_W, PF_D, PF_PROTNONE, EV_CLEAR, EV_PROTECTION_VMA, EBUSY, R_I_EV, type HmmConfig,
} from './internals.ts';
import { model, init, step, steps, stepA, enabled, runUntil, pte, frame, readers, reg, tlb, pc, dpt } from './helpers.ts';

const cfg = (c: Partial<HmmConfig>): HmmConfig => ({ driver: 'dmirror', pages: 1, frames: 2, initial: ['rw'], ...c });
const INV = ['mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate'];

describe('try_to_unmap (mm/rmap.c, from shrink_folio_list)', () => {
  it('enabled when the folio is on the LRU, unlocked and not pinned: effect folio_trylock, isolated, reference, MMU_NOTIFY_CLEAR', () => {
    const m = model(cfg({ features: { reclaim: true } }));
    const s = step(m, init(m), 0, 'try_to_unmap');
    expect(frame(m, s, 2)).toMatchObject({ lock: 1, lru: 0, ref: 2 });
    expect(reg(m, s, 0, R_I_EV)).toBe(EV_CLEAR);
  });
  it('not enabled for a pinned page (maybe DMA-pinned anon page is kept)', () => {
    const m = model(cfg({ features: { reclaim: true }, cpu: [{ ops: [{ op: 'pin', page: 0 }] }] }));
    const s = runUntil(m, init(m), 0, PC.done);
    expect(frame(m, s, 2).pin).toBe(1);
    expect(enabled(m, s, 1)).toEqual([]);
  });
  it('not enabled when the budget is used up', () => {
    const m = model(cfg({ features: { reclaim: true }, budgets: { reclaim: 0 } }));
    expect(enabled(m, init(m), 0)).toEqual([]);
  });
});

describe('try_to_unmap_one (mm/rmap.c)', () => {
  it('effect PTE → swap entry carrying the contents, dirty bit → folio, TLB flushed, rmap and mapping reference dropped', () => {
    const m = model(cfg({ features: { reclaim: true }, cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    let s = step(m, init(m), 0, 'cpu_access');
    expect(tlb(m, s, 0, 0)).not.toBe(0);
    s = steps(m, s, 1, ['try_to_unmap', ...INV, 'try_to_unmap_one']);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_SWAP, val: 1 });
    expect(frame(m, s, 2)).toMatchObject({ map: 0, dirty: 1, ref: 1 });
    expect(tlb(m, s, 0, 0)).toBe(0);
  });
});

// 6.15 keeps a device-exclusive folio mapped ("mm/rmap: keep mapcount untouched for
// device-exclusive entries"), so shrink_folio_list calls try_to_unmap on it, and try_to_unmap_one
// handles the non-present entry ("handle device-exclusive entries correctly in try_to_unmap_one")
describe('reclaim of a device-exclusive folio', () => {
  const excl = cfg({ features: { reclaim: true, exclusive: true }, dev: [{ ops: [{ op: 'exclusive', page: 0 }] }] });
  it('enabled once make_device_exclusive has unlocked the folio; effect the CLEAR invalidation revokes the atomic mapping, the entry becomes a swap entry', () => {
    const m = model(excl);
    let s = runUntil(m, init(m), 0, PC.done);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_DEVEXCL, val: 2 });
    expect(dpt(m, s, 0, 0)).not.toBe(0);
    s = steps(m, s, 1, ['try_to_unmap', ...INV]);
    expect(dpt(m, s, 0, 0)).toBe(0);
    s = step(m, s, 1, 'try_to_unmap_one');
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_SWAP, val: 1 });
    expect(frame(m, s, 2)).toMatchObject({ map: 0, ref: 1, dirty: 1 });
    s = steps(m, s, 1, ['mmu_notifier_invalidate_range_end', 'folio_unlock']);
    expect(frame(m, s, 2).ref).toBe(0);
  });
  it('not enabled while make_device_exclusive holds the folio lock (until dmirror_atomic_map is done)', () => {
    const m = model(excl);
    const s = runUntil(m, init(m), 0, PC.dmirror_atomic_map);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_DEVEXCL);
    expect(frame(m, s, 2).lock).toBe(1);
    expect(enabled(m, s, 1)).toEqual([]);
  });
});

describe('folio_unlock (end of a background operation: folio_unlock / putback / mmap_read_unlock)', () => {
  it('effect after reclaim: unlocked, the reclaim reference dropped → the page is freed', () => {
    const m = model(cfg({ features: { reclaim: true } }));
    const s = steps(m, init(m), 0, ['try_to_unmap', ...INV, 'try_to_unmap_one', 'mmu_notifier_invalidate_range_end', 'folio_unlock']);
    expect(frame(m, s, 2).ref).toBe(0);
    expect(pc(m, s, 0)).toBe(PC.core_mm_background);
  });
});

describe('change_prot_numa / change_prot_numa_set (mm/mprotect.c, task_numa_work)', () => {
  it('change_prot_numa effect: mmap_lock for read, MMU_NOTIFY_PROTECTION_VMA invalidation', () => {
    const m = model(cfg({ features: { numa: true } }));
    const s = step(m, init(m), 0, 'change_prot_numa');
    expect(readers(m, s)).toBe(1);
    expect(reg(m, s, 0, R_I_EV)).toBe(EV_PROTECTION_VMA);
  });
  it('change_prot_numa_set effect: the PTE becomes protnone (not writable), TLB flushed', () => {
    const m = model(cfg({ features: { numa: true }, cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    let s = step(m, init(m), 0, 'cpu_access');
    s = steps(m, s, 1, ['change_prot_numa', ...INV, 'change_prot_numa_set']);
    expect(pte(m, s, 0, 0).flags & (PF_PROTNONE | PF_W)).toBe(PF_PROTNONE);
    expect(tlb(m, s, 0, 0)).toBe(0);
    s = steps(m, s, 1, ['mmu_notifier_invalidate_range_end', 'folio_unlock']);
    expect(readers(m, s)).toBe(0);
  });
  it('not enabled while a writer holds mmap_lock', () => {
    const m = model(cfg({ features: { numa: true }, cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'read' }] }] }));
    const s = step(m, init(m), 0, 'mmap_write_lock');
    expect(enabled(m, s, 1)).toEqual([]);
  });
});

describe('write_protect_page / write_protect_page_set (mm/ksm.c)', () => {
  it('write_protect_page effect: mmap_lock for read, folio locked + KSM reference, MMU_NOTIFY_CLEAR', () => {
    const m = model(cfg({ features: { ksm: true } }));
    const s = step(m, init(m), 0, 'write_protect_page');
    expect(readers(m, s)).toBe(1);
    expect(frame(m, s, 2)).toMatchObject({ lock: 1, ref: 2 });
    expect(reg(m, s, 0, R_I_EV)).toBe(EV_CLEAR);
  });
  it('write_protect_page_set effect: dirty bit → folio, the PTE made clean and read-only', () => {
    const m = model(cfg({ features: { ksm: true } }));
    const s = steps(m, init(m), 0, ['write_protect_page', ...INV, 'write_protect_page_set']);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2 });
    expect(pte(m, s, 0, 0).flags & (PF_W | PF_D)).toBe(0);
    expect(frame(m, s, 2).dirty).toBe(1);
  });
  it('write_protect_page_set effect on a pinned page: folio_mapcount + 1 != folio_ref_count → the PTE is put back unchanged', () => {
    const m = model(cfg({ features: { ksm: true }, cpu: [{ ops: [{ op: 'pin', page: 0 }] }] }));
    let s = runUntil(m, init(m), 0, PC.done);
    s = steps(m, s, 1, ['write_protect_page', ...INV]);
    const x = stepA(m, s, 1, 'write_protect_page_set');
    expect(x.a.info).toBe(EBUSY);
    expect(pte(m, x.n, 0, 0).flags & (PF_W | PF_D)).toBe(PF_W | PF_D);
  });
  it('not enabled on a read-only PTE (nothing to write-protect) or a locked folio', () => {
    const m = model(cfg({ initial: ['ro'], features: { ksm: true } }));
    expect(enabled(m, init(m), 0)).toEqual([]);
  });
});
