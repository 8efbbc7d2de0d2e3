// Follows: Linux v6.19 — mm/memory.c
/**
 * mm/memory.c: handle_mm_fault and its paths (do_anonymous_page, do_wp_page / wp_page_copy, do_swap_page incl.
 * the device-private branch → migrate_to_ram, do_numa_page, remove_device_exclusive_entry), zap_pte_range,
 * zap_page_range_single (MADV_DONTNEED), copy_page_range (fork).
 */
import {
  EV_CLEAR, EV_MIGRATE, F_DIRTY, F_LOCK, F_LRU, F_MAP, F_PIN, F_REF, F_VER, MIG_FAULT, PC, PF_D, PF_HUGE,
  PF_PROTNONE, PF_W, PG_FLAGS, PG_KIND, PG_LASTW, PG_VAL, PG_VMA, PTE_DEVEXCL, PTE_DEVPRIV, PTE_MIGRATION, PTE_NONE,
  PTE_PRESENT, PTE_SWAP, PTE_ZERO, R_A, R_H_A, R_H_RC, R_H_RET, R_H_T, R_H_W, R_K_FRAME, R_K_PAGE, R_M_A, R_M_DEV,
  R_M_FAULTPAGE, R_M_KIND, R_M_N, R_N, R_PC, VM_EXISTS, VM_FAULT_OOM, VM_FAULT_SIGBUS, VM_FAULT_SIGSEGV, VM_HUGEPAGE,
  VM_HUGETLB, VM_READ, VM_SHARED, VM_WRITE, ZERO_FRAME, fdOfFrame, frOff, isDevFrame, pgOff, swapCacheOff,
} from './layout.ts';
import {
  type Ctx, type Emit, type GuardFn, act, allocSysFrame, deviceOfFrame, flushTlb, frameVer, getFrame, initFrame, mmOf, putFrame, nextState } from './ctx.ts';
import { hugeSpan, splitHuge } from './huge_memory.ts';
import { gatherAdd } from './mmu_gather.ts';
import { beginInv, endInv } from './mmu_notifier.ts';
import { hmfReturn } from './handle_mm_fault.ts';
import { setPte } from './pgtable.ts';
import { mapFrame, unmapFrame } from './rmap.ts';

// zap_pte_range (via unmap_vmas): clear every PTE of the range; present pages go to the
// mmu_gather (freed only after the TLB flush); device-private/exclusive entries drop their page now.
export function stepZap(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = c.L.actors[t]!.base;
  const m = mmOf(c, t);
  const a0 = s[b + R_A]!;
  const n = nextState(c, s);
  splitHuge(c, n, m, a0, s[b + R_N]!); // a partially unmapped PMD is split first
  zapPtes(c, n, t, m, a0, s[b + R_N]!, true);
  endInv(c, n, t, m);
  emit(act('zap_pte_range', t, a0), n);
}

/**
 * zap_pte_range over [a0, a0 + cnt) of mm m into t's mmu_gather; `dropVma` when the VMA goes too
 * (munmap/exit), not when only the pages go (the OOM reaper's unmap_page_range).
 */
export function zapPtes(c: Ctx, n: Int32Array, t: number, m: number, a0: number, cnt: number, dropVma: boolean): void {
  const L = c.L;
  for (let a = a0; a < a0 + cnt; a++) {
    const o = pgOff(L, m, a);
    const kind = n[o + PG_KIND]!;
    const f = n[o + PG_VAL]!;
    if (kind === PTE_PRESENT) {
      if ((n[o + PG_FLAGS]! & PF_D) !== 0) n[frOff(L, f) + F_DIRTY] = 1; // folio_mark_dirty
      n[frOff(L, f) + F_MAP]!--; // rmap removed; the reference moves to the gather
      gatherAdd(c, n, t, f);
    } else if (kind === PTE_DEVPRIV || kind === PTE_DEVEXCL) unmapFrame(c, n, f);
    setPte(c, n, m, a, PTE_NONE, 0, 0);
    if (dropVma) n[o + PG_VMA] = 0;
    n[o + PG_LASTW] = 0;
  }
}

// copy_page_range → copy_pte_range / copy_present_pte / copy_nonpresent_pte for every page.
export function stepCopyPageRange(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const n = nextState(c, s);
  // copy_huge_pmd: a maybe-pinned anon THP cannot be shared: __split_huge_pmd, copy its PTEs
  for (let a = 0; a < L.pages; a++) {
    const o = pgOff(L, 0, a);
    if ((n[o + PG_VMA]! & VM_HUGEPAGE) !== 0 && (n[o + PG_FLAGS]! & PF_HUGE) !== 0 && n[o + PG_KIND] === PTE_PRESENT
      && n[frOff(L, n[o + PG_VAL]!) + F_PIN]! > 0) {
      splitHuge(c, n, 0, a, 1);
    }
  }
  for (let a = 0; a < L.pages; a++) {
    const po = pgOff(L, 0, a);
    const co = pgOff(L, 1, a);
    n[co + PG_VMA] = n[po + PG_VMA]!;
    n[co + PG_LASTW] = n[po + PG_LASTW]!;
    let kind = n[po + PG_KIND]!;
    const f = n[po + PG_VAL]!;
    let fl = n[po + PG_FLAGS]!;
    if (kind === PTE_DEVEXCL) {
      // try_restore_exclusive_pte: the parent gets its normal PTE back before copying
      kind = PTE_PRESENT;
      setPte(c, n, 0, a, PTE_PRESENT, f, fl & (PF_W | PF_D));
      fl = fl & (PF_W | PF_D);
    }
    switch (kind) {
      case PTE_PRESENT:
        // (hugetlb's own copy of a pinned page, copy_hugetlb_page_range, is not modelled)
        if ((n[po + PG_VMA]! & (VM_SHARED | VM_HUGETLB)) === 0 && !isDevFrame(L, f) && n[frOff(L, f) + F_PIN]! > 0) {
          // copy_present_pte: folio_try_dup_anon_rmap_pte fails for a maybe-DMA-pinned exclusive
          // page → copy_present_page: the child gets its own writable, dirty copy now and the
          // parent keeps its PTE (a pinned PMD was split first, below, and is copied page by page)
          const nf = allocSysFrame(c, n);
          if (nf === 0) throw new RangeError('fork of a pinned page needs a free frame for copy_present_page: raise `frames`');
          initFrame(c, n, nf, n[frOff(L, f) + F_VER]!, true);
          n[frOff(L, nf) + F_MAP] = 1;
          // maybe_mkwrite(pte_mkdirty(pte), dst_vma): writable only in a writable VMA
          setPte(c, n, 1, a, PTE_PRESENT, nf, PF_D | ((n[po + PG_VMA]! & VM_WRITE) !== 0 ? PF_W : 0));
          break;
        }
        // copy_present_pte: COW — write-protect both sides, share the page (copy_huge_pmd keeps
        // the PMD); a MAP_SHARED mapping is not COW: the child maps the same page, same rights
        if ((n[po + PG_VMA]! & VM_SHARED) === 0) fl &= ~PF_W;
        n[po + PG_FLAGS] = fl;
        setPte(c, n, 1, a, PTE_PRESENT, f, fl);
        mapFrame(c, n, f);
        break;
      case PTE_ZERO:
        setPte(c, n, 1, a, PTE_ZERO, ZERO_FRAME, fl & PF_HUGE);
        break;
      case PTE_SWAP:
        setPte(c, n, 1, a, PTE_SWAP, f, 0);
        break;
      case PTE_MIGRATION:
        // copy_nonpresent_pte: writable migration entries become readable in both
        fl &= ~PF_W;
        n[po + PG_FLAGS] = fl;
        setPte(c, n, 1, a, PTE_MIGRATION, f, fl);
        break;
      case PTE_DEVPRIV:
        // copy_nonpresent_pte: device-private page shared read-only, rmap dup + reference
        fl &= ~PF_W;
        n[po + PG_FLAGS] = fl;
        setPte(c, n, 1, a, PTE_DEVPRIV, f, fl);
        mapFrame(c, n, f);
        break;
      default:
        setPte(c, n, 1, a, PTE_NONE, 0, 0);
    }
  }
  flushTlb(c, n, 0, 0, L.pages); // write-protected parent PTEs: flush before range_end
  endInv(c, n, t, 0);
  emit(act('copy_page_range', t, 0), n);
}

// zap_page_range_single → unmap_single_vma → zap_pte_range (a partial PMD split first), then
// mmu_notifier_invalidate_range_end; the gathered pages are freed by tlb_finish_mmu at unlock.
export function stepMadvDontneedZap(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = c.L.actors[t]!.base;
  const m = mmOf(c, t);
  const a0 = s[b + R_A]!;
  const cnt = s[b + R_N]!;
  const n = nextState(c, s);
  splitHuge(c, n, m, a0, cnt);
  zapPtes(c, n, t, m, a0, cnt, false);
  endInv(c, n, t, m);
  emit(act('zap_page_range_single', t, a0), n);
}



/**
 * do_numa_page's out_map: the protnone PTE of (m, a) gets the VMA's protection back, writable
 * only if can_change_pte_writable (exclusive, unshared) — never after a failed migration
 * (`writable = false; ignore_writable = true`); a PMD mapping as a whole.
 */
export function numaRestore(c: Ctx, n: Int32Array, m: number, a: number, mayWrite = true): void {
  const L = c.L;
  const o = pgOff(L, m, a);
  const f = n[o + PG_VAL]!;
  const fl = n[o + PG_FLAGS]!;
  const fo = frOff(L, f);
  const wr = mayWrite && (n[o + PG_VMA]! & VM_WRITE) !== 0 && anonExclusive(n, fo);
  setPte(c, n, m, a, PTE_PRESENT, f, (fl & ~PF_PROTNONE) | (wr ? PF_W : 0));
  if ((fl & PF_HUGE) !== 0 && (a ^ 1) < L.pages) {
    // do_huge_pmd_numa_page: the whole PMD gets its protection back
    const po = pgOff(L, m, a ^ 1);
    n[po + PG_FLAGS] = (n[po + PG_FLAGS]! & ~PF_PROTNONE) | (wr ? PF_W : 0);
  }
}

/**
 * PageAnonExclusive, which the model does not keep as a flag: a page mapped once and referenced
 * only by that mapping, or a pinned page mapped once (FOLL_PIN of an anonymous page unshares it
 * first, so a pinned anonymous page is exclusive whatever its refcount).
 */
export const anonExclusive = (s: Int32Array, fo: number): boolean => s[fo + F_MAP] === 1 && (s[fo + F_REF] === 1 || s[fo + F_PIN]! > 0);


/** access_error: no VMA, or one that does not allow the access */
const accessError = (vma: number, w: boolean): boolean => (vma & VM_EXISTS) === 0 || (vma & VM_READ) === 0 || (w && (vma & VM_WRITE) === 0);

// handle_mm_fault → __handle_mm_fault → handle_pte_fault: dispatch on the PTE.
/** handle_mm_fault waits on a migration entry (migration_entry_wait: sleeps until the migration
 * ends) and for the folio lock of a device-private entry (do_swap_page: trylock_page, else
 * migration_entry_wait_on_locked) or a device-exclusive one (folio_lock_or_retry); a fault the VMA
 * refuses returns SIGSEGV without waiting */
export const guardHandleMmFault: GuardFn = (c, s, t) => {
  const L = c.L;
  const b = L.actors[t]!.base;
  const o = pgOff(L, mmOf(c, t), s[b + R_H_A]!);
  if (accessError(s[o + PG_VMA]!, s[b + R_H_W] === 1)) return true; // SIGSEGV at once
  const kind = s[o + PG_KIND]!;
  switch (kind) {
    case PTE_NONE: case PTE_ZERO: case PTE_SWAP:
      return true;
    case PTE_PRESENT: {
      // a write fault on a write-protected shared file page with writeback: do_page_mkwrite
      // sleeps on the folio lock while the flusher holds it
      const f = s[o + PG_VAL]!;
      const wpShared = s[b + R_H_W] === 1 && (s[o + PG_FLAGS]! & PF_W) === 0 && (s[o + PG_VMA]! & VM_SHARED) !== 0;
      return !(wpShared && L.writebackBase >= 0 && !isDevFrame(L, f) && s[frOff(L, f) + F_LOCK] !== 0);
    }
    case PTE_MIGRATION:
      return false;
    case PTE_DEVPRIV: {
      const a = s[b + R_H_A]!;
      const huge = (s[o + PG_FLAGS]! & PF_HUGE) !== 0 && (a ^ 1) < L.pages;
      const hf = huge ? s[pgOff(L, mmOf(c, t), a & ~1) + PG_VAL]! : s[o + PG_VAL]!;
      return s[frOff(L, hf) + F_LOCK] === 0;
    }
    case PTE_DEVEXCL:
      return s[frOff(L, s[o + PG_VAL]!) + F_LOCK] === 0;
    default:
      return false;
  }
};
export function stepHandleMmFault(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  const a = s[b + R_H_A]!;
  const w = s[b + R_H_W] === 1;
  const o = pgOff(L, m, a);
  const vma = s[o + PG_VMA]!;
  const kind = s[o + PG_KIND]!;
  const f = s[o + PG_VAL]!;
  const fl = s[o + PG_FLAGS]!;
  if (accessError(vma, w)) {
    const n = nextState(c, s);
    hmfReturn(n, b, VM_FAULT_SIGSEGV);
    emit(act('lock_mm_and_find_vma', t, a, VM_FAULT_SIGSEGV), n);
    return;
  }
  if (kind === PTE_NONE && (vma & (VM_SHARED | VM_HUGETLB)) === 0 && m === 0 && L.gUnstable >= 0 && s[L.gUnstable] === 1) {
    // check_stable_address_space: the OOM reaper may have freed this memory (MMF_UNSTABLE)
    const n = nextState(c, s);
    hmfReturn(n, b, VM_FAULT_SIGBUS);
    emit(act((vma & VM_HUGEPAGE) !== 0 ? 'do_huge_pmd_anonymous_page' : 'do_anonymous_page', t, a, VM_FAULT_SIGBUS), n);
    return;
  }
  if (kind === PTE_NONE && hugeFault(c, s, t, m, a, w, vma, emit)) return;
  switch (kind) {
    case PTE_NONE: {
      if ((vma & VM_SHARED) !== 0) {
        // do_read_fault / do_shared_fault: map the shmem / page-cache page (a new zeroed page:
        // the model has no separate page cache). finish_fault → set_pte_range builds the PTE from
        // vm_page_prot: shmem has no write-notify (no writeback), so a read fault of a writable
        // shmem VMA maps it writable; a file with writeback maps it read-only until a write fault
        const n = nextState(c, s);
        const nf = allocSysFrame(c, n);
        if (nf === 0) hmfReturn(n, b, VM_FAULT_OOM);
        else {
          initFrame(c, n, nf, 0, true);
          n[frOff(L, nf) + F_MAP] = 1;
          const shmemWritable = c.cfg.mapping === 'shared' && (vma & VM_WRITE) !== 0;
          setPte(c, n, m, a, PTE_PRESENT, nf, w ? PF_W | PF_D : shmemWritable ? PF_W : 0);
          // with writeback, do_shared_fault's fault_dirty_shared_page marks the folio dirty
          if (w && L.writebackBase >= 0) n[frOff(L, nf) + F_DIRTY] = 1;
          hmfReturn(n, b, 0);
        }
        emit(act(w ? 'do_shared_fault' : 'do_read_fault', t, a), n);
        return;
      }
      // do_anonymous_page: zero page on read, a fresh zeroed page on write
      const n = nextState(c, s);
      if (!w) {
        setPte(c, n, m, a, PTE_ZERO, ZERO_FRAME, 0);
        hmfReturn(n, b, 0);
      } else {
        const nf = allocSysFrame(c, n);
        if (nf === 0) hmfReturn(n, b, VM_FAULT_OOM);
        else {
          initFrame(c, n, nf, 0, true);
          n[frOff(L, nf) + F_MAP] = 1; // the allocation reference becomes the mapping's
          setPte(c, n, m, a, PTE_PRESENT, nf, PF_W | PF_D);
          hmfReturn(n, b, 0);
        }
      }
      emit(act('do_anonymous_page', t, a, w ? 1 : 0), n);
      return;
    }
    case PTE_PRESENT: {
      if ((fl & PF_PROTNONE) !== 0) {
        // do_numa_page: numa_migrate_check may pick a target node (features.numaMigrate: both
        // outcomes are explored): migrate_misplaced_folio_prepare isolates the folio, the PTL is
        // dropped and migrate_pages runs (migrate.ts), returning here at the end
        if (c.numaMigrate && (fl & PF_HUGE) === 0 && !isDevFrame(L, f)) {
          const fo = frOff(L, f);
          if (s[fo + F_LRU] === 1 && s[fo + F_MAP] === 1) {
            const n = nextState(c, s);
            n[fo + F_LRU] = 0; // folio_isolate_lru
            getFrame(c, n, f); // the isolation reference
            n[b + R_K_PAGE] = a;
            n[b + R_K_FRAME] = f;
            n[b + R_PC] = PC.migrate_folio_unmap;
            emit(act('migrate_misplaced_folio', t, a), n);
          }
        }
        // NUMA_NO_NODE (or a folio that cannot be isolated): restore the protection
        const n = nextState(c, s);
        numaRestore(c, n, m, a);
        hmfReturn(n, b, 0);
        emit(act('do_numa_page', t, a), n);
        return;
      }
      if (w && (fl & PF_W) === 0) {
        const fo = frOff(L, f);
        if ((vma & VM_SHARED) !== 0) {
          // do_wp_page → wp_page_shared: a shared page is made writable in place. With writeback
          // (a file with page_mkwrite), do_page_mkwrite takes the folio lock — the fault sleeps
          // while the flusher holds it (the guard) — and fault_dirty_shared_page marks the folio dirty
          const wb = L.writebackBase >= 0 && !isDevFrame(L, f);
          const n = nextState(c, s);
          setPte(c, n, m, a, PTE_PRESENT, f, fl | PF_W | PF_D);
          if (wb) n[fo + F_DIRTY] = 1;
          hmfReturn(n, b, 0);
          emit(act('do_wp_page', t, a), n);
          return;
        }
        if ((fl & PF_HUGE) !== 0 && (a ^ 1) < L.pages) {
          // do_huge_pmd_wp_page / hugetlb_wp: reuse the whole huge page when we own it
          const pf = s[pgOff(L, m, a ^ 1) + PG_VAL]!;
          const po = frOff(L, pf);
          if (s[fo + F_MAP] === 1 && s[fo + F_REF] === 1 && s[po + F_MAP] === 1 && s[po + F_REF] === 1) {
            const n = nextState(c, s);
            setPte(c, n, m, a, PTE_PRESENT, f, fl | PF_W | PF_D);
            const pfl = s[pgOff(L, m, a ^ 1) + PG_FLAGS]!;
            setPte(c, n, m, a ^ 1, PTE_PRESENT, pf, pfl | PF_W | PF_D);
            hmfReturn(n, b, 0);
            emit(act((vma & VM_HUGETLB) !== 0 ? 'hugetlb_wp' : 'do_huge_pmd_wp_page', t, a), n);
            return;
          }
          // otherwise: __split_huge_pmd, then the PTE-level COW below (wp_page_copy)
        }
        if ((!isDevFrame(L, f) || c.coherent) && anonExclusive(s, fo)) {
          // do_wp_page: PageAnonExclusive, or wp_can_reuse_anon_folio → wp_page_reuse
          const n = nextState(c, s);
          setPte(c, n, m, a, PTE_PRESENT, f, fl | PF_W | PF_D);
          hmfReturn(n, b, 0);
          emit(act('do_wp_page', t, a), n);
          return;
        }
        wpPageCopy(c, s, t, m, a, frameVer(c, s, f), emit);
        return;
      }
      const n = nextState(c, s);
      hmfReturn(n, b, 0); // spurious fault (someone else fixed it)
      emit(act('do_wp_page', t, a, 1), n);
      return;
    }
    case PTE_ZERO: {
      if (w) {
        wpPageCopy(c, s, t, m, a, 0, emit);
        return;
      }
      const n = nextState(c, s);
      hmfReturn(n, b, 0);
      emit(act('do_anonymous_page', t, a, 2), n);
      return;
    }
    case PTE_SWAP: {
      // do_swap_page (swap entry): swap-in into a new page; the folio is exclusive, so a
      // writable VMA gets a writable PTE even on a read fault (pte_mkwrite; dirty only for a
      // write fault). With the swap cache, a read fault leaves the folio in it, clean, its slot
      // holding version f; a write fault frees the slot (should_try_to_free_swap)
      const n = nextState(c, s);
      const nf = allocSysFrame(c, n);
      if (nf === 0) hmfReturn(n, b, VM_FAULT_OOM);
      else {
        initFrame(c, n, nf, f, true);
        if (L.frameSwapBase >= 0 && !w) n[swapCacheOff(L, nf)] = f + 1;
        n[frOff(L, nf) + F_MAP] = 1;
        setPte(c, n, m, a, PTE_PRESENT, nf, (vma & VM_WRITE) !== 0 ? PF_W | (w ? PF_D : 0) : 0);
        hmfReturn(n, b, 0);
      }
      emit(act('do_swap_page', t, a, 0), n);
      return;
    }
    case PTE_DEVPRIV: {
      // do_swap_page (device-private branch): PTL, pte_same, trylock_page; on success take a
      // reference and call pgmap->ops->migrate_to_ram (dmirror_devmem_fault); otherwise
      // migration_entry_wait_on_locked (no step until the page lock is released).
      // A device-private PMD (device THP): do_huge_pmd_device_private does the same with the
      // head page, and dmirror_devmem_fault migrates the whole folio (ALIGN_DOWN to its size).
      const huge = (fl & PF_HUGE) !== 0 && (a ^ 1) < L.pages;
      const ha = huge ? a & ~1 : a;
      const hf = huge ? s[pgOff(L, m, ha) + PG_VAL]! : f;
      const n = nextState(c, s);
      n[frOff(L, hf) + F_LOCK] = t + 1;
      getFrame(c, n, hf);
      n[b + R_H_T] = hf;
      // dmirror_devmem_fault: dmirror = rpage->zone_device_data (the fd that migrated the page),
      // args.pgmap_owner = dmirror->mdevice
      const d = fdOfFrame(L, s, hf);
      n[b + R_M_KIND] = MIG_FAULT;
      n[b + R_M_A] = ha;
      n[b + R_M_N] = huge ? 2 : 1;
      n[b + R_M_DEV] = d;
      n[b + R_M_FAULTPAGE] = hf;
      beginInv(c, n, t, m, EV_MIGRATE, ha, huge ? 2 : 1, deviceOfFrame(c, hf) + 1, PC.migrate_vma_collect_pmd, PC.migrate_device_unmap);
      emit(act(huge ? 'do_huge_pmd_device_private' : 'do_swap_page', t, a, 1), n);
      return;
    }
    case PTE_DEVEXCL: {
      // remove_device_exclusive_entry: folio_lock_or_retry, then a CLEAR invalidation
      const n = nextState(c, s);
      n[frOff(L, f) + F_LOCK] = t + 1;
      getFrame(c, n, f);
      n[b + R_H_T] = f;
      beginInv(c, n, t, m, EV_CLEAR, a, 1, 0, PC.restore_exclusive_pte, PC.remove_device_exclusive_entry_unlock);
      emit(act('remove_device_exclusive_entry', t, a), n);
      return;
    }
    default:
      return;
  }
}

/**
 * Faults on pte_none that map a whole huge entry (the aligned pair of `a`):
 *  - hugetlb_fault → hugetlb_no_page: a fresh zeroed huge page, writable only on a write fault
 *    of a private mapping (make_huge_pte(..., VM_SHARED)); never the zero page.
 *  - do_huge_pmd_anonymous_page (VM_HUGEPAGE, the whole pair in the VMA and unpopulated): the
 *    huge zero page on a read fault, a fresh huge page on a write fault; falls back to
 *    do_anonymous_page when no huge page can be allocated.
 * Returns false when the fault is not a huge one.
 */
function hugeFault(c: Ctx, s: Int32Array, t: number, m: number, a: number, w: boolean, vma: number, emit: Emit): boolean {
  const L = c.L;
  const b = L.actors[t]!.base;
  const p = a ^ 1;
  if (p >= L.pages) return false;
  const hugetlb = (vma & VM_HUGETLB) !== 0;
  const po = pgOff(L, m, p);
  if (!hugetlb && ((vma & VM_HUGEPAGE) === 0 || (s[po + PG_VMA]! & VM_HUGEPAGE) === 0 || s[po + PG_KIND] !== PTE_NONE)) return false;
  const kind = hugetlb ? 'hugetlb_fault' : 'do_huge_pmd_anonymous_page';
  const n = nextState(c, s);
  if (!hugetlb && !w) {
    setPte(c, n, m, a, PTE_ZERO, ZERO_FRAME, PF_HUGE);
    setPte(c, n, m, p, PTE_ZERO, ZERO_FRAME, PF_HUGE);
    hmfReturn(n, b, 0);
    emit(act(kind, t, a, 0), n);
    return true;
  }
  const f1 = allocSysFrame(c, n);
  if (f1 !== 0) initFrame(c, n, f1, 0, !hugetlb);
  const f2 = f1 === 0 ? 0 : allocSysFrame(c, n);
  if (f2 === 0) {
    if (!hugetlb) return false; // THP allocation failed: fall back to a PTE-mapped page
    const o = nextState(c, s);
    hmfReturn(o, b, VM_FAULT_OOM);
    emit(act(kind, t, a, VM_FAULT_OOM), o);
    return true;
  }
  initFrame(c, n, f2, 0, !hugetlb);
  const fl = PF_HUGE | (w || (vma & VM_SHARED) !== 0 ? PF_W | PF_D : 0);
  for (const [pg, fr] of [[a, f1], [p, f2]] as const) {
    n[frOff(L, fr) + F_MAP] = 1;
    setPte(c, n, m, pg, PTE_PRESENT, fr, fl);
  }
  hmfReturn(n, b, 0);
  emit(act(kind, t, a, w ? 1 : 0), n);
  return true;
}

// wp_page_copy: allocate and copy first (no lock), then the CLEAR invalidation around the PTE swap.
function wpPageCopy(c: Ctx, s: Int32Array, t: number, m: number, a: number, ver: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const n = nextState(c, s);
  const nf = allocSysFrame(c, n);
  if (nf === 0) {
    hmfReturn(n, b, VM_FAULT_OOM);
    emit(act('wp_page_copy', t, a, VM_FAULT_OOM), n);
    return;
  }
  initFrame(c, n, nf, ver, false);
  // do_wp_page takes folio_get(old) before wp_page_copy and wp_page_copy re-checks pte_same
  // against vmf->orig_pte: keep the old PTE (kind, frame, flags) with the new frame in R_H_T
  // (8 bits each; the layout refuses configs with 256 or more frames) and hold the old folio.
  const oo = pgOff(L, m, a);
  const ok = s[oo + PG_KIND]!;
  const of = s[oo + PG_VAL]!;
  const ofl = s[oo + PG_FLAGS]!;
  if (ok === PTE_PRESENT) getFrame(c, n, of);
  n[b + R_H_T] = nf | (of << 8) | (ofl << 16) | (ok << 24);
  const [ia, inum] = hugeSpan(c, n, m, a, 1); // a huge entry is split first (CLEAR over the PMD)
  beginInv(c, n, t, m, EV_CLEAR, ia, inum, 0, PC.wp_page_copy_set_pte, n[b + R_H_RET]!);
  emit(act('wp_page_copy', t, a), n);
}

// wp_page_copy (second half): pte_same check, ptep_clear_flush, set_pte_at(new), put old page.
export function stepWpCopySet(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  const a = s[b + R_H_A]!;
  const o = pgOff(L, m, a);
  const kind = s[o + PG_KIND]!;
  const n = nextState(c, s);
  const saved = n[b + R_H_T]!;
  const nf = saved & 0xff;
  const of = (saved >> 8) & 0xff;
  const ofl = (saved >> 16) & 0xff;
  const ok = (saved >> 24) & 0x7f;
  // pte_same(orig_pte): the PTE must be exactly the one the fault started from
  if (kind === ok && s[o + PG_VAL] === of && s[o + PG_FLAGS] === ofl) {
    const old = s[o + PG_VAL]!;
    flushTlb(c, n, m, a);
    splitHuge(c, n, m, a, 1);
    setPte(c, n, m, a, PTE_PRESENT, nf, PF_W | PF_D);
    n[frOff(L, nf) + F_MAP] = 1;
    n[frOff(L, nf) + F_LRU] = 1;
    if (kind === PTE_PRESENT) unmapFrame(c, n, old);
  } else putFrame(c, n, nf); // lost the race: someone changed the PTE
  if (ok === PTE_PRESENT) putFrame(c, n, of); // folio_put(old_folio) at the end of wp_page_copy
  n[b + R_H_T] = 0;
  n[b + R_H_RC] = 0;
  endInv(c, n, t, m);
  emit(act('wp_page_copy_set_pte', t, a), n);
}

// restore_exclusive_pte (remove_device_exclusive_entry, inside the invalidation)
export function stepExclRestore(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  const a = s[b + R_H_A]!;
  const o = pgOff(L, m, a);
  const f = s[b + R_H_T]!;
  const n = nextState(c, s);
  if (s[o + PG_KIND] === PTE_DEVEXCL && s[o + PG_VAL] === f) {
    setPte(c, n, m, a, PTE_PRESENT, f, s[o + PG_FLAGS]! & (PF_W | PF_D));
  }
  endInv(c, n, t, m);
  emit(act('restore_exclusive_pte', t, a), n);
}

// remove_device_exclusive_entry: folio_unlock + folio_put, fault done.
export function stepExclDone(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const n = nextState(c, s);
  const f = n[b + R_H_T]!;
  n[frOff(L, f) + F_LOCK] = 0;
  putFrame(c, n, f);
  hmfReturn(n, b, 0);
  emit(act('folio_unlock', t, s[b + R_H_A]!), n);
}

// do_swap_page (after migrate_to_ram returned): unlock_page + put_page.
export function stepDspDone(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const n = nextState(c, s);
  const f = n[b + R_H_T]!;
  if (n[frOff(L, f) + F_LOCK] === t + 1) n[frOff(L, f) + F_LOCK] = 0;
  putFrame(c, n, f);
  const rc = n[b + R_H_RC]!;
  hmfReturn(n, b, rc);
  emit(act('do_swap_page', t, s[b + R_H_A]!, 2), n);
}
