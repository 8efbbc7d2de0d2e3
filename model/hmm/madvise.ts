// Follows: Linux v6.19 — mm/madvise.c
/**
 * mm/madvise.c: MADV_FREE (madvise_free_pte_range) and MADV_DONTNEED (under mmap_read_lock).
 */
import {
  EV_CLEAR, F_DIRTY, F_LAZY, F_MAP, F_VER, OK, PC, PF_D, PG_FLAGS, PG_KIND, PG_VAL, PG_VMA, PTE_PRESENT, R_A, R_N,
  VM_SHARED, frOff, isDevFrame, pgOff, swapCacheOff,
} from './layout.ts';
import { type Ctx, type Emit, type GuardFn, act, finishRequest, flushTlb, mmOf, nextState } from './ctx.ts';
import { hugeSpan, splitPartialHuge } from './huge_memory.ts';
import { mmapReadFree, mmapReadLock, mmapReadUnlock } from './mmap_lock.ts';
import { tlbFinishMmu } from './mmu_gather.ts';
import { beginInv, endInv } from './mmu_notifier.ts';

// madvise(MADV_FREE): mmap_read_lock, then madvise_free_pte_range under an MMU_NOTIFY_CLEAR
// invalidation: exclusively mapped anonymous pages are marked clean (lazily freeable); swap
// entries would be freed; device-private entries are left alone.
// madvise(MADV_DONTNEED): mmap_read_lock (not write: madvise_need_mmap_write is false), then
// zap_page_range_single under an MMU_NOTIFY_CLEAR invalidation: every PTE of the range goes,
// migration entries included (should_zap_folio with even_cows), the VMA stays.
/** waits for mmap_read_lock */
export const guardMadvLock: GuardFn = (c, s, t) => mmapReadFree(c, s, mmOf(c, t));
export function stepMadvLock(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const m = mmOf(c, t);
  const b = c.L.actors[t]!.base;
  const n = nextState(c, s);
  mmapReadLock(c, n, t, m);
  const [ia, inum] = hugeSpan(c, n, m, n[b + R_A]!, n[b + R_N]!);
  beginInv(c, n, t, m, EV_CLEAR, ia, inum, 0, dontneed(c, s, t) ? PC.zap_page_range_single : PC.madvise_free_pte_range, PC.do_madvise_unlock);
  emit(act('mmap_read_lock', t, s[b + R_A]!), n);
}

const dontneed = (c: Ctx, s: Int32Array, t: number): boolean => c.reqs[t]![s[c.L.actors[t]!.base + 1]!]!.op === 'madvDontneed';

export function stepMadvFree(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  const a0 = s[b + R_A]!;
  const cnt = s[b + R_N]!;
  const n = nextState(c, s);
  splitPartialHuge(c, n, m, a0, cnt);
  for (let a = a0; a < a0 + cnt; a++) {
    const o = pgOff(L, m, a);
    if (n[o + PG_KIND] !== PTE_PRESENT || (n[o + PG_VMA]! & VM_SHARED) !== 0) continue;
    const f = n[o + PG_VAL]!;
    if (isDevFrame(L, f) || n[frOff(L, f) + F_MAP] !== 1) continue;
    n[o + PG_FLAGS] = n[o + PG_FLAGS]! & ~PF_D; // ptep_get_and_clear_full + mkclean
    n[frOff(L, f) + F_DIRTY] = 0; //            folio_clear_dirty
    if ((n[o + PG_VMA]! & VM_SHARED) === 0) n[frOff(L, f) + F_LAZY] = n[frOff(L, f) + F_VER]! + 1; // folio_mark_lazyfree
    if (L.frameSwapBase >= 0) n[swapCacheOff(L, f)] = 0; // folio_free_swap of a swap-cache folio
  }
  flushTlb(c, n, m, a0, cnt);
  endInv(c, n, t, m);
  emit(act('madvise_free_pte_range', t, a0), n);
}

export function stepMadvUnlock(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = c.L.actors[t]!.base;
  const n = nextState(c, s);
  if (dontneed(c, s, t)) tlbFinishMmu(c, n, t, mmOf(c, t), s[b + R_A]!, s[b + R_N]!, false); // zap_page_range_single's tlb_finish_mmu
  mmapReadUnlock(c, n, t, mmOf(c, t));
  finishRequest(c, n, t, OK);
  emit(act('mmap_read_unlock', t, s[b + R_A]!), n);
}
