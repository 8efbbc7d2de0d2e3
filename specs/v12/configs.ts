/**
 * v12 configurations: a scenario (shared with the upstream specs where possible), the v12
 * variant (model/hmm/v12/variants.ts), the witnesses, and which properties it must violate.
 */
import type { ExpectedVerdict, SpecConfig } from '../../checker/index.ts';
import type { HmmConfig } from '../../model/hmm/config.ts';
import type { V12Variant } from '../../model/hmm/v12/index.ts';
import { V12_PROPERTY_NAMES, V12_STATE_PROPERTIES, type V12WitnessName } from './properties.ts';

export interface V12SpecParams {
  readonly model: HmmConfig;
  readonly witnesses: readonly V12WitnessName[];
}

export type V12Scenario = Omit<HmmConfig, 'driver' | 'design' | 'v12'>;

/** v12-only scenarios (the shared workloads are in specs/compare/workloads.ts) */
export const V12_SCENARIOS = {
  /** device WRITE on the zero page: hmm_mirror_fault → handle_mm_fault → wp_page_copy (a CLEAR
   *  update of the very range being faulted) */
  deviceWriteCow: {
    pages: 1, frames: 2, initial: ['zero'], features: { dma: true },
    dev: [{ ops: [{ op: 'write', page: 0 }] }],
  },
} as const satisfies Record<string, V12Scenario>;

export function v12Model(scenario: V12Scenario, variant: V12Variant): HmmConfig {
  return { driver: 'reference', design: 'v12', v12: variant, ...scenario } as HmmConfig;
}

export function v12Expect(witnesses: readonly V12WitnessName[], violated: readonly string[] = []): Record<string, ExpectedVerdict> {
  const expect: Record<string, ExpectedVerdict> = {};
  for (const p of V12_STATE_PROPERTIES) expect[p] = 'holds';
  for (const w of witnesses) expect[V12_PROPERTY_NAMES[w]] = 'holds';
  expect['deadlock-free'] = 'holds';
  for (const v of violated) expect[v] = 'violated';
  return expect;
}

export function v12Config(
  scenario: V12Scenario,
  variant: V12Variant,
  witnesses: readonly V12WitnessName[],
  violated: readonly string[] = [],
  description?: string,
): SpecConfig<V12SpecParams> {
  return {
    params: { model: v12Model(scenario, variant), witnesses },
    check: { strategy: 'bfs' },
    expect: v12Expect(witnesses, violated),
    ...(description === undefined ? {} : { description }),
  };
}
