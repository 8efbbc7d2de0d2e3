// Follows: Linux v6.14 — mm/mprotect.c
/**
 * mm/mprotect.c: mprotect (change_pte_range) and NUMA hinting (change_prot_numa).
 */
import {
  ENOMEM, EV_PROTECTION_VMA, F_MAP, F_PIN, PC, PF_HUGE, PF_PROTNONE, PF_W, PG_FLAGS, PG_KIND, PG_VAL, PG_VMA,
  PTE_DEVEXCL, PTE_DEVPRIV, PTE_MIGRATION, PTE_PRESENT, R_A, R_K_PAGE, R_N, VM_EXISTS, VM_READ, VM_SHARED, VM_WRITE,
  frOff, isDevFrame, pgOff,
} from './layout.ts';
import { type Ctx, type Emit, type GuardFn, act, finishRequest, flushTlb, mmOf, nextState } from './ctx.ts';
import { splitPartialHuge } from './huge_memory.ts';
import { writeLockAndInvalidate } from './mmap.ts';
import { mmapWriteFree } from './mmap_lock.ts';
import { endInv } from './mmu_notifier.ts';

// mprotect(): mmap_write_lock, vma flags update (mprotect_fixup), then change_protection under
// a PROTECTION_VMA invalidation.
/** waits for mmap_write_lock */
export const guardMprotectLock: GuardFn = (c, s, t) => mmapWriteFree(c, s, mmOf(c, t));
export function stepMprotectLock(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  const n = nextState(c, s);
  const a0 = n[b + R_A]!;
  const cnt = n[b + R_N]!;
  for (let a = a0; a < a0 + cnt; a++) {
    if ((n[pgOff(L, m, a) + PG_VMA]! & VM_EXISTS) === 0) {
      finishRequest(c, n, t, ENOMEM); // mprotect on a hole
      emit(act('mmap_write_lock', t, a0, ENOMEM), n);
      return;
    }
  }
  const prot = c.reqs[t]![n[b + 1]!]!.prot;
  for (let a = a0; a < a0 + cnt; a++) {
    const o = pgOff(L, m, a);
    n[o + PG_VMA] = (n[o + PG_VMA]! & ~(VM_READ | VM_WRITE)) | prot; // mprotect_fixup: vm_flags
  }
  writeLockAndInvalidate(c, n, t, m, a0, cnt, EV_PROTECTION_VMA, PC.change_pte_range, PC.mmap_write_unlock, emit);
}

// change_pte_range: downgrade PTEs to the new protection (PROT_NONE → pte_protnone), then
// flush_tlb_range before invalidate_range_end.
export function stepChangePte(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  const a0 = s[b + R_A]!;
  const cnt = s[b + R_N]!;
  const n = nextState(c, s);
  splitPartialHuge(c, n, m, a0, cnt);
  for (let a = a0; a < a0 + cnt; a++) {
    const o = pgOff(L, m, a);
    const vma = n[o + PG_VMA]!;
    const kind = n[o + PG_KIND]!;
    let fl = n[o + PG_FLAGS]!;
    if (kind === PTE_PRESENT) {
      if ((vma & VM_READ) === 0) fl = (fl | PF_PROTNONE) & ~PF_W;
      else {
        fl &= ~PF_PROTNONE;
        if ((vma & VM_WRITE) === 0) fl &= ~PF_W;
      }
    } else if (kind === PTE_DEVPRIV || kind === PTE_DEVEXCL || kind === PTE_MIGRATION) {
      // "A protection check is difficult so just be safe and disable write": make_readable_*_entry
      // whatever the new protection (a later write fault restores write access)
      fl &= ~PF_W;
    }
    n[o + PG_FLAGS] = fl;
  }
  flushTlb(c, n, m, a0, cnt);
  endInv(c, n, t, m);
  emit(act('change_pte_range', t, a0), n);
}

// change_pte_range(MM_CP_PROT_NUMA): make the PTE protnone, flush.
export function stepNumaSet(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const a = s[b + R_K_PAGE]!;
  const o = pgOff(L, 0, a);
  const n = nextState(c, s);
  const k = n[o + PG_KIND]!;
  const huge = (n[o + PG_FLAGS]! & PF_HUGE) !== 0 && (a ^ 1) < L.pages;
  // a present PTE becomes protnone — unless change_pte_range's checks, made under the PTL after the
  // invalidation began, now skip it; a non-present entry loses its write bit (see stepBackground);
  // anything else (the PTE changed since the scan chose it) is left alone
  const set = k === PTE_PRESENT ? PF_PROTNONE : 0;
  const touch = k === PTE_PRESENT ? !protNumaSkips(c, n, o) : k === PTE_DEVPRIV || k === PTE_MIGRATION || k === PTE_DEVEXCL;
  if (touch) n[o + PG_FLAGS] = (n[o + PG_FLAGS]! | set) & ~PF_W;
  flushTlb(c, n, 0, a);
  if (touch && huge) {
    // change_huge_pmd(MM_CP_PROT_NUMA): the whole PMD
    const po = pgOff(L, 0, a ^ 1);
    n[po + PG_FLAGS] = (n[po + PG_FLAGS]! | set) & ~PF_W;
    flushTlb(c, n, 0, a ^ 1);
  }
  endInv(c, n, t, 0);
  emit(act('change_prot_numa_set', t, a), n);
}

/**
 * change_pte_range(MM_CP_PROT_NUMA) leaves the present PTE at page offset o alone: device memory
 * (folio_is_zone_device), or in a COW mapping a folio that may be DMA-pinned or is mapped by more
 * than one process
 */
export function protNumaSkips(c: Ctx, s: Int32Array, o: number): boolean {
  const f = s[o + PG_VAL]!;
  if (isDevFrame(c.L, f)) return true;
  const fo = frOff(c.L, f);
  return (s[o + PG_VMA]! & VM_SHARED) === 0 && (s[fo + F_PIN]! > 0 || s[fo + F_MAP]! > 1);
}
