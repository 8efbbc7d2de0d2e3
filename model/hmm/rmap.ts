// Follows: Linux v6.19 — mm/rmap.c
/**
 * mm/rmap.c: folio_add/remove_rmap, try_to_unmap_one and rmap_walk_anon (reclaim), make_device_exclusive.
 */
import {
  EFAULT, EOPNOTSUPP, EV_CLEAR, EV_EXCLUSIVE, F_DIRTY, F_LAZY, F_LOCK, F_MAP, F_PIN, F_REF, F_VER, PC, PF_D, PF_PROTNONE, PF_W,
  PG_FLAGS, PG_KIND, PG_LASTW, PG_VAL, PG_VMA, PTE_DEVEXCL, PTE_DEVPRIV, PTE_NONE, PTE_PRESENT, PTE_SWAP, R_H_RC,
  R_I, R_I_AFTER, R_I_MM, R_K_FRAME, R_K_PAGE, R_M_A, R_PC, VM_EXISTS, VM_HUGETLB, VM_READ, VM_SHARED, ZERO_FRAME, frOff,
  isDevFrame, pgOff, swapCacheOff,
} from './layout.ts';
import { type Ctx, type Emit, type GuardFn, act, actorBase, finishRequest, flushTlb, getFrame, mmOf, putFrame, nextState } from './ctx.ts';
import { hugeSpan, splitHuge } from './huge_memory.ts';
import { beginHmf, takeHmfRc } from './handle_mm_fault.ts';
import { mmapReadUnlock } from './mmap_lock.ts';
import { beginInv, endInv, subscribed } from './mmu_notifier.ts';
import { setPte } from './pgtable.ts';

/** map a frame: folio_add_*_rmap + the mapping's reference */
export function mapFrame(c: Ctx, s: Int32Array, f: number): void {
  if (f === ZERO_FRAME) return;
  const o = frOff(c.L, f);
  s[o + F_MAP]!++;
  s[o + F_REF]!++;
}

/** folio_remove_rmap_pte + folio_put */
export function unmapFrame(c: Ctx, s: Int32Array, f: number): void {
  if (f === ZERO_FRAME) return;
  s[frOff(c.L, f) + F_MAP]!--;
  putFrame(c, s, f);
}

// try_to_unmap_one: ptep_clear_flush, dirty → folio, swap entry installed, rmap removed.
export function stepTryToUnmapOne(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const fr = s[b + R_K_FRAME]!;
  const im = s[b + R_I_MM]!; // the mm whose CLEAR invalidation this step is inside
  const n = nextState(c, s);
  // a pin taken since try_to_unmap chose the folio: folio_try_share_anon_rmap_pte fails for a
  // maybe-DMA-pinned exclusive anonymous page, the PTE is restored and the walk stops
  const pinned = n[frOff(L, fr) + F_PIN]! > 0 && (n[pgOff(L, 0, s[b + R_K_PAGE]!) + PG_VMA]! & VM_SHARED) === 0;
  if (im === 0 && !pinned) splitHuge(c, n, 0, s[b + R_K_PAGE]!, 1); // split_folio_to_list of a THP (a no-op otherwise)
  for (let m = 0; m < L.mms && !pinned; m++) {
    // a mapping in another mirrored mm is reached by the rmap walk under that mm's own
    // invalidation (K_RMAP); in an mm nobody mirrors, no notifier can tell the difference
    if (m !== im && subscribed(c, m)) continue;
    for (let a = 0; a < L.pages; a++) {
      const o = pgOff(L, m, a);
      const k = n[o + PG_KIND]!;
      if ((k !== PTE_PRESENT && k !== PTE_DEVEXCL) || n[o + PG_VAL] !== fr) continue;
      const fo = frOff(L, fr);
      // a device-exclusive entry (6.15: "handle device-exclusive entries correctly in
      // try_to_unmap_one") is cleared with pte_clear: no TLB holds it, and it has no dirty bit —
      // make_device_exclusive moved the PTE's to the folio when it converted the PTE
      if (k === PTE_PRESENT) {
        if ((n[o + PG_FLAGS]! & PF_D) !== 0) n[fo + F_DIRTY] = 1;
        flushTlb(c, n, m, a);
      }
      if (n[fo + F_LAZY] !== 0 && n[fo + F_DIRTY] === 0 && n[fo + F_REF] === n[fo + F_MAP]! + 1) {
        // the MADV_FREE page check: a lazyfree folio nobody redirtied is discarded, not swapped —
        // the PTE goes, and the next fault maps a zero page. The user gave the contents up, so
        // "the last value written" becomes zero — unless something wrote the page after MADV_FREE
        // without dirtying PTE or folio (a device through its mirror): that write is lost (S5)
        if (n[fo + F_VER] === n[fo + F_LAZY]! - 1) n[o + PG_LASTW] = 0;
        setPte(c, n, m, a, PTE_NONE, 0, 0);
        unmapFrame(c, n, fr);
        continue;
      }
      n[fo + F_LAZY] = 0; // redirtied: folio_set_swapbacked, swapped out as usual
      // a clean folio in the swap cache is not written (pageout only writes dirty folios): the
      // swap entry names what its slot holds, whatever was written to the page since without
      // dirtying PTE or folio (a device through its mirror: FINDINGS F7)
      const slot = L.frameSwapBase >= 0 ? n[swapCacheOff(L, fr)]! : 0;
      setPte(c, n, m, a, PTE_SWAP, slot !== 0 && n[fo + F_DIRTY] === 0 ? slot - 1 : n[fo + F_VER]!, 0);
      unmapFrame(c, n, fr);
    }
  }
  if (!pinned && rmapNextMirrored(c, n, fr) >= 0) n[b + R_I_AFTER] = PC.rmap_walk_anon;
  endInv(c, n, t, im);
  emit(act('try_to_unmap_one', t, s[b + R_K_PAGE]!, im), n);
}

/**
 * rmap_walk_anon's next VMA for frame f in an mm someone mirrors: mm * pages + address of the
 * first present or device-private mapping of f there, or -1. (The model's mms share addresses:
 * fork copies a mapping to the same address of the child.)
 */
export function rmapNextMirrored(c: Ctx, s: Int32Array, f: number): number {
  const L = c.L;
  for (let m = 0; m < L.mms; m++) {
    if (!subscribed(c, m)) continue;
    for (let a = 0; a < L.pages; a++) {
      const o = pgOff(L, m, a);
      const k = s[o + PG_KIND]!;
      if ((k === PTE_PRESENT || k === PTE_DEVPRIV) && s[o + PG_VAL] === f) return m * L.pages + a;
    }
  }
  return -1;
}

// rmap_walk_anon → try_to_unmap_one for the VMA of another mm that maps the folio (a fork's COW
// sharing): that mm's own MMU_NOTIFY_CLEAR invalidation around its PTE change. The mapping may
// have gone since (the other mm unmapped it): then the walk is over.
export function stepRmapWalkAnon(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = c.L.actors[t]!.base;
  rmapWalkTo(c, s, t, rmapNextMirrored(c, s, s[b + R_K_FRAME]!), s[b + R_K_PAGE]!, PC.try_to_unmap_one, PC.background_folio_unlock, emit);
}

/**
 * The rmap_walk_anon step of try_to_unmap and try_to_migrate: to the next mapping `next` (mm *
 * pages + address, from rmapNextMirrored) under that mm's own MMU_NOTIFY_CLEAR invalidation of the
 * page (`unmapPc` inside it, `afterPc` after it), or, with none left (next < 0), on to `afterPc`.
 */
export function rmapWalkTo(c: Ctx, s: Int32Array, t: number, next: number, page: number, unmapPc: number, afterPc: number, emit: Emit): void {
  const L = c.L;
  const n = nextState(c, s);
  const m = next < 0 ? -1 : Math.floor(next / L.pages);
  if (next < 0) n[L.actors[t]!.base + R_PC] = afterPc;
  else beginInv(c, n, t, m, EV_CLEAR, next % L.pages, 1, 0, unmapPc, afterPc);
  emit(act('rmap_walk_anon', t, page, m), n);
}

// make_device_exclusive(mm, addr, owner = NULL, &folio): GUP(FOLL_WRITE) faults the page in
// writable, folio_lock, then an EXCLUSIVE invalidation before converting the PTE.
/** a page it can make exclusive waits for its folio lock (folio_lock sleeps); every other outcome is immediate */
export const guardExclFollow: GuardFn = (c, s, t) => {
  const L = c.L;
  const b = actorBase(c, t);
  const o = pgOff(L, mmOf(c, t), s[b + R_I]!);
  const f = s[o + PG_VAL]!;
  const fl = s[o + PG_FLAGS]!;
  const converts = s[b + R_H_RC] === 0 && s[o + PG_KIND] === PTE_PRESENT && (fl & PF_W) !== 0 && (fl & PF_PROTNONE) === 0 &&
    (!isDevFrame(L, f) || c.coherent) && (s[o + PG_VMA]! & (VM_HUGETLB | VM_SHARED)) === 0;
  return !converts || s[frOff(L, f) + F_LOCK] === 0;
};
export function stepExclFollow(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const a = s[b + R_I]!;
  const o = pgOff(L, mmOf(c, t), a);
  const kind = s[o + PG_KIND]!;
  const f = s[o + PG_VAL]!;
  const fl = s[o + PG_FLAGS]!;
  if (s[b + R_H_RC] !== 0) {
    // handle_mm_fault failed (R_H_RC): ERR_PTR → dmirror_exclusive returns the error
    exclusiveFails(c, s, t, a, EFAULT, emit);
    return;
  }
  if (kind === PTE_PRESENT && (fl & PF_W) !== 0 && (fl & PF_PROTNONE) === 0 && (!isDevFrame(L, f) || c.coherent)) {
    if ((s[o + PG_VMA]! & (VM_HUGETLB | VM_SHARED)) !== 0) {
      // `if (!folio_test_anon(folio) || folio_test_hugetlb(folio))`: folio_put, -EOPNOTSUPP (6.1's
      // folio_make_device_exclusive refuses the same folios; dmirror_exclusive then fails the
      // ioctl). A hugetlb entry is never split (FOLL_SPLIT_PMD is a THP flag), a shmem or file
      // page never converted: the device gets no atomic mapping of it.
      exclusiveFails(c, s, t, a, EOPNOTSUPP, emit);
      return;
    }
    const n = nextState(c, s);
    takeHmfRc(n, b);
    n[frOff(L, f) + F_LOCK] = t + 1;
    getFrame(c, n, f); // the GUP reference returned to the caller
    n[b + R_M_A] = f; // remember the folio (R_M_A is free outside migration)
    // FOLL_SPLIT_PMD: a PMD-mapped THP is split first (its invalidation folded into this one)
    const [ia, inum] = hugeSpan(c, n, mmOf(c, t), a, 1);
    splitHuge(c, n, mmOf(c, t), a, 1);
    beginInv(c, n, t, mmOf(c, t), EV_EXCLUSIVE, ia, inum, 0, PC.make_device_exclusive_convert, PC.dmirror_atomic_map);
    emit(act('make_device_exclusive', t, a, 0), n);
    return;
  }
  const vma = s[o + PG_VMA]!;
  const n = nextState(c, s);
  if ((vma & VM_EXISTS) === 0 || (vma & VM_READ) === 0) {
    mmapReadUnlock(c, n, t, mmOf(c, t));
    finishRequest(c, n, t, EFAULT);
    emit(act('make_device_exclusive', t, a, EFAULT), n);
    return;
  }
  beginHmf(c, n, t, a, true, PC.make_device_exclusive); // get_user_page_vma_remote → faultin_page
  emit(act('make_device_exclusive', t, a, 1), n);
}

// make_device_exclusive (inside the invalidation): folio_walk, pte still maps the folio
// writable? ptep_clear_flush → device-exclusive entry (dirty moves to the folio).
export function stepExclConvert(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const a = s[b + R_I]!;
  const f = s[b + R_M_A]!;
  const o = pgOff(L, mmOf(c, t), a);
  const n = nextState(c, s);
  const fl = s[o + PG_FLAGS]!;
  if (s[o + PG_KIND] === PTE_PRESENT && s[o + PG_VAL] === f && (fl & PF_W) !== 0) {
    flushTlb(c, n, mmOf(c, t), a);
    if ((fl & PF_D) !== 0) n[frOff(L, f) + F_DIRTY] = 1;
    setPte(c, n, mmOf(c, t), a, PTE_DEVEXCL, f, PF_W);
    endInv(c, n, t, mmOf(c, t)); // then X_MAP
  } else {
    // raced: mmu_notifier_invalidate_range_end, folio_unlock, folio_put, retry
    n[frOff(L, f) + F_LOCK] = 0;
    putFrame(c, n, f);
    n[b + R_M_A] = 0;
    n[b + R_I_AFTER] = PC.make_device_exclusive;
    endInv(c, n, t, mmOf(c, t));
  }
  emit(act('make_device_exclusive_convert', t, a), n);
}

/** make_device_exclusive gives up: mmap_read_unlock, and dmirror_exclusive fails the ioctl with rc */
function exclusiveFails(c: Ctx, s: Int32Array, t: number, a: number, rc: number, emit: Emit): void {
  const n = nextState(c, s);
  takeHmfRc(n, actorBase(c, t));
  mmapReadUnlock(c, n, t, mmOf(c, t));
  finishRequest(c, n, t, rc);
  emit(act('make_device_exclusive', t, a, rc), n);
}

/**
 * page_vma_mkclean_one (folio_mkclean → rmap_walk_file → page_mkclean_one), inside its
 * MMU_NOTIFY_PROTECTION_PAGE invalidation: for the PTE mapping the folio, `if (!pte_dirty(entry) &&
 * !pte_write(entry)) continue;` else ptep_clear_flush (TLB flush), pte_wrprotect, pte_mkclean,
 * set_pte_at. A cleaned dirty PTE makes folio_clear_dirty_for_io mark the folio dirty (it already is:
 * the flusher picked it for PG_dirty). Non-present entries are skipped ("the MMU notifier takes
 * care of any device aspects"): the device's own mapping is the callback's to revoke.
 */
export function stepPageVmaMkcleanOne(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const a = s[b + R_K_PAGE]!;
  const fr = s[b + R_K_FRAME]!;
  const o = pgOff(L, 0, a);
  const n = nextState(c, s);
  const fl = n[o + PG_FLAGS]!;
  const cleaned = n[o + PG_KIND] === PTE_PRESENT && n[o + PG_VAL] === fr && (fl & (PF_D | PF_W)) !== 0;
  if (cleaned) {
    flushTlb(c, n, 0, a);
    setPte(c, n, 0, a, PTE_PRESENT, fr, fl & ~(PF_D | PF_W));
    n[frOff(L, fr) + F_DIRTY] = 1; // folio_mark_dirty
  }
  endInv(c, n, t, 0);
  emit(act('page_vma_mkclean_one', t, a, cleaned ? 1 : 0), n);
}
