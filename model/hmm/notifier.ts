/**
 * mmu_interval_notifier (mm/mmu_notifier.c), the seam between the CPU-side mm and the mirror.
 *
 * Core-mm code only calls `beginInv(...)` before changing PTEs and `endInv(...)` after; the steps
 * here run `mn_itree_inv_start_range`, one subscriber callback per step, and `mn_itree_inv_end`.
 * A different mirror design (v12) can replace this file and driver.ts behind the same two calls:
 * with `design: 'v12'` both calls route to model/hmm/v12/notifier.ts's steps instead.
 *
 * Sequence numbers are kept abstractly but exactly (only equality and parity are ever tested):
 *  - gGseqOdd        : subscriptions->invalidate_seq is odd (an invalidation is in flight)
 *  - DV_SSEQCUR[d]   : interval_sub->invalidate_seq == subscriptions->invalidate_seq, i.e. d's
 *                      callback already ran in the current epoch (mmu_interval_read_begin waits)
 *  - R_SEQOK[t]      : the notifier_seq thread t got from read_begin still equals sseq
 *                      (set_seq() always moves sseq to a value no earlier read_begin returned).
 */
import {
  PC, R_PC, R_I_EV, R_I_A, R_I_N, R_I_OWNER, R_I_RET, R_I_AFTER, R_I_CB, R_I_MM, DV_SSEQCUR, devOff,
} from './layout.ts';
import type { Ctx } from './ctx.ts';

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
