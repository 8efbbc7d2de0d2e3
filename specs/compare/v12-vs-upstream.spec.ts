/**
 * The same workloads on both mirror designs over the one shared CPU-side mm: the upstream
 * protocol with the hmm.rst reference driver (config `upstream-<workload>`) and the HMM v12
 * design of the seed (config `v12-<workload>`). Each holds every property of its design; the
 * report's "v12 vs upstream" section (report-section.ts) lines them up with the mechanism each
 * design relies on (mechanisms.ts).
 */
import { renderV12VsUpstream } from './report-section.ts';
import { defineSpec, type ExpectedVerdict, type SpecConfig } from '../../checker/index.ts';
import { createHmmModel, type HmmAction, type HmmState } from '../../model/hmm/index.ts';
import type { HmmConfig } from '../../model/hmm/config.ts';
import { STATE_PROPERTIES } from '../hmm/configs.ts';
import { hmmProperties, PROPERTY_NAMES, type WitnessName } from '../hmm/properties.ts';
import { hmmView } from '../hmm/presentation.ts';
import { v12Expect, v12Model } from '../v12/configs.ts';
import { v12Properties, type V12WitnessName } from '../v12/properties.ts';
import { v12View } from '../v12/presentation.ts';
import { WORKLOADS, WORKLOAD_NAMES, type WorkloadName } from './workloads.ts';

export type CompareParams =
  | { readonly design: 'upstream'; readonly workload: WorkloadName; readonly model: HmmConfig; readonly witnesses: readonly WitnessName[] }
  | { readonly design: 'v12'; readonly workload: WorkloadName; readonly model: HmmConfig; readonly witnesses: readonly V12WitnessName[] };

export const configName = (design: 'upstream' | 'v12', w: WorkloadName): string => `${design}-${w}`;

function upstreamConfig(w: WorkloadName): SpecConfig<CompareParams> {
  const wl = WORKLOADS[w];
  const expect: Record<string, ExpectedVerdict> = {};
  for (const p of STATE_PROPERTIES) expect[p] = 'holds';
  for (const x of wl.upstream) expect[PROPERTY_NAMES[x]] = 'holds';
  expect['deadlock-free'] = 'holds';
  return {
    params: { design: 'upstream', workload: w, model: { driver: 'reference', ...wl.scenario } as HmmConfig, witnesses: wl.upstream },
    check: { strategy: 'bfs' },
    expect,
    description: `upstream (hmm.rst reference driver): ${wl.title}`,
  };
}

function v12Config(w: WorkloadName): SpecConfig<CompareParams> {
  const wl = WORKLOADS[w];
  return {
    params: { design: 'v12', workload: w, model: v12Model(wl.scenario, 'v12'), witnesses: wl.v12 },
    check: { strategy: 'bfs' },
    expect: v12Expect(wl.v12),
    description: `v12 (2016 posting): ${wl.title}`,
  };
}

const configs: Record<string, SpecConfig<CompareParams>> = {};
for (const w of WORKLOAD_NAMES) {
  configs[configName('upstream', w)] = upstreamConfig(w);
  configs[configName('v12', w)] = v12Config(w);
}

export const spec = defineSpec<CompareParams, HmmState, HmmAction>({
  id: 'hmm-compare',
  title: 'v12 vs upstream — the same workloads on both mirror designs',
  configs,
  createModel(params, name) {
    return createHmmModel(params.model, `hmm-compare/${name}`);
  },
  properties: (params) =>
    params.design === 'v12' ? v12Properties(params.model, params.witnesses) : hmmProperties(params.model, params.witnesses),
  view: (params) => (params.design === 'v12' ? v12View(params.model) : hmmView(params.model)),
  // the report's "v12 vs upstream" section (issue 5)
  reportSection: (runs) => renderV12VsUpstream(runs),
});

export default spec;
