/**
 * ksmd's try_to_merge_one_page (mm/ksm.c), after the background actor has picked a writable
 * anonymous page, taken mmap_read_lock, the folio lock and KSM's own reference, and opened
 * write_protect_page's CLEAR invalidation (vmscan.ts stepBackground).
 *
 * Contents are versions (0 = all zeroes), so the one merge whose outcome the model can decide is
 * KSM's use_zero_pages: pages_identical(page, ZERO_PAGE) holds exactly for version 0, and
 * replace_page maps the shared zero page in place of the page. Merges of two equal non-zero
 * pages into a stable KSM page are not modelled (equal versions at two addresses do not mean
 * equal contents).
 */
import {
  PC, R_K_PAGE, R_K_FRAME, R_I_AFTER, F_MAP, F_REF, F_DIRTY, F_VER, PG_KIND, PG_VAL, PG_FLAGS, PTE_PRESENT,
  PTE_ZERO, PF_W, PF_D, EV_CLEAR, ZERO_FRAME, EBUSY, OK, frOff, pgOff,
} from './layout.ts';
import { type Ctx, type Emit, act, flushTlb, actorBase as base, nextState } from './ctx.ts';
import { splitHuge } from './huge_memory.ts';
import { beginInv, endInv } from './mmu_notifier.ts';
import { setPte } from './pgtable.ts';
import { unmapFrame } from './rmap.ts';

// write_protect_page, inside its invalidation: ptep_clear_flush, then "no O_DIRECT or similar
// I/O in progress": folio_mapcount + 1 (KSM's reference) must equal folio_ref_count, or the
// entry is put back unchanged; else the dirty bit moves to the folio and the PTE is made clean
// and read-only (this is *orig_pte for replace_page).
export function stepWriteProtectPage(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = base(c, t);
  const a = s[b + R_K_PAGE]!;
  const fr = s[b + R_K_FRAME]!;
  const o = pgOff(L, 0, a);
  const fo = frOff(L, fr);
  const n = nextState(c, s);
  splitHuge(c, n, 0, a, 1); // try_to_merge_one_page: split_huge_page of a THP first (a no-op otherwise)
  let rc = EBUSY;
  if (n[o + PG_KIND] === PTE_PRESENT && n[o + PG_VAL] === fr && n[fo + F_MAP]! + 1 === n[fo + F_REF]) {
    const fl = n[o + PG_FLAGS]!;
    if ((fl & PF_D) !== 0) n[fo + F_DIRTY] = 1;
    n[o + PG_FLAGS] = fl & ~(PF_W | PF_D);
    rc = OK;
    // use_zero_pages: pages_identical(page, ZERO_PAGE) → replace_page after this range ends
    if (c.ksmZeroPages && n[fo + F_VER] === 0) n[b + R_I_AFTER] = PC.replace_page;
  }
  flushTlb(c, n, 0, a);
  endInv(c, n, t, 0);
  emit(act('write_protect_page_set', t, a, rc), n);
}

// replace_page: mmu_notifier_invalidate_range_start(CLEAR, addr, addr + PAGE_SIZE).
export function stepReplacePageStart(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = base(c, t);
  const a = s[b + R_K_PAGE]!;
  const n = nextState(c, s);
  beginInv(c, n, t, 0, EV_CLEAR, a, 1, 0, PC.replace_page_set_pte, PC.background_folio_unlock);
  emit(act('replace_page', t, a), n);
}

// replace_page, inside the invalidation: if the PTE is still orig_pte (pte_same: the same page,
// read-only and clean as write_protect_page left it) it is cleared and flushed and the zero
// page's special PTE is set; the page loses its rmap and the mapping's reference (KSM's own
// reference is dropped at folio_unlock).
export function stepReplacePage(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = base(c, t);
  const a = s[b + R_K_PAGE]!;
  const fr = s[b + R_K_FRAME]!;
  const o = pgOff(L, 0, a);
  const n = nextState(c, s);
  const same = n[o + PG_KIND] === PTE_PRESENT && n[o + PG_VAL] === fr && (n[o + PG_FLAGS]! & (PF_W | PF_D)) === 0;
  if (same) {
    flushTlb(c, n, 0, a);
    setPte(c, n, 0, a, PTE_ZERO, ZERO_FRAME, 0);
    unmapFrame(c, n, fr);
  }
  endInv(c, n, t, 0);
  emit(act('replace_page_set', t, a, same ? OK : EBUSY), n);
}

