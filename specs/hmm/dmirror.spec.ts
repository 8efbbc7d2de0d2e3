/**
 * HMM upstream protocol with lib/test_hmm.c's dmirror driver, step by step. Every violation
 * expected here is a finding, argued from the kernel source in model/hmm/FINDINGS.md.
 */
import { defineSpec } from '../../checker/index.ts';
import { createHmmModel, variantName, type HmmAction, type HmmState } from '../../model/hmm/index.ts';
import { MKCLEAN_SKIPS_NOTIFIER, PROTECTION_PAGE_KEEPS_MAPPING, UNMAP_DROPS_EXCLUSIVE_ENTRY, hmmConfig, type HmmSpecParams } from './configs.ts';
import { hmmProperties, PROPERTY_NAMES as P } from './properties.ts';
import { hmmView } from './presentation.ts';
import { livenessModel, livenessPropertiesOf, upstreamLivenessConfigs } from './liveness-configs.ts';
import { hmmProgress } from './progress.ts';

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
    'bench-large': hmmConfig('benchLarge', 'dmirror', ['wWrite'], [P.s1, P.s3, P.s5, P.s10], { benchOnly: true }),
    // ---- larger configurations (specs/hmm/EXPLORATION.md argues every expectation; with F1 fixed,
    // i.e. no early return — set_seq and the erase — every one of them holds everything; set_seq
    // alone is not enough: specs/hmm/f2-fixes.spec.ts) ----
    'two-page-munmap-cow': hmmConfig('twoPageMunmapCow', 'dmirror', ['wWrite', 'wRead']),
    // F1 + F2 (READ/WRITE racing MIGRATE_TO_DEV on one fd)
    'migrate-fault-back-race': hmmConfig('migrateFaultBackRace', 'dmirror', ['wWrite', 'wMigrate', 'wRead'], [P.s1, P.s3, P.s5, P.s10]),
    'fork-device-private-race': hmmConfig('forkDevicePrivateRace', 'dmirror', ['wWrite', 'wMigrate', 'wFork'], [P.s1, P.s3, P.s5, P.s10]),
    'fork-device-private-race-2': hmmConfig('forkDevicePrivateRace2', 'dmirror', ['wWrite', 'wMigrate', 'wFork'], [P.s1, P.s3, P.s5, P.s10]),
    'background-reclaim-numa': hmmConfig('backgroundReclaimNuma', 'dmirror', ['wWrite']),
    'background-reclaim-ksm': hmmConfig('backgroundReclaimKsm', 'dmirror', ['wWrite']),
    'background-numa-ksm': hmmConfig('backgroundNumaKsm', 'dmirror', ['wWrite']),
    // found model bug M2 (EXPLORATION.md, fixed); holds everything, as in the kernel
    'background-all': hmmConfig('backgroundAll', 'dmirror', ['wWrite'], [], { description: 'reclaim + NUMA + KSM behind a device write' }),
    // F1 only: each device reads the *other* device's page, so no device fault races its own migration
    'two-devices-crossed': hmmConfig('twoDevicesCrossed', 'dmirror', ['wRead', 'wMigrate'], [P.s10]),
    'exclusive-fork-mprotect': hmmConfig('exclusiveForkMprotect', 'dmirror', ['wExcl', 'wWrite']),
    // F1 only
    'two-cpu-faults-vs-migrate-to-sys': hmmConfig('twoCpuFaultsVsMigrateToSys', 'dmirror', ['wMigrate'], [P.s10]),
    // FINDING E1 (EXPLORATION.md): F1 through a CPU fault back (dmirror_devmem_fault's own MIGRATE
    // invalidation) racing a device fault of the same fd, with sequential ioctls
    'fault-back-vs-device-read': hmmConfig('faultBackVsDeviceRead', 'dmirror', ['wMigrate', 'wRead'], [P.s1, P.s3, P.s10]),
    'release-vs-fault-back': hmmConfig('releaseVsFaultBack', 'dmirror', ['wMigrate'], [P.s1, P.s3, P.s10]),
    // ---- system-page migration, KSM merge, the OOM reaper (dmirror_interval_invalidate's trylock) ----
    // ---- the other core-mm paths racing the mirror ----
    'mremap-vs-device': hmmConfig('mremapVsDevice', 'dmirror', ['wWrite', 'wRead'], [], { description: 'mremap (move_page_tables) vs device write at the old and read at the new address' }),
    'madv-free-vs-device': hmmConfig('madvFreeVsDevice', 'dmirror', ['wRead'], [], { description: 'MADV_FREE + reclaim discarding the clean page vs device read and CPU write' }),
    'shmem-vs-device': hmmConfig('shmemVsDevice', 'dmirror', ['wRead', 'wWrite'], [], { description: 'shared anonymous (shmem) mapping: device read/write vs CPU write and munmap' }),
    'thp-fault-vs-device': hmmConfig('thpFaultVsDevice', 'dmirror', ['wRead'], [], { description: 'THP faults (huge zero page, PMD) reported at PMD order vs a splitting partial munmap' }),
    // F1 (the MIGRATE/owner early return) with device-coherent memory too
    'coherent-pin-vs-device': hmmConfig('coherentPinVsDevice', 'dmirror', ['wRead'], [P.s10], { description: 'device-coherent page: MIGRATE_TO_DEV, FOLL_LONGTERM pin moving it out, device read' }),
    'thp-background': hmmConfig('thpBackground', 'dmirror', ['wWrite'], [], { description: 'a PMD-mapped THP behind reclaim (split), NUMA hinting (whole PMD) and KSM (split)' }),
    'compaction-vs-device': hmmConfig('compactionVsDevice', 'dmirror', ['wRead', 'wWrite', 'wSysMigrate']),
    'numa-migrate-vs-device': hmmConfig('numaMigrateVsDevice', 'dmirror', ['wWrite', 'wSysMigrate']),
    'pin-vs-compaction-numa': hmmConfig('pinVsCompactionNuma', 'dmirror', ['wRead']),
    'ksm-zero-vs-device': hmmConfig('ksmZeroVsDevice', 'dmirror', ['wRead', 'wWrite', 'wKsmZero']),
    'pin-vs-ksm': hmmConfig('pinVsKsm', 'dmirror', ['wRead', 'wKsmZero']),
    'oom-reap-vs-device-fault': hmmConfig('oomReapVsDeviceFault', 'dmirror', ['wOomEagain', 'wOomReaped']),
    // FINDING F5 (the reaper zaps the migration entries; finalize frees the page the mirror maps) + F1
    'oom-reap-vs-migrate': hmmConfig('oomReapVsMigrate', 'dmirror', ['wOomReaped'], [P.s1, P.s2, P.s3, P.s10]),
    'fork-child-mirror-vs-reclaim': hmmConfig('forkChildMirrorVsReclaim', 'dmirror', ['wRead']),
    'fork-child-mirror-vs-migrate': hmmConfig('forkChildMirrorVsMigrate', 'dmirror', ['wRead'], [P.s10]), // F1
    // ---- one device opened twice (config `fds`): fd identity apart from the device / pgmap owner ----
    'two-fds-one-device-migrate': hmmConfig('twoFdsOneDeviceMigrate', 'dmirror', ['wRead'], [P.s1, P.s3, P.s10]),
    'two-fds-two-devices-migrate': hmmConfig('twoFdsTwoDevicesMigrate', 'dmirror', ['wRead'], [P.s10]), // F1
    'two-fds-fault-back-race': hmmConfig('twoFdsFaultBackRace', 'dmirror', ['wRead', 'wMigrate'], [P.s1, P.s3, P.s10]),
    // F6: NUMA hinting write-protects the device-private entry; the device WRITE gets -EFAULT (+ F1)
    'numa-vs-device-private-write': hmmConfig('numaVsDevicePrivateWrite', 'dmirror', ['wWriteEfault'], [P.s2, P.s10]),
    'madv-free-vs-device-write': hmmConfig('madvFreeVsDeviceWrite', 'dmirror', ['wWrite'], [P.s5]), // F7
    'swap-cache-vs-device-write': hmmConfig('swapCacheVsDeviceWrite', 'dmirror', ['wWrite'], [P.s5]), // F7 via the swap cache
    // writeback (features.writeback): folio_mkclean's PROTECTION_PAGE invalidation revokes the device's write entry
    'writeback-vs-device-write': hmmConfig('writebackVsDeviceWrite', 'dmirror', ['wWrite', 'wWriteback'], [], { description: 'a dirty MAP_SHARED file page written back (folio_mkclean under MMU_NOTIFY_PROTECTION_PAGE) while the device and a CPU write it' }),
    'protection-page-keeps-mapping': hmmConfig('writebackVsDeviceWrite', 'dmirror', ['wWrite', 'wWriteback'], [P.s2, P.s5], { patch: PROTECTION_PAGE_KEEPS_MAPPING, description: 'patch: the callback keeps its entries on MMU_NOTIFY_PROTECTION_PAGE; a device write after writeback is lost' }),
    'mkclean-skips-notifier': hmmConfig('writebackVsDeviceWrite', 'dmirror', ['wWrite', 'wWriteback'], [P.s2, P.s5], { patch: MKCLEAN_SKIPS_NOTIFIER, description: 'patch: page_vma_mkclean_one without the notifier; a device write after writeback is lost' }),
    'thp-wp-vs-device': hmmConfig('thpWpVsDevice', 'dmirror', ['wRead']),
    'hugetlb-wp-vs-device': hmmConfig('hugetlbWpVsDevice', 'dmirror', ['wRead']),
    // make_device_exclusive refuses hugetlb (and non-anonymous) folios with -EOPNOTSUPP
    'exclusive-hugetlb': hmmConfig('exclusiveHugetlb', 'dmirror', ['wRead'], [], { description: 'EXCLUSIVE on a hugetlb page: -EOPNOTSUPP, the entry stays whole; CPU write, device read' }),
    // reclaim unmaps a device-exclusive folio (try_to_unmap_one clears the entry in its CLEAR
    // invalidation and installs a swap entry); one that installs none loses the contents (S5)
    'exclusive-vs-reclaim': hmmConfig('exclusiveVsReclaim', 'dmirror', [], [], { description: 'MADV_FREE, CPU write, EXCLUSIVE, reclaim of the device-exclusive folio, CPU read' }),
    'unmap-drops-exclusive-entry': hmmConfig('exclusiveVsReclaim', 'dmirror', [], [P.s5], { patch: UNMAP_DROPS_EXCLUSIVE_ENTRY, description: 'try_to_unmap_one clears a device-exclusive entry without a swap entry: the contents are lost' }),
    'thp-device-private-fault-back': hmmConfig('thpDevicePrivateFaultBack', 'dmirror', ['wMigrate'], [P.s10]), // F1
    'gup-vs-fail-alloc': hmmConfig('gupVsFailAlloc', 'dmirror', [], [P.s10]), // F1
    // F5 with MADV_DONTNEED instead of the OOM reaper (no OOM kill needed) + F1
    'dontneed-vs-migrate': hmmConfig('dontneedVsMigrate', 'dmirror', ['wZapped'], [P.s1, P.s2, P.s3, P.s10]),
    // L1–L7 under fairness (liveness.ts, liveness-configs.ts)
    ...upstreamLivenessConfigs('dmirror'),
  },
  createModel(params, name) {
    return livenessModel(params, createHmmModel(params.model, `hmm-dmirror/${name}@${variantName(params.model)}`));
  },
  properties: (params) => livenessPropertiesOf(params) ?? hmmProperties(params.model, params.witnesses),
  // request completions, for the liveness configurations' non-progress-cycle check
  progress: hmmProgress,
  view: (params) => hmmView(params.model),
});

export default spec;
