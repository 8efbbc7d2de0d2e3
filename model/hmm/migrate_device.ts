// Follows: Linux v6.19 — mm/migrate_device.c, mm/rmap.c
/**
 * mm/migrate_device.c: migrate_vma_setup/collect, migrate_device_unmap, migrate_vma_pages
 * (+ migrate_vma_insert_page), migrate_vma_finalize, migrate_device_range.
 */
import {
  EINVAL, EV_CLEAR, EV_MIGRATE, F_DIRTY, F_LOCK, F_LRU, F_MAP, F_PIN, F_REF, MIG_COHERENT, MIG_EVICT, MIG_FAULT,
  MIG_TO_DEV, MIG_TO_SYS, MPFN_COMPOUND, MPFN_DIRTY, MPFN_HOLE, MPFN_MIGRATE, MPFN_WRITE, OK, PC, PF_D, PF_HUGE,
  PF_W, PG_FLAGS, PG_KIND, PG_VAL, PG_VMA, PTE_DEVPRIV, PTE_MIGRATION, PTE_NONE, PTE_PRESENT, PTE_ZERO, R_CPAGES,
  R_H_RC, R_I_A, R_I_AFTER, R_I_MM, R_I_N, R_M_A, R_M_DEV, R_M_FAULTPAGE, R_M_KIND, R_M_N, R_M_RC, R_PC, R_RC,
  VM_EXISTS, VM_FAULT_OOM, VM_HUGEPAGE, VM_SHARED, VM_WRITE, dstOff, firstDevFrame, frOff, isDevFrame, mpfnFrame,
  pgOff, srcOff,
} from './layout.ts';
import {
  type Ctx, type Emit, act, actorBase, deviceOfFrame, finishRequest, flushTlb, getFrame, mmOf, putFrame, nextState } from './ctx.ts';
import { splitHuge } from './huge_memory.ts';
import { mmapReadUnlock } from './mmap_lock.ts';
import { beginInv, endInv, subscribed } from './mmu_notifier.ts';
import { setPte } from './pgtable.ts';
import { rmapNextMirrored, rmapWalkTo, unmapFrame } from './rmap.ts';
import { devOf } from './ctx.ts';

// dmirror_device_remove_chunks → dmirror_device_evict_chunk: migrate_device_range(src, start_pfn,
// npages) takes a reference and the lock (trylock) of every in-use device page of the chunk, by
// pfn, no VMA needed; migrate_device_unmap then try_to_migrate()s every mapping (an
// MMU_NOTIFY_CLEAR invalidation: the mirrors drop their entries).
export function stepEvict(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const d = devOf(c, t);
  const n = nextState(c, s);
  const f0 = firstDevFrame(L, c.L.fdDevice[d]!); // dmirror_device_remove_chunks(dmirror->mdevice)
  for (let i = 0; i < L.devFrames; i++) {
    const f = f0 + i;
    const fo = frOff(L, f);
    if (n[fo + F_REF] === 0 || n[fo + F_LOCK] !== 0) continue; // free, or folio_trylock failed
    getFrame(c, n, f);
    n[fo + F_LOCK] = t + 1;
    n[srcOff(L, t, i)] = (f << 4) | MPFN_MIGRATE;
  }
  n[b + R_M_KIND] = MIG_EVICT;
  n[b + R_M_A] = 0;
  n[b + R_M_N] = L.devFrames;
  n[b + R_M_DEV] = d;
  n[b + R_M_FAULTPAGE] = 0;
  beginInv(c, n, t, mmOf(c, t), EV_CLEAR, 0, L.pages, 0, PC.migrate_device_unmap, PC.dmirror_device_evict_chunk);
  emit(act('migrate_device_range', t, 0, d), n);
}

// migrate_vma_collect_pmd's PTE loop, under the PTL: holes → MIGRATE without a page; selected
// pages: folio_get + folio_trylock, (anon-exclusive pinned pages are skipped), PTE → migration
// entry, dirty → folio, rmap removed. Returns the pages it unmapped (bit i = page start + i), whose
// TLB entries the caller must flush.
export function migrateVmaCollectPtes(c: Ctx, n: Int32Array, t: number): number {
  const L = c.L;
  const b = actorBase(c, t);
  const m = mmOf(c, t);
  const kind = n[b + R_M_KIND]!;
  const d = c.L.fdDevice[n[b + R_M_DEV]!]!; // migrate->pgmap_owner: the device of the fd
  const fp = n[b + R_M_FAULTPAGE]!;
  const a0 = n[b + R_M_A]!;
  const cnt = n[b + R_M_N]!;
  const selSystem = kind === MIG_TO_DEV;
  let unmapped = 0;
  // device THP (MIGRATE_VMA_SELECT_COMPOUND): a fully covered, aligned huge entry — a PMD THP,
  // the huge zero page, a device-private PMD, or an empty PMD of a THP VMA — is collected whole
  // (migrate_vma_collect_huge_pmd / _hole: MIGRATE_PFN_COMPOUND). Every other huge entry is split
  // first (split_huge_pmd / migrate_vma_split_folio).
  const whole = wholeHuge(c, n, t, m, a0, cnt);
  for (let i = 0; i < cnt; i++) if (!whole[i]) splitHuge(c, n, m, a0 + i, 1);
  for (let i = 0; i < cnt; i++) {
    const a = a0 + i;
    const o = pgOff(L, m, a);
    const pk = n[o + PG_KIND]!;
    const f = n[o + PG_VAL]!;
    const fl = n[o + PG_FLAGS]!;
    const anon = (n[o + PG_VMA]! & VM_SHARED) === 0;
    let src = 0;
    if (pk === PTE_NONE) src = anon ? MPFN_MIGRATE | MPFN_HOLE : 0; // migrate_vma_collect_hole: anon VMAs only
    else if (pk === PTE_ZERO) src = selSystem ? MPFN_MIGRATE | MPFN_HOLE : 0;
    else if ((pk === PTE_PRESENT && selSystem && !isDevFrame(L, f)) ||
      (pk === PTE_DEVPRIV && !selSystem && deviceOfFrame(c, f) === d) ||
      // MIGRATE_VMA_SELECT_DEVICE_COHERENT: a coherent page of this pgmap owner
      (pk === PTE_PRESENT && !selSystem && c.coherent && isDevFrame(L, f) && deviceOfFrame(c, f) === d)) {
      const fo = frOff(L, f);
      const lockedByUs = f === fp && n[fo + F_LOCK] === t + 1;
      if ((n[fo + F_LOCK] === 0 || lockedByUs) && n[fo + F_PIN] === 0) {
        getFrame(c, n, f);
        if (!lockedByUs) n[fo + F_LOCK] = t + 1;
        if ((fl & PF_D) !== 0) n[fo + F_DIRTY] = 1; // folio_mark_dirty (fd35ca3d12cc)
        setPte(c, n, m, a, PTE_MIGRATION, f, fl & (PF_W | PF_D | PF_HUGE)); // (a PMD migration entry if whole)
        n[fo + F_MAP]!--;
        putFrame(c, n, f); // the mapping's reference (the collect reference is kept)
        unmapped |= 1 << i;
        src = (f << 4) | MPFN_MIGRATE | ((fl & PF_W) !== 0 ? MPFN_WRITE : 0) | ((fl & PF_D) !== 0 ? MPFN_DIRTY : 0);
      }
    }
    if (whole[i] === true && src !== 0) src |= MPFN_COMPOUND;
    n[srcOff(L, t, i)] = src;
  }
  return unmapped;
}

// migrate_vma_collect → migrate_vma_collect_pmd: the PTE loop under the PTL, then
// flush_tlb_range of what it unmapped before pte_unmap_unlock (60bae7370896), then the end of
// migrate_vma_setup's MIGRATE invalidation.
export function stepCollect(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = actorBase(c, t);
  const m = mmOf(c, t);
  const a0 = s[b + R_M_A]!;
  const n = nextState(c, s);
  const unmapped = migrateVmaCollectPtes(c, n, t);
  for (let i = 0; unmapped >> i !== 0; i++) if ((unmapped >> i) & 1) flushTlb(c, n, m, a0 + i);
  endInv(c, n, t, m);
  emit(act('migrate_vma_collect_pmd', t, a0), n);
}

/**
 * Which pages of [a0, a0+cnt) are collected as part of a whole huge entry (device THP only): an
 * aligned pair, fully in range, mapped by one huge entry (both PF_HUGE, same kind; for pages the
 * folio lock can be taken — folio_trylock of the whole folio), or both pte_none in a THP VMA.
 */
function wholeHuge(c: Ctx, n: Int32Array, t: number, m: number, a0: number, cnt: number): boolean[] {
  const L = c.L;
  const whole = Array.from({ length: cnt }, () => false);
  if (!c.deviceThp) return whole;
  const fp = n[actorBase(c, t) + R_M_FAULTPAGE]!;
  for (let i = 0; i + 1 < cnt; i++) {
    const a = a0 + i;
    if ((a & 1) !== 0) continue;
    const o0 = pgOff(L, m, a);
    const o1 = pgOff(L, m, a + 1);
    const k = n[o0 + PG_KIND]!;
    if (k !== n[o1 + PG_KIND]) continue;
    if (k === PTE_NONE) {
      if ((n[o0 + PG_VMA]! & n[o1 + PG_VMA]! & VM_HUGEPAGE) === 0) continue;
    } else {
      if ((n[o0 + PG_FLAGS]! & n[o1 + PG_FLAGS]! & PF_HUGE) === 0) continue;
      if (k === PTE_PRESENT || k === PTE_DEVPRIV) {
        const lockable = (f: number) => {
          const fo = frOff(L, f);
          return (n[fo + F_LOCK] === 0 || (f === fp && n[fo + F_LOCK] === t + 1)) && n[fo + F_PIN] === 0;
        };
        if (!lockable(n[o0 + PG_VAL]!) || !lockable(n[o1 + PG_VAL]!)) continue;
      }
    }
    whole[i] = true;
    whole[i + 1] = true;
    i++;
  }
  return whole;
}

/** remove_migration_ptes(src, dst): every migration entry for `sp` becomes a mapping of `nf`. */
export function removeMigrationPtes(c: Ctx, n: Int32Array, sp: number, nf: number): void {
  const L = c.L;
  for (let m = 0; m < L.mms; m++) {
    for (let a = 0; a < L.pages; a++) {
      const o = pgOff(L, m, a);
      if (n[o + PG_KIND] !== PTE_MIGRATION || n[o + PG_VAL] !== sp) continue;
      const fl = n[o + PG_FLAGS]!;
      // (a PMD migration entry becomes a PMD mapping: device-private PMD or THP)
      if (isDevFrame(L, nf) && !c.coherent) setPte(c, n, m, a, PTE_DEVPRIV, nf, fl & (PF_W | PF_HUGE));
      else setPte(c, n, m, a, PTE_PRESENT, nf, fl & (PF_W | PF_D | PF_HUGE));
      n[frOff(L, nf) + F_MAP]!++;
      getFrame(c, n, nf);
    }
  }
}

// migrate_device_unmap: isolate from the LRU, try_to_migrate other mappings, and
// migrate_vma_check_page — refcount − extra > mapcount (a pin / extra reference) ⇒ restore.
export function stepMigrateUnmap(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const fp = s[b + R_M_FAULTPAGE]!;
  const cnt = s[b + R_M_N]!;
  const own = mmOf(c, t);
  const n = nextState(c, s);
  for (let i = 0; i < cnt; i++) {
    const src = n[srcOff(L, t, i)]!;
    if ((src & MPFN_MIGRATE) === 0 || (src & MPFN_HOLE) !== 0) continue;
    const f = mpfnFrame(src);
    const fo = frOff(L, f);
    n[fo + F_LRU] = 0; // folio_isolate_lru
    // try_to_migrate: remaining mappings (e.g. a fork child's) become migration entries; one in
    // another mm that someone mirrors is reached later under that mm's own invalidation (M_RMAP)
    for (let m = 0; m < L.mms; m++) if (m === own || !subscribed(c, m)) tryToMigrateIn(c, n, m, f);
    const extra = 1 + (f === fp ? 1 : 0);
    if (n[fo + F_REF]! - extra > n[fo + F_MAP]!) {
      // not migratable: restore the mappings, unlock, drop the collect reference
      removeMigrationPtes(c, n, f, f);
      if (!isDevFrame(L, f)) n[fo + F_LRU] = 1;
      if (f !== fp) n[fo + F_LOCK] = 0;
      putFrame(c, n, f);
      n[srcOff(L, t, i)] = 0;
    }
  }
  const kind = s[b + R_M_KIND]!;
  const rmap = rmapNextMigrating(c, n, t, own) >= 0;
  if (kind === MIG_EVICT || kind === MIG_COHERENT) {
    if (rmap) n[b + R_I_AFTER] = PC.try_to_migrate_rmap_walk;
    endInv(c, n, t, own); // try_to_migrate's invalidation ends
  } else n[b + R_PC] = rmap ? PC.try_to_migrate_rmap_walk : afterUnmapPc(kind);
  emit(act('migrate_device_unmap', t, s[b + R_M_A]!), n);
}

/** where migrate_device_unmap's caller goes on: the driver's alloc_and_copy */
function afterUnmapPc(kind: number): number {
  if (kind === MIG_EVICT || kind === MIG_COHERENT) return PC.dmirror_device_evict_chunk;
  return kind === MIG_TO_DEV ? PC.dmirror_migrate_alloc_and_copy : PC.dmirror_devmem_fault_alloc_and_copy;
}

/**
 * try_to_migrate_one in mm m for frame f: each present / device-private mapping in [a0, a0 + cnt)
 * → migration entry
 */
function tryToMigrateIn(c: Ctx, n: Int32Array, m: number, f: number, a0 = 0, cnt = c.L.pages): void {
  const L = c.L;
  for (let a = a0; a < a0 + cnt; a++) {
    const o = pgOff(L, m, a);
    const k = n[o + PG_KIND]!;
    if ((k === PTE_PRESENT || k === PTE_DEVPRIV) && n[o + PG_VAL] === f) installMigrationEntry(c, n, m, a, f);
  }
}

/**
 * try_to_migrate_one's PTE change for (m, a) mapping f: ptep_clear_flush, the dirty bit to the
 * folio, a migration entry {pfn, write, dirty}, the rmap and the mapping's reference dropped
 */
export function installMigrationEntry(c: Ctx, n: Int32Array, m: number, a: number, f: number): void {
  const fl = n[pgOff(c.L, m, a) + PG_FLAGS]!;
  if ((fl & PF_D) !== 0) n[frOff(c.L, f) + F_DIRTY] = 1;
  flushTlb(c, n, m, a);
  setPte(c, n, m, a, PTE_MIGRATION, f, fl & (PF_W | PF_D));
  unmapFrame(c, n, f);
}

/**
 * The rmap walk's next stop for t's migrating sources: mm * pages + address of a mapping of one
 * of them in a mirrored mm other than `own`, or -1.
 */
function rmapNextMigrating(c: Ctx, n: Int32Array, t: number, own: number): number {
  const L = c.L;
  const cnt = n[actorBase(c, t) + R_M_N]!;
  for (let i = 0; i < cnt; i++) {
    const src = n[srcOff(L, t, i)]!;
    if ((src & MPFN_MIGRATE) === 0 || (src & MPFN_HOLE) !== 0) continue;
    const next = rmapNextMirrored(c, n, mpfnFrame(src));
    if (next >= 0 && Math.floor(next / L.pages) !== own) return next;
  }
  return -1;
}

// rmap_walk_anon → try_to_migrate_one for a VMA of another mm that maps a source (a fork child
// sharing a device-private or COW page): that mm's MMU_NOTIFY_CLEAR invalidation comes first.
// The mapping may have gone since: then the walk is over.
export function stepMigrateRmap(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = actorBase(c, t);
  rmapWalkTo(c, s, t, rmapNextMigrating(c, s, t, mmOf(c, t)), s[b + R_M_A]!, PC.try_to_migrate_one_other_mm, afterUnmapPc(s[b + R_M_KIND]!), emit);
}

// try_to_migrate_one inside that invalidation: the other mm's mappings of the sources within its
// range become migration entries (their references move to the migration, as in
// migrate_device_unmap); a mapping elsewhere gets its own invalidation next (one range per folio
// and VMA, as try_to_migrate_one's mmu_notifier_range_init).
export function stepMigrateRmapUnmap(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const m = s[b + R_I_MM]!;
  const n = nextState(c, s);
  for (let i = 0; i < s[b + R_M_N]!; i++) {
    const src = n[srcOff(L, t, i)]!;
    if ((src & MPFN_MIGRATE) !== 0 && (src & MPFN_HOLE) === 0) tryToMigrateIn(c, n, m, mpfnFrame(src), s[b + R_I_A]!, s[b + R_I_N]!);
  }
  if (rmapNextMigrating(c, n, t, mmOf(c, t)) >= 0) n[b + R_I_AFTER] = PC.try_to_migrate_rmap_walk;
  endInv(c, n, t, m);
  emit(act('try_to_migrate_one', t, s[b + R_M_A]!, m), n);
}

function afterPagesPc(c: Ctx, s: Int32Array, b: number): number {
  return s[b + R_M_KIND] === MIG_TO_DEV ? PC.dmirror_migrate_finalize_and_map : PC.migrate_vma_finalize;
}

// migrate_vma_pages → __migrate_device_pages: no dst ⇒ clear MIGRATE; holes need
// migrate_vma_insert_page (one MIGRATE invalidation first); pages: folio_migrate_mapping
// (refcount must be exactly the expected count) + folio_migrate_flags.
export function stepMigratePages(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const fp = s[b + R_M_FAULTPAGE]!;
  const cnt = s[b + R_M_N]!;
  const n = nextState(c, s);
  let holes = false;
  for (let i = 0; i < cnt; i++) {
    const src = n[srcOff(L, t, i)]!;
    if ((src & MPFN_COMPOUND) === 0 || (n[dstOff(L, t, i)]! & MPFN_COMPOUND) !== 0) continue;
    // the driver fell back to 4 KiB destination pages: migrate_vma_split_unmapped_folio splits the
    // source folio (its PMD migration entry becomes PTE migration entries)
    n[srcOff(L, t, i)] = src & ~MPFN_COMPOUND;
    if ((src & MPFN_HOLE) !== 0) {
      const o = pgOff(L, mmOf(c, t), s[b + R_M_A]! + i); // the huge zero page is split too
      n[o + PG_FLAGS] = n[o + PG_FLAGS]! & ~PF_HUGE;
      continue;
    }
    const sp = mpfnFrame(src);
    for (let m = 0; m < L.mms; m++) {
      for (let a = 0; a < L.pages; a++) {
        const o = pgOff(L, m, a);
        if (n[o + PG_KIND] === PTE_MIGRATION && n[o + PG_VAL] === sp) n[o + PG_FLAGS] = n[o + PG_FLAGS]! & ~PF_HUGE;
      }
    }
  }
  for (let i = 0; i < cnt; i++) {
    const src = n[srcOff(L, t, i)]!;
    if ((src & MPFN_MIGRATE) === 0) continue;
    const dst = n[dstOff(L, t, i)]!;
    if (dst === 0) {
      n[srcOff(L, t, i)] = src & ~MPFN_MIGRATE;
      continue;
    }
    if ((src & MPFN_HOLE) !== 0) {
      holes = true;
      continue;
    }
    const sp = mpfnFrame(src);
    const dp = mpfnFrame(dst);
    if (s[b + R_M_KIND]! < MIG_EVICT && (n[pgOff(L, mmOf(c, t), s[b + R_M_A]! + i) + PG_VMA]! & VM_SHARED) !== 0) {
      // folio_mapping() != NULL and !folio_test_anon: "only support anonymous memory migrating
      // to device private or coherent memory"
      n[srcOff(L, t, i)] = src & ~MPFN_MIGRATE;
      continue;
    }
    if (n[frOff(L, sp) + F_REF] !== 1 + (sp === fp ? 1 : 0)) {
      n[srcOff(L, t, i)] = src & ~MPFN_MIGRATE; // folio_migrate_mapping: -EAGAIN
      continue;
    }
    if (n[frOff(L, sp) + F_DIRTY] === 1) n[frOff(L, dp) + F_DIRTY] = 1; // folio_migrate_flags
  }
  const after = afterPagesPc(c, s, b);
  if (holes) {
    beginInv(c, n, t, mmOf(c, t), EV_MIGRATE, s[b + R_M_A]!, cnt, c.L.fdDevice[s[b + R_M_DEV]!]! + 1, PC.migrate_vma_insert_page, after);
  } else n[b + R_PC] = after;
  emit(act(s[b + R_M_KIND]! >= MIG_EVICT ? 'migrate_device_pages' : 'migrate_vma_pages', t, s[b + R_M_A]!), n);
}

// migrate_vma_insert_page: only over pte_none / zero-page PTEs of an anon VMA; installs a
// device-private entry (writable iff VM_WRITE); a lost race clears MIGRATE.
export function stepInsertPage(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const m = mmOf(c, t);
  const a0 = s[b + R_M_A]!;
  const cnt = s[b + R_M_N]!;
  const n = nextState(c, s);
  for (let i = 0; i < cnt; i++) {
    const src = n[srcOff(L, t, i)]!;
    const dst = n[dstOff(L, t, i)]!;
    if ((src & MPFN_MIGRATE) === 0 || (src & MPFN_HOLE) === 0 || dst === 0) continue;
    const a = a0 + i;
    const o = pgOff(L, m, a);
    const pk = n[o + PG_KIND]!;
    const vma = n[o + PG_VMA]!;
    if ((pk !== PTE_NONE && pk !== PTE_ZERO) || (vma & VM_EXISTS) === 0) {
      n[srcOff(L, t, i)] = src & ~MPFN_MIGRATE;
      continue;
    }
    const dp = mpfnFrame(dst);
    if (pk === PTE_ZERO) flushTlb(c, n, m, a);
    // migrate_vma_insert_huge_pmd_page for a compound hole: a device-private PMD
    const huge = (src & MPFN_COMPOUND) !== 0 ? PF_HUGE : 0;
    if (isDevFrame(L, dp) && !c.coherent) setPte(c, n, m, a, PTE_DEVPRIV, dp, ((vma & VM_WRITE) !== 0 ? PF_W : 0) | huge);
    else setPte(c, n, m, a, PTE_PRESENT, dp, ((vma & VM_WRITE) !== 0 ? PF_W | PF_D : 0) | huge);
    n[frOff(L, dp) + F_MAP]!++;
    getFrame(c, n, dp);
  }
  endInv(c, n, t, m);
  emit(act('migrate_vma_insert_page', t, a0), n);
}

// migrate_vma_finalize → __migrate_device_finalize: remove_migration_ptes(src, dst or src),
// unlock and put the pages (not the fault page: do_swap_page does that); then return to the caller.
export function stepFinalize(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const fp = s[b + R_M_FAULTPAGE]!;
  const cnt = s[b + R_M_N]!;
  const kind = s[b + R_M_KIND]!;
  const n = nextState(c, s);
  let migrated = 0;
  for (let i = 0; i < cnt; i++) {
    const src = n[srcOff(L, t, i)]!;
    const dst = n[dstOff(L, t, i)]!;
    const dp = dst === 0 ? 0 : mpfnFrame(dst);
    const mig = (src & MPFN_MIGRATE) !== 0 && dp !== 0;
    if ((src & MPFN_HOLE) !== 0 || src === 0) {
      if (dp !== 0) {
        n[frOff(L, dp) + F_LOCK] = 0;
        if (!isDevFrame(L, dp) && mig) n[frOff(L, dp) + F_LRU] = 1;
        putFrame(c, n, dp); // inserted: the mapping holds it; otherwise freed
      }
      continue;
    }
    const sp = mpfnFrame(src);
    if (mig && (src & MPFN_HOLE) === 0) migrated++;
    const nf = mig ? dp : sp;
    removeMigrationPtes(c, n, sp, nf);
    if (!isDevFrame(L, nf) && n[frOff(L, nf) + F_MAP]! > 0) n[frOff(L, nf) + F_LRU] = 1;
    if (dp !== 0) {
      n[frOff(L, dp) + F_LOCK] = 0;
      putFrame(c, n, dp);
    }
    // if (fault_folio != src) folio_unlock(src); folio_put(src);  — the collect reference is
    // dropped for the fault page too (do_swap_page drops its own reference afterwards)
    if (sp !== fp) n[frOff(L, sp) + F_LOCK] = 0;
    putFrame(c, n, sp);
  }
  for (let i = 0; i < L.pages; i++) {
    n[srcOff(L, t, i)] = 0;
    n[dstOff(L, t, i)] = 0;
  }
  const mrc = n[b + R_M_RC]!;
  n[b + R_M_KIND] = 0;
  n[b + R_M_A] = 0;
  n[b + R_M_N] = 0;
  n[b + R_M_DEV] = 0;
  n[b + R_M_FAULTPAGE] = 0;
  n[b + R_M_RC] = 0;
  if (kind === MIG_FAULT) {
    n[b + R_H_RC] = mrc === VM_FAULT_OOM ? VM_FAULT_OOM : 0;
    n[b + R_PC] = PC.do_swap_page_migrated;
  } else if (kind === MIG_TO_DEV) {
    mmapReadUnlock(c, n, t, mmOf(c, t));
    // a later VMA of the range was bad (stepMigLock left -EINVAL in R_RC): no read-back
    if (n[b + R_RC] === EINVAL) finishRequest(c, n, t, EINVAL);
    else if (c.beh.mapsOnMigrate === false) {
      n[b + R_CPAGES] = migrated;
      finishRequest(c, n, t, OK); // nothing mapped, nothing to read back: the device faults later
    } else {
      n[b + R_RC] = OK;
      n[b + R_PC] = PC.dmirror_migrate_readback;
    }
  } else if (kind === MIG_TO_SYS) {
    mmapReadUnlock(c, n, t, mmOf(c, t));
    n[b + R_CPAGES] = migrated;
    // dmirror_migrate_to_system ignores dmirror_devmem_fault_alloc_and_copy's VM_FAULT_OOM: rc 0,
    // cmd->cpages = dmirror_successful_migrated_pages (fewer); -EINVAL from a later bad VMA
    finishRequest(c, n, t, n[b + R_RC] === EINVAL ? EINVAL : OK);
  } else if (kind === MIG_EVICT) {
    finishRequest(c, n, t, OK); // dmirror_device_remove_chunks → HMM_DMIRROR_RELEASE returns 0
  } else if (kind === MIG_COHERENT) {
    n[b + R_PC] = PC.follow_page_pte; // __gup_longterm_locked: pin again, now a system page
  }
  emit(act(kind >= MIG_EVICT ? 'migrate_device_finalize' : 'migrate_vma_finalize', t, s[b + R_M_A]!, migrated), n);
}

export { MIG_TO_SYS };
