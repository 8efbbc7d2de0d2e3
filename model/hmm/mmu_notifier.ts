// Follows: Linux v6.19 — mm/mmu_notifier.c, include/linux/mmu_notifier.h
/**
 * mm/mmu_notifier.c: the interval notifier — the seam between the CPU-side mm and the mirror.
 */
import {
  DV_LOCK, DV_SSEQCUR, EAGAIN, EV_MIGRATE, EV_NONBLOCK, PC, R_A, R_I_A, R_I_AFTER, R_I_CB, R_I_EV, R_I_MM, R_I_N,
  R_I_OWNER, R_I_RET, R_N, R_PC, R_RC, R_SNAP, activeOff, devOff, evKind, gseqOff,
} from './layout.ts';
import { type Ctx, type Emit, type GuardFn, act, nextState } from './ctx.ts';

/**
 * Does mm m have interval subscriptions? (a dmirror fd mirrors the mm of the process that opened
 * it, dmirror_fops_open: mm 0, or the fork child's mm 1 per config.deviceMm)
 */
export const subscribed = (c: Ctx, m: number): boolean => c.mmSubscribed[m] === true;

/**
 * mmu_notifier_invalidate_range_start(range{event, start, end, owner}): set up the invalidation
 * registers. `retPc` runs after all callbacks (the PTE change), `afterPc` after range_end.
 * For an mm nobody mirrors the notifier is a no-op and control goes straight to `retPc`.
 */
export function beginInv(c: Ctx, s: Int32Array, t: number, m: number, ev: number, a: number, n: number,
  owner: number, retPc: number, afterPc: number): void {
  const b = c.L.actors[t]!.base;
  s[b + R_I_EV] = ev;
  s[b + R_I_A] = a;
  s[b + R_I_N] = n;
  s[b + R_I_OWNER] = owner;
  s[b + R_I_RET] = retPc;
  s[b + R_I_AFTER] = afterPc;
  s[b + R_I_CB] = 0;
  s[b + R_I_MM] = m;
  s[b + R_PC] = subscribed(c, m) ? (c.L.v12Base >= 0 ? PC.hmm_notifier_invalidate_range_start : PC.mn_itree_inv_start_range) : retPc;
}

/** Called by the PTE-change step: continue with mmu_notifier_invalidate_range_end. */
export function endInv(c: Ctx, s: Int32Array, t: number, m: number): void {
  const b = c.L.actors[t]!.base;
  if (subscribed(c, m)) {
    s[b + R_PC] = c.L.v12Base >= 0 ? PC.hmm_notifier_invalidate_range_end : PC.mn_itree_inv_end;
    return;
  }
  s[b + R_PC] = s[b + R_I_AFTER]!;
  clearInv(s, b);
}

export function clearInv(s: Int32Array, b: number): void {
  s[b + R_I_EV] = 0;
  s[b + R_I_A] = 0;
  s[b + R_I_N] = 0;
  s[b + R_I_OWNER] = 0;
  s[b + R_I_RET] = 0;
  s[b + R_I_AFTER] = 0;
  s[b + R_I_CB] = 0;
  s[b + R_I_MM] = 0;
}

/** mmu_interval_read_begin would sleep: the interval's callback ran in the current epoch. */
export const readBeginBlocked = (c: Ctx, s: Int32Array, d: number): boolean => s[devOff(c.L, d) + DV_SSEQCUR] === 1;

/**
 * The interval subscriptions of mm m, in a fixed order: the dmirror fds mirroring m (index =
 * fd: a device opened twice has two), then the temporary snapshot notifiers currently inserted
 * (index = fds + k for the k-th snapshot thread). The next one at or after `from`, or -1.
 */
function nextSub(c: Ctx, s: Int32Array, t: number, from: number): number {
  const m = s[c.L.actors[t]!.base + R_I_MM]!;
  const ia = s[c.L.actors[t]!.base + R_I_A]!;
  const iend = ia + s[c.L.actors[t]!.base + R_I_N]!;
  const D = c.L.fds;
  for (let k = from; k < D + c.snapActors.length; k++) {
    if (k < D) {
      if (c.devMm[k] === m) return k;
    } else {
      const u = c.snapActors[k - D]!;
      const ub = c.L.actors[u]!.base;
      const overlaps = s[ub + R_A]! < iend && ia < s[ub + R_A]! + s[ub + R_N]!; // [start, end) of the snapshot
      if (c.L.actors[u]!.mm === m && s[ub + R_SNAP] !== 0 && overlaps) return k;
    }
  }
  return -1;
}

// __mmu_notifier_invalidate_range_start → mn_itree_inv_start_range: active++, seq made odd.
export function stepInvStart(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = s[b + R_I_MM]!;
  const n = nextState(c, s);
  n[activeOff(L, m)]!++;
  n[gseqOff(L, m)] = 1; // every dmirror interval covers [0, ULONG_MAX): always overlaps
  n[b + R_PC] = PC.mn_itree_invalidate;
  n[b + R_I_CB] = nextSub(c, n, t, 0);
  emit(act('mmu_notifier_invalidate_range_start', t, s[b + R_I_A]!, s[b + R_I_EV]!), n);
}

// mn_itree_invalidate: ops->invalidate() of the next overlapping interval (one per step). On a
// non-blockable range a callback that would have to sleep returns false instead: out_would_block
// ends the invalidation here (mn_itree_inv_end; later intervals are not called) and the caller
// gets -EAGAIN without range_end, going on at its after-end pc with R_RC = -EAGAIN.
/** the callback runs when its own guard holds (the driver lock it takes); on a non-blockable range a callback that would sleep fails at once instead */
export const guardInvCallback: GuardFn = (c, s, t) => {
  const b = c.L.actors[t]!.base;
  const d = s[b + R_I_CB]!;
  if ((s[b + R_I_EV]! & EV_NONBLOCK) !== 0 && callbackWouldBlockFails(c, s, t, d)) return true;
  return d >= c.L.fds ? c.ops.snapshotInvalidateGuard(c, s, t, d) : c.ops.invalidateGuard(c, s, t, d);
};
export function stepInvCallback(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = c.L.actors[t]!.base;
  const d = s[b + R_I_CB]!;
  const snap = d >= c.L.fds;
  const u = snap ? c.snapActors[d - c.L.fds]! : -1;
  if ((s[b + R_I_EV]! & EV_NONBLOCK) !== 0 && callbackWouldBlockFails(c, s, t, d)) {
    const n = nextState(c, s);
    itreeInvEnd(c, n, s[b + R_I_MM]!);
    n[b + R_RC] = EAGAIN;
    n[b + R_PC] = n[b + R_I_AFTER]!;
    clearInv(n, b);
    emit(act('mmu_notifier_invalidate_range_start_nonblock', t, s[b + R_I_A]!, d), n);
    return;
  }
  const n = snap ? c.ops.snapshotInvalidate(c, s, t, d) : c.ops.invalidate(c, s, t, d);
  if (n === null) throw new Error(`mn_itree_invalidate: the invalidate callback of subscription ${d} returned no state although its guard held (a callback that can sleep needs ops.invalidateGuard)`);
  const next = nextSub(c, n, t, d + 1);
  if (next < 0) {
    n[b + R_PC] = n[b + R_I_RET]!;
    n[b + R_I_CB] = 0;
  } else n[b + R_I_CB] = next;
  if (snap) emit(act('dmirror_snapshot_invalidate', t, s[b + R_I_A]!, c.L.actors[u]!.fd), n);
  else emit(act(c.names.invalidate, t, s[b + R_I_A]!, d), n);
}

/**
 * Subscription k's callback on a non-blockable range: `if (!mutex_trylock(...)) return false`
 * (after dmirror's MIGRATE/owner early return, which needs no lock) — unless the driver
 * ignores the blockable flag and sleeps in mutex_lock (variants.ts sleepsWhenNonblockable).
 */
function callbackWouldBlockFails(c: Ctx, s: Int32Array, t: number, k: number): boolean {
  if (c.beh.sleepsWhenNonblockable === true) return false;
  const b = c.L.actors[t]!.base;
  const snap = k >= c.L.fds;
  const d = snap ? c.L.actors[c.snapActors[k - c.L.fds]!]!.fd : k;
  // the owner is the pgmap owner (dmirror->mdevice): every fd of the migrating device skips
  if (!snap && c.beh.skipOwnMigrate && evKind(s[b + R_I_EV]!) === EV_MIGRATE && s[b + R_I_OWNER] === c.L.fdDevice[d]! + 1) return false;
  return s[devOff(c.L, d) + DV_LOCK] !== 0;
}

/**
 * The invalidation of a non-blockable range is stuck in a callback that sleeps: some actor is
 * at a callback of a non-blockable range and that callback has no enabled step. (Observational:
 * the property S11 of specs/hmm asks that this never happens.)
 */
export function sleepsInNonblockable(c: Ctx, s: Int32Array): boolean {
  for (let t = 0; t < c.L.actors.length; t++) {
    const b = c.L.actors[t]!.base;
    if (s[b + R_PC] !== PC.mn_itree_invalidate || (s[b + R_I_EV]! & EV_NONBLOCK) === 0) continue;
    if (!c.prog.guards[PC.mn_itree_invalidate]!(c, s, t)) return true;
  }
  return false;
}

/**
 * mn_itree_inv_end: active--, and when the last range ends the sequence becomes even again (no
 * interval's sseq equals it any more; snapshot notifiers that saw this epoch keep "changed").
 */
function itreeInvEnd(c: Ctx, n: Int32Array, m: number): void {
  const L = c.L;
  const active = n[activeOff(L, m)]! - 1;
  n[activeOff(L, m)] = active;
  if (active === 0 && n[gseqOff(L, m)] === 1) {
    n[gseqOff(L, m)] = 0; // invalidate_seq++ : no interval's sseq equals it any more
    for (let d = 0; d < L.fds; d++) if (c.devMm[d] === m) n[devOff(L, d) + DV_SSEQCUR] = 0;
    for (const u of c.snapActors) {
      const o = L.actors[u]!.base + R_SNAP;
      if (L.actors[u]!.mm === m && n[o] === 2) n[o] = 1;
    }
  }
}

// __mmu_notifier_invalidate_range_end → mn_itree_inv_end.
export function stepInvEnd(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = c.L.actors[t]!.base;
  const n = nextState(c, s);
  itreeInvEnd(c, n, s[b + R_I_MM]!);
  const page = s[b + R_I_A]!;
  n[b + R_PC] = n[b + R_I_AFTER]!;
  clearInv(n, b);
  emit(act('mmu_notifier_invalidate_range_end', t, page, s[b + R_I_EV]!), n);
}

