/**
 * The HMM v12 design (the seed's March 2016 posting, model/hmm/v12) with plausible HMM-core and
 * driver mistakes: each broken variant violates exactly the properties named here, with a short
 * counterexample. The correct design on the shared workloads runs in
 * specs/compare/v12-vs-upstream.spec.ts (side by side with upstream).
 */
import { defineSpec } from '../../checker/index.ts';
import { createHmmModel, type HmmAction, type HmmState } from '../../model/hmm/index.ts';
import { WORKLOADS } from '../compare/workloads.ts';
import { SCENARIOS } from '../hmm/configs.ts';
import { V12_SCENARIOS, v12Config, v12Model, type V12SpecParams } from './configs.ts';
import { livenessModel, livenessPropertiesOf, v12LivenessConfigs } from '../hmm/liveness-configs.ts';
import { v12Properties, V12_PROPERTY_NAMES as P } from './properties.ts';
import { v12View } from './presentation.ts';
import { hmmProgress } from '../hmm/progress.ts';

const W = WORKLOADS;

export const spec = defineSpec<V12SpecParams, HmmState, HmmAction>({
  id: 'hmm-v12',
  title: 'HMM v12 design (2016) — mirror page table, fault-range tracking, special-swap migration; broken variants',
  configs: {
    'device-write-cow': v12Config(V12_SCENARIOS.deviceWriteCow, 'v12', ['wWrite'], [],
      'device write on the zero page: the fault backs off around handle_mm_fault (COW update of its own range)'),
    // fault-range tracking skipped: an update slips between the walk and the hmm_pt fill
    'no-fault-range': v12Config(W['fault-vs-cow'].scenario, 'noFaultRange', ['wRead'], [P.s1, P.s3dma, P.s10],
      'hmm_mirror_fault does not register its range: stale hmm_pt entry after COW'),
    'no-fault-range-migrate': v12Config({ ...W['migrate-vs-device-write'].scenario, features: { dma: true } }, 'noFaultRange', ['wWrite'],
      [P.s1, P.s3dma, P.s3free, P.s5, P.s10], 'unregistered fault races migration: DMA to a freed page, lost write'),
    // the range stays registered across handle_mm_fault: the COW update waits for its own fault
    'fault-range-across-fault': v12Config(V12_SCENARIOS.deviceWriteCow, 'faultRangeAcrossFault', [], ['deadlock-free'],
      'fault range held across handle_mm_fault: self-deadlock'),
    // the HMM_MUNMAP update forgets dma_unmap_page
    'munmap-no-dma-unmap': v12Config(W['fault-vs-munmap'].scenario, 'munmapNoDmaUnmap', ['wWrite'], [P.s3dma, P.s3free],
      'HMM_MUNMAP clears hmm_pt but leaves the DMA mapping: the page is freed while mapped'),
    // the mirror's dirty bit is not transferred to the page
    'no-dirty-transfer': v12Config(W['fault-vs-munmap'].scenario, 'noDirtyTransfer', ['wWrite'], [P.s6],
      'HMM_MUNMAP drops a dirty hmm_pt entry without set_page_dirty'),
    // pre-v11 PROT_NONE handling (reconstructed): mprotect(PROT_NONE) only write-protects
    'prot-none-as-write-protect': v12Config(W['fault-vs-prot-none'].scenario, 'protNoneAsWriteProtect', ['wProtnone'], [P.s2],
      'mprotect(PROT_NONE) delivered as HMM_WRITE_PROTECT: the device keeps reading'),
    'prot-none-as-write-protect-numa': v12Config(W['fault-vs-numa'].scenario, 'protNoneAsWriteProtect', ['wRead'], [P.s2]),
    // migrate back copies device memory while the device may still write it
    'copy-back-while-device-writes': v12Config(W['migrate-and-back'].scenario, 'copyBackWhileDeviceWrites', ['wWrite', 'wMigrate'], [P.s5],
      'hmm_handle_cpu_fault copies before write-protecting the device entry: lost device write'),
    // the pre-HMM way the cover letter argues against: pin every mirrored page
    'pin-on-fault': v12Config(W['fault-vs-munmap'].scenario, 'pinOnFault', ['wWrite'], [P.s4],
      'the mirror takes a pin per mapped page (released on update): S4'),
    // the benchmark's larger configuration: the same mixed workload as hmm-reference/bench-mixed
    'bench-mixed': {
      ...v12Config(SCENARIOS.benchMixed, 'v12', ['wWrite'], [], 'two pages, two device threads, reclaim, DMA (benchmark)'),
      benchOnly: true,
    },
    // npm run bench's configuration: bench-mixed plus a CPU reader, as in hmm-reference/bench-large
    'bench-large': {
      ...v12Config(SCENARIOS.benchLarge, 'v12', ['wWrite'], [], 'bench-mixed + a CPU reader (benchmark)'),
      benchOnly: true,
    },
    // L1–L7 under fairness (specs/hmm/liveness.ts, liveness-configs.ts)
    ...v12LivenessConfigs((scenario, variant) => ({ model: v12Model(scenario, variant), witnesses: [] })),
  },
  createModel(params, name) {
    return livenessModel(params, createHmmModel(params.model, `hmm-v12/${name}@${params.model.v12 ?? 'v12'}`));
  },
  properties: (params) => livenessPropertiesOf(params) ?? v12Properties(params.model, params.witnesses),
  // request completions, for the liveness configurations' non-progress-cycle check
  progress: hmmProgress,
  view: (params) => v12View(params.model),
});

export default spec;
