/**
 * Configurations that check L1–L7 (liveness.ts) on the upstream and v12 designs: small scenarios
 * (each an exhaustive graph of at most a few thousand states), and the broken variants with the
 * properties they must violate. A liveness configuration checks only the liveness properties and
 * deadlock freedom; the safety properties of the same scenarios are checked by the other configs.
 *
 * Expected verdicts: see liveness.ts (acyclic, deadlock-free ⇒ every L holds) and
 * liveness-variants.ts (what each break makes reachable).
 */
import type { ExpectedVerdict, Model, Property, SpecConfig } from '../../checker/index.ts';
import type { HmmConfig } from '../../model/hmm/config.ts';
import type { DriverVariant } from '../../model/hmm/variants.ts';
import type { HmmAction, HmmState } from '../../model/hmm/index.ts';
import { SCENARIOS, type HmmSpecParams, type ScenarioName } from './configs.ts';
import { hmmLivenessProperties, LIVENESS_NAMES } from './liveness.ts';
import { type LivenessBreak, withLivenessBreak } from './liveness-variants.ts';

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
  const expect: Record<string, ExpectedVerdict> = { 'deadlock-free': 'holds' };
  for (const p of hmmLivenessProperties(base.model, design)) expect[p.name] = 'holds';
  for (const v of violated) {
    const hits = Object.keys(expect).filter((n) => n === v || n.startsWith(`${v}.`));
    if (hits.length === 0) throw new Error(`liveness config: no property ${v} in this scenario`);
    for (const n of hits) expect[n] = 'violated';
  }
  return { params, check: { strategy: 'bfs' }, expect, description };
}

const L = LIVENESS_NAMES;

export function upstreamLivenessConfigs(driver: DriverVariant): Record<string, SpecConfig<HmmSpecParams>> {
  const base = (scenario: ScenarioName): HmmSpecParams => ({ model: { driver, ...SCENARIOS[scenario] } as HmmConfig, witnesses: [] });
  return {
    'liveness-fault-vs-munmap': livenessConfig(base('faultVsMunmap'), 'upstream', [], undefined, 'L1–L3, L7: device write fault loop vs munmap'),
    'liveness-migrate-and-back': livenessConfig(base('migrateAndBack'), 'upstream', [], undefined, 'L4: CPU read of a device-private page (migrate_to_ram) completes'),
    'liveness-exclusive': livenessConfig(base('exclusive'), 'upstream', [], undefined, 'L6: a CPU write restores the device-exclusive entry'),
    'liveness-release-vs-fault-back': livenessConfig(base('releaseVsFaultBack'), 'upstream', [], undefined, 'L5: eviction (RELEASE) completes while CPU threads fault the page back'),
    'liveness-reclaim-ksm': livenessConfig(base('reclaimKsm'), 'upstream', [], undefined, 'L1–L4 with unfair background reclaim and KSM'),
    // broken: the retry re-uses the stale notifier_seq, no timeout — the fault loop cycles (L2)
    'liveness-stale-seq-retry': livenessConfig(base('faultVsMunmap'), 'upstream', [L.l2], 'staleSeqRetry', 'broken: retry without mmu_interval_read_begin, no timeout: the fault loop spins for ever (lasso)'),
    // broken: the fault path leaks the driver lock — the next invalidation's callback waits for ever
    'liveness-lock-leak': livenessConfig(base('faultVsMunmap'), 'upstream', [L.l1, L.l7, 'deadlock-free'], 'lockLeak', 'broken: the driver lock is not released after programming: munmap\'s callback waits for ever'),
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

