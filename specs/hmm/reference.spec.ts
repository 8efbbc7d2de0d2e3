/**
 * HMM upstream protocol with the textbook driver of Documentation/mm/hmm.rst (`reference`) and the
 * deliberately broken variants derived from it. Expected: `reference` holds every property in
 * every scenario; each broken variant violates the property named after the rule it breaks.
 */
import { defineSpec } from '../../checker/index.ts';
import { createHmmModel, driverName, type HmmAction, type HmmState } from '../../model/hmm/index.ts';
import { hmmConfig, type HmmSpecParams } from './configs.ts';
import { hmmProperties, PROPERTY_NAMES as P } from './properties.ts';
import { hmmView } from './presentation.ts';

export const spec = defineSpec<HmmSpecParams, HmmState, HmmAction>({
  id: 'hmm-reference',
  title: 'HMM upstream protocol — hmm.rst reference driver and broken variants',
  configs: {
    'fault-vs-munmap': hmmConfig('faultVsMunmap', 'reference', ['wWrite'], [], { description: 'device write fault loop vs munmap (zap, TLB flush, free)' }),
    'fault-vs-prot-none': hmmConfig('faultVsProtNone', 'reference', ['wProtnone'], [], { description: 'device read vs mprotect(PROT_NONE): -EFAULT' }),
    'fault-vs-numa': hmmConfig('faultVsNuma', 'reference', ['wRead'], [], { description: 'device read vs NUMA hinting (protnone PTE)' }),
    'migrate-and-back': hmmConfig('migrateAndBack', 'reference', ['wWrite', 'wMigrate']),
    'migrate-vs-device-read': hmmConfig('migrateVsDeviceRead', 'reference', ['wRead']),
    'migrate-vs-device-write': hmmConfig('migrateVsDeviceWrite', 'reference', ['wWrite']),
    'fork-device-private': hmmConfig('forkDevicePrivate', 'reference', ['wWrite', 'wMigrate', 'wFork']),
    exclusive: hmmConfig('exclusive', 'reference', ['wExcl']),
    'reclaim-ksm': hmmConfig('reclaimKsm', 'reference', ['wWrite']),
    'pin-vs-migrate': hmmConfig('pinVsMigrate', 'reference', []),
    'two-devices': hmmConfig('twoDevices', 'reference', ['wRead', 'wMigrate']),
    // broken variants: the device PT is programmed without read_retry
    'no-read-retry': hmmConfig('faultVsMunmap', 'noReadRetry', ['wWrite'], [P.s1, P.s2, P.s3, P.s10]),
    // read_retry checked before taking the driver lock
    'retry-before-lock': hmmConfig('faultVsMunmap', 'retryBeforeLock', ['wWrite'], [P.s1, P.s2, P.s3, P.s10]),
    // DMA-mapped on fault, not unmapped in the invalidate callback
    'dma-no-unmap': hmmConfig('faultVsMunmap', 'dmaNoUnmap', ['wWrite'], [P.s3]),
    // core-mm: hmm_range_fault reports a protnone PTE as valid
    'protnone-valid-prot-none': hmmConfig('faultVsProtNone', 'protnoneValid', ['wRead'], [P.s2]),
    'protnone-valid-numa': hmmConfig('faultVsNuma', 'protnoneValid', ['wRead'], [P.s2]),
    'bench-mixed': hmmConfig('benchMixed', 'reference', ['wWrite'], [], { benchOnly: true, description: 'two pages, two device threads, reclaim, DMA' }),
  },
  createModel(params, name) {
    return createHmmModel(params.model, `hmm-reference/${name}@${driverName(params.model.driver)}`);
  },
  properties: (params) => hmmProperties(params.model, params.witnesses),
  view: (params) => hmmView(params.model),
});

export default spec;
