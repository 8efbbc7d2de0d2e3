/**
 * HMM upstream protocol with lib/test_hmm.c's dmirror driver, step by step. Every violation
 * expected here is a finding, argued from the kernel source in model/hmm/FINDINGS.md.
 */
import { defineSpec } from '../../checker/index.ts';
import { createHmmModel, driverName, type HmmAction, type HmmState } from '../../model/hmm/index.ts';
import { hmmConfig, type HmmSpecParams } from './configs.ts';
import { hmmProperties, PROPERTY_NAMES as P } from './properties.ts';
import { hmmView } from './presentation.ts';

export const spec = defineSpec<HmmSpecParams, HmmState, HmmAction>({
  id: 'hmm-dmirror',
  title: 'HMM upstream protocol — lib/test_hmm.c (dmirror)',
  configs: {
    'fault-vs-munmap': hmmConfig('faultVsMunmap', 'dmirror', ['wWrite']),
    'fault-vs-prot-none': hmmConfig('faultVsProtNone', 'dmirror', ['wProtnone']),
    'fault-vs-numa': hmmConfig('faultVsNuma', 'dmirror', ['wRead']),
    // FINDING 1: the MIGRATE/owner early return skips mmu_interval_set_seq (S10)
    'migrate-and-back': hmmConfig('migrateAndBack', 'dmirror', ['wWrite', 'wMigrate'], [P.s10]),
    // FINDING 2: READ racing MIGRATE_TO_DEV on the same fd programs a freed page
    'migrate-vs-device-read': hmmConfig('migrateVsDeviceRead', 'dmirror', ['wRead'], [P.s1, P.s3, P.s10]),
    // FINDING 3: WRITE racing MIGRATE_TO_DEV loses the write (and FINDING 2)
    'migrate-vs-device-write': hmmConfig('migrateVsDeviceWrite', 'dmirror', ['wWrite'], [P.s1, P.s3, P.s5, P.s10]),
    'fork-device-private': hmmConfig('forkDevicePrivate', 'dmirror', ['wWrite', 'wMigrate', 'wFork'], [P.s10]),
    exclusive: hmmConfig('exclusive', 'dmirror', ['wExcl']),
    'reclaim-ksm': hmmConfig('reclaimKsm', 'dmirror', ['wWrite']),
    'pin-vs-migrate': hmmConfig('pinVsMigrate', 'dmirror', [], [P.s10]),
    'two-devices': hmmConfig('twoDevices', 'dmirror', ['wRead', 'wMigrate'], [P.s10]),
    'bench-mixed': hmmConfig('benchMixed', 'dmirror', ['wWrite'], [P.s1, P.s3, P.s5, P.s10], { benchOnly: true }),
  },
  createModel(params, name) {
    return createHmmModel(params.model, `hmm-dmirror/${name}@${driverName(params.model.driver)}`);
  },
  properties: (params) => hmmProperties(params.model, params.witnesses),
  view: (params) => hmmView(params.model),
});

export default spec;
