/**
 * Broken drivers for the liveness properties, written spec-side: each wraps the model's
 * successors and changes only what the named driver mistake changes, on the words the driver
 * owns (a device thread's registers, its device's lock word). model/hmm needs no change; the
 * hook each would become there is named, for when model/hmm grows it.
 *
 * - staleSeqRetry (violates L2): on a retry the driver re-uses the notifier_seq it read before
 *   (it forgets to call mmu_interval_read_begin again) and has no timeout. A stale sequence never
 *   passes mmu_interval_check_retry, so after one invalidation the fault loop spins for ever, even
 *   when invalidations stop: read_begin → mmap_read_lock → hmm_range_fault -EBUSY → read_begin …
 *   Model hook: DriverBehaviour.rereadsSeqOnRetry = false and budgets.retries = ∞ in stepReadBegin.
 * - lockLeak (violates L1 and L7, and deadlock-free): the fault path returns without
 *   take_lock's matching release once it has programmed the device PT. The next invalidation's
 *   callback waits for the lock for ever, inside invalidate_range_start.
 *   Model hook: DriverBehaviour.unlocksAfterProgram = false in the D_PROGRAM step.
 *
 * The variants of L4, L5 and L6 change core-mm and the RELEASE ioctl rather than the driver's
 * registers: they are patches (model/hmm/patch.ts), in liveness-patches.ts.
 */
import type { Model } from '../../checker/index.ts';
import { type HmmAction, type HmmState, type StateWriter, makeCtx, stateWriter, PC } from '../../model/hmm/index.ts';
import type { HmmConfig } from '../../model/hmm/config.ts';

export type LivenessBreak = 'staleSeqRetry' | 'lockLeak';

export function withLivenessBreak(m: Model<HmmState, HmmAction>, cfg: HmmConfig, brk: LivenessBreak): Model<HmmState, HmmAction> {
  const c = makeCtx(cfg);
  const fix = brk === 'staleSeqRetry' ? staleSeqRetry : lockLeak;
  return {
    id: `${m.id}+${brk}`,
    initialStates: () => m.initialStates(),
    successors: (s, emit) => m.successors(s, (a, n) => emit(a, fix(c, s, a, n))),
    ...(m.isTerminal ? { isTerminal: (s: HmmState) => m.isTerminal!(s) } : {}),
    codec: m.codec,
  };
}

type Fix = (c: ReturnType<typeof makeCtx>, s: HmmState, a: HmmAction, n: HmmState) => HmmState;
/** state x through c's writable view, re-pointed on every call (each read completes before the next) */
const at = (c: ReturnType<typeof makeCtx>, x: HmmState): StateWriter => stateWriter(c).at(x);

const staleSeqRetry: Fix = (c, s, a, n) => {
  const actor = c.L.actors[a.actor]!;
  if (actor.kind !== 'dev') return n;
  const t = a.actor;
  let out = n;
  // a retry's read_begin (the thread has failed once) hands back the old, stale sequence
  if (a.kind === 'mmu_interval_read_begin' && at(c, s).actor(t).retries >= 1 && at(c, n).actor(t).pc === PC.range_fault_mmap_read_lock) {
    out = out.slice();
    at(c, out).actor(t).seqOk = 0;
  }
  // no timeout: the retry count never reaches the -EBUSY bound (kept at "has retried")
  if (at(c, out).actor(t).retries > 1) {
    if (out === n) out = out.slice();
    at(c, out).actor(t).retries = 1;
  }
  return out;
};

const lockLeak: Fix = (c, s, a, n) => {
  const actor = c.L.actors[a.actor]!;
  if (actor.kind !== 'dev' || at(c, s).actor(a.actor).pc !== PC.dmirror_do_fault) return n;
  const d = actor.fd;
  if (at(c, s).device(d).lock !== a.actor + 1 || at(c, n).device(d).lock !== 0) return n;
  const out = n.slice();
  at(c, out).device(d).lock = a.actor + 1; // the unlock after programming the device PT is missing
  return out;
};
