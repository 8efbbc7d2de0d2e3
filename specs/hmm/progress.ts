/**
 * Progress actions of the HMM models (SPIN's progress labels, for `check: { nonProgress: true }`
 * and `--non-progress`): the actions whose step completes a request — where the model calls
 * finishRequest (model/hmm/ctx.ts) and the thread moves on to its next syscall or ioctl.
 *
 * The checker sees only the action, and a few action kinds complete a request on one path and
 * not on another (mmap_read_unlock with 0 ends MADV_* but also a CPU fault that retries the
 * access; migrate_vma_finalize ends MIGRATE_TO_SYS but not migrate_to_ram). Those are left out:
 * the table under-approximates. That direction is the safe one: marking a retry as progress would
 * hide a livelock that runs through it (the L4 lasso does), while leaving a completion unmarked
 * changes no verdict — a request completion advances its thread's request index, which never goes
 * back, so no cycle of these models can contain one. The test (test/specs/hmm/progress.test.ts)
 * checks every marked transition of every HMM configuration really completes a request.
 */
import { EBUSY, OK, type HmmAction } from '../../model/hmm/index.ts';

/** kinds whose every occurrence completes the request */
const ALWAYS: ReadonlySet<string> = new Set([
  'cpu_access', // the load/store retires
  'unpin_user_page',
  'mmap_write_unlock', // munmap, mprotect, mremap, fork
  'tlb_finish_mmu', // munmap, exit
  'mmu_interval_notifier_remove', // HMM_DMIRROR_SNAPSHOT
  'dmirror_fops_unlocked_ioctl', // HMM_DMIRROR_FLAGS
  'dmirror_check_atomic', // HMM_DMIRROR_CHECK_EXCLUSIVE
  'mm_hmm_migrate_cleanup', // v12 migration to device memory
]);

/** kinds that complete the request when they carry an error (a negative errno) */
const ON_ERROR: ReadonlySet<string> = new Set([
  'mmu_interval_read_begin', // -EBUSY: the fault loop timed out
  'dmirror_do_fault', 'driver_update_device_pt', // -EFAULT: no write permission
  'hmm_vma_fault', 'make_device_exclusive', 'get_user_pages', 'pin_user_pages',
  'mmap_read_lock', 'mmap_write_lock', // -EINVAL / -ENOMEM before the work starts
  'hmm_mirror_fault', 'hmm_mirror_fault_retry', 'hmm_mirror_migrate', // v12
]);

/** kinds that complete the request when they succeed (info 0) */
const ON_SUCCESS: ReadonlySet<string> = new Set([
  'dmirror_do_read', 'dmirror_do_write', 'driver_device_read', 'driver_device_write', 'device_read', 'device_write',
  'get_user_pages', 'pin_user_pages',
]);

export function hmmProgress(a: HmmAction): boolean {
  const k: string = a.kind;
  if (ALWAYS.has(k)) return true;
  if (ON_ERROR.has(k) && a.info < 0) return true;
  if (ON_SUCCESS.has(k) && a.info === OK) return true;
  switch (k) {
    case 'hmm_range_fault': // -EFAULT / -EPERM end the ioctl; -EBUSY goes round the fault loop again
      return a.info < 0 && a.info !== EBUSY;
    // (lock_mm_and_find_vma with SIGSEGV is left out: handle_mm_fault also returns it to a GUP or
    // hmm_vma_fault caller, which goes on)
    case 'mmap_read_unlock': // a fault that returns VM_FAULT_* ≠ 0 delivers a signal
      return a.info !== 0;
    default:
      return false;
  }
}
