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
  'mmu_notifier_invalidate_range_start_nonblock', // a callback's trylock failed: -EAGAIN (info = its device)
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
  'rmap_walk_anon', //             the walk reaches the folio's mapping in another mirrored mm (its own CLEAR)
  'write_protect_page', //          KSM
  'write_protect_page_set',
  'replace_page', //                KSM use_zero_pages: pages_identical(page, ZERO_PAGE), CLEAR invalidation
  'replace_page_set', //            pte_same(orig_pte): the PTE becomes the zero page, the page's rmap dropped
  // migrate_pages of system folios (mm/migrate.c): compaction and NUMA balancing
  'isolate_migratepages_block', //  kcompactd picks a movable LRU folio (isolation reference)
  'migrate_misplaced_folio', //     do_numa_page chose a target node: isolate, then migrate_pages
  'migrate_folio_unmap', //         allocate dst, folio_trylock(src), try_to_migrate's invalidation
  'try_to_migrate_one', //          PTE → migration entry (inside the CLEAR invalidation)
  'migrate_folio_move', //          copy, remove_migration_ptes(src, dst), free src
  'migrate_folio_undo_src', //      busy (pinned / extra reference): remove_migration_ptes(src, src)
  // OOM reaper (mm/oom_kill.c), its thread is a CPU thread with the request 'oomReap'
  'mmap_read_trylock', //           oom_reap_task_mm: MMF_UNSTABLE + invalidate_range_start_nonblock
  'unmap_page_range', //            zap the anonymous VMA under mmap_read_lock (VMAs stay)
  'oom_reap_task', //               tlb_finish_mmu + mmap_read_unlock; retry after -EAGAIN or finish
  // huge entries, shared/file mappings (config.mapping)
  'do_huge_pmd_anonymous_page', //  THP fault: PMD of a fresh huge page, or the huge zero page on read
  'do_huge_pmd_wp_page', //         write fault on a read-only PMD we may reuse
  'hugetlb_fault', //               hugetlb_no_page: a fresh huge page
  'hugetlb_wp', //                  write fault on a read-only hugetlb entry we may reuse
  'do_huge_pmd_device_private', //  CPU fault on a device-private PMD (device THP) → migrate_to_ram
  'do_read_fault', //               MAP_SHARED read fault: the page cache / shmem page
  'do_shared_fault', //             MAP_SHARED write fault
  // dmirror: HMM_DMIRROR_SNAPSHOT (dmirror_range_snapshot), RELEASE, FLAGS
  'mmu_interval_notifier_insert', // the snapshot's temporary interval notifier
  'dmirror_snapshot_invalidate', // its callback: mutex + mmu_interval_set_seq only
  'dmirror_mkentry', //             permission bytes from hmm_pfns[], then mutex_unlock
  'mmu_interval_notifier_remove',
  'migrate_device_range', //        dmirror_device_evict_chunk: lock + ref every in-use device page
  'dmirror_device_evict_chunk', //  allocate system pages and copy
  'migrate_device_pages',
  'migrate_device_finalize',
  'migrate_device_coherent_folio', // FOLL_LONGTERM GUP: move a device-coherent page to system memory
  'get_user_pages', //              GUP without FOLL_LONGTERM (+ put_page)
  'dmirror_fops_unlocked_ioctl', // HMM_DMIRROR_FLAGS: dmirror->flags = cmd.npages
  // mremap / madvise
  'move_page_tables', //            mremap: move the PTEs (and their device entries) to the new range
  'madvise_free_pte_range', //      MADV_FREE
  'zap_page_range_single', //       MADV_DONTNEED: the PTEs go, the VMA stays
  // ---- v12 design (model/hmm/v12; names from the 2015/2016 HMM postings, see v12/README.md) ----
  'hmm_notifier_invalidate_range_start', // register the range (hmm_update → hmm_wait_device_fault)
  'hmm_mirror_update', //                   per mirror: hmm_pt update by event + dma unmap + device->update
  'hmm_notifier_invalidate_range_end',
  'device_read', //                         device access through its (mirror-programmed) page table
  'device_write',
  'hmm_mirror_fault', //                    mmap_sem + hmm_device_fault_start (wait valid + register)
  'hmm_mirror_fault_pmd', //                walk one page of the CPU page table into hmm_pt
  'hmm_device_fault_end', //                told to back off: unregister, -EAGAIN, retry
  'hmm_mm_fault', //                        unregistered, then handle_mm_fault
  'hmm_mirror_fault_retry', //              handle_mm_fault returned: fault again (-EAGAIN)
  'hmm_mirror_handle_fault', //             walk done: DMA map + device->update(HMM_DEVICE_*FAULT) + fault end
  'hmm_mirror_migrate', //                  migrate to device memory: mmap_sem + HMM_MIGRATE update
  'mm_hmm_migrate', //                      CPU PTEs → locked special swap entries, page checks
  'copy_to_device', //                      hmm_device copy (HMM_COPY_TO_DEVICE)
  'mm_hmm_migrate_cleanup', //              hmm_pt → device memory, unlock entries, free system pages
  'hmm_handle_cpu_fault', //                do_swap_page on the special entry (→ mm_hmm_migrate_back: lock, alloc)
  'copy_from_device', //                    hmm_device copy (HMM_COPY_FROM_DEVICE)
  'hmm_mirror_migrate_back', //             update device PT: hmm_pt → the new system page
  'mm_hmm_migrate_back_cleanup', //         update CPU PT: special entry → present PTE
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
