/**
 * The v12 half of the step dispatcher: next.ts hands every actor to stepV12 first when the
 * design is v12; it returns false for the steps the shared CPU-side mm runs unchanged.
 */
import { PC, R_PC } from '../layout.ts';
import type { Ctx, Emit } from '../ctx.ts';
import { V12_PC, V12_PC_BASE } from './pc.ts';
import * as h from './hmm.ts';

export function stepV12(c: Ctx, s: Int32Array, t: number, emit: Emit): boolean {
  const pc = s[c.L.actors[t]!.base + R_PC]!;
  if (pc < V12_PC_BASE) {
    switch (pc) {
      case PC.D_RW: // device thread request: access through the mirror
        h.stepDevAccess(c, s, t, emit);
        return true;
      case PC.D_MIG_LOCK:
        h.stepMigrate(c, s, t, emit);
        return true;
      case PC.D_EXCL_LOCK:
      case PC.D_CHECK_EXCL:
        h.stepUnsupported(c, s, t, emit);
        return true;
      case PC.H_FAULT: // do_swap_page on the HMM special swap entry
        if (!h.faultsOnHmmEntry(c, s, t)) return false;
        h.stepHandleCpuFault(c, s, t, emit);
        return true;
      default:
        return false;
    }
  }
  switch (pc) {
    case V12_PC.INV_START:
      h.stepInvStart(c, s, t, emit);
      break;
    case V12_PC.INV_UPDATE:
      h.stepInvUpdate(c, s, t, emit);
      break;
    case V12_PC.INV_END:
      h.stepInvEnd(c, s, t, emit);
      break;
    case V12_PC.DEV_ACCESS:
      h.stepDevAccess(c, s, t, emit);
      break;
    case V12_PC.FAULT_BEGIN:
      h.stepFaultBegin(c, s, t, emit);
      break;
    case V12_PC.FAULT_WALK:
      h.stepFaultWalk(c, s, t, emit);
      break;
    case V12_PC.FAULT_HMF_DONE:
      h.stepFaultHmfDone(c, s, t, emit);
      break;
    case V12_PC.FAULT_UPDATE:
      h.stepFaultUpdate(c, s, t, emit);
      break;
    case V12_PC.MIG_BEGIN:
      h.stepMigrateUnmap(c, s, t, emit);
      break;
    case V12_PC.MIG_COPY:
      h.stepCopyToDevice(c, s, t, emit);
      break;
    case V12_PC.MIG_COMMIT:
      h.stepMigrateCommit(c, s, t, emit);
      break;
    case V12_PC.BACK_COPY:
      h.stepCopyFromDevice(c, s, t, emit);
      break;
    case V12_PC.BACK_MIRROR:
      h.stepMigrateBackMirror(c, s, t, emit);
      break;
    case V12_PC.BACK_CPU:
      h.stepMigrateBackCpu(c, s, t, emit);
      break;
    default:
      throw new Error(`hmm v12 model: actor ${t} has unknown pc ${pc}`);
  }
  return true;
}
