/**
 * Named scenarios (small enough to be exhaustive in well under a second each) and the helper that
 * turns "which properties this driver must violate here" into a full `expect` map.
 */
import type { ExpectedVerdict, SpecConfig } from '../../checker/index.ts';
import type { HmmConfig } from '../../model/hmm/config.ts';
import type { DriverSpec } from '../../model/hmm/variants.ts';
import type { CoreMmSpec } from '../../model/hmm/core-mm.ts';
import type { HmmPatch } from '../../model/hmm/ctx.ts';
import { kernel as k, stateWriter } from '../../model/hmm/index.ts';
import { PROPERTY_NAMES, type WitnessName } from './properties.ts';

export interface HmmSpecParams {
  readonly model: HmmConfig;
  readonly witnesses: readonly WitnessName[];
}

/** A scenario: everything of an HmmConfig but the driver (and the patch under review). */
export type Scenario = Omit<HmmConfig, 'driver' | 'patch'>;

/** The scenarios; each names the race it makes reachable. */
export const SCENARIOS = {
  /** device WRITE (fault loop) racing the CPU's first write and munmap (zap + page free) */
  faultVsMunmap: {
    pages: 1, frames: 2, features: { dma: true },
    cpu: [{ ops: [{ op: 'write', page: 0 }, { op: 'munmap', page: 0 }] }],
    dev: [{ ops: [{ op: 'write', page: 0 }] }],
  },
  /** device READ racing mprotect(PROT_NONE): hmm-tests anon_read_prot expects -EFAULT */
  faultVsProtNone: {
    pages: 1, frames: 2, initial: ['rw'], features: { dma: true },
    cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'none' }] }],
    dev: [{ ops: [{ op: 'read', page: 0 }] }],
  },
  /** device READ racing NUMA hinting (change_prot_numa → protnone PTE) */
  faultVsNuma: {
    pages: 1, frames: 2, initial: ['rw'], features: { numa: true, dma: true },
    dev: [{ ops: [{ op: 'read', page: 0 }] }],
  },
  /** MIGRATE_TO_DEV, device WRITE, CPU read faulting the page back (migrate_to_ram) */
  migrateAndBack: {
    pages: 1, frames: 2, devFrames: 1, initial: ['rw'],
    cpu: [{ ops: [{ op: 'read', page: 0 }] }],
    dev: [{ ops: [{ op: 'migrateToDev', page: 0 }, { op: 'write', page: 0 }] }],
  },
  /** MIGRATE_TO_DEV on one thread, READ on another thread of the same fd */
  migrateVsDeviceRead: {
    pages: 1, frames: 2, devFrames: 1, initial: ['rw'],
    dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }, { ops: [{ op: 'read', page: 0 }] }],
  },
  /** MIGRATE_TO_DEV on one thread, WRITE on another thread of the same fd */
  migrateVsDeviceWrite: {
    pages: 1, frames: 2, devFrames: 1, initial: ['rw'],
    dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }, { ops: [{ op: 'write', page: 0 }] }],
  },
  /** fork with a device-private entry; parent writes (COW / migrate_to_ram), child reads */
  forkDevicePrivate: {
    pages: 1, frames: 2, devFrames: 1, initial: ['rw'], features: { fork: true },
    cpu: [{ ops: [{ op: 'fork' }, { op: 'write', page: 0 }] }, { mm: 1, ops: [{ op: 'read', page: 0 }] }],
    dev: [{ ops: [{ op: 'migrateToDev', page: 0 }, { op: 'write', page: 0 }] }],
  },
  /** EXCLUSIVE grant, CPU write revokes it, CHECK_EXCLUSIVE (hmm-tests exclusive) */
  exclusive: {
    pages: 1, frames: 2, initial: ['rw'], features: { exclusive: true },
    cpu: [{ ops: [{ op: 'write', page: 0 }] }],
    dev: [{ ops: [{ op: 'exclusive', page: 0 }, { op: 'checkExclusive', page: 0 }] }],
  },
  /** device WRITE racing reclaim (try_to_unmap → swap) and KSM write-protect, CPU write */
  reclaimKsm: {
    pages: 1, frames: 2, initial: ['rw'], features: { reclaim: true, ksm: true, dma: true },
    cpu: [{ ops: [{ op: 'write', page: 0 }] }],
    dev: [{ ops: [{ op: 'write', page: 0 }] }],
  },
  /** a FOLL_LONGTERM pin racing MIGRATE_TO_DEV (migrate_vma_check_page must refuse) */
  pinVsMigrate: {
    pages: 1, frames: 2, devFrames: 1, initial: ['rw'],
    cpu: [{ ops: [{ op: 'pin', page: 0 }, { op: 'unpin', page: 0 }] }],
    dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }],
  },
  /** two devices: dev0 migrates page 0, dev1 READs pages 0-1 (non-owner → fault back, hmm2.double_map) */
  twoDevices: {
    pages: 2, frames: 3, devFrames: 1, devices: 2, initial: ['rw', 'none'],
    cpu: [{ ops: [{ op: 'read', page: 0 }] }],
    dev: [{ device: 0, ops: [{ op: 'migrateToDev', page: 0 }] }, { device: 1, ops: [{ op: 'read', page: 0, npages: 2 }] }],
  },
  /** larger: two pages, CPU write + munmap, device write of both pages + a migration, reclaim */
  benchMixed: {
    pages: 2, frames: 3, devFrames: 1, initial: ['rw', 'none'], features: { reclaim: true, dma: true },
    cpu: [{ ops: [{ op: 'write', page: 1 }, { op: 'munmap', page: 1 }] }],
    dev: [{ ops: [{ op: 'write', page: 0, npages: 2 }] }, { ops: [{ op: 'migrateToDev', page: 0 }] }],
  },
  /** NUMA balancing scans a VMA holding a device-private entry (change_pte_range's non-present
   *  branch makes it read-only) between MIGRATE_TO_DEV and a device WRITE of the same page */
  numaVsDevicePrivateWrite: {
    pages: 1, frames: 2, devFrames: 1, initial: ['rw'], features: { numa: true },
    dev: [{ ops: [{ op: 'migrateToDev', page: 0 }, { op: 'write', page: 0 }] }],
  },
  /** MADV_FREE, then a device WRITE through the mirror (the PTE stays clean: hmm_range_fault does
   *  not dirty it), then reclaim: the lazyfree page is discarded; the CPU reads it back */
  madvFreeVsDeviceWrite: {
    pages: 1, frames: 2, initial: ['rw'], features: { reclaim: true },
    cpu: [{ ops: [{ op: 'madvFree', page: 0 }, { op: 'read', page: 0 }] }],
    dev: [{ ops: [{ op: 'write', page: 0 }] }],
  },
  /** F7 without MADV_FREE (features.swapCache): a CPU read swaps the page in (writable, clean,
   *  still in the swap cache), a device WRITE through the mirror, reclaim, a CPU read */
  swapCacheVsDeviceWrite: {
    pages: 1, frames: 2, initial: ['swap'], features: { reclaim: true, swapCache: true },
    cpu: [{ ops: [{ op: 'read', page: 0 }, { op: 'read', page: 0 }] }],
    dev: [{ ops: [{ op: 'write', page: 0 }] }],
  },
  /** features.writeback: a dirty page of a MAP_SHARED file, the flusher writes it back
   *  (folio_mkclean under MMU_NOTIFY_PROTECTION_PAGE) while the device WRITEs it twice through
   *  the mirror and a CPU thread stores to it */
  writebackVsDeviceWrite: {
    pages: 1, frames: 2, mapping: 'file', initial: ['rw'], features: { writeback: true },
    cpu: [{ ops: [{ op: 'write', page: 0 }] }],
    dev: [{ ops: [{ op: 'write', page: 0 }, { op: 'write', page: 0 }] }],
  },
  /** a PMD THP made read-only by mprotect and writable again: the next write fault reuses the
   *  whole PMD (do_huge_pmd_wp_page) while a 2-page device READ mirrors it at PMD order */
  thpWpVsDevice: {
    pages: 2, frames: 3, mapping: 'thp',
    cpu: [{ ops: [{ op: 'write', page: 0 }, { op: 'mprotect', page: 0, npages: 2, prot: 'read' }, { op: 'mprotect', page: 0, npages: 2, prot: 'rw' }, { op: 'write', page: 1 }] }],
    dev: [{ ops: [{ op: 'read', page: 0, npages: 2 }] }],
  },
  /** the same on a hugetlb mapping (hugetlb_wp) */
  hugetlbWpVsDevice: {
    pages: 2, frames: 3, mapping: 'hugetlb',
    cpu: [{ ops: [{ op: 'write', page: 0 }, { op: 'mprotect', page: 0, npages: 2, prot: 'read' }, { op: 'mprotect', page: 0, npages: 2, prot: 'rw' }, { op: 'write', page: 1 }] }],
    dev: [{ ops: [{ op: 'read', page: 0, npages: 2 }] }],
  },
  /** HMM_DMIRROR_EXCLUSIVE on a hugetlb page (make_device_exclusive refuses it: -EOPNOTSUPP, the
   *  huge entry stays whole) vs a CPU write to the other half, then a device read of both pages */
  exclusiveHugetlb: {
    pages: 2, frames: 3, mapping: 'hugetlb', initial: ['rw', 'rw'], features: { exclusive: true },
    cpu: [{ ops: [{ op: 'write', page: 1 }] }],
    dev: [{ ops: [{ op: 'exclusive', page: 0 }, { op: 'read', page: 0, npages: 2 }] }],
  },
  /** reclaim of a device-exclusive folio: MADV_FREE, a CPU write (redirties the PTE), EXCLUSIVE
   *  converting the dirty PTE, reclaim (try_to_unmap_one clears the device-exclusive entry inside
   *  its CLEAR invalidation, which revokes the atomic mapping) and a CPU read after it */
  exclusiveVsReclaim: {
    pages: 1, frames: 2, initial: ['rw'], features: { exclusive: true, reclaim: true },
    cpu: [{ ops: [{ op: 'madvFree', page: 0 }, { op: 'write', page: 0 }, { op: 'read', page: 0 }] }],
    dev: [{ ops: [{ op: 'exclusive', page: 0 }] }],
  },
  /** no HMM: MADV_DONTNEED zaps the page, another thread's read fault maps the zero page, and a
   *  third thread's store through its not-yet-flushed TLB entry lands in the zapped page — a store
   *  racing MADV_DONTNEED may be lost (S5 must hold whether or not the PTE was refilled) */
  dontneedZeroPageStaleStore: {
    pages: 1, frames: 2, initial: ['rw'],
    cpu: [
      { ops: [{ op: 'write', page: 0 }, { op: 'write', page: 0 }] },
      { ops: [{ op: 'madvDontneed', page: 0 }] },
      { ops: [{ op: 'read', page: 0 }] },
    ],
  },
  /** a THP migrated whole to a compound device page; a CPU read faults the PMD back
   *  (do_huge_pmd_device_private → migrate_to_ram of the folio) */
  thpDevicePrivateFaultBack: {
    pages: 2, frames: 3, devFrames: 2, mapping: 'thp', initial: ['rw', 'rw'], features: { deviceThp: true },
    cpu: [{ ops: [{ op: 'read', page: 1 }] }],
    dev: [{ ops: [{ op: 'migrateToDev', page: 0, npages: 2 }] }],
  },
  /** get_user_pages (a transient reference, no pin) racing MIGRATE_TO_DEV whose allocation fails
   *  once (HMM_DMIRROR_FLAGS FAIL_ALLOC) */
  gupVsFailAlloc: {
    pages: 1, frames: 2, devFrames: 1, initial: ['rw'],
    cpu: [{ ops: [{ op: 'gup', page: 0 }, { op: 'read', page: 0 }] }],
    dev: [{ ops: [{ op: 'flags', flags: 1 }, { op: 'migrateToDev', page: 0 }] }],
  },
  /** the benchmark's larger configuration (npm run bench, one per design): bench-mixed plus a CPU
   *  thread reading the page being migrated (1.5 M states with the reference driver: as large as
   *  the largest configurations `npm run check` explores) */
  benchLarge: {
    pages: 2, frames: 3, devFrames: 1, initial: ['rw', 'none'], features: { reclaim: true, dma: true },
    cpu: [{ ops: [{ op: 'write', page: 1 }, { op: 'munmap', page: 1 }] }, { ops: [{ op: 'read', page: 0 }] }],
    dev: [{ ops: [{ op: 'write', page: 0, npages: 2 }] }, { ops: [{ op: 'migrateToDev', page: 0 }] }],
  },

  // ---- larger configurations combining races the kernel actually had (specs/hmm/EXPLORATION.md) ----

  /** two pages: a device WRITE fault loop and a device READ over both, racing munmap of page 0
   *  (zap, TLB flush, free) and the COW of page 1 (write to the zero page: wp_page_copy) */
  twoPageMunmapCow: {
    pages: 2, frames: 3, initial: ['rw', 'zero'], features: { dma: true },
    cpu: [{ ops: [{ op: 'munmap', page: 0 }] }, { ops: [{ op: 'write', page: 1 }] }],
    dev: [{ ops: [{ op: 'write', page: 0, npages: 2 }] }, { ops: [{ op: 'read', page: 0, npages: 2 }] }],
  },
  /** two pages: MIGRATE_TO_DEV (+ read-back) on one thread, a device WRITE on another thread of the
   *  same fd, and a CPU read of page 0 (migrate_to_ram) then write of page 1 */
  migrateFaultBackRace: {
    pages: 2, frames: 3, devFrames: 2, initial: ['rw', 'rw'],
    cpu: [{ ops: [{ op: 'read', page: 0 }, { op: 'write', page: 1 }] }],
    dev: [{ ops: [{ op: 'migrateToDev', page: 0, npages: 2 }, { op: 'read', page: 0, npages: 2 }] }, { ops: [{ op: 'write', page: 0, npages: 2 }] }],
  },
  /** one page: fork racing MIGRATE_TO_DEV and a device WRITE (other thread, same fd); the parent
   *  writes (COW or migrate_to_ram of a read-only device-private entry), the child reads */
  forkDevicePrivateRace: {
    pages: 1, frames: 3, devFrames: 1, initial: ['rw'], features: { fork: true },
    cpu: [{ ops: [{ op: 'fork' }, { op: 'write', page: 0 }] }, { mm: 1, ops: [{ op: 'read', page: 0 }] }],
    dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }, { ops: [{ op: 'write', page: 0 }] }],
  },
  /** two pages: as forkDevicePrivateRace, the migration and the device WRITE over both pages, the
   *  child reading the page the parent does not write */
  forkDevicePrivateRace2: {
    pages: 2, frames: 4, devFrames: 2, initial: ['rw', 'rw'], features: { fork: true },
    cpu: [{ ops: [{ op: 'fork' }, { op: 'write', page: 0 }] }, { mm: 1, ops: [{ op: 'read', page: 1 }] }],
    dev: [{ ops: [{ op: 'migrateToDev', page: 0, npages: 2 }] }, { ops: [{ op: 'write', page: 0, npages: 2 }] }],
  },
  /** background reclaim (try_to_unmap → swap) + NUMA hinting behind a 2-page device WRITE and a CPU
   *  write fault on the empty page */
  backgroundReclaimNuma: {
    pages: 2, frames: 3, initial: ['rw', 'none'], features: { reclaim: true, numa: true, dma: true },
    cpu: [{ ops: [{ op: 'write', page: 1 }] }],
    dev: [{ ops: [{ op: 'write', page: 0, npages: 2 }] }],
  },
  /** as backgroundReclaimNuma, with reclaim + KSM write_protect_page */
  backgroundReclaimKsm: {
    pages: 2, frames: 3, initial: ['rw', 'none'], features: { reclaim: true, ksm: true, dma: true },
    cpu: [{ ops: [{ op: 'write', page: 1 }] }],
    dev: [{ ops: [{ op: 'write', page: 0, npages: 2 }] }],
  },
  /** as backgroundReclaimNuma, with NUMA hinting + KSM write_protect_page */
  backgroundNumaKsm: {
    pages: 2, frames: 3, initial: ['rw', 'none'], features: { numa: true, ksm: true, dma: true },
    cpu: [{ ops: [{ op: 'write', page: 1 }] }],
    dev: [{ ops: [{ op: 'write', page: 0, npages: 2 }] }],
  },
  /** all three background actors at once (found model bug M2 of EXPLORATION.md, now fixed) */
  backgroundAll: {
    pages: 2, frames: 3, initial: ['rw', 'none'], features: { reclaim: true, numa: true, ksm: true, dma: true },
    cpu: [{ ops: [{ op: 'write', page: 1 }] }],
    dev: [{ ops: [{ op: 'write', page: 0, npages: 2 }] }],
  },
  /** two devices, crossed: each migrates one page to its memory then READs the other's page
   *  (non-owner: faults it back through the other driver's migrate_to_ram), a CPU read of page 0 */
  twoDevicesCrossed: {
    pages: 2, frames: 3, devFrames: 1, devices: 2, initial: ['rw', 'rw'],
    cpu: [{ ops: [{ op: 'read', page: 0 }] }],
    dev: [
      { device: 0, ops: [{ op: 'migrateToDev', page: 0 }, { op: 'read', page: 1 }] },
      { device: 1, ops: [{ op: 'migrateToDev', page: 1 }, { op: 'read', page: 0 }] },
    ],
  },
  /** EXCLUSIVE + CHECK_EXCLUSIVE over two pages racing a device WRITE (same fd), fork (restores
   *  the exclusive entries before copying), mprotect(PROT_READ) of page 0 and a child write of page 1 */
  exclusiveForkMprotect: {
    pages: 2, frames: 4, initial: ['rw', 'rw'], features: { exclusive: true, fork: true },
    cpu: [{ ops: [{ op: 'fork' }, { op: 'mprotect', page: 0, prot: 'read' }] }, { mm: 1, ops: [{ op: 'write', page: 1 }] }],
    dev: [
      { ops: [{ op: 'exclusive', page: 0, npages: 2 }, { op: 'checkExclusive', page: 0, npages: 2 }] },
      { ops: [{ op: 'write', page: 0, npages: 2 }] },
    ],
  },
  /** two CPU threads fault on the same device-private page (do_swap_page: lock + reference before
   *  migrate_to_ram, 16ce101db85d) while the device migrates it to device memory and back */
  twoCpuFaultsVsMigrateToSys: {
    pages: 1, frames: 3, devFrames: 1, initial: ['rw'],
    cpu: [{ ops: [{ op: 'read', page: 0 }] }, { ops: [{ op: 'write', page: 0 }] }],
    dev: [{ ops: [{ op: 'migrateToDev', page: 0 }, { op: 'migrateToSys', page: 0 }] }],
  },
  /** hmm-tests style single-threaded ioctls (MIGRATE_TO_DEV, then READ) racing one CPU thread
   *  doing mprotect(PROT_READ) (erases the mirror entry, page stays device-private) then a read
   *  (migrate_to_ram) */
  faultBackVsDeviceRead: {
    pages: 1, frames: 2, devFrames: 1, initial: ['rw'],
    cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'read' }, { op: 'read', page: 0 }] }],
    dev: [{ ops: [{ op: 'migrateToDev', page: 0 }, { op: 'read', page: 0 }] }],
  },
  /** MIGRATE_TO_DEV then READ on one thread, HMM_DMIRROR_RELEASE (evict device memory) on another,
   *  two CPU threads faulting the page back */
  releaseVsFaultBack: {
    pages: 1, frames: 3, devFrames: 1, initial: ['rw'],
    cpu: [{ ops: [{ op: 'read', page: 0 }] }, { ops: [{ op: 'write', page: 0 }] }],
    dev: [{ ops: [{ op: 'migrateToDev', page: 0 }, { op: 'read', page: 0 }] }, { ops: [{ op: 'release' }] }],
  },

  // ---- migrate_pages of system memory, KSM merge, the OOM reaper (non-blockable invalidation) ----

  /** kcompactd migrates the page a device READ and WRITE mirror (try_to_migrate's CLEAR
   *  invalidation, migration entry, copy, remove_migration_ptes), a CPU write racing it */
  compactionVsDevice: {
    pages: 1, frames: 3, initial: ['rw'], features: { compaction: true, dma: true },
    cpu: [{ ops: [{ op: 'write', page: 0 }] }],
    dev: [{ ops: [{ op: 'read', page: 0 }, { op: 'write', page: 0 }] }],
  },
  /** a pinned page is skipped by compaction and refused by NUMA migration (the pin stays valid) */
  pinVsCompactionNuma: {
    pages: 1, frames: 3, initial: ['rw'], features: { compaction: true, numa: true, numaMigrate: true },
    cpu: [{ ops: [{ op: 'pin', page: 0 }, { op: 'read', page: 0 }, { op: 'unpin', page: 0 }] }],
    dev: [{ ops: [{ op: 'read', page: 0 }] }],
  },
  /** NUMA balancing: change_prot_numa, then a device fault (hmm_range_fault → do_numa_page) or the
   *  CPU migrates the misplaced folio (migrate_misplaced_folio) while the other races it */
  numaMigrateVsDevice: {
    pages: 1, frames: 3, initial: ['rw'], features: { numa: true, numaMigrate: true, dma: true },
    cpu: [{ ops: [{ op: 'read', page: 0 }] }],
    dev: [{ ops: [{ op: 'write', page: 0 }] }],
  },
  /** KSM use_zero_pages: a zero-filled page the device mirrors is write-protected and replaced by
   *  the zero page (two CLEAR invalidations); device WRITE and CPU read race it */
  ksmZeroVsDevice: {
    pages: 1, frames: 2, initial: ['rwZeroed'], features: { ksm: true, ksmZeroPages: true, dma: true },
    cpu: [{ ops: [{ op: 'read', page: 0 }] }],
    dev: [{ ops: [{ op: 'read', page: 0 }, { op: 'write', page: 0 }] }],
  },
  /** a pin (O_DIRECT-like) on the zero-filled page: write_protect_page's refcount check refuses */
  pinVsKsm: {
    pages: 1, frames: 2, initial: ['rwZeroed'], features: { ksm: true, ksmZeroPages: true },
    cpu: [{ ops: [{ op: 'pin', page: 0 }, { op: 'unpin', page: 0 }] }],
    dev: [{ ops: [{ op: 'read', page: 0 }] }],
  },
  /** the OOM reaper (non-blockable UNMAP invalidation under mmap_read_lock) racing a device WRITE
   *  fault loop over two pages that holds the driver lock while it programs the device PT */
  oomReapVsDeviceFault: {
    pages: 2, frames: 3, initial: ['rw', 'none'], features: { dma: true },
    cpu: [{ ops: [{ op: 'oomReap' }] }],
    dev: [{ ops: [{ op: 'write', page: 0, npages: 2 }] }],
  },
  /** the OOM reaper racing a device READ and a migration of page 0 to device memory (the
   *  reaper frees the device-private page through zap) */
  oomReapVsMigrate: {
    pages: 1, frames: 2, devFrames: 1, initial: ['rw'],
    cpu: [{ ops: [{ op: 'oomReap' }] }],
    dev: [{ ops: [{ op: 'migrateToDev', page: 0 }, { op: 'read', page: 0 }] }],
  },
  /** MADV_DONTNEED (zap_page_range_single under mmap_read_lock) racing MIGRATE_TO_DEV and a
   *  device READ: F5 without an OOM kill */
  dontneedVsMigrate: {
    pages: 1, frames: 2, devFrames: 1, initial: ['rw'],
    cpu: [{ ops: [{ op: 'madvDontneed', page: 0 }] }],
    dev: [{ ops: [{ op: 'migrateToDev', page: 0 }, { op: 'read', page: 0 }] }],
  },
  /** the fork child opens its own fd (deviceMm 1) and READs the COW-shared page through it while
   *  reclaim swaps that page out of both mms (try_to_unmap's rmap walk: one invalidation per mm) */
  forkChildMirrorVsReclaim: {
    pages: 1, frames: 3, initial: ['rw'], deviceMm: [1], features: { fork: true, reclaim: true },
    cpu: [{ ops: [{ op: 'fork' }] }, { mm: 1, ops: [{ op: 'read', page: 0 }] }],
    dev: [{ ops: [{ op: 'read', page: 0 }] }],
  },
  /** parent's fd migrates the page to device memory while the child's fd READs it (fork shares
   *  the page, then the device-private entry; migrate_device_unmap's rmap walk reaches the child) */
  forkChildMirrorVsMigrate: {
    pages: 1, frames: 3, devFrames: 1, devices: 2, initial: ['rw'], deviceMm: [0, 1], features: { fork: true },
    cpu: [{ ops: [{ op: 'fork' }] }],
    dev: [{ device: 0, ops: [{ op: 'migrateToDev', page: 0 }] }, { device: 1, ops: [{ op: 'read', page: 0 }] }],
  },
  /** one device opened twice (two struct dmirror, one dmirror_device): fd 1 READs the page (its
   *  device PT maps the system page) while fd 0 migrates it to the device. The MIGRATE invalidation's
   *  owner is the device, so dmirror skips fd 1's callback too */
  twoFdsOneDeviceMigrate: {
    pages: 1, frames: 2, devFrames: 1, devices: 1, initial: ['rw'], fds: [{ device: 0 }, { device: 0 }],
    dev: [{ fd: 0, ops: [{ op: 'migrateToDev', page: 0 }] }, { fd: 1, ops: [{ op: 'read', page: 0 }, { op: 'read', page: 0 }] }],
  },
  /** the twin on two devices, one fd each (spelt with fds): the owner differs, fd 1's callback runs */
  twoFdsTwoDevicesMigrate: {
    pages: 1, frames: 2, devFrames: 1, devices: 2, initial: ['rw'], fds: [{ device: 0 }, { device: 1 }],
    dev: [{ fd: 0, ops: [{ op: 'migrateToDev', page: 0 }] }, { fd: 1, ops: [{ op: 'read', page: 0 }, { op: 'read', page: 0 }] }],
  },
  /** one device opened twice: fd 0 migrates the page to the device, fd 1 READs it (the same owner:
   *  hmm_range_fault reports the device page, fd 1 maps it), and a CPU read faults it back
   *  (dmirror_devmem_fault erases only the PT of the fd that migrated it: rpage->zone_device_data) */
  twoFdsFaultBackRace: {
    pages: 1, frames: 2, devFrames: 1, devices: 1, initial: ['rw'], fds: [{ device: 0 }, { device: 0 }],
    cpu: [{ ops: [{ op: 'read', page: 0 }] }],
    dev: [{ fd: 0, ops: [{ op: 'migrateToDev', page: 0 }] }, { fd: 1, ops: [{ op: 'read', page: 0 }] }],
  },
  /** a PMD-mapped THP behind reclaim (split, then try_to_unmap of one page), NUMA hinting (the
   *  whole PMD protnone) and KSM (split, write_protect_page), a 2-page device WRITE and a CPU write */
  thpBackground: {
    pages: 2, frames: 3, mapping: 'thp', initial: ['rw', 'rw'], features: { reclaim: true, numa: true, ksm: true, dma: true },
    cpu: [{ ops: [{ op: 'write', page: 1 }] }],
    dev: [{ ops: [{ op: 'write', page: 0, npages: 2 }] }],
  },

  // ---- the other core-mm paths under a device fault (their sequential semantics are the
  // conformance suite's; here they race the mirror) ----

  /** mremap moves the page (move_page_tables under an UNMAP invalidation) while the device
   *  WRITEs at the old address, then READs at the new one */
  mremapVsDevice: {
    pages: 2, frames: 2, initial: ['rw', 'hole'], features: { dma: true },
    cpu: [{ ops: [{ op: 'mremap', page: 0, to: 1 }] }],
    dev: [{ ops: [{ op: 'write', page: 0 }, { op: 'read', page: 1 }] }],
  },
  /** MADV_FREE (the page becomes clean and lazily freeable) then reclaim swaps it out (the model has no lazyfree discard), while the
   *  device READs and the CPU writes it again */
  madvFreeVsDevice: {
    pages: 1, frames: 2, initial: ['rw'], features: { reclaim: true, dma: true },
    cpu: [{ ops: [{ op: 'madvFree', page: 0 }, { op: 'write', page: 0 }] }],
    dev: [{ ops: [{ op: 'read', page: 0 }] }],
  },
  /** MAP_SHARED|MAP_ANONYMOUS (shmem): no COW, read faults map writable; device WRITE vs CPU
   *  write vs munmap */
  shmemVsDevice: {
    pages: 1, frames: 2, mapping: 'shared', features: { dma: true },
    cpu: [{ ops: [{ op: 'write', page: 0 }, { op: 'munmap', page: 0 }] }],
    dev: [{ ops: [{ op: 'read', page: 0 }, { op: 'write', page: 0 }] }],
  },
  /** THP faults (huge zero page on read, PMD on write, reported at PMD order) vs a partial
   *  munmap that splits the PMD */
  thpFaultVsDevice: {
    pages: 2, frames: 3, mapping: 'thp', features: { dma: true },
    cpu: [{ ops: [{ op: 'write', page: 0 }, { op: 'munmap', page: 1 }] }],
    dev: [{ ops: [{ op: 'read', page: 0, npages: 2 }] }],
  },
  /** device-coherent memory: MIGRATE_TO_DEV, then a FOLL_LONGTERM pin moves the page back out
   *  (migrate_device_coherent_folio) while the device READs */
  coherentPinVsDevice: {
    pages: 1, frames: 2, devFrames: 1, initial: ['rw'], deviceMemory: 'coherent',
    cpu: [{ ops: [{ op: 'pin', page: 0 }, { op: 'unpin', page: 0 }] }],
    dev: [{ ops: [{ op: 'migrateToDev', page: 0 }, { op: 'read', page: 0 }] }],
  },
} as const satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof SCENARIOS;

/**
 * A try_to_unmap_one taught about device-exclusive entries the wrong way: it clears the
 * non-present entry (pte_clear, the folio's rmap and reference dropped) but installs no swap
 * entry, as if nothing were mapped there. The page's contents are gone; the next CPU access
 * faults in a zero page (S5). Reclaim is the only path that reaches this code with a
 * device-exclusive entry, so the model could not see the bug while reclaim skipped them.
 */
export const UNMAP_DROPS_EXCLUSIVE_ENTRY: HmmPatch = {
  name: 'unmap-drops-exclusive-entry',
  steps: {
    try_to_unmap_one: {
      wrap: (original) => (c, s, t, emit) => original(c, s, t, (a, n) => {
        for (let m = 0; m < c.L.mms; m++) {
          for (let p = 0; p < c.L.pages; p++) {
            if (k.pte(c, s, m, p).kind === 'devExclusive' && k.pte(c, n, m, p).kind === 'swap') k.set_pte(c, n, m, p, k.PTE_NONE, 0, 0);
          }
        }
        emit(a, n);
      }),
    },
  },
};

/**
 * A driver patch (not a known driver): the invalidate callback treats MMU_NOTIFY_PROTECTION_PAGE
 * as "protections change, pages stay": under its mutex it calls mmu_interval_set_seq (so a fault
 * in flight retries) but keeps its page-table entries — a plausible optimisation, since the event
 * unmaps nothing on the CPU side. folio_mkclean write-protects the CPU PTE for writeback, and the
 * device keeps writing through its write entry after the folio was cleaned: the write is in
 * neither the written version nor a dirty flag (S5 with writeback), and the device maps for write
 * a page the CPU maps read-only (S2).
 */
export const PROTECTION_PAGE_KEEPS_MAPPING: HmmPatch = {
  name: 'protection-page-keeps-mapping',
  ops: {
    invalidate: (original) => (c, s, t, d) => {
      const inv = k.invalidation(c, s, t);
      const n = original(c, s, t, d); // mutex_lock (null while it sleeps), set_seq, erase, unlock
      if (n === null || inv.event !== 'MMU_NOTIFY_PROTECTION_PAGE') return n;
      const before = stateWriter(c, 'patch-before').at(s).device(d);
      const after = stateWriter(c, 'patch-after').at(n).device(d);
      for (let a = inv.start; a < inv.start + inv.npages; a++) after.setPt(a, before.pt(a)); // the erase undone
      return n;
    },
  },
};

/**
 * A core-mm patch (not a known kernel bug): page_vma_mkclean_one without its
 * mmu_notifier_invalidate_range_start/_end pair, as mkclean was before mmu notifiers covered it —
 * the PTE is write-protected and cleaned, and no mirror hears of it.
 */
export const MKCLEAN_SKIPS_NOTIFIER: HmmPatch = {
  name: 'mkclean-skips-notifier',
  steps: {
    // writeback_iter starts no invalidation: straight to the PTE walk
    core_mm_background: {
      wrap: (original) => (c, s, t, emit) => original(c, s, t, (a, n) => {
        if (a.kind === 'writeback_iter') {
          const r = stateWriter(c, 'patch-after').at(n).actor(t);
          r.invEvent = 0; r.invPage = 0; r.invNpages = 0; r.invReturn = 0; r.invAfter = 0; r.invMm = 0;
          k.gotoLabel(c, n, t, 'page_vma_mkclean_one');
        }
        emit(a, n);
      }),
    },
    // …and after it no invalidate_range_end: on to folio_clear_dirty_for_io
    page_vma_mkclean_one: {
      wrap: (original) => (c, s, t, emit) => original(c, s, t, (a, n) => {
        k.gotoLabel(c, n, t, 'folio_clear_dirty_for_io');
        emit(a, n);
      }),
    },
  },
};

export const STATE_PROPERTIES = [
  PROPERTY_NAMES.s1, PROPERTY_NAMES.s2, PROPERTY_NAMES.s3, PROPERTY_NAMES.s4, PROPERTY_NAMES.s5,
  PROPERTY_NAMES.s7, PROPERTY_NAMES.s8, PROPERTY_NAMES.s9, PROPERTY_NAMES.s6, PROPERTY_NAMES.s10, PROPERTY_NAMES.s11,
  PROPERTY_NAMES.s12,
] as const;

/**
 * One configuration: a scenario (a name of SCENARIOS or a Scenario of your own), a driver (a
 * variant name or a DriverBehaviour record), the witnesses that must be reachable, the properties
 * expected to be violated (every other one must hold), and optionally the patch under review.
 */
export function hmmConfig(
  scenario: ScenarioName | Scenario,
  driver: DriverSpec,
  witnesses: readonly WitnessName[],
  violated: readonly string[] = [],
  extra: { description?: string; benchOnly?: boolean; patch?: HmmPatch; coreMm?: CoreMmSpec } = {},
): SpecConfig<HmmSpecParams> {
  const expect: Record<string, ExpectedVerdict> = {};
  for (const p of STATE_PROPERTIES) expect[p] = 'holds';
  for (const w of witnesses) expect[PROPERTY_NAMES[w]] = 'holds';
  expect['deadlock-free'] = 'holds';
  for (const v of violated) expect[v] = 'violated';
  return {
    params: {
      model: {
        driver, ...(typeof scenario === 'string' ? SCENARIOS[scenario] : scenario),
        ...(extra.patch === undefined ? {} : { patch: extra.patch }),
        ...(extra.coreMm === undefined ? {} : { coreMm: extra.coreMm }),
      } as HmmConfig,
      witnesses,
    },
    check: { strategy: 'bfs' },
    expect,
    ...(extra.description === undefined ? {} : { description: extra.description }),
    ...(extra.benchOnly === true ? { benchOnly: true } : {}),
    // violations of the unmodified drivers (hmm.rst's reference, lib/test_hmm.c) on the unmodified
    // core are findings; every other driver or core-mm variant, and every patch, is broken on purpose
    ...(violated.length > 0 && extra.patch === undefined && extra.coreMm === undefined && (driver === 'reference' || driver === 'dmirror') ? { finding: true } : {}),
  };
}
