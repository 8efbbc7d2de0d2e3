/**
 * successors(): for every actor in a fixed order, the step its program counter enables (a
 * blocked actor — waiting on a lock, a migration entry, a sleeping read_begin — emits nothing).
 */
import { PC, R_PC } from './layout.ts';
import type { Ctx, Emit } from './ctx.ts';
import * as mm from './mm.ts';
import * as drv from './driver.ts';
import * as mig from './migrate.ts';
import * as mp from './migrate-pages.ts';
import * as ksm from './ksm.ts';
import * as oom from './oom-reaper.ts';
import { stepInvStart, stepInvCallback, stepInvEnd } from './notifier-steps.ts';
import { stepV12 } from './v12/next.ts';

export function stepActor(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  if (c.L.v12Base >= 0 && stepV12(c, s, t, emit)) return; // design 'v12' (model/hmm/v12)
  const pc = s[c.L.actors[t]!.base + R_PC]!;
  switch (pc) {
    case PC.DONE:
      return;
    case PC.WAIT_FORK:
      return mm.stepRetFromFork(c, s, t, emit);
    case PC.C_ACCESS:
      return mm.stepCpuAccess(c, s, t, emit);
    case PC.C_FAULT_DONE:
      return mm.stepCpuFaultDone(c, s, t, emit);
    case PC.C_MUNMAP_LOCK:
      return mm.stepMunmapLock(c, s, t, emit);
    case PC.C_ZAP:
      return mm.stepZap(c, s, t, emit);
    case PC.C_TLB_FINISH:
      return mm.stepTlbFinish(c, s, t, emit);
    case PC.C_MPROT_LOCK:
      return mm.stepMprotectLock(c, s, t, emit);
    case PC.C_CHANGE_PTE:
      return mm.stepChangePte(c, s, t, emit);
    case PC.C_UNLOCK_W:
      return mm.stepUnlockWrite(c, s, t, emit);
    case PC.C_FORK_LOCK:
      return mm.stepForkLock(c, s, t, emit);
    case PC.C_COPY:
      return mm.stepCopyPageRange(c, s, t, emit);
    case PC.C_PIN_LOCK:
      return mm.stepPinLock(c, s, t, emit);
    case PC.C_PIN_FOLLOW:
      return mm.stepPinFollow(c, s, t, emit);
    case PC.C_UNPIN:
      return mm.stepUnpin(c, s, t, emit);
    case PC.C_MREMAP_LOCK:
      return mm.stepMremapLock(c, s, t, emit);
    case PC.C_MOVE:
      return mm.stepMovePageTables(c, s, t, emit);
    case PC.C_MADV_LOCK:
      return mm.stepMadvLock(c, s, t, emit);
    case PC.C_MADV_FREE:
      return mm.stepMadvFree(c, s, t, emit);
    case PC.C_MADV_ZAP:
      return mm.stepMadvDontneedZap(c, s, t, emit);
    case PC.C_MADV_UNLOCK:
      return mm.stepMadvUnlock(c, s, t, emit);
    case PC.H_FAULT:
      return mm.stepHandleMmFault(c, s, t, emit);
    case PC.H_WPCOPY_SET:
      return mm.stepWpCopySet(c, s, t, emit);
    case PC.H_DSP_DONE:
      return mm.stepDspDone(c, s, t, emit);
    case PC.H_EXCL_RESTORE:
      return mm.stepExclRestore(c, s, t, emit);
    case PC.H_EXCL_DONE:
      return mm.stepExclDone(c, s, t, emit);
    case PC.I_START:
      return stepInvStart(c, s, t, emit);
    case PC.I_CB:
      return stepInvCallback(c, s, t, emit);
    case PC.I_END:
      return stepInvEnd(c, s, t, emit);
    case PC.D_RW:
      return drv.stepDevRw(c, s, t, emit);
    case PC.D_BEGIN:
      return drv.stepReadBegin(c, s, t, emit);
    case PC.D_MMAP:
      return drv.stepDevMmap(c, s, t, emit);
    case PC.D_WALK:
      return drv.stepWalk(c, s, t, emit);
    case PC.D_WALK_FAULTED:
      return drv.stepWalkFaulted(c, s, t, emit);
    case PC.D_LOCK:
      return drv.stepDevLock(c, s, t, emit);
    case PC.D_RETRY:
      return drv.stepReadRetry(c, s, t, emit);
    case PC.D_RETRY_EARLY:
      return drv.stepReadRetryEarly(c, s, t, emit);
    case PC.D_PROGRAM:
      return drv.stepProgram(c, s, t, emit);
    case PC.D_MIG_LOCK:
      return drv.stepMigLock(c, s, t, emit);
    case PC.D_MIG_READBACK:
      return drv.stepMigReadback(c, s, t, emit);
    case PC.D_EXCL_LOCK:
      return drv.stepExclLock(c, s, t, emit);
    case PC.X_FOLLOW:
      return drv.stepExclFollow(c, s, t, emit);
    case PC.X_CONVERT:
      return drv.stepExclConvert(c, s, t, emit);
    case PC.X_MAP:
      return drv.stepAtomicMap(c, s, t, emit);
    case PC.D_CHECK_EXCL:
      return drv.stepCheckAtomic(c, s, t, emit);
    case PC.D_SNAP_INSERT:
      return drv.stepSnapInsert(c, s, t, emit);
    case PC.D_SNAP_REMOVE:
      return drv.stepSnapRemove(c, s, t, emit);
    case PC.D_EVICT:
      return drv.stepEvict(c, s, t, emit);
    case PC.M_EVICT_ALLOC:
      return drv.stepEvictAlloc(c, s, t, emit);
    case PC.D_FLAGS:
      return drv.stepSetFlags(c, s, t, emit);
    case PC.M_COLLECT:
      return mig.stepCollect(c, s, t, emit);
    case PC.M_UNMAP:
      return mig.stepMigrateUnmap(c, s, t, emit);
    case PC.M_ALLOC_TODEV:
      return drv.stepAllocToDev(c, s, t, emit);
    case PC.M_ALLOC_TORAM:
      return drv.stepAllocToRam(c, s, t, emit);
    case PC.M_PAGES:
      return mig.stepMigratePages(c, s, t, emit);
    case PC.M_INSERT:
      return mig.stepInsertPage(c, s, t, emit);
    case PC.M_FINALIZE_MAP:
      return drv.stepFinalizeAndMap(c, s, t, emit);
    case PC.M_FINALIZE:
      return mig.stepFinalize(c, s, t, emit);
    case PC.M_RMAP:
      return mig.stepMigrateRmap(c, s, t, emit);
    case PC.M_RMAP_UNMAP:
      return mig.stepMigrateRmapUnmap(c, s, t, emit);
    case PC.K_IDLE:
      return mm.stepBackground(c, s, t, emit);
    case PC.K_UNMAP:
      return mm.stepTryToUnmapOne(c, s, t, emit);
    case PC.K_RMAP:
      return mm.stepRmapWalkAnon(c, s, t, emit);
    case PC.K_NUMA_SET:
      return mm.stepNumaSet(c, s, t, emit);
    case PC.K_KSM_WP:
      return ksm.stepWriteProtectPage(c, s, t, emit);
    case PC.K_UNLOCK:
      return mm.stepBackgroundUnlock(c, s, t, emit);
    case PC.K_KSM_MERGE:
      return ksm.stepReplacePageStart(c, s, t, emit);
    case PC.K_KSM_REPLACE:
      return ksm.stepReplacePage(c, s, t, emit);
    case PC.P_UNMAP:
      return mp.stepMigrateFolioUnmap(c, s, t, emit);
    case PC.P_TTM:
      return mp.stepTryToMigrateOne(c, s, t, emit);
    case PC.P_MOVE:
      return mp.stepMigrateFolioMove(c, s, t, emit);
    case PC.O_LOCK:
      return oom.stepOomReapLock(c, s, t, emit);
    case PC.O_ZAP:
      return oom.stepUnmapPageRange(c, s, t, emit);
    case PC.O_FINISH:
      return oom.stepOomReapFinish(c, s, t, emit);
    default:
      throw new Error(`hmm model: actor ${t} has unknown pc ${pc}`);
  }
}

export function successors(c: Ctx, s: Int32Array, emit: Emit): void {
  const n = c.L.actors.length;
  for (let t = 0; t < n; t++) stepActor(c, s, t, emit);
}
