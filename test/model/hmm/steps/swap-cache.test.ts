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
