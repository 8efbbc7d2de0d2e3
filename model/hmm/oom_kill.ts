/**
 * mm/oom_kill.c: the OOM reaper (__oom_reap_task_mm, oom_reap_task).
 */
import {
  EAGAIN, EV_NONBLOCK, EV_UNMAP, OK, PC, PG_VMA, R_FAULTS, R_PC, R_RC, VM_EXISTS, VM_HUGETLB, VM_SHARED, pgOff,
} from './layout.ts';
import { type Ctx, type Emit, act, actorBase, finishRequest, nextState } from './ctx.ts';
import { zapPtes } from './memory.ts';
import { mmapReadFree, mmapReadLock, mmapReadUnlock } from './mmap_lock.ts';
import { tlbFinishMmu } from './mmu_gather.ts';
import { beginInv, endInv } from './mmu_notifier.ts';

const attempts = (c: Ctx): number => c.cfg.budgets?.oomReap ?? 2;

/**
 * __oom_reap_task_mm reaps a VMA when it is anonymous or private and neither VM_HUGETLB nor
 * VM_PFNMAP: here, the first page with a VMA decides for the model's single mapping.
 */
function reapable(c: Ctx, s: Int32Array): boolean {
  for (let a = 0; a < c.L.pages; a++) {
    const vma = s[pgOff(c.L, 0, a) + PG_VMA]!;
    if ((vma & VM_EXISTS) === 0) continue;
    if ((vma & VM_HUGETLB) !== 0) return false;
    // vma_is_anonymous (!vm_ops) || !VM_SHARED: a MAP_SHARED|MAP_ANONYMOUS mapping has shmem's
    // vm_ops (shmem_zero_setup), so every VM_SHARED mapping of the model is skipped
    return (vma & VM_SHARED) === 0;
  }
  return false;
}

// oom_reap_task_mm: mmap_read_trylock (a writer → this attempt fails); then set_bit(MMF_UNSTABLE)
// and, for the mapping, mmu_notifier_invalidate_range_start_nonblock(UNMAP, whole VMA).
export function stepOomReapLock(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const n = nextState(c, s);
  if (!mmapReadFree(c, s, 0)) {
    retryOrGiveUp(c, n, t, EAGAIN);
    emit(act('mmap_read_trylock', t, 0, EAGAIN), n);
    return;
  }
  mmapReadLock(c, n, t, 0);
  n[L.gUnstable] = 1;
  n[b + R_RC] = OK;
  if (reapable(c, n)) beginInv(c, n, t, 0, EV_UNMAP | EV_NONBLOCK, 0, L.pages, 0, PC.unmap_page_range, PC.oom_reap_task);
  else n[b + R_PC] = PC.oom_reap_task;
  emit(act('mmap_read_trylock', t, 0, OK), n);
}

// unmap_page_range over the VMA: every PTE is zapped (present pages into the mmu_gather,
// device-private entries freed), the VMA itself stays; then mmu_notifier_invalidate_range_end.
export function stepUnmapPageRange(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const n = nextState(c, s);
  zapPtes(c, n, t, 0, 0, c.L.pages, false);
  endInv(c, n, t, 0);
  emit(act('unmap_page_range', t, 0), n);
}

// tlb_finish_mmu, mmap_read_unlock; oom_reap_task: after -EAGAIN sleep and try again while
// attempts remain, else give up (MMF_OOM_SKIP either way).
export function stepOomReapFinish(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const n = nextState(c, s);
  tlbFinishMmu(c, n, t, 0, 0, L.pages, false);
  mmapReadUnlock(c, n, t, 0);
  const rc = n[b + R_RC]!;
  if (rc === EAGAIN) retryOrGiveUp(c, n, t, EAGAIN);
  else finishRequest(c, n, t, OK);
  emit(act('oom_reap_task', t, 0, rc), n);
}

/** a failed attempt: counted in R_FAULTS (the request's `faults` result: attempts that backed off) */
function retryOrGiveUp(c: Ctx, n: Int32Array, t: number, rc: number): void {
  const b = actorBase(c, t);
  const tried = n[b + R_FAULTS]! + 1;
  n[b + R_FAULTS] = tried;
  if (tried < attempts(c)) {
    n[b + R_RC] = 0;
    n[b + R_PC] = PC.oom_reap_task_mm;
  } else finishRequest(c, n, t, rc); // "oom_reaper: unable to reap pid"
}
