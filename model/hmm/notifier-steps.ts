/**
 * The notifier's own steps (mm/mmu_notifier.c): mn_itree_inv_start_range, one subscriber
 * callback per step (the driver's ops->invalidate, driver.ts), mn_itree_inv_end.
 */
import {
  PC, R_PC, R_I_MM, R_I_A, R_I_N, R_A, R_N, R_I_EV, R_I_RET, R_I_AFTER, R_I_CB, R_I_OWNER, R_RC, R_SNAP, DV_SSEQCUR, DV_LOCK,
  EV_NONBLOCK, EV_MIGRATE, EAGAIN, evKind, devOff, gseqOff, activeOff,
} from './layout.ts';
import { act, type Ctx, type Emit } from './ctx.ts';
import { clearInv } from './notifier.ts';
import { invalidateCallback, snapshotInvalidateCallback } from './driver.ts';

/**
 * The interval subscriptions of mm m, in a fixed order: the dmirror fds mirroring m (index =
 * device), then the temporary snapshot notifiers currently inserted (index = devices + k for the
 * k-th snapshot thread). The next one at or after `from`, or -1.
 */
function nextSub(c: Ctx, s: Int32Array, t: number, from: number): number {
  const m = s[c.L.actors[t]!.base + R_I_MM]!;
  const ia = s[c.L.actors[t]!.base + R_I_A]!;
  const iend = ia + s[c.L.actors[t]!.base + R_I_N]!;
  const D = c.L.devices;
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
  const n = s.slice();
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
export function stepInvCallback(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = c.L.actors[t]!.base;
  const d = s[b + R_I_CB]!;
  const snap = d >= c.L.devices;
  const u = snap ? c.snapActors[d - c.L.devices]! : -1;
  if ((s[b + R_I_EV]! & EV_NONBLOCK) !== 0 && callbackWouldBlockFails(c, s, t, d)) {
    const n = s.slice();
    itreeInvEnd(c, n, s[b + R_I_MM]!);
    n[b + R_RC] = EAGAIN;
    n[b + R_PC] = n[b + R_I_AFTER]!;
    clearInv(n, b);
    emit(act('mmu_notifier_invalidate_range_start_nonblock', t, s[b + R_I_A]!, d), n);
    return;
  }
  const n = snap ? snapshotInvalidateCallback(c, s, u) : invalidateCallback(c, s, t, d);
  if (n === null) return; // blocked on the driver lock
  const next = nextSub(c, n, t, d + 1);
  if (next < 0) {
    n[b + R_PC] = n[b + R_I_RET]!;
    n[b + R_I_CB] = 0;
  } else n[b + R_I_CB] = next;
  if (snap) emit(act('dmirror_snapshot_invalidate', t, s[b + R_I_A]!, c.L.actors[u]!.device), n);
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
  const snap = k >= c.L.devices;
  const d = snap ? c.L.actors[c.snapActors[k - c.L.devices]!]!.device : k;
  if (!snap && c.beh.skipOwnMigrate && evKind(s[b + R_I_EV]!) === EV_MIGRATE && s[b + R_I_OWNER] === d + 1) return false;
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
    stepped = false;
    stepInvCallback(c, s, t, markStepped);
    if (!stepped) return true;
  }
  return false;
}
let stepped = false;
const markStepped: Emit = () => {
  stepped = true;
};

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
    for (let d = 0; d < L.devices; d++) if (c.devMm[d] === m) n[devOff(L, d) + DV_SSEQCUR] = 0;
    for (const u of c.snapActors) {
      const o = L.actors[u]!.base + R_SNAP;
      if (L.actors[u]!.mm === m && n[o] === 2) n[o] = 1;
    }
  }
}

// __mmu_notifier_invalidate_range_end → mn_itree_inv_end.
export function stepInvEnd(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = c.L.actors[t]!.base;
  const n = s.slice();
  itreeInvEnd(c, n, s[b + R_I_MM]!);
  const page = s[b + R_I_A]!;
  n[b + R_PC] = n[b + R_I_AFTER]!;
  clearInv(n, b);
  emit(act('mmu_notifier_invalidate_range_end', t, page, s[b + R_I_EV]!), n);
}
