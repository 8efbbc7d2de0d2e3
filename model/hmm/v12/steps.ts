// Follows: HMM v12 posting (2016-03) — mm/hmm.c
/**
 * The v12 design as a patch over the upstream program: its own labels (v12:mm/hmm.c in labels.ts)
 * and the upstream labels whose bodies it replaces — the device thread's request entry points
 * (access through the HMM mirror, hmm_mirror_migrate; exclusive access did not exist) and
 * handle_mm_fault, which runs do_swap_page's HMM special-swap-entry branch first. Everything else
 * (the CPU-side mm, reclaim, NUMA, KSM, compaction) runs the upstream steps unchanged.
 */
import type { GuardFn, StepFn, StepImpl } from '../ctx.ts';
import type { UpstreamLabel, V12Label } from '../steps.ts';
import * as h from './hmm.ts';
import { V12_ENTRY_EMITS as E } from '../labels.ts';

export function v12Steps(up: Readonly<Record<UpstreamLabel, StepFn>>): Readonly<Partial<Record<UpstreamLabel | V12Label, StepImpl>>> {
  const upstreamFault = up.handle_mm_fault;
  return {
    // device thread requests
    dmirror_fault_ioctl: { body: h.stepDevAccess, emits: E.dmirror_fault_ioctl },
    dmirror_migrate: { body: h.stepMigrate, emits: E.dmirror_migrate },
    dmirror_exclusive: { body: h.stepUnsupported, emits: E.dmirror_exclusive },
    dmirror_check_atomic: { body: h.stepUnsupported, emits: E.dmirror_check_atomic },
    // do_swap_page on the HMM special swap entry, else the upstream fault path
    handle_mm_fault: {
      body: (c, s, t, emit) => (h.faultsOnHmmEntry(c, s, t) ? h.stepHandleCpuFault(c, s, t, emit) : upstreamFault(c, s, t, emit)),
      emits: E.handle_mm_fault,
      extendsEmits: true,
    },
    hmm_notifier_invalidate_range_start: h.stepInvStart,
    hmm_mirror_update: h.stepInvUpdate,
    hmm_notifier_invalidate_range_end: h.stepInvEnd,
    hmm_device_access: h.stepDevAccess,
    hmm_mirror_fault: h.stepFaultBegin,
    hmm_mirror_fault_pmd: h.stepFaultWalk,
    hmm_mm_fault_done: h.stepFaultHmfDone,
    hmm_mirror_handle_fault: h.stepFaultUpdate,
    mm_hmm_migrate: h.stepMigrateUnmap,
    copy_to_device: h.stepCopyToDevice,
    mm_hmm_migrate_cleanup: h.stepMigrateCommit,
    copy_from_device: h.stepCopyFromDevice,
    hmm_mirror_migrate_back: h.stepMigrateBackMirror,
    mm_hmm_migrate_back_cleanup: h.stepMigrateBackCpu,
  };
}

/** The v12 design's guards: its own labels' and those of the upstream labels it gives bodies. */
export function v12Guards(up: Readonly<Partial<Record<UpstreamLabel, GuardFn>>>): Readonly<Partial<Record<UpstreamLabel | V12Label, GuardFn>>> {
  const upstreamFault = up.handle_mm_fault!;
  const always = (): boolean => true;
  return {
    // the v12 bodies of upstream entry labels wait for nothing the upstream guards name
    dmirror_fault_ioctl: always,
    dmirror_migrate: h.guardMigrate,
    dmirror_exclusive: always,
    dmirror_check_atomic: always,
    handle_mm_fault: (c, s, t) => (h.faultsOnHmmEntry(c, s, t) ? h.guardHandleCpuFault(c, s, t) : upstreamFault(c, s, t)),
    hmm_mirror_update: h.guardInvUpdate,
    hmm_device_access: always,
    hmm_mirror_fault: h.guardFaultBegin,
    hmm_mirror_fault_pmd: h.guardFaultWalk,
  };
}
