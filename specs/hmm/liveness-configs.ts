/**
 * Configurations that check L1–L7 (liveness.ts) on the upstream and v12 designs: small scenarios
 * (each an exhaustive graph of at most a few thousand states), and the broken variants with the
 * properties they must violate. A liveness configuration checks only the liveness properties and
 * deadlock freedom; the safety properties of the same scenarios are checked by the other configs.
 *
 * Expected verdicts: see liveness.ts (acyclic, deadlock-free ⇒ every L holds) and
 * liveness-variants.ts (what each break makes reachable).
 */
import { NON_PROGRESS_PROPERTY, type ExpectedVerdict, type Model, type Property, type SpecConfig } from '../../checker/index.ts';
import type { HmmConfig } from '../../model/hmm/config.ts';
import type { DriverVariant } from '../../model/hmm/variants.ts';
import type { HmmAction, HmmState } from '../../model/hmm/index.ts';
import { SCENARIOS, type HmmSpecParams, type Scenario, type ScenarioName } from './configs.ts';
import { HMM_FAIRNESS, hmmLivenessProperties, LIVENESS_NAMES } from './liveness.ts';
import { type LivenessBreak, withLivenessBreak } from './liveness-variants.ts';
import { LIVENESS_PATCHES, type LivenessPatch } from './liveness-patches.ts';

/** Scenarios of the L4–L6 variants (liveness-patches.ts), each small enough to explore whole. */
const LIVENESS_SCENARIOS = {
  /** a page migrated to device memory, then two CPU threads read it back (migrate_to_ram twice at once) */
  twoCpuFaultsBack: {
    pages: 1, frames: 3, devFrames: 1, initial: ['rw'],
    cpu: [{ ops: [{ op: 'read', page: 0 }] }, { ops: [{ op: 'read', page: 0 }] }],
    dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }],
  },
  /** the page migrated to device memory, two CPU threads fault it back while another thread of the
   *  fd releases the device memory (HMM_DMIRROR_RELEASE: migrate_device_range) */
  releaseVsTwoFaults: {
    pages: 1, frames: 3, devFrames: 1, initial: ['rw'],
    cpu: [{ ops: [{ op: 'read', page: 0 }] }, { ops: [{ op: 'read', page: 0 }] }],
    dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }, { ops: [{ op: 'release' }] }],
  },
  /** EXCLUSIVE grant, then a CPU read of the page (remove_device_exclusive_entry on a read fault) */
  exclusiveRead: {
    pages: 1, frames: 2, initial: ['rw'], features: { exclusive: true },
    cpu: [{ ops: [{ op: 'read', page: 0 }] }],
    dev: [{ ops: [{ op: 'exclusive', page: 0 }, { op: 'checkExclusive', page: 0 }] }],
  },
} as const satisfies Record<string, Scenario>;

/** Spec params of a liveness configuration (the extra field rides along in any spec's params). */
export interface LivenessParams {
  readonly liveness?: { readonly design: 'upstream' | 'v12'; readonly break?: LivenessBreak };
}

type AnyParams = { readonly model: HmmConfig } & LivenessParams;

function livenessConfig<P extends { readonly model: HmmConfig }>(
  base: P,
  design: 'upstream' | 'v12',
  violated: readonly string[],
  brk: LivenessBreak | undefined,
  description: string,
): SpecConfig<P> {
  const params = { ...base, liveness: { design, ...(brk === undefined ? {} : { break: brk }) } };
  // every liveness configuration also looks for non-progress cycles (progress.ts): a fair cycle
  // exists exactly where the variant makes one, so NP is expected violated with those variants
  const expect: Record<string, ExpectedVerdict> = { 'deadlock-free': 'holds', [NON_PROGRESS_PROPERTY]: 'holds' };
  for (const p of hmmLivenessProperties(base.model, design)) expect[p.name] = 'holds';
  for (const v of violated) {
    const hits = Object.keys(expect).filter((n) => n === v || n.startsWith(`${v}.`));
    if (hits.length === 0) throw new Error(`liveness config: no property ${v} in this scenario`);
    for (const n of hits) expect[n] = 'violated';
  }
  return { params, check: { strategy: 'bfs', nonProgress: true, fairness: HMM_FAIRNESS }, expect, description };
}

const L = LIVENESS_NAMES;
const NP = NON_PROGRESS_PROPERTY;

export function upstreamLivenessConfigs(driver: DriverVariant): Record<string, SpecConfig<HmmSpecParams>> {
  const base = (scenario: ScenarioName | keyof typeof LIVENESS_SCENARIOS, patch?: LivenessPatch): HmmSpecParams => ({
    model: {
      driver, ...(scenario in SCENARIOS ? SCENARIOS[scenario as ScenarioName] : LIVENESS_SCENARIOS[scenario as keyof typeof LIVENESS_SCENARIOS]),
      ...(patch === undefined ? {} : { patch: LIVENESS_PATCHES[patch] }),
    } as HmmConfig,
    witnesses: [],
  });
  return {
    'liveness-fault-vs-munmap': livenessConfig(base('faultVsMunmap'), 'upstream', [], undefined, 'L1–L3, L7: device write fault loop vs munmap'),
    'liveness-migrate-and-back': livenessConfig(base('migrateAndBack'), 'upstream', [], undefined, 'L4: CPU read of a device-private page (migrate_to_ram) completes'),
    'liveness-exclusive': livenessConfig(base('exclusive'), 'upstream', [], undefined, 'L6: a CPU write restores the device-exclusive entry'),
    'liveness-release-vs-fault-back': livenessConfig(base('releaseVsFaultBack'), 'upstream', [], undefined, 'L5: eviction (RELEASE) completes while CPU threads fault the page back'),
    'liveness-reclaim-ksm': livenessConfig(base('reclaimKsm'), 'upstream', [], undefined, 'L1–L4 with unfair background reclaim and KSM'),
    // broken: the retry re-uses the stale notifier_seq, no timeout — the fault loop cycles (L2)
    'liveness-stale-seq-retry': livenessConfig(base('faultVsMunmap'), 'upstream', [L.l2, NP], 'staleSeqRetry', 'broken: retry without mmu_interval_read_begin, no timeout: the fault loop spins for ever (lasso)'),
    // broken: the fault path leaks the driver lock — the next invalidation's callback waits for ever
    'liveness-lock-leak': livenessConfig(base('faultVsMunmap'), 'upstream', [L.l1, L.l7, 'deadlock-free'], 'lockLeak', 'broken: the driver lock is not released after programming: munmap\'s callback waits for ever'),
    // L4: two CPU faults on one device page; v6.1–v6.14's do_swap_page (reference without the
    // page lock) livelocks them, v6.15's (trylock first) does not
    'liveness-two-cpu-faults-back': livenessConfig(base('twoCpuFaultsBack'), 'upstream', [], undefined, 'L4: two CPU threads fault one device-private page back at once'),
    'liveness-swap-page-ref-without-lock': livenessConfig(base('twoCpuFaultsBack', 'swapPageRefWithoutLock'), 'upstream', [L.l1, L.l4, NP], undefined, 'broken (v6.1–v6.14 do_swap_page, fixed by 1afaeb8293c9): each fault\'s reference makes the other\'s migration fail, both refault for ever (lasso)'),
    // L5: RELEASE evicts until no device page is in use (what memunmap_pages waits for)
    'liveness-evict-until-empty': livenessConfig(base('releaseVsTwoFaults', 'evictUntilEmpty'), 'upstream', [], undefined, 'L5: RELEASE evicts until the device memory is empty, while CPU threads fault the page back'),
    'liveness-evict-vs-ref-without-lock': livenessConfig(base('releaseVsTwoFaults', 'evictUntilEmptyRefWithoutLock'), 'upstream', [L.l1, L.l4, L.l5, NP], undefined, 'broken (with v6.1–v6.14 do_swap_page): the faulting threads\' references defeat every eviction round, RELEASE never ends (lasso)'),
    // L6: a CPU read of a device-exclusive page
    'liveness-exclusive-read': livenessConfig(base('exclusiveRead'), 'upstream', [], undefined, 'L6: a CPU read restores the device-exclusive entry'),
    'liveness-exclusive-read-keeps-entry': livenessConfig(base('exclusiveRead', 'exclusiveReadKeepsEntry'), 'upstream', [L.l4, L.l6, NP], undefined, 'broken: a read fault leaves the device-exclusive entry in place, the load faults for ever (lasso)'),
  };
}

export function v12LivenessConfigs<P extends { readonly model: HmmConfig }>(make: (scenario: Omit<HmmConfig, 'driver' | 'design' | 'v12'>, variant: 'v12' | 'faultRangeAcrossFault') => P): Record<string, SpecConfig<P>> {
  const deviceWriteCow = { pages: 1, frames: 2, initial: ['zero'], features: { dma: true }, dev: [{ ops: [{ op: 'write', page: 0 }] }] } as const;
  return {
    'liveness-fault-vs-munmap': livenessConfig(make(SCENARIOS.faultVsMunmap, 'v12'), 'v12', [], undefined, 'L1–L4, L7 on the v12 design: device write vs munmap'),
    'liveness-device-write-cow': livenessConfig(make(deviceWriteCow, 'v12'), 'v12', [], undefined, 'L2/L7: a device write on the zero page backs off around its own COW update'),
    // broken (v12's own variant): the fault range stays registered across handle_mm_fault, so the
    // COW update it triggers waits for it: a self-deadlock. The device thread is stuck inside
    // the walk's own handle_mm_fault, so its fault loop (L2) and its walk (L3) never end either.
    'liveness-fault-range-across-fault': livenessConfig(make(deviceWriteCow, 'faultRangeAcrossFault'), 'v12', [L.l1, L.l2, L.l3, L.l7v12, 'deadlock-free'], undefined, 'broken: fault range held across handle_mm_fault — the update waits for its own fault for ever'),
  };
}

/** The model of a configuration: the broken variant's wrapper when it names one. */
export function livenessModel<P extends AnyParams>(params: P, m: Model<HmmState, HmmAction>): Model<HmmState, HmmAction> {
  const brk = params.liveness?.break;
  return brk === undefined ? m : withLivenessBreak(m, params.model, brk);
}

/** The liveness properties of a liveness configuration, or undefined for any other configuration. */
export function livenessPropertiesOf<P extends AnyParams>(params: P): Property<HmmState, HmmAction>[] | undefined {
  return params.liveness === undefined ? undefined : hmmLivenessProperties(params.model, params.liveness.design);
}

