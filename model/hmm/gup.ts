// Follows: Linux v6.19 — mm/gup.c
/**
 * mm/gup.c: pin_user_pages (FOLL_PIN | FOLL_LONGTERM), get_user_pages, unpin_user_page; FOLL_LONGTERM moves a
 * device-coherent page out first (migrate_device_coherent_folio).
 */
import {
  EFAULT, EV_CLEAR, F_LOCK, F_PIN, MIG_COHERENT, MPFN_MIGRATE, OK, PC, PF_PROTNONE, PF_W, PG_FLAGS, PG_KIND, PG_VAL,
  PG_VMA, PTE_PRESENT, R_A, R_M_A, R_M_DEV, R_M_FAULTPAGE, R_M_KIND, R_M_N, R_PC, R_PINNED, VM_EXISTS, VM_WRITE,
  fdOfFrame, firstDevFrame, frOff, frameOwner, isDevFrame, pgOff, srcOff,
} from './layout.ts';
import { type Ctx, type Emit, type GuardFn, act, finishRequest, getFrame, mmOf, putFrame, startPc, nextState } from './ctx.ts';
import { beginHmf, takeHmfRc } from './handle_mm_fault.ts';
import { mmapReadFree, mmapReadLock, mmapReadUnlock } from './mmap_lock.ts';
import { beginInv } from './mmu_notifier.ts';

export function finishRequestStart(c: Ctx, n: Int32Array, t: number, req: number): void {
  n[c.L.actors[t]!.base + R_PC] = startPc(c, t, req);
}

// pin_user_pages(FOLL_WRITE|FOLL_PIN|FOLL_LONGTERM): mmap_read_lock, then follow/fault.
/** waits for mmap_read_lock */
export const guardPinLock: GuardFn = (c, s, t) => mmapReadFree(c, s, mmOf(c, t));
export function stepPinLock(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const m = mmOf(c, t);
  const n = nextState(c, s);
  mmapReadLock(c, n, t, m);
  n[c.L.actors[t]!.base + R_PC] = PC.follow_page_pte;
  emit(act('mmap_read_lock', t, s[c.L.actors[t]!.base + R_A]!), n);
}

// __get_user_pages: follow_page_pte; on a miss faultin_page → handle_mm_fault(WRITE) and retry.
export function stepPinFollow(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  const a = s[b + R_A]!;
  const o = pgOff(L, m, a);
  const n = nextState(c, s);
  const rc = takeHmfRc(n, b);
  const vma = s[o + PG_VMA]!;
  if (rc !== 0 || (vma & VM_EXISTS) === 0 || (vma & VM_WRITE) === 0) {
    mmapReadUnlock(c, n, t, m);
    finishRequest(c, n, t, EFAULT);
    emit(act(longtermOp(c, s, t) ? 'pin_user_pages' : 'get_user_pages', t, a, EFAULT), n);
    return;
  }
  const kind = s[o + PG_KIND]!;
  const fl = s[o + PG_FLAGS]!;
  const longterm = c.reqs[t]![s[b + 1]!]!.op === 'pin';
  const f = s[o + PG_VAL]!;
  if (kind === PTE_PRESENT && (fl & PF_W) !== 0 && (fl & PF_PROTNONE) === 0 && (!isDevFrame(L, f) || c.coherent)) {
    if (longterm && isDevFrame(L, f)) {
      // FOLL_LONGTERM may not pin device-coherent memory: check_and_migrate_movable_pages
      if (s[frOff(L, f) + F_LOCK] !== 0) return; // folio_lock sleeps
      beginCoherentMigration(c, n, t, f);
      emit(act('migrate_device_coherent_folio', t, a, 0), n);
      return;
    }
    if (longterm) {
      n[frOff(L, f) + F_PIN]!++;
      getFrame(c, n, f);
      n[b + R_PINNED] = f | (a << 8); // frame and address of the pin
    } // get_user_pages + put_page: the reference comes and goes
    mmapReadUnlock(c, n, t, m);
    finishRequest(c, n, t, OK);
    emit(act(longterm ? 'pin_user_pages' : 'get_user_pages', t, a, 0), n);
    return;
  }
  beginHmf(c, n, t, a, true, PC.follow_page_pte);
  emit(act(longterm ? 'pin_user_pages' : 'get_user_pages', t, a, 1), n);
}

// ---- FOLL_LONGTERM GUP of a device-coherent page ---------------------------------------------

/**
 * check_and_migrate_movable_pages → migrate_device_coherent_folio(folio): folio_lock, then
 * migrate_device_unmap on that one pfn (try_to_migrate: an MMU_NOTIFY_CLEAR invalidation, the
 * mirrors drop their entries), folio_alloc + folio_copy, migrate_device_pages,
 * migrate_device_finalize; GUP then pins the system page. Called by the pinning thread (mmap_lock
 * held for read) from stepPinFollow.
 */
export function beginCoherentMigration(c: Ctx, n: Int32Array, t: number, f: number): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const d = frameOwner(L, f);
  getFrame(c, n, f);
  n[frOff(L, f) + F_LOCK] = t + 1;
  n[srcOff(L, t, f - firstDevFrame(L, d))] = (f << 4) | MPFN_MIGRATE;
  n[b + R_M_KIND] = MIG_COHERENT;
  n[b + R_M_A] = 0;
  n[b + R_M_N] = L.devFrames;
  n[b + R_M_DEV] = fdOfFrame(L, n, f);
  n[b + R_M_FAULTPAGE] = 0;
  beginInv(c, n, t, mmOf(c, t), EV_CLEAR, 0, L.pages, 0, PC.migrate_device_unmap, PC.dmirror_device_evict_chunk);
}

const longtermOp = (c: Ctx, s: Int32Array, t: number): boolean => c.reqs[t]![s[c.L.actors[t]!.base + 1]!]!.op === 'pin';

// unpin_user_page
export function stepUnpin(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const n = nextState(c, s);
  const f = n[b + R_PINNED]! & 0xff;
  if (f !== 0) {
    n[frOff(L, f) + F_PIN]!--;
    putFrame(c, n, f);
  }
  n[b + R_PINNED] = 0;
  finishRequest(c, n, t, f !== 0 ? OK : EFAULT);
  emit(act('unpin_user_page', t, s[b + R_A]!), n);
}
