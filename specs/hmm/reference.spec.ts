/**
 * HMM upstream protocol with the textbook driver of Documentation/mm/hmm.rst (`reference`) and the
 * deliberately broken variants derived from it. Expected: `reference` holds every property in
 * every scenario; each broken variant violates the property named after the rule it breaks.
 */
import { defineSpec } from '../../checker/index.ts';
import { createHmmModel, variantName, type HmmAction, type HmmState } from '../../model/hmm/index.ts';
import { MKCLEAN_SKIPS_NOTIFIER, PROTECTION_PAGE_KEEPS_MAPPING, UNMAP_DROPS_EXCLUSIVE_ENTRY, hmmConfig, type HmmSpecParams } from './configs.ts';
import { hmmProperties, PROPERTY_NAMES as P } from './properties.ts';
import { hmmView } from './presentation.ts';
import { livenessModel, livenessPropertiesOf, upstreamLivenessConfigs } from './liveness-configs.ts';
import { hmmProgress } from './progress.ts';

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
    'protnone-valid-prot-none': hmmConfig('faultVsProtNone', 'reference', ['wRead'], [P.s2], { coreMm: 'protnoneValid' }),
    'protnone-valid-numa': hmmConfig('faultVsNuma', 'reference', ['wRead'], [P.s2], { coreMm: 'protnoneValid' }),
    'bench-mixed': hmmConfig('benchMixed', 'reference', ['wWrite'], [], { benchOnly: true, description: 'two pages, two device threads, reclaim, DMA' }),
    'bench-large': hmmConfig('benchLarge', 'reference', ['wWrite'], [], { benchOnly: true, description: 'bench-mixed + NUMA hinting + a CPU reader (benchmark)' }),
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
    // ---- system-page migration, KSM merge, the OOM reaper (non-blockable invalidation) ----
    // ---- the other core-mm paths racing the mirror ----
    'mremap-vs-device': hmmConfig('mremapVsDevice', 'reference', ['wWrite', 'wRead'], [], { description: 'mremap (move_page_tables) vs device write at the old and read at the new address' }),
    'madv-free-vs-device': hmmConfig('madvFreeVsDevice', 'reference', ['wRead'], [], { description: 'MADV_FREE + reclaim discarding the clean page vs device read and CPU write' }),
    'shmem-vs-device': hmmConfig('shmemVsDevice', 'reference', ['wRead', 'wWrite'], [], { description: 'shared anonymous (shmem) mapping: device read/write vs CPU write and munmap' }),
    'thp-fault-vs-device': hmmConfig('thpFaultVsDevice', 'reference', ['wRead'], [], { description: 'THP faults (huge zero page, PMD) reported at PMD order vs a splitting partial munmap' }),
    'coherent-pin-vs-device': hmmConfig('coherentPinVsDevice', 'reference', ['wRead'], [], { description: 'device-coherent page: MIGRATE_TO_DEV, FOLL_LONGTERM pin moving it out, device read' }),
    'thp-background': hmmConfig('thpBackground', 'reference', ['wWrite'], [], { description: 'a PMD-mapped THP behind reclaim (split), NUMA hinting (whole PMD) and KSM (split)' }),
    'compaction-vs-device': hmmConfig('compactionVsDevice', 'reference', ['wRead', 'wWrite', 'wSysMigrate'], [], { description: 'kcompactd migrate_pages of a mirrored page vs device read/write and a CPU write' }),
    'numa-migrate-vs-device': hmmConfig('numaMigrateVsDevice', 'reference', ['wWrite', 'wSysMigrate'], [], { description: 'NUMA hinting + migrate_misplaced_folio (from a CPU or a device fault) vs device write' }),
    'pin-vs-compaction-numa': hmmConfig('pinVsCompactionNuma', 'reference', ['wRead'], [], { description: 'a pinned page: compaction skips it, NUMA migration backs out (migrate_folio_undo_src)' }),
    'ksm-zero-vs-device': hmmConfig('ksmZeroVsDevice', 'reference', ['wRead', 'wWrite', 'wKsmZero'], [], { description: 'KSM use_zero_pages merges a mirrored zero-filled page (replace_page) vs device read/write' }),
    'pin-vs-ksm': hmmConfig('pinVsKsm', 'reference', ['wRead', 'wKsmZero'], [], { description: 'write_protect_page refuses a page with a pin (refcount check)' }),
    'oom-reap-vs-device-fault': hmmConfig('oomReapVsDeviceFault', 'reference', ['wOomEagain', 'wOomReaped'], [], { description: 'OOM reaper (non-blockable UNMAP) vs a device write fault holding the driver lock' }),
    // FINDING F5 (model/hmm/FINDINGS.md): the reaper zaps migration entries under mmap_read_lock,
    // so the textbook "map the destination in finalize_and_map" maps a page that
    // migrate_vma_finalize then frees (no seq check on the migrate path); S10 flags that write
    // itself (the migration entry that justified it is gone)
    'oom-reap-vs-migrate': hmmConfig('oomReapVsMigrate', 'reference', ['wOomReaped'], [P.s1, P.s2, P.s3, P.s10], { description: 'OOM reaper vs MIGRATE_TO_DEV and a device read (finding F5)' }),
    'fork-child-mirror-vs-reclaim': hmmConfig('forkChildMirrorVsReclaim', 'reference', ['wRead'], [], { description: "the fork child's own fd mirrors it while reclaim unmaps the COW-shared page from both mms" }),
    'fork-child-mirror-vs-migrate': hmmConfig('forkChildMirrorVsMigrate', 'reference', ['wRead'], [], { description: "parent's fd migrates to device memory, the child's fd reads the shared page" }),
    // one device opened twice (config `fds`): hmm.rst's callback erases every fd's range whatever the owner
    'two-fds-one-device-migrate': hmmConfig('twoFdsOneDeviceMigrate', 'reference', ['wRead'], [], { description: 'one device opened twice: fd 1 reads the page while fd 0 migrates it to the device' }),
    'two-fds-two-devices-migrate': hmmConfig('twoFdsTwoDevicesMigrate', 'reference', ['wRead'], [], { description: 'the twin on two devices, one fd each' }),
    'two-fds-fault-back-race': hmmConfig('twoFdsFaultBackRace', 'reference', ['wRead', 'wMigrate'], [], { description: 'one device opened twice: fd 0 migrates, fd 1 maps the device page, a CPU read faults it back' }),
    // F6: NUMA hinting write-protects migration / device-private entries under mmap_read_lock: a
    // device WRITE then fails (-EFAULT), and finalize_and_map's write mapping outlives the CPU's
    'numa-vs-device-private-write': hmmConfig('numaVsDevicePrivateWrite', 'reference', ['wWriteEfault'], [P.s2], { description: 'NUMA hinting makes the migration entry / device-private entry read-only (F6)' }),
    'lazy-migrate-map-vs-numa': hmmConfig('numaVsDevicePrivateWrite', 'lazyMigrateMap', ['wWriteEfault'], [], { description: 'F6 with lazy mapping: S2 holds, the -EFAULT remains' }),
    // F7: a device write after MADV_FREE dirties neither PTE nor folio; reclaim discards it
    'madv-free-vs-device-write': hmmConfig('madvFreeVsDeviceWrite', 'reference', ['wWrite'], [P.s5], { description: 'MADV_FREE, device write, reclaim discards the lazyfree page (finding F7)' }),
    // F7 through the swap cache: a clean swap-cache page written by the device is dropped by reclaim
    'swap-cache-vs-device-write': hmmConfig('swapCacheVsDeviceWrite', 'reference', ['wWrite'], [P.s5], { description: 'swap-in by a read fault (clean, in the swap cache), device write, reclaim drops the page (F7 via the swap cache)' }),
    // writeback (features.writeback): folio_mkclean's PROTECTION_PAGE invalidation revokes the device's write entry
    'writeback-vs-device-write': hmmConfig('writebackVsDeviceWrite', 'reference', ['wWrite', 'wWriteback'], [], { description: 'a dirty MAP_SHARED file page written back (folio_mkclean under MMU_NOTIFY_PROTECTION_PAGE) while the device and a CPU write it' }),
    'protection-page-keeps-mapping': hmmConfig('writebackVsDeviceWrite', 'reference', ['wWrite', 'wWriteback'], [P.s2, P.s5], { patch: PROTECTION_PAGE_KEEPS_MAPPING, description: 'patch: the callback keeps its entries on MMU_NOTIFY_PROTECTION_PAGE; a device write after writeback is lost' }),
    'mkclean-skips-notifier': hmmConfig('writebackVsDeviceWrite', 'reference', ['wWrite', 'wWriteback'], [P.s2, P.s5], { patch: MKCLEAN_SKIPS_NOTIFIER, description: 'patch: page_vma_mkclean_one without the notifier; a device write after writeback is lost' }),
    'dirty-on-invalidate-vs-swap-cache': hmmConfig('swapCacheVsDeviceWrite', 'dirtyOnInvalidate', ['wWrite'], [], { description: 'F7 fixed: the callback marks written pages dirty, reclaim writes them out' }),
    'dirty-on-invalidate-vs-madv-free': hmmConfig('madvFreeVsDeviceWrite', 'dirtyOnInvalidate', ['wWrite'], [], { description: 'F7 fixed: the callback marks written pages dirty' }),
    'thp-wp-vs-device': hmmConfig('thpWpVsDevice', 'reference', ['wRead']),
    'hugetlb-wp-vs-device': hmmConfig('hugetlbWpVsDevice', 'reference', ['wRead']),
    // make_device_exclusive refuses hugetlb (and non-anonymous) folios with -EOPNOTSUPP
    // S5 false alarm (issue 12): a store racing MADV_DONTNEED through a stale TLB entry, the PTE
    // refilled with the zero page by a third thread — permitted, so every property holds
    'dontneed-zero-page-stale-store': hmmConfig('dontneedZeroPageStaleStore', 'reference', [], [], { description: 'no HMM: MADV_DONTNEED, a read fault mapping the zero page, a store through the stale TLB entry' }),
    'exclusive-hugetlb': hmmConfig('exclusiveHugetlb', 'reference', ['wRead'], [], { description: 'EXCLUSIVE on a hugetlb page: -EOPNOTSUPP, the entry stays whole; CPU write, device read' }),
    // reclaim unmaps a device-exclusive folio (try_to_unmap_one clears the entry in its CLEAR
    // invalidation and installs a swap entry); one that installs none loses the contents (S5)
    'exclusive-vs-reclaim': hmmConfig('exclusiveVsReclaim', 'reference', [], [], { description: 'MADV_FREE, CPU write, EXCLUSIVE, reclaim of the device-exclusive folio, CPU read' }),
    'unmap-drops-exclusive-entry': hmmConfig('exclusiveVsReclaim', 'reference', [], [P.s5], { patch: UNMAP_DROPS_EXCLUSIVE_ENTRY, description: 'try_to_unmap_one clears a device-exclusive entry without a swap entry: the contents are lost' }),
    'thp-device-private-fault-back': hmmConfig('thpDevicePrivateFaultBack', 'reference', ['wMigrate']),
    'gup-vs-fail-alloc': hmmConfig('gupVsFailAlloc', 'reference', []),
    // F5 needs no OOM kill: MADV_DONTNEED zaps under mmap_read_lock too
    'dontneed-vs-migrate': hmmConfig('dontneedVsMigrate', 'reference', ['wZapped'], [P.s1, P.s2, P.s3, P.s10], { description: 'MADV_DONTNEED vs MIGRATE_TO_DEV and a device read (finding F5, no OOM)' }),
    // the fix of F5: migrated pages are mapped by the device's own fault, not in finalize_and_map
    'lazy-migrate-map-vs-dontneed': hmmConfig('dontneedVsMigrate', 'lazyMigrateMap', ['wZapped', 'wRead'], [], { description: 'F5 fixed, against MADV_DONTNEED' }),
    'lazy-migrate-map-vs-oom-reap': hmmConfig('oomReapVsMigrate', 'lazyMigrateMap', ['wOomReaped', 'wRead'], [], { description: 'F5 fixed: the device maps migrated pages lazily (hmm_range_fault, owned device-private entries)' }),
    // broken variant: the callback sleeps on its lock even when the range is not blockable
    'sleeps-when-nonblockable': hmmConfig('oomReapVsDeviceFault', 'sleepsWhenNonblockable', ['wOomReaped'], [P.s11], { description: 'callback ignores mmu_notifier_range_blockable: S11' }),
    // L1–L7 under fairness (liveness.ts, liveness-configs.ts)
    ...upstreamLivenessConfigs('reference'),
  },
  createModel(params, name) {
    return livenessModel(params, createHmmModel(params.model, `hmm-reference/${name}@${variantName(params.model)}`));
  },
  properties: (params) => livenessPropertiesOf(params) ?? hmmProperties(params.model, params.witnesses),
  // request completions, for the liveness configurations' non-progress-cycle check
  progress: hmmProgress,
  view: (params) => hmmView(params.model),
});

export default spec;
