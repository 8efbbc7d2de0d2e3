// Follows: Linux v6.19 — (no kernel file: the configuration, in the vocabulary of tools/testing/selftests/mm/hmm-tests.c)
/**
 * Serializable model configuration. Every feature is a switch; every background action has a
 * budget so the reachable space stays finite. Actors pick up their requests (operations) from
 * here, in order, like the kernel selftests drive the process and the dmirror ioctls.
 */
import { type DriverSpec, resolveDriver } from './variants.ts';
import { type CoreMmSpec, resolveCoreMm } from './core-mm.ts';
import type { V12Variant } from './v12/variants.ts';
import { type HmmPatchOf, validatePatch } from './patch.ts';

/**
 * Which mirror design sits behind the notifier seam (mmu_notifier.ts): the upstream interval notifier
 * + driver callback (default), or the 2016 HMM v12 design (model/hmm/v12: HMM-owned mirror page
 * table, fault-range tracking, device->update(mirror, event), special swap entry migration).
 */
export type HmmDesign = 'upstream' | 'v12';

/** Operations a CPU thread of the mirrored process (or of its fork child) performs, in order. */
export type CpuOp =
  | 'read' //     load from `page` (page fault on miss: handle_mm_fault)
  | 'write' //    store to `page`
  | 'munmap' //   munmap(page, npages): zap_pte_range under mmap write lock
  | 'mprotect' // mprotect(page, npages, prot): change_pte_range
  | 'fork' //     fork(): copy_page_range (child mm = mm 1)
  | 'pin' //      pin_user_pages(FOLL_WRITE | FOLL_LONGTERM) on `page`
  | 'gup' //      get_user_pages(FOLL_WRITE) on `page`, then put_page (no pin, not long-term)
  | 'unpin' //    unpin_user_page
  | 'exit' //     exit_mmap(): mn_itree_release + zap everything
  | 'mremap' //   mremap(page, npages, MREMAP_MAYMOVE | MREMAP_FIXED [| MREMAP_DONTUNMAP], to)
  | 'madvFree' // madvise(page, npages, MADV_FREE)
  | 'madvDontneed' // madvise(page, npages, MADV_DONTNEED): zap under mmap_read_lock, the VMA stays
  | 'oomReap'; //  this thread is the oom_reaper kthread reaping mm 0 (__oom_reap_task_mm)

export interface CpuRequest {
  /** a built-in operation, or a request the patch adds (patch.requests) */
  readonly op: CpuOp | (string & {});
  readonly page?: number;
  readonly npages?: number;
  readonly prot?: Prot;
  /** mremap: the new address (a hole of the same size) */
  readonly to?: number;
  /** mremap: MREMAP_DONTUNMAP (the old range keeps an empty VMA) */
  readonly dontUnmap?: boolean;
}

/** dmirror ioctls (lib/test_hmm_uapi.h) — the device-side requests. */
export type DevOp =
  | 'read' //            HMM_DMIRROR_READ
  | 'write' //           HMM_DMIRROR_WRITE
  | 'migrateToDev' //    HMM_DMIRROR_MIGRATE_TO_DEV
  | 'migrateToSys' //    HMM_DMIRROR_MIGRATE_TO_SYS
  | 'exclusive' //       HMM_DMIRROR_EXCLUSIVE
  | 'checkExclusive' //  HMM_DMIRROR_CHECK_EXCLUSIVE
  | 'release' //         HMM_DMIRROR_RELEASE (evict all device memory)
  | 'snapshot' //        HMM_DMIRROR_SNAPSHOT (hmm_range_fault without faulting, permission bytes)
  | 'flags'; //          HMM_DMIRROR_FLAGS: dmirror->flags = `flags` (HMM_DMIRROR_FLAG_FAIL_ALLOC = 1)

export interface DevRequest {
  /** a built-in ioctl, or a request the patch adds (patch.requests) */
  readonly op: DevOp | (string & {});
  readonly page?: number;
  readonly npages?: number;
  /** 'flags': the value for dmirror->flags (the ioctl passes it in cmd.npages) */
  readonly flags?: number;
}

/** HMM_DMIRROR_FLAG_FAIL_ALLOC: the next device (or system, on the way back) allocation fails once */
export const HMM_DMIRROR_FLAG_FAIL_ALLOC = 1;

export type Prot = 'none' | 'read' | 'rw';

export interface CpuThreadConfig {
  /** 0 = the mirrored process; 1 = its fork child (its thread starts once fork has run) */
  readonly mm?: 0 | 1;
  readonly ops: readonly CpuRequest[];
}

export interface DevThreadConfig {
  /**
   * which device this thread issues ioctls on: the one fd of that device. With `fds` a device
   * opened more than once is ambiguous: name the fd instead.
   */
  readonly device?: number;
  /** which open file (index into `fds`; without `fds`, fd d is device d's only fd) */
  readonly fd?: number;
  readonly ops: readonly DevRequest[];
}

/**
 * One open() of /dev/hmm_dmirror<device> (dmirror_fops_open): its own struct dmirror (mutex, device
 * page table, interval notifier on the opener's mm, flags), pointing at the shared dmirror_device
 * (the device memory and its pgmap owner).
 */
export interface FdConfig {
  readonly device: number;
  /** the mm of the process that opened it (1 = the fork child, needs features.fork); default 0 */
  readonly mm?: 0 | 1;
}

/** Initial content of one virtual page of mm 0. */
export type InitialPage =
  | 'none' //      VMA, pte_none
  | 'zero' //      VMA, read-only mapping of the zero page (read after mmap)
  | 'ro' //        VMA, present read-only anon page (contents version 1)
  | 'rw' //        VMA, present writable dirty anon page (contents version 1)
  | 'rwZeroed' //  VMA, present writable dirty anon page that is all zeroes (contents version 0)
  | 'swap' //      VMA, swapped out (contents version 1)
  | 'hole'; //     no VMA

/**
 * What the (single) mapping of mm 0 is — the mmap of the selftest buffer. Default 'anon'
 * (MAP_PRIVATE|MAP_ANONYMOUS). Every value other than 'anon' is off for existing configs.
 */
export type Mapping =
  | 'anon' //      MAP_PRIVATE | MAP_ANONYMOUS
  | 'shared' //    MAP_SHARED | MAP_ANONYMOUS (shmem: not migrated, no COW on fork)
  | 'file' //      MAP_SHARED of a file (page cache: pread sees stores)
  | 'mixedmap' //  mmap of the dmirror device file: VM_MIXEDMAP, vm_insert_page'd read-only pages
  | 'hugetlb' //   MAP_HUGETLB: 2-page huge units, never split nor migrated
  | 'thp'; //      MADV_HUGEPAGE: 2-page PMD units, split by partial operations and by migration

export interface HmmFeatures {
  readonly fork?: boolean;
  readonly exclusive?: boolean;
  readonly reclaim?: boolean;
  readonly numa?: boolean;
  readonly ksm?: boolean;
  readonly dma?: boolean;
  readonly migration?: boolean;
  /**
   * device THP (2025): MIGRATE_VMA_SELECT_COMPOUND migrates a whole PMD-mapped THP (or the huge
   * zero page / an empty PMD) to a compound device page mapped by a device-private PMD entry, and
   * back; without it, migration splits the THP first
   */
  readonly deviceThp?: boolean;
  /**
   * kcompactd: the background actor migrates movable LRU pages (isolate_migratepages_block →
   * migrate_pages: try_to_migrate under a CLEAR invalidation, copy, remove_migration_ptes)
   */
  readonly compaction?: boolean;
  /**
   * NUMA balancing migrates misplaced folios: a hinting fault (do_numa_page) may, besides
   * restoring the PTE, call migrate_misplaced_folio (the kernel's numa_migrate_check decides;
   * the model explores both outcomes)
   */
  readonly numaMigrate?: boolean;
  /**
   * KSM use_zero_pages: a zero-filled page that write_protect_page made read-only is merged with
   * the shared zero page (replace_page under its own CLEAR invalidation); needs `ksm`
   */
  readonly ksmZeroPages?: boolean;
  /**
   * the swap cache: a read fault's swap-in keeps the folio in the swap cache, clean, its swap
   * slot still holding the contents (do_swap_page frees the slot only on a write fault); reclaim
   * then writes a clean swap-cache folio nowhere — the swap entry it installs names the slot's
   * old contents. MADV_FREE takes the folio out of the swap cache (folio_free_swap)
   */
  readonly swapCache?: boolean;
  /**
   * writeback of the file mapping's page cache (needs mapping 'file'): a background flusher
   * (writeback_iter) locks a dirty folio and folio_clear_dirty_for_io → folio_mkclean →
   * page_vma_mkclean_one write-protects and cleans its PTE inside an MMU_NOTIFY_PROTECTION_PAGE
   * invalidation, then the folio's contents are written (its "on disk" version); a write fault
   * after that (wp_page_shared, page_mkwrite) dirties the folio again. shmem has no writeback
   * (mapping_can_writeback is false for tmpfs: its folios are written only by reclaim, after
   * try_to_unmap), so 'shared' is refused
   */
  readonly writeback?: boolean;
}

export interface HmmBudgets {
  /** background try_to_unmap (reclaim to swap) steps */
  readonly reclaim?: number;
  /** background change_prot_numa (NUMA hinting) steps */
  readonly numa?: number;
  /** background KSM write_protect_page steps */
  readonly ksm?: number;
  /** background (kcompactd) migrate_pages attempts */
  readonly compaction?: number;
  /** folios the flusher writes back (features.writeback; default 1) */
  readonly writeback?: number;
  /** oom_reap_task attempts (MAX_OOM_REAP_RETRIES is 10; default 2) */
  readonly oomReap?: number;
  /** device fault loop retries before -EBUSY (HMM_RANGE_DEFAULT_TIMEOUT stand-in) */
  readonly retries?: number;
}

export interface HmmConfig {
  /** a variant name of variants.ts, or a full DriverBehaviour record (with a readable `name`) */
  readonly driver: DriverSpec;
  /** core-mm behaviour (core-mm.ts): a variant name or a record; default 'upstream' */
  readonly coreMm?: CoreMmSpec;
  /** mirror design (default 'upstream'); with 'v12' the `driver` field is ignored */
  readonly design?: HmmDesign;
  /** v12 only: which HMM/driver behaviour (model/hmm/v12/variants.ts), default 'v12' */
  readonly v12?: V12Variant;
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
  /** kind of the mapping (default 'anon') */
  readonly mapping?: Mapping;
  /**
   * kind of device memory (FIXTURE_VARIANT hmm_device_private / hmm_device_coherent): 'private'
   * (default, MEMORY_DEVICE_PRIVATE: device-private swap entries, CPU access faults the page back)
   * or 'coherent' (MEMORY_DEVICE_COHERENT: the CPU maps device pages with normal PTEs)
   */
  readonly deviceMemory?: 'private' | 'coherent';
  /** per device: the mm its fd mirrors (default 0; 1 = opened by the fork child, needs fork) */
  readonly deviceMm?: readonly (0 | 1)[];
  /**
   * the open files of the dmirror devices, in order (fd i = `fds[i]`); a device may be opened more
   * than once. Default: one fd per device, fd d on device d mirroring `deviceMm[d]`.
   */
  readonly fds?: readonly FdConfig[];
  /** the patch under review (patch.ts): step bodies, labels, state and requests it adds */
  // eslint-style note: the context type is the model's (ctx.ts); config.ts does not depend on it
  readonly patch?: HmmPatchOf<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const CONFIG_KEYS = new Set([
  'driver', 'coreMm', 'design', 'v12', 'pages', 'frames', 'devFrames', 'devices', 'prot', 'initial', 'cpu', 'dev', 'features',
  'budgets', 'mapping', 'deviceMemory', 'deviceMm', 'fds', 'patch',
]);
const FD_KEYS = new Set(['device', 'mm']);
const DEV_THREAD_KEYS = new Set(['device', 'fd', 'ops']);
const FEATURE_KEYS = new Set([
  'fork', 'exclusive', 'reclaim', 'numa', 'ksm', 'dma', 'migration', 'deviceThp', 'compaction', 'numaMigrate', 'ksmZeroPages',
  'swapCache', 'writeback',
]);
const BUDGET_KEYS = new Set(['reclaim', 'numa', 'ksm', 'compaction', 'oomReap', 'retries', 'writeback']);
const CPU_OPS = new Set(['read', 'write', 'munmap', 'mprotect', 'fork', 'pin', 'gup', 'unpin', 'exit', 'mremap', 'madvFree', 'madvDontneed', 'oomReap']);
const DEV_OPS = new Set(['read', 'write', 'migrateToDev', 'migrateToSys', 'exclusive', 'checkExclusive', 'release', 'snapshot', 'flags']);

function onlyKeys(what: string, o: object | undefined, allowed: ReadonlySet<string>): void {
  for (const k of Object.keys(o ?? {})) {
    if (!allowed.has(k)) throw new RangeError(`${what} has no key '${k}' (allowed: ${[...allowed].join(', ')})`);
  }
}

export function validateConfig(c: HmmConfig): void {
  onlyKeys('the HMM configuration', c, CONFIG_KEYS);
  onlyKeys('features', c.features, FEATURE_KEYS);
  onlyKeys('budgets', c.budgets, BUDGET_KEYS);
  if (c.patch !== undefined) validatePatch(c.patch);
  resolveCoreMm(c.coreMm);
  if (c.design !== 'v12') resolveDriver(c.driver);
  const custom = c.patch?.requests ?? {};
  for (const [who, threads, ops] of [['cpu', c.cpu, CPU_OPS], ['dev', c.dev, DEV_OPS]] as const) {
    for (const th of threads ?? []) {
      for (const r of th.ops) {
        const pr = Object.hasOwn(custom, r.op) ? custom[r.op] : undefined;
        if (!ops.has(r.op) && pr?.actor !== who) {
          throw new RangeError(`${who} request '${r.op}' is neither built in (${[...ops].join(', ')}) nor a ${who} request of the patch`);
        }
      }
    }
  }
  if (c.pages < 1 || c.pages > 8) throw new RangeError('pages must be 1..8');
  if (c.frames < 0) throw new RangeError('frames must be >= 0');
  const devices = c.devices ?? 1;
  validateFds(c, devices);
  (c.dev ?? []).forEach((t, i) => {
    onlyKeys(`dev thread ${i}`, t, DEV_THREAD_KEYS);
    fdOfThread(c, t, i);
    for (const r of t.ops) checkRange(c, r.page ?? 0, r.npages ?? 1);
  });
  const evicts = (c.dev ?? []).some((t) => t.ops.some((r) => r.op === 'release')) || c.deviceMemory === 'coherent';
  if (evicts && (c.devFrames ?? 0) > c.pages) {
    throw new RangeError('HMM_DMIRROR_RELEASE needs devFrames <= pages (src/dst arrays are per page)');
  }
  if ((c.features?.ksmZeroPages ?? false) && !(c.features?.ksm ?? false)) throw new RangeError('ksmZeroPages needs features.ksm');
  if ((c.features?.numaMigrate ?? false) && !(c.features?.numa ?? false)) throw new RangeError('numaMigrate needs features.numa');
  if ((c.features?.writeback ?? false) && c.mapping !== 'file') {
    throw new RangeError("features.writeback needs mapping 'file' (shmem and anonymous memory are not written back by folio_mkclean: mapping_can_writeback is false for them)");
  }
  for (const m of c.deviceMm ?? []) if (m === 1 && !(c.features?.fork ?? false)) throw new RangeError('deviceMm 1 needs features.fork');
  for (const t of c.cpu ?? []) {
    if ((t.mm ?? 0) === 1 && !(c.features?.fork ?? false)) throw new RangeError('mm 1 needs features.fork');
    for (const r of t.ops) {
      if (r.op === 'fork' && !(c.features?.fork ?? false)) throw new RangeError('fork needs features.fork');
      if (r.op === 'oomReap' && (t.mm ?? 0) !== 0) throw new RangeError('oomReap reaps mm 0: put it in a thread of mm 0');
      if (r.op === 'oomReap' && c.design === 'v12') throw new RangeError('oomReap (non-blockable invalidations) is not modelled for the v12 design');
      checkRange(c, r.page ?? 0, r.npages ?? 1);
    }
  }
}

function validateFds(c: HmmConfig, devices: number): void {
  if (c.fds === undefined) return;
  if (c.design === 'v12') throw new RangeError("fds: the v12 design has one mirror per device; leave 'fds' out with design 'v12'");
  if (c.deviceMm !== undefined) throw new RangeError("fds and deviceMm both say which mm an fd mirrors: give the mm in each fds entry ({ device, mm }) and drop deviceMm");
  if (!Array.isArray(c.fds) || c.fds.length === 0) throw new RangeError('fds must list at least one open file ({ device, mm? })');
  c.fds.forEach((f, i) => {
    onlyKeys(`fds[${i}]`, f, FD_KEYS);
    if (!Number.isInteger(f.device) || f.device < 0 || f.device >= devices) {
      throw new RangeError(`fds[${i}].device ${String(f.device)} out of range (devices: ${devices})`);
    }
    const m = f.mm ?? 0;
    if (m !== 0 && m !== 1) throw new RangeError(`fds[${i}].mm must be 0 or 1, got ${String(m)}`);
    if (m === 1 && !(c.features?.fork ?? false)) throw new RangeError(`fds[${i}].mm 1 (opened by the fork child) needs features.fork`);
  });
}

/** The open files of a configuration: `fds`, or one per device (fd d on device d, mm deviceMm[d]). */
export function resolveFds(c: HmmConfig): readonly Required<FdConfig>[] {
  if (c.fds !== undefined) return c.fds.map((f) => ({ device: f.device, mm: f.mm ?? 0 }));
  return Array.from({ length: c.devices ?? 1 }, (_, d) => ({ device: d, mm: c.deviceMm?.[d] ?? 0 }));
}

/**
 * The fd dev thread `t` (the i-th) issues its ioctls on: `fd`, or the one fd of `device` (default
 * device 0). Naming both, or a device opened more than once (or never), is an error.
 */
export function fdOfThread(c: HmmConfig, t: DevThreadConfig, i: number): number {
  const fds = resolveFds(c);
  if (t.fd !== undefined && t.device !== undefined) {
    throw new RangeError(`dev thread ${i} names both device ${t.device} and fd ${t.fd}: keep only fd`);
  }
  if (t.fd !== undefined) {
    if (!Number.isInteger(t.fd) || t.fd < 0 || t.fd >= fds.length) throw new RangeError(`dev thread ${i}: fd ${t.fd} out of range (${fds.length} open files)`);
    return t.fd;
  }
  const d = t.device ?? 0;
  if (!Number.isInteger(d) || d < 0 || d >= (c.devices ?? 1)) throw new RangeError(`device ${d} out of range`);
  const on = fds.flatMap((f, k) => (f.device === d ? [k] : []));
  if (on.length !== 1) {
    throw new RangeError(`dev thread ${i}: device ${d} has ${on.length === 0 ? 'no open file' : `${on.length} open files (fds ${on.join(', ')})`}: name the fd ('fd: n') instead of the device`);
  }
  return on[0]!;
}

function checkRange(c: HmmConfig, page: number, npages: number): void {
  if (page < 0 || npages < 1 || page + npages > c.pages) throw new RangeError(`range ${page}+${npages} outside ${c.pages} pages`);
}
