// Follows: Linux v6.19 — (no kernel file: the upstream bodies by label)
/**
 * The upstream design's step bodies, by label (labels.ts declares the labels, their kernel
 * functions and what they emit). Built on demand, so the modules that define the steps are fully
 * loaded whatever imports this file first.
 */
import type { GuardFn, StepFn } from './ctx.ts';
import type { Label, LABELS } from './labels.ts';
import * as fault from './fault.ts';
import * as fork from './fork.ts';
import * as gup from './gup.ts';
import * as hmm from './hmm.ts';
import * as ksm from './ksm.ts';
import * as madvise from './madvise.ts';
import * as memory from './memory.ts';
import * as migrate from './migrate.ts';
import * as migrate_device from './migrate_device.ts';
import * as mmap from './mmap.ts';
import * as mmap_lock from './mmap_lock.ts';
import * as mmu_gather from './mmu_gather.ts';
import * as mmu_notifier from './mmu_notifier.ts';
import * as mprotect from './mprotect.ts';
import * as mremap from './mremap.ts';
import * as oom_kill from './oom_kill.ts';
import * as page_writeback from './page_writeback.ts';
import * as rmap from './rmap.ts';
import * as test_hmm from './test_hmm.ts';
import * as vmscan from './vmscan.ts';

/** every upstream label but `done` and the v12 design's own labels */
export type UpstreamLabel = Exclude<Label, 'done' | V12Label>;

/** the labels only the v12 design reaches: those labels.ts files under 'v12:' */
export type V12Label = { [K in Label]: (typeof LABELS)[K]['file'] extends `v12:${string}` ? K : never }[Label];

export function upstreamSteps(): Record<UpstreamLabel, StepFn> {
  return {
    ret_from_fork: fork.stepRetFromFork,
    cpu_access: fault.stepCpuAccess,
    do_user_addr_fault_unlock: fault.stepCpuFaultDone,
    do_vmi_munmap: mmap.stepMunmapLock,
    zap_pte_range: memory.stepZap,
    tlb_finish_mmu: mmu_gather.stepTlbFinish,
    do_mprotect_pkey: mprotect.stepMprotectLock,
    change_pte_range: mprotect.stepChangePte,
    mmap_write_unlock: mmap_lock.stepUnlockWrite,
    dup_mmap: fork.stepForkLock,
    copy_page_range: memory.stepCopyPageRange,
    gup_mmap_read_lock: gup.stepPinLock,
    follow_page_pte: gup.stepPinFollow,
    unpin_user_page: gup.stepUnpin,
    sys_mremap: mremap.stepMremapLock,
    move_page_tables: mremap.stepMovePageTables,
    do_madvise: madvise.stepMadvLock,
    madvise_free_pte_range: madvise.stepMadvFree,
    zap_page_range_single: memory.stepMadvDontneedZap,
    do_madvise_unlock: madvise.stepMadvUnlock,
    handle_mm_fault: memory.stepHandleMmFault,
    wp_page_copy_set_pte: memory.stepWpCopySet,
    do_swap_page_migrated: memory.stepDspDone,
    restore_exclusive_pte: memory.stepExclRestore,
    remove_device_exclusive_entry_unlock: memory.stepExclDone,
    mn_itree_inv_start_range: mmu_notifier.stepInvStart,
    mn_itree_invalidate: mmu_notifier.stepInvCallback,
    mn_itree_inv_end: mmu_notifier.stepInvEnd,
    dmirror_fault_ioctl: test_hmm.stepDevRw,
    mmu_interval_read_begin: test_hmm.stepReadBegin,
    range_fault_mmap_read_lock: test_hmm.stepDevMmap,
    hmm_range_fault: hmm.stepWalk,
    hmm_vma_fault: hmm.stepWalkFaulted,
    range_fault_mutex_lock: test_hmm.stepDevLock,
    mmu_interval_read_retry: test_hmm.stepReadRetry,
    mmu_interval_read_retry_unlocked: test_hmm.stepReadRetryEarly,
    dmirror_do_fault: test_hmm.stepProgram,
    dmirror_migrate: test_hmm.stepMigLock,
    dmirror_migrate_readback: test_hmm.stepMigReadback,
    dmirror_exclusive: test_hmm.stepExclLock,
    make_device_exclusive: rmap.stepExclFollow,
    make_device_exclusive_convert: rmap.stepExclConvert,
    dmirror_atomic_map: test_hmm.stepAtomicMap,
    dmirror_check_atomic: test_hmm.stepCheckAtomic,
    dmirror_range_snapshot: test_hmm.stepSnapInsert,
    mmu_interval_notifier_remove: test_hmm.stepSnapRemove,
    migrate_device_range: migrate_device.stepEvict,
    dmirror_device_evict_chunk: test_hmm.stepEvictAlloc,
    dmirror_fops_unlocked_ioctl: test_hmm.stepSetFlags,
    migrate_vma_collect_pmd: migrate_device.stepCollect,
    migrate_device_unmap: migrate_device.stepMigrateUnmap,
    dmirror_migrate_alloc_and_copy: test_hmm.stepAllocToDev,
    dmirror_devmem_fault_alloc_and_copy: test_hmm.stepAllocToRam,
    migrate_vma_pages: migrate_device.stepMigratePages,
    migrate_vma_insert_page: migrate_device.stepInsertPage,
    dmirror_migrate_finalize_and_map: test_hmm.stepFinalizeAndMap,
    migrate_vma_finalize: migrate_device.stepFinalize,
    try_to_migrate_rmap_walk: migrate_device.stepMigrateRmap,
    try_to_migrate_one_other_mm: migrate_device.stepMigrateRmapUnmap,
    core_mm_background: vmscan.stepBackground,
    try_to_unmap_one: rmap.stepTryToUnmapOne,
    rmap_walk_anon: rmap.stepRmapWalkAnon,
    change_prot_numa_set: mprotect.stepNumaSet,
    write_protect_page: ksm.stepWriteProtectPage,
    background_folio_unlock: vmscan.stepBackgroundUnlock,
    replace_page: ksm.stepReplacePageStart,
    replace_page_set_pte: ksm.stepReplacePage,
    migrate_folio_unmap: migrate.stepMigrateFolioUnmap,
    try_to_migrate_one: migrate.stepTryToMigrateOne,
    migrate_folio_move: migrate.stepMigrateFolioMove,
    oom_reap_task_mm: oom_kill.stepOomReapLock,
    unmap_page_range: oom_kill.stepUnmapPageRange,
    oom_reap_task: oom_kill.stepOomReapFinish,
    page_vma_mkclean_one: rmap.stepPageVmaMkcleanOne,
    folio_clear_dirty_for_io: page_writeback.stepFolioClearDirtyForIo,
  };
}

/**
 * The upstream design's guards, by label: when the step can run (its `await`: a lock it waits for,
 * an entry it waits on, a budget left). A label not listed never waits. Each guard sits beside its
 * body in the body's file.
 */
export function upstreamGuards(): Partial<Record<UpstreamLabel, GuardFn>> {
  return {
    ret_from_fork: fork.guardRetFromFork,
    cpu_access: fault.guardCpuAccess,
    do_vmi_munmap: mmap.guardMunmapLock,
    do_mprotect_pkey: mprotect.guardMprotectLock,
    dup_mmap: fork.guardForkLock,
    gup_mmap_read_lock: gup.guardPinLock,
    sys_mremap: mremap.guardMremapLock,
    do_madvise: madvise.guardMadvLock,
    handle_mm_fault: memory.guardHandleMmFault,
    mn_itree_invalidate: mmu_notifier.guardInvCallback,
    hmm_range_fault: hmm.guardWalk,
    make_device_exclusive: rmap.guardExclFollow,
    core_mm_background: vmscan.guardBackground,
    dmirror_fault_ioctl: test_hmm.guardDevRw,
    mmu_interval_read_begin: test_hmm.guardReadBegin,
    range_fault_mmap_read_lock: test_hmm.guardDevMmap,
    range_fault_mutex_lock: test_hmm.guardDevLock,
    mmu_interval_notifier_remove: test_hmm.guardSnapRemove,
    dmirror_migrate: test_hmm.guardMigLock,
    dmirror_devmem_fault_alloc_and_copy: test_hmm.guardAllocToRam,
    dmirror_migrate_finalize_and_map: test_hmm.guardFinalizeAndMap,
    dmirror_migrate_readback: test_hmm.guardMigReadback,
    dmirror_exclusive: test_hmm.guardExclLock,
    dmirror_atomic_map: test_hmm.guardAtomicMap,
  };
}
