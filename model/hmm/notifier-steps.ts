/**
 * The notifier's own steps (mm/mmu_notifier.c): mn_itree_inv_start_range, one subscriber
 * callback per step (the driver's ops->invalidate, driver.ts), mn_itree_inv_end.
 */
import { PC, R_PC, R_I_A, R_I_EV, R_I_RET, R_I_AFTER, R_I_CB, DV_SSEQCUR, devOff } from './layout.ts';
import { act, type Ctx, type Emit } from './ctx.ts';
import { clearInv } from './notifier.ts';
import { invalidateCallback } from './driver.ts';

// __mmu_notifier_invalidate_range_start → mn_itree_inv_start_range: active++, seq made odd.
export function stepInvStart(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const n = s.slice();
  n[L.gActive]!++;
  n[L.gGseqOdd] = 1; // every dmirror interval covers [0, ULONG_MAX): always overlaps
  n[b + R_PC] = PC.I_CB;
  n[b + R_I_CB] = 0;
  emit(act('mmu_notifier_invalidate_range_start', t, s[b + R_I_A]!, s[b + R_I_EV]!), n);
}

// mn_itree_invalidate: ops->invalidate() of the next overlapping interval (one per step).
export function stepInvCallback(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = c.L.actors[t]!.base;
  const d = s[b + R_I_CB]!;
  const n = invalidateCallback(c, s, t, d);
  if (n === null) return; // blocked on the driver lock
  const next = d + 1;
  if (next >= c.L.devices) {
    n[b + R_PC] = n[b + R_I_RET]!;
    n[b + R_I_CB] = 0;
  } else n[b + R_I_CB] = next;
  emit(act(c.names.invalidate, t, s[b + R_I_A]!, d), n);
}

// __mmu_notifier_invalidate_range_end → mn_itree_inv_end: active--, seq even again when idle.
export function stepInvEnd(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const n = s.slice();
  const active = n[L.gActive]! - 1;
  n[L.gActive] = active;
  if (active === 0 && n[L.gGseqOdd] === 1) {
    n[L.gGseqOdd] = 0; // invalidate_seq++ : no interval's sseq equals it any more
    for (let d = 0; d < L.devices; d++) n[devOff(L, d) + DV_SSEQCUR] = 0;
  }
  const page = s[b + R_I_A]!;
  n[b + R_PC] = n[b + R_I_AFTER]!;
  clearInv(n, b);
  emit(act('mmu_notifier_invalidate_range_end', t, page, s[b + R_I_EV]!), n);
}

