/**
 * The upstream design's step bodies, by label (labels.ts declares the labels, their kernel
 * functions and what they emit). Built on demand, so the modules that define the steps are fully
 * loaded whatever imports this file first.
 */
import type { StepFn } from './program.ts';
import type { Label } from './labels.ts';
import * as mm from './mm.ts';
import * as drv from './driver.ts';
import * as mig from './migrate.ts';
import * as mp from './migrate-pages.ts';
import * as ksm from './ksm.ts';
import * as oom from './oom-reaper.ts';
import { stepInvStart, stepInvCallback, stepInvEnd } from './notifier-steps.ts';

/** every upstream label but `done` and the v12 design's own labels */
export type UpstreamLabel = Exclude<Label, 'done' | V12Label>;

/** the labels only the v12 design reaches (file 'v12:...') */
export type V12Label =
  | 'hmm_notifier_invalidate_range_start' | 'hmm_mirror_update' | 'hmm_notifier_invalidate_range_end'
  | 'hmm_device_access' | 'hmm_mirror_fault' | 'hmm_mirror_fault_pmd' | 'hmm_mm_fault_done'
  | 'hmm_mirror_handle_fault' | 'mm_hmm_migrate' | 'copy_to_device' | 'mm_hmm_migrate_cleanup'
  | 'copy_from_device' | 'hmm_mirror_migrate_back' | 'mm_hmm_migrate_back_cleanup';

export function upstreamSteps(): Record<UpstreamLabel, StepFn> {
  return {
    ret_from_fork: mm.stepRetFromFork,
    cpu_access: mm.stepCpuAccess,
    do_user_addr_fault_unlock: mm.stepCpuFaultDone,
    do_vmi_munmap: mm.stepMunmapLock,
    zap_pte_range: mm.stepZap,
    tlb_finish_mmu: mm.stepTlbFinish,
    do_mprotect_pkey: mm.stepMprotectLock,
    change_pte_range: mm.stepChangePte,
    mmap_write_unlock: mm.stepUnlockWrite,
    dup_mmap: mm.stepForkLock,
    copy_page_range: mm.stepCopyPageRange,
    gup_mmap_read_lock: mm.stepPinLock,
    follow_page_pte: mm.stepPinFollow,
    unpin_user_page: mm.stepUnpin,
    sys_mremap: mm.stepMremapLock,
    move_page_tables: mm.stepMovePageTables,
    do_madvise: mm.stepMadvLock,
    madvise_free_pte_range: mm.stepMadvFree,
    zap_page_range_single: mm.stepMadvDontneedZap,
    do_madvise_unlock: mm.stepMadvUnlock,
    handle_mm_fault: mm.stepHandleMmFault,
    wp_page_copy_set_pte: mm.stepWpCopySet,
    do_swap_page_migrated: mm.stepDspDone,
    restore_exclusive_pte: mm.stepExclRestore,
    remove_device_exclusive_entry_unlock: mm.stepExclDone,
    mn_itree_inv_start_range: stepInvStart,
    mn_itree_invalidate: stepInvCallback,
    mn_itree_inv_end: stepInvEnd,
    dmirror_fault_ioctl: drv.stepDevRw,
    mmu_interval_read_begin: drv.stepReadBegin,
    range_fault_mmap_read_lock: drv.stepDevMmap,
    hmm_range_fault: drv.stepWalk,
    hmm_vma_fault: drv.stepWalkFaulted,
    range_fault_mutex_lock: drv.stepDevLock,
    mmu_interval_read_retry: drv.stepReadRetry,
    mmu_interval_read_retry_unlocked: drv.stepReadRetryEarly,
    dmirror_do_fault: drv.stepProgram,
    dmirror_migrate: drv.stepMigLock,
    dmirror_migrate_readback: drv.stepMigReadback,
    dmirror_exclusive: drv.stepExclLock,
    make_device_exclusive: drv.stepExclFollow,
    make_device_exclusive_convert: drv.stepExclConvert,
    dmirror_atomic_map: drv.stepAtomicMap,
    dmirror_check_atomic: drv.stepCheckAtomic,
    dmirror_range_snapshot: drv.stepSnapInsert,
    mmu_interval_notifier_remove: drv.stepSnapRemove,
    migrate_device_range: drv.stepEvict,
    dmirror_device_evict_chunk: drv.stepEvictAlloc,
    dmirror_fops_unlocked_ioctl: drv.stepSetFlags,
    migrate_vma_collect_pmd: mig.stepCollect,
    migrate_device_unmap: mig.stepMigrateUnmap,
    dmirror_migrate_alloc_and_copy: drv.stepAllocToDev,
    dmirror_devmem_fault_alloc_and_copy: drv.stepAllocToRam,
    migrate_vma_pages: mig.stepMigratePages,
    migrate_vma_insert_page: mig.stepInsertPage,
    dmirror_migrate_finalize_and_map: drv.stepFinalizeAndMap,
    migrate_vma_finalize: mig.stepFinalize,
    try_to_migrate_rmap_walk: mig.stepMigrateRmap,
    try_to_migrate_one_other_mm: mig.stepMigrateRmapUnmap,
    core_mm_background: mm.stepBackground,
    try_to_unmap_one: mm.stepTryToUnmapOne,
    rmap_walk_anon: mm.stepRmapWalkAnon,
    change_prot_numa_set: mm.stepNumaSet,
    write_protect_page: ksm.stepWriteProtectPage,
    background_folio_unlock: mm.stepBackgroundUnlock,
    replace_page: ksm.stepReplacePageStart,
    replace_page_set_pte: ksm.stepReplacePage,
    migrate_folio_unmap: mp.stepMigrateFolioUnmap,
    try_to_migrate_one: mp.stepTryToMigrateOne,
    migrate_folio_move: mp.stepMigrateFolioMove,
    oom_reap_task_mm: oom.stepOomReapLock,
    unmap_page_range: oom.stepUnmapPageRange,
    oom_reap_task: oom.stepOomReapFinish,
  };
}
