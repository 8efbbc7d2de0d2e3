/**
 * L1–L7 of hmm-reference section (b), "Liveness", as liveness properties (checked on the whole
 * reachable graph under fairness, counterexamples are lassos), with the fairness they assume.
 *
 * Fairness (HMM_FAIRNESS, written next to the properties on purpose): every CPU thread, device
 * thread and the OOM reaper is weakly fair — a thread that can keep running eventually runs (the
 * scheduler does not starve a runnable task for ever). The core-mm background actor (reclaim,
 * NUMA hinting, KSM, compaction) is not fair: it may stop at any time, and the properties must
 * hold whether or not it runs again.
 *
 * Expected verdicts, argued rather than observed: the model's loops are bounded (the device
 * fault loop by HMM_RANGE_DEFAULT_TIMEOUT's stand-in, `budgets.retries`; every thread has a finite
 * list of requests), so its reachable graph has no cycle and every behaviour ends in a state
 * without successors, where it stutters. In a deadlock-free configuration that state is terminal
 * (every thread DONE, core-mm idle, no invalidation in flight, every lock free), where each L
 * property's awaited condition holds: all hold. (A CPU fault that returns 0 sends the thread back
 * to the load/store, a loop with no bound of its own; it closes only if the fault changed nothing.
 * That no fault of the unpatched model does so is not argued here but checked: each unpatched
 * liveness configuration's no-non-progress-cycle verdict is "holds", i.e. it has no fair cycle.) The broken variants break that argument on purpose: liveness-variants.ts makes the
 * fault loop a real cycle (L2) and leaves a thread stuck (L1, L7); liveness-patches.ts brings back
 * v6.1–v6.14's do_swap_page, whose concurrent faults livelock (L4; L5 when RELEASE retries the
 * eviction; L1 too, since their MIGRATE invalidations overlap for ever), and a read fault that
 * leaves a device-exclusive entry in place (L4, L6); v12's own faultRangeAcrossFault variant
 * self-deadlocks (L1, L2, L3, L7).
 *
 * L4–L6 speak of requests, not of single steps: L4 and L6 of the CPU access (a fault that returns
 * without fixing the PTE is taken again, so the access is what must complete), L5 of the RELEASE
 * ioctl.
 *
 * The state is read through the same typed view specs/hmm/properties.ts uses (stateView).
 */
import { alwaysEventually, leadsTo, type FairnessSpec, type Property } from '../../checker/index.ts';
import { type HmmAction, type HmmState, makeCtx, stateView, PC, PTE_DEVEXCL } from '../../model/hmm/index.ts';
import type { HmmConfig } from '../../model/hmm/config.ts';
import { actorName } from './presentation.ts';

/** Which actors are fair (see above): '*' weak, the background actor none. */
export const HMM_FAIRNESS: FairnessSpec = { '*': 'weak', 'core-mm': 'none' };

export const LIVENESS_NAMES = {
  l1: 'L1-invalidations-end',
  l2: 'L2-fault-loop-ends',
  l3: 'L3-range-fault-ends',
  l4: 'L4-cpu-fault-completes',
  l5: 'L5-eviction-completes',
  l6: 'L6-exclusive-restored',
  l7: 'L7-driver-lock-released',
  /** v12 has no driver lock: its L7 is about the fault ranges struct hmm tracks */
  l7v12: 'L7-no-self-deadlock',
} as const;

/** Program counters that place a thread inside each watched activity, per design. */
interface Phases {
  readonly invalidation: readonly number[];
  readonly faultLoop: readonly number[];
  readonly rangeFault: readonly number[];
  readonly cpuFault: readonly number[];
  /** the design has HMM_DMIRROR_RELEASE's eviction (migrate_device_range) */
  readonly eviction: boolean;
  /** the design has device-exclusive entries (make_device_exclusive / restore_exclusive_pte) */
  readonly exclusive: boolean;
  /** steps a thread takes inside an activity without leaving it (a nested fault or invalidation) */
  readonly nested: readonly number[];
  readonly hasDriverLock: boolean;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const M_ALL = [PC.migrate_vma_collect_pmd, PC.migrate_device_unmap, PC.dmirror_migrate_alloc_and_copy, PC.dmirror_devmem_fault_alloc_and_copy,
  PC.migrate_vma_pages, PC.migrate_vma_insert_page, PC.dmirror_migrate_finalize_and_map, PC.migrate_vma_finalize,
  PC.try_to_migrate_rmap_walk, PC.try_to_migrate_one_other_mm];
const H_ALL = [PC.handle_mm_fault, PC.wp_page_copy_set_pte, PC.do_swap_page_migrated, PC.restore_exclusive_pte, PC.remove_device_exclusive_entry_unlock];
const I_ALL = [PC.mn_itree_inv_start_range, PC.mn_itree_invalidate, PC.mn_itree_inv_end];

const UPSTREAM: Phases = {
  invalidation: I_ALL,
  faultLoop: [PC.mmu_interval_read_begin, PC.range_fault_mmap_read_lock, PC.hmm_range_fault, PC.hmm_vma_fault, PC.range_fault_mutex_lock, PC.mmu_interval_read_retry, PC.dmirror_do_fault, PC.mmu_interval_read_retry_unlocked],
  rangeFault: [PC.hmm_range_fault, PC.hmm_vma_fault],
  cpuFault: [...H_ALL],
  eviction: true,
  exclusive: true,
  nested: [...H_ALL, ...I_ALL, ...M_ALL, PC.migrate_folio_unmap, PC.try_to_migrate_one, PC.migrate_folio_move],
  hasDriverLock: true,
};

const V12_INV = [PC.hmm_notifier_invalidate_range_start, PC.hmm_mirror_update, PC.hmm_notifier_invalidate_range_end];
const V12: Phases = {
  invalidation: [...I_ALL, ...V12_INV],
  faultLoop: [PC.hmm_mirror_fault, PC.hmm_mirror_fault_pmd, PC.hmm_mm_fault_done, PC.hmm_mirror_handle_fault],
  rangeFault: [PC.hmm_mirror_fault_pmd],
  cpuFault: [...H_ALL, PC.copy_from_device, PC.hmm_mirror_migrate_back, PC.mm_hmm_migrate_back_cleanup],
  eviction: false,
  exclusive: false,
  nested: [...H_ALL, ...I_ALL, ...V12_INV, ...M_ALL, PC.copy_from_device, PC.hmm_mirror_migrate_back, PC.mm_hmm_migrate_back_cleanup],
  // v12's struct hmm serialises updates itself; the driver lock words are not used
  hasDriverLock: false,
};

/**
 * The liveness properties of one configuration. Per-thread properties (L2–L4) are named after the
 * thread (`L2-fault-loop-ends.dev0.t0`); a property about an activity the configuration never
 * starts is not generated (it would hold vacuously).
 */
export function hmmLivenessProperties(cfg: HmmConfig, design: 'upstream' | 'v12' = 'upstream'): Property<HmmState, HmmAction>[] {
  const c = makeCtx(cfg);
  const ph = design === 'v12' ? V12 : UPSTREAM;
  const N = LIVENESS_NAMES;
  const view = stateView(c);
  const pc = (s: HmmState, t: number): number => view.at(s).actor(t).pc;
  const inSet = (set: readonly number[]) => {
    const bits = new Set(set);
    return (s: HmmState, t: number): boolean => bits.has(pc(s, t));
  };
  const nested = inSet(ph.nested);
  const threads = (kind: 'cpu' | 'dev'): number[] => c.L.actors.flatMap((a, t) => (a.kind === kind ? [t] : []));
  const ops = (t: number): readonly string[] => (c.reqs[t] ?? []).map((r) => r.op);
  const props: Property<HmmState, HmmAction>[] = [];

  const inInvalidation = inSet(ph.invalidation);
  props.push(
    alwaysEventually<HmmState>(N.l1, (s) => c.L.actors.every((_, t) => !inInvalidation(s, t)), {
      fairness: HMM_FAIRNESS,
      description: 'L1: every invalidate_range_start is matched by an end: infinitely often no invalidation is in flight (active returns to 0)',
    }),
  );
  // L2/L3: per device thread that faults (read/write/exclusive-style requests walk hmm_range_fault)
  const inLoop = inSet(ph.faultLoop);
  const inWalk = inSet(ph.rangeFault);
  for (const t of threads('dev')) {
    if (!ops(t).some((o) => o === 'read' || o === 'write')) continue;
    const who = actorName(c, t);
    props.push(
      leadsTo<HmmState>(`${N.l2}.${who}`, (s) => inLoop(s, t), (s) => !inLoop(s, t) && !nested(s, t), {
        fairness: HMM_FAIRNESS,
        description: `L2: ${who}'s device fault loop (read_begin … read_retry) ends, by programming the device PT or with an error`,
      }),
      leadsTo<HmmState>(`${N.l3}.${who}`, (s) => inWalk(s, t), (s) => !inWalk(s, t) && !nested(s, t), {
        fairness: HMM_FAIRNESS,
        description: `L3: ${who}'s hmm_range_fault walk returns (success, -EBUSY, -EFAULT or -EPERM)`,
      }),
    );
  }
  // L4/L6 are about the access, not one handle_mm_fault call: a fault that returns without
  // fixing the PTE makes the CPU re-execute the load/store and fault again, so "completes" means
  // the thread leaves the access (it retires, or a signal is delivered). Back-to-back accesses of
  // one thread count as one.
  const inCpuFault = inSet(ph.cpuFault);
  const inAccess = inSet([...ph.cpuFault, ...ph.nested, PC.cpu_access, PC.do_user_addr_fault_unlock]);
  const accessDone = (t: number) => (s: HmmState): boolean => !inAccess(s, t);
  const exclusiveFault = (t: number) => (s: HmmState): boolean => {
    const v = stateView(c, 'liveness').at(s);
    const regs = v.actor(t);
    return regs.pc === PC.handle_mm_fault && v.mm(c.L.actors[t]!.mm).pte(regs.hmfPage).kind === PTE_DEVEXCL;
  };
  const excl = ph.exclusive && threads('dev').some((t) => ops(t).includes('exclusive'));
  for (const t of threads('cpu')) {
    if (!ops(t).some((o) => o === 'read' || o === 'write')) continue;
    const who = actorName(c, t);
    props.push(
      leadsTo<HmmState>(`${N.l4}.${who}`, (s) => inCpuFault(s, t), accessDone(t), {
        fairness: HMM_FAIRNESS,
        description: `L4: a CPU fault of ${who} (on a device-private page: through migrate_to_ram) completes: the load/store retires or a signal is delivered`,
      }),
    );
    if (excl) {
      props.push(
        leadsTo<HmmState>(`${N.l6}.${who}`, exclusiveFault(t), accessDone(t), {
          fairness: HMM_FAIRNESS,
          description: `L6: when ${who} faults on a device-exclusive entry, the device gives the page back (restore_exclusive_pte) and the access completes`,
        }),
      );
    }
  }
  // L5: per device thread that releases its device memory (HMM_DMIRROR_RELEASE): the eviction
  // it starts ends, i.e. the thread moves past the RELEASE request
  if (ph.eviction) {
    for (const t of threads('dev')) {
      const req = ops(t);
      if (!req.includes('release')) continue;
      const who = actorName(c, t);
      const regs = (s: HmmState) => stateView(c, 'liveness').at(s).actor(t);
      props.push(
        leadsTo<HmmState>(`${N.l5}.${who}`, (s) => regs(s).pc === PC.migrate_device_range, (s) => req[regs(s).req] !== 'release', {
          fairness: HMM_FAIRNESS,
          description: `L5: ${who}'s HMM_DMIRROR_RELEASE (migrate_device_range: evict device memory even while mapped) completes`,
        }),
      );
    }
  }
  if (!ph.hasDriverLock) {
    props.push(
      alwaysEventually<HmmState>(N.l7v12, (s) => c.L.actors.every((_, t) => !inInvalidation(s, t) && !inLoop(s, t)), {
        fairness: HMM_FAIRNESS,
        description: 'L7 (v12: no driver lock; struct hmm tracks fault ranges): no thread waits for ever on a range of its own — infinitely often no thread is inside an update or a device fault',
      }),
    );
  } else {
    for (let d = 0; d < c.L.fds; d++) {
      props.push(
        alwaysEventually<HmmState>(`${N.l7}.dev${d}`, (s) => view.at(s).device(d).lock === 0, {
          fairness: HMM_FAIRNESS,
          description: `L7: dev${d}'s driver lock is free infinitely often: no callback waits for ever on a lock its own invalidation's trigger holds`,
        }),
      );
    }
  }
  return props;
}

