// Follows: Linux v6.19 — mm/hmm.c
/**
 * mm/hmm.c: what one step of hmm_range_fault's page walk decides for one page
 * (hmm_vma_walk_test + hmm_vma_handle_pte + hmm_pte_need_fault), for a request with
 * default_flags = HMM_PFN_REQ_FAULT | (write ? HMM_PFN_REQ_WRITE : 0) as dmirror_fault() uses.
 */
import {
  EBUSY, EFAULT, EPERM, HMM_PFN_PMD, PC, PF_HUGE, PF_PROTNONE, PF_W, PG_FLAGS, PG_KIND, PG_VAL, PG_VMA, PTE_DEVEXCL,
  PTE_DEVPRIV, PTE_MIGRATION, PTE_NONE, PTE_PRESENT, PTE_SWAP, PTE_ZERO, R_A, R_CPAGES, R_I, R_N, R_PC, R_RETRIES,
  R_SEQOK, R_WRITE, VM_EXISTS, VM_READ, VM_WRITE, ZERO_FRAME, pfnOff, pgOff,
} from './layout.ts';
import { type Ctx, type Emit, type GuardFn, act, actorBase, deviceOfFrame, finishRequest, mmOf, nextState } from './ctx.ts';
import { beginHmf, takeHmfRc } from './handle_mm_fault.ts';
import { mmapReadUnlock } from './mmap_lock.ts';
import { ownerOf, isSnap } from './ctx.ts';

/** hmm_pfns[] word: frame << 2 | HMM_PFN_VALID(1) | HMM_PFN_WRITE(2); 0 = not valid */
export const HMM_PFN_VALID = 1;
export const HMM_PFN_WRITE = 2;

export const WALK_PFN = 0; //   output pfn, go on
export const WALK_FAULT = 1; // hmm_vma_fault → handle_mm_fault, then -EBUSY (re-walk)
export const WALK_WAIT = 2; //  migration entry: migration_entry_wait, then -EBUSY
export const WALK_ERR = 3; //   -EFAULT / -EPERM

/**
 * What hmmWalkPage found besides its kind: the pfn word (WALK_PFN), the errno (WALK_ERR), or 1
 * for a write fault (WALK_FAULT). Read right after the call: one shared record instead of an
 * object per page walked, since this runs on every hmm_range_fault step of the search.
 */
export const walkOut = { value: 0 };

/** hmm_pte_need_fault + hmm_vma_fault's VM_WRITE check: the walk kind, or -1 when no fault is needed. */
function needFault(cpuValid: boolean, cpuWrite: boolean, write: boolean, vma: number): number {
  if (cpuValid && (!write || cpuWrite)) return -1;
  // hmm_vma_fault: write fault on a VMA without VM_WRITE → -EPERM
  if (write && (vma & VM_WRITE) === 0) {
    walkOut.value = EPERM;
    return WALK_ERR;
  }
  walkOut.value = write ? 1 : 0;
  return WALK_FAULT;
}

function found(kind: number, value: number): number {
  walkOut.value = value;
  return kind;
}

/** One page of the walk: returns WALK_PFN / WALK_FAULT / WALK_WAIT / WALK_ERR, details in walkOut. */
export function hmmWalkPage(c: Ctx, s: Int32Array, m: number, a: number, write: boolean, dev: number): number {
  const L = c.L;
  const o = pgOff(L, m, a);
  const vma = s[o + PG_VMA]!;
  const buggy = c.core.hmmReportsProtnone;
  // hmm_vma_walk_hole (no VMA) / hmm_vma_walk_test (!VM_READ): fault requested → -EFAULT
  if ((vma & VM_EXISTS) === 0) return found(WALK_ERR, EFAULT);
  if ((vma & VM_READ) === 0 && !buggy) return found(WALK_ERR, EFAULT);
  const kind = s[o + PG_KIND]!;
  const f = s[o + PG_VAL]!;
  const fl = s[o + PG_FLAGS]!;
  switch (kind) {
    case PTE_NONE:
      return needFault(false, false, write, vma);
    case PTE_PRESENT: {
      // pte_protnone ⇒ cpu_flags = 0 (the broken variant reports it as valid, read-only)
      const protnone = (fl & PF_PROTNONE) !== 0;
      const w = (fl & PF_W) !== 0 && !protnone;
      const nf = needFault(!protnone || buggy, w, write, vma);
      if (nf >= 0) return nf;
      return found(WALK_PFN, (f << 2) | HMM_PFN_VALID | (w ? HMM_PFN_WRITE : 0) | order(fl));
    }
    case PTE_ZERO: {
      const nf = needFault(true, false, write, vma);
      if (nf >= 0) return nf;
      return found(WALK_PFN, (ZERO_FRAME << 2) | HMM_PFN_VALID | order(fl));
    }
    case PTE_DEVPRIV:
      // device-private page of range->dev_private_owner: report it, never fault
      if (deviceOfFrame(c, f) === dev) return found(WALK_PFN, (f << 2) | HMM_PFN_VALID | ((fl & PF_W) !== 0 ? HMM_PFN_WRITE : 0) | order(fl));
      return needFault(false, false, write, vma);
    case PTE_SWAP:
    case PTE_DEVEXCL:
      return needFault(false, false, write, vma);
    case PTE_MIGRATION:
      return found(WALK_WAIT, 0);
    default:
      return found(WALK_ERR, EFAULT);
  }
}

/** hmm_vma_handle_pmd / hmm_vma_walk_hugetlb_entry: the PMD order (HMM_PFN_ORDER) of a huge entry */
const order = (fl: number): number => ((fl & PF_HUGE) !== 0 ? HMM_PFN_PMD : 0);

/** hmm_pfns[] output HMM_PFN_ERROR (a word no frame encoding can take) */
export const HMM_PFN_ERROR = -1;

/**
 * One page of hmm_range_fault with default_flags = 0 (dmirror_range_snapshot: report, never
 * fault): HMM_PFN_ERROR for a hole or a !VM_READ VMA (hmm_vma_walk_test), 0 for anything not
 * valid (none, swap, migration entry, another owner's device-private page, device-exclusive,
 * protnone), else the pfn word with VALID, WRITE and the order.
 */
export function hmmSnapshotPage(c: Ctx, s: Int32Array, m: number, a: number, dev: number): number {
  const o = pgOff(c.L, m, a);
  const vma = s[o + PG_VMA]!;
  if ((vma & VM_EXISTS) === 0 || (vma & VM_READ) === 0) return HMM_PFN_ERROR;
  const f = s[o + PG_VAL]!;
  const fl = s[o + PG_FLAGS]!;
  switch (s[o + PG_KIND]!) {
    case PTE_PRESENT:
      if ((fl & PF_PROTNONE) !== 0) return 0;
      return (f << 2) | HMM_PFN_VALID | ((fl & PF_W) !== 0 ? HMM_PFN_WRITE : 0) | order(fl);
    case PTE_ZERO:
      return (ZERO_FRAME << 2) | HMM_PFN_VALID | order(fl);
    case PTE_DEVPRIV:
      if (deviceOfFrame(c, f) === dev) return (f << 2) | HMM_PFN_VALID | ((fl & PF_W) !== 0 ? HMM_PFN_WRITE : 0) | order(fl);
      return 0;
    default:
      return 0;
  }
}

function afterWalkPc(c: Ctx): number {
  if (!c.beh.checksRetry) return PC.range_fault_mutex_lock;
  return c.beh.retryUnderLock ? PC.range_fault_mutex_lock : PC.mmu_interval_read_retry_unlocked;
}

// hmm_range_fault: one page of the walk. At the start of each walk the outer loop checks
// mmu_interval_check_retry() (→ -EBUSY); needs-fault pages go to hmm_vma_fault/handle_mm_fault
// and then re-walk; migration entries wait and re-walk; -EFAULT/-EPERM end the request.
/** the walk waits on a migration entry (migration_entry_wait: no step until the migration entry is gone) */
export const guardWalk: GuardFn = (c, s, t) => {
  const b = actorBase(c, t);
  const a = s[b + R_I]!;
  if (a === s[b + R_A]! + s[b + R_CPAGES]! && s[b + R_SEQOK] === 0) return true; // -EBUSY
  if (isSnap(c, s, t)) return true;
  return hmmWalkPage(c, s, mmOf(c, t), a, s[b + R_WRITE] === 1, ownerOf(c, t)) !== WALK_WAIT;
};
export function stepWalk(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const d = ownerOf(c, t); // range->dev_private_owner = dmirror->mdevice
  const a = s[b + R_I]!;
  const start = s[b + R_A]! + s[b + R_CPAGES]!;
  const end = s[b + R_A]! + s[b + R_N]!;
  if (a === start && s[b + R_SEQOK] === 0) {
    const n = nextState(c, s);
    mmapReadUnlock(c, n, t, mmOf(c, t)); // -EBUSY: dmirror_range_fault unlocks and retries
    n[b + R_RETRIES]!++;
    clearPfns(c, n, t);
    n[b + R_I] = 0;
    n[b + R_PC] = PC.mmu_interval_read_begin;
    emit(act('hmm_range_fault', t, a, EBUSY), n);
    return;
  }
  if (isSnap(c, s, t)) {
    // dmirror_range_snapshot: default_flags = 0, nothing is faulted, every page is reported
    const n = nextState(c, s);
    n[pfnOff(L, t, a)] = hmmSnapshotPage(c, s, mmOf(c, t), a, d);
    if (a + 1 < end) n[b + R_I] = a + 1;
    else {
      mmapReadUnlock(c, n, t, mmOf(c, t));
      n[b + R_I] = 0;
      n[b + R_PC] = PC.range_fault_mutex_lock;
    }
    emit(act('hmm_range_fault', t, a, 0), n);
    return;
  }
  const w = s[b + R_WRITE] === 1;
  const kind = hmmWalkPage(c, s, mmOf(c, t), a, w, d);
  const value = walkOut.value;
  switch (kind) {
    case WALK_PFN: {
      const n = nextState(c, s);
      n[pfnOff(L, t, a)] = value;
      if (a + 1 < end) n[b + R_I] = a + 1;
      else {
        mmapReadUnlock(c, n, t, mmOf(c, t));
        n[b + R_I] = 0;
        n[b + R_PC] = afterWalkPc(c);
      }
      emit(act('hmm_range_fault', t, a, 0), n);
      return;
    }
    case WALK_FAULT: {
      const n = nextState(c, s);
      beginHmf(c, n, t, a, value === 1, PC.hmm_vma_fault);
      emit(act('hmm_range_fault', t, a, 1), n);
      return;
    }
    case WALK_WAIT:
      throw new Error(`hmm_range_fault: actor ${t} walked into a migration entry its guard waits on (a patched guard must not let the walk past it)`);
    default: {
      const n = nextState(c, s);
      mmapReadUnlock(c, n, t, mmOf(c, t));
      finishRequest(c, n, t, value);
      emit(act('hmm_range_fault', t, a, value), n);
    }
  }
}

export function clearPfns(c: Ctx, n: Int32Array, t: number): void {
  for (let a = 0; a < c.L.pages; a++) n[pfnOff(c.L, t, a)] = 0;
}

// hmm_vma_fault: handle_mm_fault returned; success → -EBUSY inside hmm_range_fault (re-walk),
// VM_FAULT_ERROR → -EFAULT.
export function stepWalkFaulted(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = actorBase(c, t);
  const n = nextState(c, s);
  const rc = takeHmfRc(n, b);
  if (rc === 0) {
    n[b + R_I] = s[b + R_A]! + s[b + R_CPAGES]!;
    n[b + R_PC] = PC.hmm_range_fault;
  } else {
    mmapReadUnlock(c, n, t, mmOf(c, t));
    finishRequest(c, n, t, EFAULT);
  }
  emit(act('hmm_vma_fault', t, s[b + R_I]!, rc === 0 ? 0 : EFAULT), n);
}
