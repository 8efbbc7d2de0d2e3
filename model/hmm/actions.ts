/**
 * Actions are named after the kernel function each step abstracts (kernel spelling). An action
 * is plain data: kind, actor index, page, and a small `info` code (return value, event, …).
 */

export const ACTION_KINDS = [
  // CPU thread / core-mm fault path (mm/memory.c)
  'cpu_access', //                  load/store through the TLB or the hardware walker
  'lock_mm_and_find_vma', //        arch fault entry: mmap_read_lock + VMA check
  'mmap_read_unlock',
  'do_anonymous_page',
  'do_wp_page', //                  write fault on a read-only PTE we may reuse
  'wp_page_copy', //                COW: allocate + copy, then invalidate, then set the new PTE
  'wp_page_copy_set_pte', //        ptep_clear_flush + set_pte_at (inside the invalidation)
  'do_swap_page', //                swap-in, or the device-private branch (→ migrate_to_ram)
  'migration_entry_wait',
  'do_numa_page',
  'remove_device_exclusive_entry',
  'restore_exclusive_pte',
  'folio_unlock',
  // syscalls
  'mmap_write_lock',
  'zap_pte_range', //               munmap / exit_mmap
  'tlb_finish_mmu', //              TLB flush, then free the gathered pages
  'change_pte_range', //            mprotect (incl. PROT_NONE)
  'mmap_write_unlock',
  'copy_page_range', //             fork
  'ret_from_fork', //               child thread starts
  'pin_user_pages', //              GUP FOLL_PIN|FOLL_LONGTERM
  'unpin_user_page',
  // mmu notifier (mm/mmu_notifier.c)
  'mmu_notifier_invalidate_range_start',
  'mmu_notifier_invalidate_range_end',
  'dmirror_interval_invalidate', // lib/test_hmm.c callback
  'driver_invalidate', //           hmm.rst callback (takes driver->update)
  'mmu_interval_read_begin',
  'mmu_interval_read_retry',
  // device fault path (mm/hmm.c + driver)
  'mmap_read_lock',
  'hmm_range_fault', //             one page of the walk (hmm_vma_walk_pmd / hmm_vma_handle_pte)
  'hmm_vma_fault', //               handle_mm_fault returned to the walk
  'mutex_lock', //                  the driver lock (dmirror->mutex / driver->update)
  'dmirror_do_fault',
  'driver_update_device_pt',
  'dmirror_do_read',
  'dmirror_do_write',
  'driver_device_read',
  'driver_device_write',
  // migration (mm/migrate_device.c + driver)
  'migrate_vma_setup', //           guards + invalidate start for collect
  'migrate_vma_collect_pmd',
  'migrate_device_unmap',
  'dmirror_migrate_alloc_and_copy',
  'dmirror_devmem_fault_alloc_and_copy',
  'migrate_vma_pages',
  'migrate_vma_insert_page',
  'dmirror_migrate_finalize_and_map',
  'migrate_vma_finalize',
  // exclusive access
  'make_device_exclusive',
  'make_device_exclusive_convert',
  'dmirror_atomic_map',
  'dmirror_check_atomic',
  // background core-mm
  'try_to_unmap', //                reclaim: shrink_folio_list → try_to_unmap_one
  'try_to_unmap_one',
  'change_prot_numa',
  'change_prot_numa_set',
  'write_protect_page', //          KSM
  'write_protect_page_set',
] as const;

export type ActionKind = (typeof ACTION_KINDS)[number];

export interface HmmAction {
  readonly kind: ActionKind;
  /** actor index (CPU threads first, then device threads, then the core-mm background actor) */
  readonly actor: number;
  readonly page: number;
  /** return code / event / outcome, depending on the kind */
  readonly info: number;
}
