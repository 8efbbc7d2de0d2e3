// Follows: Linux v6.19 — mm/migrate.c, mm/rmap.c
/**
 * mm/migrate.c: migrate_pages of a system folio (compaction, NUMA balancing).
 */
import {
  EAGAIN, ENOMEM, EV_CLEAR, F_DIRTY, F_LOCK, F_LRU, F_MAP, F_PIN, F_REF, F_VER, OK, PC, PF_PROTNONE, PG_FLAGS,
  PG_KIND, PG_VAL, PTE_PRESENT, R_H_T, R_K_FRAME, R_K_PAGE, R_PC, frOff, pgOff, swapCacheOff,
} from './layout.ts';
import { type Ctx, type Emit, act, actorBase, allocSysFrame, initFrame, mmOf, putFrame, nextState } from './ctx.ts';
import { hmfReturn } from './handle_mm_fault.ts';
import { numaRestore } from './memory.ts';
import { installMigrationEntry, removeMigrationPtes } from './migrate_device.ts';
import { beginInv, endInv } from './mmu_notifier.ts';

/** the one present mapping of frame f in mm m (rmap walk), or -1 */
function mappedAt(c: Ctx, s: Int32Array, m: number, f: number): number {
  for (let a = 0; a < c.L.pages; a++) {
    const o = pgOff(c.L, m, a);
    if (s[o + PG_KIND] === PTE_PRESENT && s[o + PG_VAL] === f) return a;
  }
  return -1;
}

// migrate_folio_unmap: get_new_folio (the destination), folio_trylock(src) — MIGRATE_ASYNC gives
// up on a locked folio — then try_to_migrate, whose try_to_migrate_one runs inside a CLEAR
// invalidation of the mapping.
export function stepMigrateFolioUnmap(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const src = s[b + R_K_FRAME]!;
  const m = mmOf(c, t);
  const n = nextState(c, s);
  const dst = allocSysFrame(c, n);
  const locked = s[frOff(L, src) + F_LOCK] !== 0;
  // the mapping may have moved (mremap) or gone (munmap) since isolation; a mapping in another mm
  // (possible only after fork) is beyond this model's single-mm rmap walk: treated as busy
  const a = mappedAt(c, s, m, src);
  const elsewhere = a < 0 && s[frOff(L, src) + F_MAP]! > 0;
  if (dst === 0 || locked || elsewhere) {
    // -ENOMEM comes before the trylock, a failed trylock leaves the lock to its holder: either
    // way nothing was unmapped or locked here, the folio just goes back (putback_movable_pages)
    putbackSrc(c, n, src);
    finish(c, n, t, false);
    emit(act('migrate_folio_unmap', t, s[b + R_K_PAGE]!, dst === 0 ? ENOMEM : EAGAIN), n);
    return;
  }
  initFrame(c, n, dst, 0, false);
  n[frOff(L, dst) + F_LOCK] = t + 1;
  n[frOff(L, src) + F_LOCK] = t + 1;
  n[b + R_H_T] = dst;
  if (a >= 0) {
    n[b + R_K_PAGE] = a;
    beginInv(c, n, t, m, EV_CLEAR, a, 1, 0, PC.try_to_migrate_one, PC.migrate_folio_move);
  } else n[b + R_PC] = PC.migrate_folio_move; // folio no longer mapped: nothing to unmap
  emit(act('migrate_folio_unmap', t, a >= 0 ? a : s[b + R_K_PAGE]!, OK), n);
}

// try_to_migrate_one: ptep_clear_flush, dirty bit to the folio, a migration entry {pfn, write,
// dirty} in place of the PTE, rmap and reference dropped. An anon-exclusive folio that may be
// DMA-pinned cannot be shared (folio_try_share_anon_rmap_pte fails): the PTE is left as it was.
export function stepTryToMigrateOne(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const m = mmOf(c, t);
  const a = s[b + R_K_PAGE]!;
  const src = s[b + R_K_FRAME]!;
  const o = pgOff(L, m, a);
  const n = nextState(c, s);
  const fo = frOff(L, src);
  const pinned = n[fo + F_PIN]! > 0;
  if (!pinned && n[o + PG_KIND] === PTE_PRESENT && n[o + PG_VAL] === src) installMigrationEntry(c, n, m, a, src);
  endInv(c, n, t, m);
  emit(act('try_to_migrate_one', t, a, pinned ? EAGAIN : OK), n);
}

// migrate_folio_move: move_to_new_folio → folio_migrate_mapping (the isolation reference must be
// the only one left: an anon folio without swap cache expects refcount 1 — the model's swap cache
// holds no reference, so a swap-cache folio expects the same) → folio_migrate_copy
// (contents, dirty flag), remove_migration_ptes(src, dst), folio_put(dst), and the source is
// freed. On -EAGAIN (still mapped, or an extra reference): migrate_folio_undo_src restores the
// source mappings (remove_migration_ptes(src, src)), unlocks and puts it back; dst is freed.
export function stepMigrateFolioMove(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const src = s[b + R_K_FRAME]!;
  const dst = s[b + R_H_T]!;
  const so = frOff(L, src);
  const dof = frOff(L, dst);
  const n = nextState(c, s);
  const a = s[b + R_K_PAGE]!;
  if (n[so + F_MAP]! > 0 || n[so + F_REF] !== 1) {
    undoSrc(c, n, src);
    n[dof + F_LOCK] = 0;
    putFrame(c, n, dst);
    finish(c, n, t, false);
    emit(act('migrate_folio_undo_src', t, a, EAGAIN), n);
    return;
  }
  n[dof + F_VER] = n[so + F_VER]!;
  n[dof + F_DIRTY] = n[so + F_DIRTY]!;
  // folio_migrate_mapping of a swap-cache folio: the swap cache's entries now name dst
  // (folio_set_swapcache(newfolio), newfolio->swap = folio->swap); src leaves it when freed
  if (L.frameSwapBase >= 0) n[swapCacheOff(L, dst)] = n[swapCacheOff(L, src)]!;
  removeMigrationPtes(c, n, src, dst);
  n[dof + F_LOCK] = 0;
  if (n[dof + F_MAP]! > 0) n[dof + F_LRU] = 1; // folio_add_lru(dst)
  putFrame(c, n, dst);
  n[so + F_LOCK] = 0;
  putFrame(c, n, src); // migrate_folio_done: the isolation reference was the last one
  finish(c, n, t, true);
  emit(act('migrate_folio_move', t, a, OK), n);
}

/** migrate_folio_undo_src: remove_migration_ptes(src, src), folio_unlock, putback, folio_put */
function undoSrc(c: Ctx, n: Int32Array, src: number): void {
  removeMigrationPtes(c, n, src, src);
  n[frOff(c.L, src) + F_LOCK] = 0;
  putbackSrc(c, n, src);
}

/** folio_putback_lru: back on the LRU (if still mapped; else it is being freed) and folio_put */
function putbackSrc(c: Ctx, n: Int32Array, src: number): void {
  const fo = frOff(c.L, src);
  if (n[fo + F_MAP]! > 0) n[fo + F_LRU] = 1;
  putFrame(c, n, src);
}

/**
 * Back to the caller: the background actor goes idle; do_numa_page returns 0 — after a failed
 * migration it first restores the protection if the PTE is still the protnone one it saw.
 */
function finish(c: Ctx, n: Int32Array, t: number, migrated: boolean): void {
  const b = actorBase(c, t);
  const src = n[b + R_K_FRAME]!;
  const a = n[b + R_K_PAGE]!;
  n[b + R_K_PAGE] = 0;
  n[b + R_K_FRAME] = 0;
  n[b + R_H_T] = 0;
  if (c.L.actors[t]!.kind === 'kswapd') {
    n[b + R_PC] = PC.core_mm_background;
    return;
  }
  const m = mmOf(c, t);
  const o = pgOff(c.L, m, a);
  if (!migrated && n[o + PG_KIND] === PTE_PRESENT && n[o + PG_VAL] === src && (n[o + PG_FLAGS]! & PF_PROTNONE) !== 0) {
    numaRestore(c, n, m, a, false);
  }
  hmfReturn(n, b, 0);
}
