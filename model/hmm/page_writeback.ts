// Follows: Linux v6.19 — mm/page-writeback.c
/**
 * mm/page-writeback.c: the flusher writing back a dirty page-cache folio of the file mapping
 * (features.writeback). writeback_iter → writeback_get_folio locks the folio and
 * folio_prepare_writeback → folio_clear_dirty_for_io → folio_mkclean (mm/rmap.c: rmap_walk_file →
 * page_mkclean_one → page_vma_mkclean_one, the PTE step in rmap.ts, inside an
 * MMU_NOTIFY_PROTECTION_PAGE invalidation) → folio_test_clear_dirty; the filesystem's writeback
 * then writes the contents and unlocks the folio (background_folio_unlock).
 */
import { EV_PROTECTION_PAGE, F_DIRTY, F_LOCK, F_MAP, F_VER, PC, PG_KIND, PG_VAL, PTE_PRESENT, R_K_FRAME, R_K_PAGE, R_PC, frOff, isDevFrame, pgOff, wbBudgetOff, wbWrittenOff } from './layout.ts';
import { type Ctx, type Emit, act, actorBase, getFrame, nextState } from './ctx.ts';
import { beginInv } from './mmu_notifier.ts';

/**
 * writebackIter's condition at page a (also the background actor's guard's): budget left, a
 * present system folio, dirty, unlocked, mapped once.
 */
export function writebackReady(c: Ctx, s: Int32Array, a: number): boolean {
  const L = c.L;
  if (L.writebackBase < 0 || s[wbBudgetOff(L)]! <= 0) return false;
  const o = pgOff(L, 0, a);
  if (s[o + PG_KIND] !== PTE_PRESENT) return false;
  const fr = s[o + PG_VAL]!;
  if (isDevFrame(L, fr)) return false;
  const fo = frOff(L, fr);
  // folio_prepare_writeback: `if (!folio_test_dirty(folio)) return false;`
  return s[fo + F_DIRTY] === 1 && s[fo + F_LOCK] === 0 && s[fo + F_MAP] === 1;
}

/**
 * writeback_iter of the background actor t at page a (present, mapping 'file'): a dirty folio that
 * nobody has locked is locked (writeback_get_folio: folio_lock; the flusher that would sleep on a
 * locked folio is modelled as picking it later, within its budget) and folio_clear_dirty_for_io
 * starts: folio_mkclean walks the folio's mappings. A folio mapped more than once (a fork child's
 * shared mapping) is left alone: one rmap walk = one invalidation of one mm (README, abstractions).
 */
export function writebackIter(c: Ctx, s: Int32Array, t: number, a: number, emit: Emit): void {
  if (!writebackReady(c, s, a)) return;
  const L = c.L;
  const fr = s[pgOff(L, 0, a) + PG_VAL]!;
  const fo = frOff(L, fr);
  const n = nextState(c, s);
  const b = actorBase(c, t);
  n[wbBudgetOff(L)]!--;
  n[fo + F_LOCK] = t + 1;
  getFrame(c, n, fr); // the page-cache lookup's reference (filemap_get_folios_tag)
  n[b + R_K_PAGE] = a;
  n[b + R_K_FRAME] = fr;
  // page_vma_mkclean_one: mmu_notifier_range_init(&range, MMU_NOTIFY_PROTECTION_PAGE, 0, vma->vm_mm,
  // address, vma_address_end(pvmw)); mmu_notifier_invalidate_range_start(&range)
  beginInv(c, n, t, 0, EV_PROTECTION_PAGE, a, 1, 0, PC.page_vma_mkclean_one, PC.folio_clear_dirty_for_io);
  emit(act('writeback_iter', t, a), n);
}

/**
 * folio_clear_dirty_for_io after folio_mkclean: `if (folio_mkclean(folio)) folio_mark_dirty(folio);`
 * then `folio_test_clear_dirty` — the dirty bits of the PTEs went into the folio and the folio is
 * clean; the filesystem's writeback (folio_start_writeback, the I/O, folio_end_writeback) writes
 * its contents: that version is now what is on disk. Folded into one step: any store after it
 * needs a write fault (the PTE is write-protected), which waits for the folio lock in
 * do_page_mkwrite and dirties the folio again; a store that does not — a device write through a
 * mapping the PROTECTION_PAGE invalidation should have revoked — is a write lost (S5).
 */
export function stepFolioClearDirtyForIo(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const fr = s[b + R_K_FRAME]!;
  const fo = frOff(L, fr);
  const n = nextState(c, s);
  n[fo + F_DIRTY] = 0;
  n[wbWrittenOff(L, fr)] = n[fo + F_VER]! + 1;
  n[b + R_PC] = PC.background_folio_unlock;
  emit(act('folio_clear_dirty_for_io', t, s[b + R_K_PAGE]!, n[fo + F_VER]!), n);
}
