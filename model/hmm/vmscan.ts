// Follows: Linux v6.19 — mm/vmscan.c, mm/filemap.c, mm/compaction.c, mm/ksm.c, kernel/sched/fair.c, mm/page-writeback.c
/**
 * The core-mm background actor: reclaim (mm/vmscan.c shrink_folio_list → try_to_unmap), NUMA hinting scans
 * (task_numa_work → change_prot_numa), ksmd (mm/ksm.c), kcompactd (mm/compaction.c) and the writeback flusher
 * (mm/page-writeback.c, page_writeback.ts), each with a budget.
 */
import {
  EV_CLEAR, EV_EXCLUSIVE, EV_MIGRATE, EV_PROTECTION_VMA, F_DIRTY, F_LOCK, F_LRU, F_MAP, F_PIN, F_REF, F_VER, PC,
  PF_HUGE, PF_PROTNONE, PF_W, PG_FLAGS, PG_KIND, PG_VAL, PG_VMA, PTE_DEVEXCL, PTE_DEVPRIV, PTE_MIGRATION,
  PTE_PRESENT, R_K_FRAME, R_K_PAGE, R_MMAP, R_PC, VM_HUGETLB, VM_SHARED, frOff, isDevFrame, pgOff,
} from './layout.ts';
import { type Ctx, type Emit, type GuardFn, act, getFrame, putFrame, nextState } from './ctx.ts';
import { hugeSpan } from './huge_memory.ts';
import { mmapReadFree, mmapReadLock, mmapReadUnlock } from './mmap_lock.ts';
import { beginInv } from './mmu_notifier.ts';
import { protNumaSkips } from './mprotect.ts';
import { writebackIter, writebackReady } from './page_writeback.ts';

/**
 * The background actor has work: some page offers reclaim, NUMA hinting, compaction, KSM or writeback — the
 * conditions of stepBackground's branches (and tryToUnmap's), each of which emits a successor.
 * Idle otherwise (budgets spent, nothing to do): isTerminal counts that as finished.
 */
export const guardBackground: GuardFn = (c, s) => {
  const L = c.L;
  const f = c.cfg.features ?? {};
  const reclaim = (f.reclaim ?? false) && s[L.gBudReclaim]! > 0;
  const numa = (f.numa ?? false) && s[L.gBudNuma]! > 0 && mmapReadFree(c, s, 0);
  const compact = L.gBudCompact >= 0 && s[L.gBudCompact]! > 0;
  const ksm = (f.ksm ?? false) && s[L.gBudKsm]! > 0 && mmapReadFree(c, s, 0);
  const writeback = f.writeback ?? false;
  if (!reclaim && !numa && !compact && !ksm && !writeback) return false;
  for (let a = 0; a < L.pages; a++) {
    if (writeback && writebackReady(c, s, a)) return true;
    const o = pgOff(L, 0, a);
    const kind = s[o + PG_KIND]!;
    const fl = s[o + PG_FLAGS]!;
    const fr = s[o + PG_VAL]!;
    const fo = frOff(L, fr);
    // hugeSpan(a, 1) starts at a: a is not the second page of a huge entry
    const spanStartsHere = (a & 1) === 0 || (fl & PF_HUGE) === 0;
    if (kind === PTE_DEVPRIV || kind === PTE_MIGRATION || kind === PTE_DEVEXCL) {
      if (numa && (fl & PF_W) !== 0 && spanStartsHere) return true;
      if (kind === PTE_DEVEXCL && reclaim && !isDevFrame(L, fr) && reclaimable(s, fo)) return true;
      continue;
    }
    if (kind !== PTE_PRESENT || isDevFrame(L, fr)) continue;
    const huge = (fl & PF_HUGE) !== 0;
    if (huge && (s[o + PG_VMA]! & VM_HUGETLB) !== 0) continue;
    if (reclaim && reclaimable(s, fo)) return true;
    if (numa && (fl & PF_PROTNONE) === 0 && spanStartsHere && !protNumaSkips(c, s, o)) return true;
    if (compact && !huge && s[fo + F_LRU] === 1 && s[fo + F_LOCK] === 0 && s[fo + F_MAP] === 1 && s[fo + F_REF] === 1) return true;
    if (ksm && (fl & PF_W) !== 0 && (s[o + PG_VMA]! & VM_SHARED) === 0 && s[fo + F_LOCK] === 0) return true;
  }
  return false;
};

/** tryToUnmap's folio_trylock and isolation succeed: on the LRU, unlocked, not pinned */
const reclaimable = (s: Int32Array, fo: number): boolean => s[fo + F_LRU] === 1 && s[fo + F_LOCK] === 0 && s[fo + F_PIN] === 0;

export function stepBackground(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const f = c.cfg.features ?? {};
  for (let a = 0; a < L.pages; a++) {
    const o = pgOff(L, 0, a);
    const kind = s[o + PG_KIND]!;
    if ((kind === PTE_DEVPRIV || kind === PTE_MIGRATION || kind === PTE_DEVEXCL) && (s[o + PG_FLAGS]! & PF_W) !== 0
      && (f.numa ?? false) && s[L.gBudNuma]! > 0 && mmapReadFree(c, s, 0)) {
      // task_numa_work → change_prot_numa walks every PTE of the VMA: the non-present branch of
      // change_pte_range (change_non_present_huge_pmd for a PMD) has no prot_numa guard — "a
      // protection check is difficult so just be safe and disable write": writable
      // device-private, device-exclusive and migration entries become read-only
      const [ia, inum] = hugeSpan(c, s, 0, a, 1);
      if (ia === a) {
        const n = nextState(c, s);
        n[L.gBudNuma]!--;
        mmapReadLock(c, n, t, 0);
        n[b + R_K_PAGE] = a;
        beginInv(c, n, t, 0, EV_PROTECTION_VMA, ia, inum, 0, PC.change_prot_numa_set, PC.background_folio_unlock);
        emit(act('change_prot_numa', t, a, 1), n);
      }
    }
    if (kind === PTE_DEVEXCL) {
      // a device-exclusive entry keeps the folio mapped (its mapcount, 6.15's "keep mapcount
      // untouched for device-exclusive entries"), so shrink_folio_list calls try_to_unmap, whose
      // try_to_unmap_one handles the non-present entry (pte_clear, swap entry) inside its
      // MMU_NOTIFY_CLEAR invalidation, which revokes the device's atomic mapping
      const fr = s[o + PG_VAL]!;
      if ((f.reclaim ?? false) && !isDevFrame(L, fr)) tryToUnmap(c, s, t, a, fr, a, 1, emit);
      continue;
    }
    if (kind !== PTE_PRESENT) continue;
    const fr = s[o + PG_VAL]!;
    if (isDevFrame(L, fr)) continue; // device-coherent pages: not on the LRU, prot_numa and KSM skip them
    const fo = frOff(L, fr);
    const fl = s[o + PG_FLAGS]!;
    // A PMD-mapped THP (hugetlb is neither on the LRU, nor NUMA-hinted, nor mergeable): reclaim
    // (shrink_folio_list → split_folio_to_list) and KSM (try_to_merge_one_page →
    // split_huge_page) split it first — the split's CLEAR invalidation folded into theirs, widened
    // to the PMD; change_prot_numa makes the whole PMD protnone (change_huge_pmd); compaction
    // leaves it alone here (THP migration is not modelled).
    const huge = (fl & PF_HUGE) !== 0;
    if (huge && (s[o + PG_VMA]! & VM_HUGETLB) !== 0) continue;
    const [ia, inum] = huge ? hugeSpan(c, s, 0, a, 1) : [a, 1];
    if (f.reclaim ?? false) tryToUnmap(c, s, t, a, fr, ia, inum, emit);
    // the flusher (wb_workfn → … → writeback_iter) writes back a dirty page-cache folio
    if (f.writeback ?? false) writebackIter(c, s, t, a, emit);
    // task_numa_work → change_prot_numa (mmap_read_lock held)
    // change_pte_range(MM_CP_PROT_NUMA) skips, in a COW mapping, folios that may be DMA-pinned or
    // are mapped by more than one process
    if ((f.numa ?? false) && s[L.gBudNuma]! > 0 && (fl & PF_PROTNONE) === 0 && ia === a && !protNumaSkips(c, s, o)
      && mmapReadFree(c, s, 0)) {
      const n = nextState(c, s);
      n[L.gBudNuma]!--;
      mmapReadLock(c, n, t, 0);
      n[b + R_K_PAGE] = a;
      beginInv(c, n, t, 0, EV_PROTECTION_VMA, ia, inum, 0, PC.change_prot_numa_set, PC.background_folio_unlock);
      emit(act('change_prot_numa', t, a), n);
    }
    // kcompactd: isolate_migratepages_block skips folios with references beyond their mappings
    // (pinned or under I/O), isolates the rest for migrate_pages (migrate.ts)
    if (!huge && L.gBudCompact >= 0 && s[L.gBudCompact]! > 0 && s[fo + F_LRU] === 1 && s[fo + F_LOCK] === 0
      && s[fo + F_MAP] === 1 && s[fo + F_REF] === 1) {
      const n = nextState(c, s);
      n[L.gBudCompact]!--;
      n[fo + F_LRU] = 0;
      getFrame(c, n, fr);
      n[b + R_K_PAGE] = a;
      n[b + R_K_FRAME] = fr;
      n[b + R_PC] = PC.migrate_folio_unmap;
      emit(act('isolate_migratepages_block', t, a), n);
    }
    // ksmd: try_to_merge_one_page → write_protect_page (mmap_read_lock + folio lock)
    // (try_to_merge_one_page: `if (!PageAnon(page)) goto out` — shared mappings are never merged)
    if ((f.ksm ?? false) && s[L.gBudKsm]! > 0 && (fl & PF_W) !== 0 && (s[o + PG_VMA]! & VM_SHARED) === 0 && s[fo + F_LOCK] === 0
      && mmapReadFree(c, s, 0)) {
      const n = nextState(c, s);
      n[L.gBudKsm]!--;
      mmapReadLock(c, n, t, 0);
      n[fo + F_LOCK] = t + 1;
      getFrame(c, n, fr);
      n[b + R_K_PAGE] = a;
      n[b + R_K_FRAME] = fr;
      beginInv(c, n, t, 0, EV_CLEAR, ia, inum, 0, PC.write_protect_page, PC.background_folio_unlock);
      emit(act('write_protect_page', t, a), n);
    }
  }
}

/**
 * shrink_folio_list on the folio fr mapped at page a: folio_trylock, isolated, then try_to_unmap
 * (skips maybe-DMA-pinned anon pages), whose try_to_unmap_one runs inside an MMU_NOTIFY_CLEAR
 * invalidation of [ia, ia + inum).
 */
function tryToUnmap(c: Ctx, s: Int32Array, t: number, a: number, fr: number, ia: number, inum: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const fo = frOff(L, fr);
  if (s[L.gBudReclaim]! <= 0 || s[fo + F_LRU] !== 1 || s[fo + F_LOCK] !== 0 || s[fo + F_PIN] !== 0) return;
  const n = nextState(c, s);
  n[L.gBudReclaim]!--;
  n[fo + F_LOCK] = t + 1;
  n[fo + F_LRU] = 0; // isolated
  getFrame(c, n, fr);
  n[b + R_K_PAGE] = a;
  n[b + R_K_FRAME] = fr;
  beginInv(c, n, t, 0, EV_CLEAR, ia, inum, 0, PC.try_to_unmap_one, PC.background_folio_unlock);
  emit(act('try_to_unmap', t, a), n);
}

// folio_unlock / folio_putback_lru / mmap_read_unlock at the end of a background operation.
export function stepBackgroundUnlock(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const n = nextState(c, s);
  const fr = n[b + R_K_FRAME]!;
  if (fr !== 0) {
    const fo = frOff(L, fr);
    n[fo + F_LOCK] = 0;
    if (n[fo + F_MAP]! > 0) n[fo + F_LRU] = 1; // putback if still mapped
    putFrame(c, n, fr);
  }
  if (n[b + R_MMAP] === 1) mmapReadUnlock(c, n, t, 0);
  const a = n[b + R_K_PAGE]!;
  n[b + R_K_PAGE] = 0;
  n[b + R_K_FRAME] = 0;
  n[b + R_PC] = PC.core_mm_background;
  emit(act('folio_unlock', t, a), n);
}

export { EV_EXCLUSIVE, EV_MIGRATE, F_VER, F_DIRTY };
