/**
 * Drivers as data (like FIXTURE_VARIANT in tools/testing/selftests/mm/hmm-tests.c): a driver is
 * a record of behaviours, not a fork of the code. Broken variants are named after the rule they
 * break; specs/hmm records which property each one must violate.
 */

export interface DriverBehaviour {
  /** readable name shown in reports (a variant's key, or any name for a user-defined record) */
  readonly name: string;
  /** label prefix of the driver's functions: 'dmirror' (lib/test_hmm.c) or 'driver' (hmm.rst) */
  readonly prefix: 'dmirror' | 'driver';
  /** fault path calls mmu_interval_read_retry() before programming the device PT */
  readonly checksRetry: boolean;
  /** ...and does so while holding the driver lock (false = checked before take_lock) */
  readonly retryUnderLock: boolean;
  /** invalidate callback: `if (event == MMU_NOTIFY_MIGRATE && owner == mdevice) return true;` */
  readonly skipOwnMigrate: boolean;
  /**
   * with skipOwnMigrate: the early return for the device's own MIGRATE still calls
   * mmu_interval_set_seq — 'unlocked' before the return, as FINDINGS F2 first proposed; 'locked'
   * under the driver lock, skipping only the device-PT erase. Unset: set_seq is skipped too
   * (lib/test_hmm.c).
   */
  readonly ownMigrateSetsSeq?: 'unlocked' | 'locked';
  /** migrate_to_ram's alloc_and_copy erases the device PT entry without the driver lock (xa_erase) */
  readonly eraseWithoutLockInDevmemFault: boolean;
  /** driver DMA-maps pages when it programs the device PT (only when the `dma` feature is on) */
  readonly dmaMapOnFault: boolean;
  /** invalidate callback DMA-unmaps the pages it erases */
  readonly dmaUnmapInInvalidate: boolean;
  /**
   * HMM_DMIRROR_SNAPSHOT's temporary notifier callback (dmirror_snapshot_invalidate) calls
   * mmu_interval_set_seq (default true; false = a broken snapshot that can report stale permissions)
   */
  readonly snapshotSetsSeq?: boolean;
  /**
   * the invalidate callback takes its lock with mutex_lock even when
   * !mmu_notifier_range_blockable(range) (default false: mutex_trylock, return false on failure,
   * as lib/test_hmm.c and the mmu_notifier contract require)
   */
  readonly sleepsWhenNonblockable?: boolean;
  /**
   * MIGRATE_TO_DEV programs the device PT with the destination pages in
   * dmirror_migrate_finalize_and_map and reads them back (default true, lib/test_hmm.c and the
   * hmm.rst flow); false = the device maps migrated pages lazily, through its own fault
   * (hmm_range_fault reports an owned device-private entry without faulting) — the fix of F5
   */
  readonly mapsOnMigrate?: boolean;
  /**
   * the invalidate callback marks pages it had mapped writable dirty (set_page_dirty, as RDMA
   * ODP's ib_umem_odp_unmap_dma_pages does): a device write is then never invisible to reclaim
   * (FINDINGS F7); hmm.rst and lib/test_hmm.c do not
   */
  readonly dirtiesOnInvalidate?: boolean;
}

/** Documentation/mm/hmm.rst: driver_populate_range() + an invalidate() that takes driver->update */
const REFERENCE = {
  name: 'reference',
  prefix: 'driver',
  checksRetry: true,
  retryUnderLock: true,
  skipOwnMigrate: false,
  eraseWithoutLockInDevmemFault: false,
  dmaMapOnFault: true,
  dmaUnmapInInvalidate: true,
} as const satisfies DriverBehaviour;

// Each variant is the textbook driver with the one rule it breaks (or fixes) spelled out, so a
// reader sees the difference rather than diffing records.
export const DRIVER_VARIANTS = {
  reference: REFERENCE,
  /** lib/test_hmm.c as written (no DMA mapping: the "device" is the CPU) */
  dmirror: {
    ...REFERENCE, name: 'dmirror', prefix: 'dmirror', skipOwnMigrate: true, eraseWithoutLockInDevmemFault: true,
    dmaMapOnFault: false, dmaUnmapInInvalidate: false,
  },
  /** the device PT is programmed from hmm_pfns[] without mmu_interval_read_retry() */
  noReadRetry: { ...REFERENCE, name: 'noReadRetry', checksRetry: false },
  /** mmu_interval_read_retry() is checked before take_lock(driver->update) */
  retryBeforeLock: { ...REFERENCE, name: 'retryBeforeLock', retryUnderLock: false },
  /** DMA-maps on fault but the invalidate callback does not unmap */
  dmaNoUnmap: { ...REFERENCE, name: 'dmaNoUnmap', dmaUnmapInInvalidate: false },
  /** the invalidate callback ignores the blockable flag: it sleeps on its lock in the OOM reaper */
  sleepsWhenNonblockable: { ...REFERENCE, name: 'sleepsWhenNonblockable', sleepsWhenNonblockable: true },
  /** reference, but migrated pages are mapped only by the device's next fault (fix of FINDINGS F5) */
  lazyMigrateMap: { ...REFERENCE, name: 'lazyMigrateMap', mapsOnMigrate: false },
  /** reference, but the callback marks pages it had mapped writable dirty (fix of FINDINGS F7) */
  dirtyOnInvalidate: { ...REFERENCE, name: 'dirtyOnInvalidate', dirtiesOnInvalidate: true },
} as const satisfies Record<string, DriverBehaviour>;

export type DriverVariant = keyof typeof DRIVER_VARIANTS;

export const DRIVER_VARIANT_NAMES = Object.keys(DRIVER_VARIANTS) as readonly DriverVariant[];

/** HmmConfig.driver: a variant name, or a full behaviour record defined by the user's spec. */
export type DriverSpec = DriverVariant | DriverBehaviour;

const REQUIRED_KEYS = Object.keys(REFERENCE);
const DRIVER_KEYS: ReadonlySet<string> = new Set([
  ...REQUIRED_KEYS, 'ownMigrateSetsSeq', 'snapshotSetsSeq', 'sleepsWhenNonblockable', 'mapsOnMigrate', 'dirtiesOnInvalidate',
]);

/** The behaviour record of a driver spec; an unknown name or record key is an error, never ignored. */
export function resolveDriver(d: DriverSpec): DriverBehaviour {
  if (typeof d === 'string') {
    if (!Object.hasOwn(DRIVER_VARIANTS, d)) {
      const core = (d as string) === 'protnoneValid' ? ` ('${d}' is a core-mm variant: give it as coreMm)` : '';
      throw new RangeError(`driver '${d}' is no driver variant (known: ${DRIVER_VARIANT_NAMES.join(', ')})${core}`);
    }
    return DRIVER_VARIANTS[d];
  }
  for (const k of Object.keys(d)) {
    if (DRIVER_KEYS.has(k)) continue;
    const core = k === 'hmmReportsProtnone' ? ` ('${k}' is core-mm behaviour: give it in the coreMm record)` : '';
    throw new RangeError(`the driver record '${d.name}' has no key '${k}' (keys: ${[...DRIVER_KEYS].join(', ')})${core}`);
  }
  for (const k of REQUIRED_KEYS) {
    if (!Object.hasOwn(d, k)) throw new RangeError(`the driver record '${d.name}' lacks '${k}' (spread DRIVER_VARIANTS.reference and change what differs)`);
  }
  return d;
}

/** The readable name of a driver spec (variant key or the record's `name`). */
export const driverName = (d: DriverSpec): string => (typeof d === 'string' ? d : d.name);
