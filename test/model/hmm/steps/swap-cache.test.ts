/**
 * features.swapCache: do_swap_page (mm/memory.c) keeps a read fault's folio in the swap cache,
 * clean; try_to_unmap_one / shrink_folio_list (mm/rmap.c, mm/vmscan.c) write only dirty folios,
 * so a clean swap-cache folio's swap entry names what the slot holds; MADV_FREE
 * (madvise_free_pte_range) takes the folio out of the swap cache.
 */
import { describe, expect, it } from 'vitest';
import { PC, PTE_PRESENT, PTE_SWAP, PF_W, PF_D, F_VER, frOff, swapCacheOff, type HmmConfig } from './internals.ts';
import { model, init, steps, runUntil, runTo, step, pte, frame } from './helpers.ts';

const cfg = (c: Partial<HmmConfig>): HmmConfig => ({
  driver: 'dmirror', pages: 1, frames: 2, initial: ['swap'], features: { reclaim: true, swapCache: true }, ...c,
});
const slot = (m: ReturnType<typeof model>, s: Int32Array, f: number): number => s[swapCacheOff(m.ctx.L, f)]!;
const RECLAIM = ['try_to_unmap', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate', 'try_to_unmap_one'];

describe('do_swap_page with the swap cache', () => {
  it('effect a read fault: writable clean PTE, the folio stays in the swap cache (slot holds the swapped version)', () => {
    const m = model(cfg({ cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const s = runUntil(m, init(m), 0, PC.done);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, flags: PF_W });
    expect(slot(m, s, 2)).toBe(1 + 1);
  });
  it('effect a write fault: the slot is freed (should_try_to_free_swap), the PTE dirty', () => {
    const m = model(cfg({ cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    const s = runUntil(m, init(m), 0, PC.done);
    expect(pte(m, s, 0, 0).flags & PF_D).toBe(PF_D);
    expect(slot(m, s, 2)).toBe(0);
  });
  it('without the feature there is no swap-cache word (the state does not grow)', () => {
    const a = model(cfg({ features: { reclaim: true } }));
    const b = model(cfg({}));
    expect(a.ctx.L.frameSwapBase).toBe(-1);
    expect(b.ctx.L.width).toBe(a.ctx.L.width + a.ctx.L.frameCount);
  });
});

describe('try_to_unmap_one of a swap-cache folio', () => {
  it('effect clean: the swap entry names the slot\'s version, not the page\'s (a write that dirtied nothing is gone)', () => {
    const m = model(cfg({ cpu: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const s = runUntil(m, init(m), 0, PC.done).slice();
    s[frOff(m.ctx.L, 2) + F_VER] = 5; // contents version 5, written without dirtying PTE or folio (as a device does)
    expect(pte(m, steps(m, s, 1, RECLAIM), 0, 0)).toMatchObject({ kind: PTE_SWAP, val: 1 });
  });
  it('effect dirty (a CPU store set the PTE dirty bit): pageout writes the page, the entry names its version', () => {
    const m = model(cfg({ cpu: [{ ops: [{ op: 'read', page: 0 }, { op: 'write', page: 0 }] }] }));
    let s = runUntil(m, init(m), 0, PC.done);
    expect(frame(m, s, 2).ver).toBe(2);
    s = steps(m, s, 1, RECLAIM);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_SWAP, val: 2 });
  });
});

describe('madvise_free_pte_range with the swap cache', () => {
  it('effect folio_free_swap: the lazyfree folio leaves the swap cache', () => {
    const m = model(cfg({ features: { swapCache: true }, cpu: [{ ops: [{ op: 'read', page: 0 }, { op: 'madvFree', page: 0 }] }] }));
    let s = runTo(m, init(m), 0, 'madvise_free_pte_range');
    expect(slot(m, s, 2)).toBe(2);
    s = step(m, s, 0, 'madvise_free_pte_range');
    expect(slot(m, s, 2)).toBe(0);
  });
});

describe('migrate_folio_move of a swap-cache folio (folio_migrate_mapping moves the swap-cache entry)', () => {
  // kcompactd migrates the swapped-in folio (frame 2) to frame 3, then reclaim takes frame 3
  const mcfg = cfg({ frames: 3, features: { reclaim: true, swapCache: true, compaction: true }, cpu: [{ ops: [{ op: 'read', page: 0 }] }] });
  const migrated = (m: ReturnType<typeof model>): Int32Array => {
    const s = step(m, runUntil(m, init(m), 0, PC.done), 1, 'isolate_migratepages_block');
    return runUntil(m, s, 1, PC.core_mm_background);
  };
  it('effect: the destination is in the swap cache with the slot the source had; the source is freed with its word', () => {
    const m = model(mcfg);
    const s = migrated(m);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 3 });
    expect(slot(m, s, 3)).toBe(1 + 1);
    expect(slot(m, s, 2)).toBe(0);
  });
  it('effect: reclaim of the migrated clean folio writes nothing, the swap entry names the slot (a write that dirtied nothing is lost, as without migration)', () => {
    const m = model(mcfg);
    const s = migrated(m).slice();
    s[frOff(m.ctx.L, 3) + F_VER] = 5; // a store that dirtied neither PTE nor folio (a device's, FINDINGS F7)
    expect(pte(m, steps(m, s, 1, RECLAIM), 0, 0)).toMatchObject({ kind: PTE_SWAP, val: 1 });
  });
  it('effect: a CPU store after the migration dirties the PTE, and reclaim writes the new contents', () => {
    const m = model({ ...mcfg, cpu: [{ ops: [{ op: 'read', page: 0 }, { op: 'write', page: 0 }] }] });
    let s = step(m, runTo(m, init(m), 0, 'cpu_access'), 1, 'isolate_migratepages_block');
    s = runUntil(m, runTo(m, s, 0, 'cpu_access'), 1, PC.core_mm_background);
    s = runUntil(m, s, 0, PC.done);
    expect(frame(m, s, 3).ver).toBe(2);
    expect(pte(m, steps(m, s, 1, RECLAIM), 0, 0)).toMatchObject({ kind: PTE_SWAP, val: 2 });
  });
});
