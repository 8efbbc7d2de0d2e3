// Follows: Linux v6.19 — (no kernel file: the label table; KERNEL_SOURCE below says the same for every label)
/**
 * Every labelled atomic step of the model, grouped by the kernel source it stands for: the label,
 * the function it is cut from, and the action kinds it may emit (checked by
 * test/model/hmm/labels.test.ts against what the steps really emit).
 *
 * Program counters are positions in this table (PC below, generated); action kinds and coverage
 * lists are derived from it. The step bodies live in the file named after the kernel source
 * (memory.ts for mm/memory.c, ...) and are attached in steps.ts. A patch can replace a label's body
 * or add labels of its own (patch.ts); it never renumbers these.
 *
 * Kernel versions: KERNEL_SOURCE below, once for the whole table (a label's version follows from
 * its file); every file of model/hmm states the same in its `// Follows:` first line
 * (test/model/hmm/kernel-version.test.ts holds the two together).
 */

export interface LabelDecl {
  /** kernel source file (v12: the posting's) */
  readonly file: string;
  /** the C function the step is cut from */
  readonly fn: string;
  /** action kinds the step may emit */
  readonly emits: readonly string[];
}

export const LABELS = {
  // ---- the actor has finished its requests (not a step) ---------------------------------------
  done: { file: '', fn: '(no request left)', emits: [] },
  // ---- fork: arch/x86/kernel/process.c, mm/mmap.c (dup_mmap moved there from kernel/fork.c in 6.16)
  ret_from_fork: { file: 'arch/x86/kernel/process.c', fn: 'ret_from_fork', emits: ['ret_from_fork'] },
  dup_mmap: { file: 'mm/mmap.c', fn: 'dup_mmap', emits: ['mmap_write_lock'] },
  // ---- arch/x86/mm/fault.c -----------------------------------------------------------------------
  cpu_access: { file: 'arch/x86/mm/fault.c', fn: 'do_user_addr_fault', emits: ['cpu_access', 'lock_mm_and_find_vma'] },
  do_user_addr_fault_unlock: { file: 'arch/x86/mm/fault.c', fn: 'do_user_addr_fault', emits: ['mmap_read_unlock'] },
  // ---- mm/vma.c (do_vmi_munmap moved there from mm/mmap.c in 6.12) ---------------------------------
  do_vmi_munmap: { file: 'mm/vma.c', fn: 'do_vmi_munmap', emits: ['mmap_write_lock'] },
  // ---- mm/memory.c -------------------------------------------------------------------------------
  zap_pte_range: { file: 'mm/memory.c', fn: 'zap_pte_range', emits: ['zap_pte_range'] },
  copy_page_range: { file: 'mm/memory.c', fn: 'copy_page_range', emits: ['copy_page_range'] },
  zap_page_range_single: { file: 'mm/memory.c', fn: 'zap_page_range_single', emits: ['zap_page_range_single'] },
  handle_mm_fault: { file: 'mm/memory.c', fn: 'handle_mm_fault', emits: ['do_anonymous_page', 'do_huge_pmd_anonymous_page', 'do_huge_pmd_device_private', 'do_huge_pmd_wp_page', 'do_numa_page', 'do_read_fault', 'do_shared_fault', 'do_swap_page', 'do_wp_page', 'hugetlb_fault', 'hugetlb_wp', 'lock_mm_and_find_vma', 'migrate_misplaced_folio', 'remove_device_exclusive_entry', 'wp_page_copy'] },
  wp_page_copy_set_pte: { file: 'mm/memory.c', fn: 'wp_page_copy', emits: ['wp_page_copy_set_pte'] },
  do_swap_page_migrated: { file: 'mm/memory.c', fn: 'do_swap_page', emits: ['do_swap_page'] },
  restore_exclusive_pte: { file: 'mm/memory.c', fn: 'restore_exclusive_pte', emits: ['restore_exclusive_pte'] },
  remove_device_exclusive_entry_unlock: { file: 'mm/memory.c', fn: 'remove_device_exclusive_entry', emits: ['folio_unlock'] },
  unmap_page_range: { file: 'mm/memory.c', fn: 'unmap_page_range', emits: ['unmap_page_range'] },
  // ---- mm/mmu_gather.c ---------------------------------------------------------------------------
  tlb_finish_mmu: { file: 'mm/mmu_gather.c', fn: 'tlb_finish_mmu', emits: ['tlb_finish_mmu'] },
  // ---- mm/mprotect.c -----------------------------------------------------------------------------
  do_mprotect_pkey: { file: 'mm/mprotect.c', fn: 'do_mprotect_pkey', emits: ['mmap_write_lock'] },
  change_pte_range: { file: 'mm/mprotect.c', fn: 'change_pte_range', emits: ['change_pte_range'] },
  change_prot_numa_set: { file: 'mm/mprotect.c', fn: 'change_pte_range', emits: ['change_prot_numa_set'] },
  // ---- include/linux/mmap_lock.h -----------------------------------------------------------------
  mmap_write_unlock: { file: 'include/linux/mmap_lock.h', fn: 'mmap_write_unlock', emits: ['mmap_write_unlock'] },
  // ---- mm/gup.c ----------------------------------------------------------------------------------
  gup_mmap_read_lock: { file: 'mm/gup.c', fn: '__gup_longterm_locked', emits: ['mmap_read_lock'] },
  follow_page_pte: { file: 'mm/gup.c', fn: '__get_user_pages', emits: ['get_user_pages', 'migrate_device_coherent_folio', 'pin_user_pages'] },
  unpin_user_page: { file: 'mm/gup.c', fn: 'unpin_user_page', emits: ['unpin_user_page'] },
  // ---- mm/mremap.c -------------------------------------------------------------------------------
  sys_mremap: { file: 'mm/mremap.c', fn: 'SYSCALL_DEFINE5(mremap)', emits: ['mmap_write_lock'] },
  move_page_tables: { file: 'mm/mremap.c', fn: 'move_page_tables', emits: ['move_page_tables'] },
  // ---- mm/madvise.c ------------------------------------------------------------------------------
  do_madvise: { file: 'mm/madvise.c', fn: 'do_madvise', emits: ['mmap_read_lock'] },
  madvise_free_pte_range: { file: 'mm/madvise.c', fn: 'madvise_free_pte_range', emits: ['madvise_free_pte_range'] },
  do_madvise_unlock: { file: 'mm/madvise.c', fn: 'do_madvise', emits: ['mmap_read_unlock'] },
  // ---- mm/mmu_notifier.c -------------------------------------------------------------------------
  mn_itree_inv_start_range: { file: 'mm/mmu_notifier.c', fn: 'mn_itree_inv_start_range', emits: ['mmu_notifier_invalidate_range_start'] },
  mn_itree_invalidate: { file: 'mm/mmu_notifier.c', fn: 'mn_itree_invalidate', emits: ['dmirror_interval_invalidate', 'dmirror_snapshot_invalidate', 'driver_invalidate', 'mmu_notifier_invalidate_range_start_nonblock'] },
  mn_itree_inv_end: { file: 'mm/mmu_notifier.c', fn: 'mn_itree_inv_end', emits: ['mmu_notifier_invalidate_range_end'] },
  mmu_interval_read_begin: { file: 'mm/mmu_notifier.c', fn: 'mmu_interval_read_begin', emits: ['mmu_interval_read_begin'] },
  mmu_interval_notifier_remove: { file: 'mm/mmu_notifier.c', fn: 'mmu_interval_notifier_remove', emits: ['mmu_interval_notifier_remove'] },
  // ---- lib/test_hmm.c ----------------------------------------------------------------------------
  dmirror_fault_ioctl: { file: 'lib/test_hmm.c', fn: 'dmirror_read', emits: ['dmirror_do_read', 'dmirror_do_write', 'driver_device_read', 'driver_device_write'] },
  range_fault_mmap_read_lock: { file: 'lib/test_hmm.c', fn: 'dmirror_range_fault', emits: ['mmap_read_lock'] },
  range_fault_mutex_lock: { file: 'lib/test_hmm.c', fn: 'dmirror_range_fault', emits: ['mutex_lock'] },
  dmirror_do_fault: { file: 'lib/test_hmm.c', fn: 'dmirror_do_fault', emits: ['dmirror_do_fault', 'dmirror_mkentry', 'driver_update_device_pt'] },
  dmirror_migrate: { file: 'lib/test_hmm.c', fn: 'dmirror_migrate_to_device', emits: ['migrate_vma_setup', 'mmap_read_lock'] },
  dmirror_migrate_readback: { file: 'lib/test_hmm.c', fn: 'dmirror_migrate_to_device', emits: ['dmirror_do_read', 'driver_device_read'] },
  dmirror_exclusive: { file: 'lib/test_hmm.c', fn: 'dmirror_exclusive', emits: ['mmap_read_lock'] },
  dmirror_atomic_map: { file: 'lib/test_hmm.c', fn: 'dmirror_atomic_map', emits: ['dmirror_atomic_map'] },
  dmirror_check_atomic: { file: 'lib/test_hmm.c', fn: 'dmirror_check_atomic', emits: ['dmirror_check_atomic'] },
  dmirror_range_snapshot: { file: 'lib/test_hmm.c', fn: 'dmirror_range_snapshot', emits: ['mmu_interval_notifier_insert'] },
  dmirror_device_evict_chunk: { file: 'lib/test_hmm.c', fn: 'dmirror_device_evict_chunk', emits: ['dmirror_device_evict_chunk', 'migrate_device_coherent_folio'] },
  dmirror_fops_unlocked_ioctl: { file: 'lib/test_hmm.c', fn: 'dmirror_fops_unlocked_ioctl', emits: ['dmirror_fops_unlocked_ioctl'] },
  dmirror_migrate_alloc_and_copy: { file: 'lib/test_hmm.c', fn: 'dmirror_migrate_alloc_and_copy', emits: ['dmirror_migrate_alloc_and_copy'] },
  dmirror_devmem_fault_alloc_and_copy: { file: 'lib/test_hmm.c', fn: 'dmirror_devmem_fault_alloc_and_copy', emits: ['dmirror_devmem_fault_alloc_and_copy'] },
  dmirror_migrate_finalize_and_map: { file: 'lib/test_hmm.c', fn: 'dmirror_migrate_finalize_and_map', emits: ['dmirror_migrate_finalize_and_map'] },
  // ---- mm/hmm.c ----------------------------------------------------------------------------------
  hmm_range_fault: { file: 'mm/hmm.c', fn: 'hmm_range_fault', emits: ['hmm_range_fault'] },
  hmm_vma_fault: { file: 'mm/hmm.c', fn: 'hmm_vma_fault', emits: ['hmm_vma_fault'] },
  // ---- include/linux/mmu_notifier.h --------------------------------------------------------------
  mmu_interval_read_retry: { file: 'include/linux/mmu_notifier.h', fn: 'mmu_interval_read_retry', emits: ['mmu_interval_read_retry'] },
  mmu_interval_read_retry_unlocked: { file: 'include/linux/mmu_notifier.h', fn: 'mmu_interval_read_retry', emits: ['mmu_interval_read_retry'] },
  // ---- mm/rmap.c ---------------------------------------------------------------------------------
  make_device_exclusive: { file: 'mm/rmap.c', fn: 'make_device_exclusive', emits: ['make_device_exclusive'] },
  make_device_exclusive_convert: { file: 'mm/rmap.c', fn: 'make_device_exclusive', emits: ['make_device_exclusive_convert'] },
  try_to_migrate_rmap_walk: { file: 'mm/rmap.c', fn: 'try_to_migrate', emits: ['rmap_walk_anon'] },
  try_to_migrate_one_other_mm: { file: 'mm/rmap.c', fn: 'try_to_migrate_one', emits: ['try_to_migrate_one'] },
  try_to_unmap_one: { file: 'mm/rmap.c', fn: 'try_to_unmap_one', emits: ['try_to_unmap_one'] },
  rmap_walk_anon: { file: 'mm/rmap.c', fn: 'rmap_walk_anon', emits: ['rmap_walk_anon'] },
  try_to_migrate_one: { file: 'mm/rmap.c', fn: 'try_to_migrate_one', emits: ['try_to_migrate_one'] },
  // ---- mm/migrate_device.c -----------------------------------------------------------------------
  migrate_device_range: { file: 'mm/migrate_device.c', fn: 'migrate_device_range', emits: ['migrate_device_range'] },
  migrate_vma_collect_pmd: { file: 'mm/migrate_device.c', fn: 'migrate_vma_collect_pmd', emits: ['migrate_vma_collect_pmd'] },
  migrate_device_unmap: { file: 'mm/migrate_device.c', fn: 'migrate_device_unmap', emits: ['migrate_device_unmap'] },
  migrate_vma_pages: { file: 'mm/migrate_device.c', fn: 'migrate_vma_pages', emits: ['migrate_device_pages', 'migrate_vma_pages'] },
  migrate_vma_insert_page: { file: 'mm/migrate_device.c', fn: 'migrate_vma_insert_page', emits: ['migrate_vma_insert_page'] },
  migrate_vma_finalize: { file: 'mm/migrate_device.c', fn: 'migrate_vma_finalize', emits: ['migrate_device_finalize', 'migrate_vma_finalize'] },
  // ---- mm/vmscan.c -------------------------------------------------------------------------------
  core_mm_background: { file: 'mm/vmscan.c', fn: 'shrink_folio_list', emits: ['change_prot_numa', 'isolate_migratepages_block', 'try_to_unmap', 'write_protect_page', 'writeback_iter'] },
  // ---- mm/ksm.c ----------------------------------------------------------------------------------
  write_protect_page: { file: 'mm/ksm.c', fn: 'write_protect_page', emits: ['write_protect_page_set'] },
  replace_page: { file: 'mm/ksm.c', fn: 'replace_page', emits: ['replace_page'] },
  replace_page_set_pte: { file: 'mm/ksm.c', fn: 'replace_page', emits: ['replace_page_set'] },
  // ---- mm/filemap.c ------------------------------------------------------------------------------
  background_folio_unlock: { file: 'mm/filemap.c', fn: 'folio_unlock', emits: ['folio_unlock'] },
  // ---- mm/migrate.c ------------------------------------------------------------------------------
  migrate_folio_unmap: { file: 'mm/migrate.c', fn: 'migrate_folio_unmap', emits: ['migrate_folio_unmap'] },
  migrate_folio_move: { file: 'mm/migrate.c', fn: 'migrate_folio_move', emits: ['migrate_folio_move', 'migrate_folio_undo_src'] },
  // ---- mm/oom_kill.c -----------------------------------------------------------------------------
  oom_reap_task_mm: { file: 'mm/oom_kill.c', fn: '__oom_reap_task_mm', emits: ['mmap_read_trylock'] },
  oom_reap_task: { file: 'mm/oom_kill.c', fn: 'oom_reap_task', emits: ['oom_reap_task'] },
  // ---- v12:mm/hmm.c ------------------------------------------------------------------------------
  hmm_notifier_invalidate_range_start: { file: 'v12:mm/hmm.c', fn: 'hmm_notifier_invalidate_range_start', emits: ['hmm_notifier_invalidate_range_start', 'mmu_notifier_invalidate_range_start'] },
  hmm_mirror_update: { file: 'v12:mm/hmm.c', fn: 'hmm_mirror_update', emits: ['hmm_mirror_update'] },
  hmm_notifier_invalidate_range_end: { file: 'v12:mm/hmm.c', fn: 'hmm_notifier_invalidate_range_end', emits: ['hmm_notifier_invalidate_range_end', 'mmu_notifier_invalidate_range_end'] },
  hmm_device_access: { file: 'v12:mm/hmm.c', fn: 'device access through the mirror', emits: ['device_read', 'device_write'] },
  hmm_mirror_fault: { file: 'v12:mm/hmm.c', fn: 'hmm_mirror_fault', emits: ['hmm_mirror_fault'] },
  hmm_mirror_fault_pmd: { file: 'v12:mm/hmm.c', fn: 'hmm_mirror_fault_pmd', emits: ['hmm_device_fault_end', 'hmm_mirror_fault_pmd', 'hmm_mm_fault'] },
  hmm_mm_fault_done: { file: 'v12:mm/hmm.c', fn: 'hmm_mirror_fault', emits: ['hmm_mirror_fault_retry'] },
  hmm_mirror_handle_fault: { file: 'v12:mm/hmm.c', fn: 'hmm_mirror_handle_fault', emits: ['hmm_device_fault_end', 'hmm_mirror_handle_fault'] },
  mm_hmm_migrate: { file: 'v12:mm/hmm.c', fn: 'mm_hmm_migrate', emits: ['migrate_device_unmap', 'mm_hmm_migrate'] },
  copy_to_device: { file: 'v12:mm/hmm.c', fn: 'hmm_mirror_migrate', emits: ['copy_to_device'] },
  mm_hmm_migrate_cleanup: { file: 'v12:mm/hmm.c', fn: 'mm_hmm_migrate_cleanup', emits: ['mm_hmm_migrate_cleanup'] },
  copy_from_device: { file: 'v12:mm/hmm.c', fn: 'mm_hmm_migrate_back', emits: ['copy_from_device'] },
  hmm_mirror_migrate_back: { file: 'v12:mm/hmm.c', fn: 'hmm_mirror_migrate_back', emits: ['hmm_mirror_migrate_back'] },
  mm_hmm_migrate_back_cleanup: { file: 'v12:mm/hmm.c', fn: 'mm_hmm_migrate_back_cleanup', emits: ['mm_hmm_migrate_back_cleanup'] },
  // ---- writeback (features.writeback), last so that no earlier label's program counter moves ----
  // mm/rmap.c
  page_vma_mkclean_one: { file: 'mm/rmap.c', fn: 'page_vma_mkclean_one', emits: ['page_vma_mkclean_one'] },
  // mm/page-writeback.c
  folio_clear_dirty_for_io: { file: 'mm/page-writeback.c', fn: 'folio_clear_dirty_for_io', emits: ['folio_clear_dirty_for_io'] },
} as const satisfies Record<string, LabelDecl>;

export type Label = keyof typeof LABELS;

/**
 * The source the labels follow. Upstream: v6.19, the first release with every function the steps
 * name (device-private THP — do_huge_pmd_device_private, migrate_vma_insert_huge_pmd_page — was
 * still under review in October 2025, after the 6.18 merge window, and is in 6.19;
 * make_device_exclusive's single-page API came in 6.15). `v12:` files: the 2016 HMM v12 posting
 * (model/hmm/v12/README.md), which no kernel release contains.
 */
export const KERNEL_SOURCE = {
  upstream: 'Linux v6.19',
  v12: 'HMM v12 posting (2016-03)',
} as const;

/**
 * Kernel files whose steps follow an older release than KERNEL_SOURCE.upstream: NUMA hinting in
 * change_pte_range write-protects device-exclusive entries as v5.14–v6.14 do (6.15 made them one
 * kind; model/hmm/README.md).
 */
export const OLDER_RELEASE: Readonly<Record<string, string>> = { 'mm/mprotect.c': 'Linux v6.14' };

export interface LabelSource {
  /** 'Linux v6.19', 'Linux v6.14' or the v12 posting */
  readonly source: string;
  /** the kernel release tag ('v6.19'), undefined for the v12 posting */
  readonly release?: string;
  /** the file in that source ('mm/hmm.c' for 'v12:mm/hmm.c'); '' for `done` */
  readonly file: string;
  readonly fn: string;
}

/** Where a label's step stands in the kernel: the source and release it follows, file and function. */
export function labelSource(decl: LabelDecl): LabelSource {
  if (decl.file.startsWith('v12:')) return { source: KERNEL_SOURCE.v12, file: decl.file.slice(4), fn: decl.fn };
  const source = OLDER_RELEASE[decl.file] ?? KERNEL_SOURCE.upstream;
  return { source, release: source.slice('Linux '.length), file: decl.file, fn: decl.fn };
}

/** labels in program-counter order */
export const LABEL_NAMES = Object.keys(LABELS) as readonly Label[];

/** program counter of every declared label: its position in LABELS (`done` = 0) */
export const PC = Object.freeze(Object.fromEntries(LABEL_NAMES.map((l, i) => [l, i]))) as { readonly [K in Label]: number };

/**
 * What the v12 design's bodies for upstream entry labels emit instead (model/hmm/v12/steps.ts):
 * the device thread's requests go through the HMM mirror, and handle_mm_fault first tries
 * do_swap_page's HMM special-swap-entry branch.
 */
export const V12_ENTRY_EMITS = {
  dmirror_fault_ioctl: ['device_read', 'device_write'],
  dmirror_migrate: ['hmm_mirror_migrate'],
  dmirror_exclusive: ['hmm_mirror_migrate'],
  dmirror_check_atomic: ['hmm_mirror_migrate'],
  handle_mm_fault: ['hmm_handle_cpu_fault'],
} as const satisfies Partial<Record<Label, readonly string[]>>;

/** every action kind some declared step may emit, in declaration order */
export type ActionKind = (typeof LABELS)[Label]['emits'][number] | (typeof V12_ENTRY_EMITS)[keyof typeof V12_ENTRY_EMITS][number];
export const ACTION_KINDS = [...new Set([
  ...LABEL_NAMES.flatMap((l) => LABELS[l].emits as readonly ActionKind[]),
  ...Object.values(V12_ENTRY_EMITS).flat(),
])] as readonly ActionKind[];
