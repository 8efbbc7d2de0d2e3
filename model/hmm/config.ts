/**
 * Serializable model configuration. Every feature is a switch; every background action has a
 * budget so the reachable space stays finite. Actors pick up their requests (operations) from
 * here, in order, like the kernel selftests drive the process and the dmirror ioctls.
 */
import type { DriverVariant } from './variants.ts';

/** Operations a CPU thread of the mirrored process (or of its fork child) performs, in order. */
export type CpuOp =
  | 'read' //     load from `page` (page fault on miss: handle_mm_fault)
  | 'write' //    store to `page`
  | 'munmap' //   munmap(page, npages): zap_pte_range under mmap write lock
  | 'mprotect' // mprotect(page, npages, prot): change_pte_range
  | 'fork' //     fork(): copy_page_range (child mm = mm 1)
  | 'pin' //      pin_user_pages(FOLL_WRITE | FOLL_LONGTERM) on `page`
  | 'unpin' //    unpin_user_page
  | 'exit'; //    exit_mmap(): mn_itree_release + zap everything

export interface CpuRequest {
  readonly op: CpuOp;
  readonly page?: number;
  readonly npages?: number;
  readonly prot?: Prot;
}

/** dmirror ioctls (lib/test_hmm_uapi.h) — the device-side requests. */
export type DevOp =
  | 'read' //            HMM_DMIRROR_READ
  | 'write' //           HMM_DMIRROR_WRITE
  | 'migrateToDev' //    HMM_DMIRROR_MIGRATE_TO_DEV
  | 'migrateToSys' //    HMM_DMIRROR_MIGRATE_TO_SYS
  | 'exclusive' //       HMM_DMIRROR_EXCLUSIVE
  | 'checkExclusive' //  HMM_DMIRROR_CHECK_EXCLUSIVE
  | 'release'; //        HMM_DMIRROR_RELEASE (evict all device memory)

export interface DevRequest {
  readonly op: DevOp;
  readonly page?: number;
  readonly npages?: number;
}

export type Prot = 'none' | 'read' | 'rw';

export interface CpuThreadConfig {
  /** 0 = the mirrored process; 1 = its fork child (its thread starts once fork has run) */
  readonly mm?: 0 | 1;
  readonly ops: readonly CpuRequest[];
}

export interface DevThreadConfig {
  /** which device (dmirror fd) this thread issues ioctls on */
  readonly device?: number;
  readonly ops: readonly DevRequest[];
}

/** Initial content of one virtual page of mm 0. */
export type InitialPage =
  | 'none' //      VMA, pte_none
  | 'zero' //      VMA, read-only mapping of the zero page (read after mmap)
  | 'ro' //        VMA, present read-only anon page (contents version 1)
  | 'rw' //        VMA, present writable dirty anon page (contents version 1)
  | 'swap' //      VMA, swapped out (contents version 1)
  | 'hole'; //     no VMA

export interface HmmFeatures {
  readonly fork?: boolean;
  readonly exclusive?: boolean;
  readonly reclaim?: boolean;
  readonly numa?: boolean;
  readonly ksm?: boolean;
  readonly dma?: boolean;
  readonly migration?: boolean;
}

export interface HmmBudgets {
  /** background try_to_unmap (reclaim to swap) steps */
  readonly reclaim?: number;
  /** background change_prot_numa (NUMA hinting) steps */
  readonly numa?: number;
  /** background KSM write_protect_page steps */
  readonly ksm?: number;
  /** device fault loop retries before -EBUSY (HMM_RANGE_DEFAULT_TIMEOUT stand-in) */
  readonly retries?: number;
}

export interface HmmConfig {
  readonly driver: DriverVariant;
  /** virtual pages of the mapping (all in one anonymous private VMA unless `initial` says hole) */
  readonly pages: number;
  /** system RAM frames (besides the shared zero page) */
  readonly frames: number;
  /** device-private frames per device */
  readonly devFrames?: number;
  /** number of dmirror devices (each with its own fd / interval notifier on mm 0) */
  readonly devices?: number;
  /** VMA protection at start */
  readonly prot?: Prot;
  /** initial state of each page (default 'none') */
  readonly initial?: readonly InitialPage[];
  readonly cpu?: readonly CpuThreadConfig[];
  readonly dev?: readonly DevThreadConfig[];
  readonly features?: HmmFeatures;
  readonly budgets?: HmmBudgets;
}

export function validateConfig(c: HmmConfig): void {
  if (c.pages < 1 || c.pages > 8) throw new RangeError('pages must be 1..8');
  if (c.frames < 0) throw new RangeError('frames must be >= 0');
  const devices = c.devices ?? 1;
  for (const t of c.dev ?? []) {
    const d = t.device ?? 0;
    if (d < 0 || d >= devices) throw new RangeError(`device ${d} out of range`);
    for (const r of t.ops) checkRange(c, r.page ?? 0, r.npages ?? 1);
  }
  for (const t of c.cpu ?? []) {
    if ((t.mm ?? 0) === 1 && !(c.features?.fork ?? false)) throw new RangeError('mm 1 needs features.fork');
    for (const r of t.ops) {
      if (r.op === 'fork' && !(c.features?.fork ?? false)) throw new RangeError('fork needs features.fork');
      checkRange(c, r.page ?? 0, r.npages ?? 1);
    }
  }
}

function checkRange(c: HmmConfig, page: number, npages: number): void {
  if (page < 0 || npages < 1 || page + npages > c.pages) throw new RangeError(`range ${page}+${npages} outside ${c.pages} pages`);
}
