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
    // ---- larger configurations (specs/hmm/EXPLORATION.md argues every expectation) ----
    'two-page-munmap-cow': hmmConfig('twoPageMunmapCow', 'reference', ['wWrite', 'wRead'], [], { description: 'device write + read fault loops over 2 pages vs munmap of one and zero-page COW of the other' }),
    'migrate-fault-back-race': hmmConfig('migrateFaultBackRace', 'reference', ['wWrite', 'wMigrate', 'wRead'], [], { description: 'MIGRATE_TO_DEV vs device write (same fd) vs CPU fault back, 2 pages' }),
    'fork-device-private-race': hmmConfig('forkDevicePrivateRace', 'reference', ['wWrite', 'wMigrate', 'wFork'], [], { description: 'fork vs MIGRATE_TO_DEV vs device write; parent COW, child read' }),
    'fork-device-private-race-2': hmmConfig('forkDevicePrivateRace2', 'reference', ['wWrite', 'wMigrate', 'wFork'], [], { description: 'fork vs MIGRATE_TO_DEV vs device write over 2 pages' }),
    'background-reclaim-numa': hmmConfig('backgroundReclaimNuma', 'reference', ['wWrite'], [], { description: 'reclaim + NUMA hinting behind a device write and a CPU write' }),
    'background-reclaim-ksm': hmmConfig('backgroundReclaimKsm', 'reference', ['wWrite'], [], { description: 'reclaim + KSM behind a device write and a CPU write' }),
    'background-numa-ksm': hmmConfig('backgroundNumaKsm', 'reference', ['wWrite'], [], { description: 'NUMA hinting + KSM behind a device write and a CPU write' }),
    // reclaim + NUMA + KSM together found a modelling error of wp_page_copy (EXPLORATION.md M2:
    // no pte_same against orig_pte, no reference on the old folio), fixed in model/hmm/mm.ts
    'background-all': hmmConfig('backgroundAll', 'reference', ['wWrite'], [], { description: 'reclaim + NUMA + KSM behind a device write' }),
    'two-devices-crossed': hmmConfig('twoDevicesCrossed', 'reference', ['wRead', 'wMigrate'], [], { description: 'two devices each migrating a page and reading the other one' }),
    'exclusive-fork-mprotect': hmmConfig('exclusiveForkMprotect', 'reference', ['wExcl', 'wWrite'], [], { description: 'exclusive access over 2 pages vs device write, fork, mprotect, child write' }),
    'two-cpu-faults-vs-migrate-to-sys': hmmConfig('twoCpuFaultsVsMigrateToSys', 'reference', ['wMigrate'], [], { description: 'two CPU faults on one device-private page vs MIGRATE_TO_DEV + MIGRATE_TO_SYS' }),
    'fault-back-vs-device-read': hmmConfig('faultBackVsDeviceRead', 'reference', ['wMigrate', 'wRead'], [], { description: 'MIGRATE_TO_DEV then READ vs mprotect then CPU fault back' }),
    'release-vs-fault-back': hmmConfig('releaseVsFaultBack', 'reference', ['wMigrate'], [], { description: 'MIGRATE_TO_DEV then READ vs RELEASE (eviction) vs two CPU faults' }),
  },
  createModel(params, name) {
    return createHmmModel(params.model, `hmm-reference/${name}@${driverName(params.model.driver)}`);
  },
  properties: (params) => hmmProperties(params.model, params.witnesses),
  view: (params) => hmmView(params.model),
});

export default spec;
