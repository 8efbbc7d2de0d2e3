// Follows: HMM v12 posting (2016-03) — mm/hmm.c
/**
 * The HMM v12 design (March 2016 posting; hmm-reference section c) behind the shared CPU-side mm:
 *
 *  - struct hmm (one per mm): the list of CPU-side updates in progress (inv[t]) and the list of
 *    device faults in progress (fault[t]); an update that overlaps a registered device fault marks
 *    it "back off" and waits until it has unregistered; a device fault waits while an update of
 *    its range is in progress (mmu_notifier_range_wait_valid in hmm_device_fault_start).
 *  - struct hmm_mirror (one per mm × device): the HMM-owned mirror page table hmm_pt with, per
 *    page, frame | HMM_PTE_VALID | WRITE | DIRTY | DEV and the DMA mapping its dma_addr_t stands
 *    for. HMM fills it on device faults (hmm_mirror_fault) and updates it on every CPU-side update
 *    (hmm_mirror_update: new_pte = old_pte & pte_mask, dirty → set_page_dirty, dma_unmap_page),
 *    then calls the driver's device->update(mirror, event); the driver programs its hardware from
 *    hmm_pt only inside that callback, so hmm_pt is what the device hardware sees.
 *  - struct hmm_device: the driver callbacks (update, copy_to_device, copy_from_device).
 *  - Migration of private anonymous memory to device memory through a special swap entry
 *    (PTE_HMM): device memory has no struct page; the CPU fault handler finds it through hmm_pt.
 *
 * Every step is named after the v12 function it stands for (v12/README.md lists which names are
 * from the posting and which are reconstructed).
 */
import {
  PC, R_PC, R_A, R_N, R_I, R_RC, R_CPAGES, R_FAULTS, R_RETRIES, R_WRITE, R_I_EV, R_I_A, R_I_N, R_I_RET,
  R_I_AFTER, R_I_CB, R_H_A, R_H_W, R_H_RET, R_H_RC, R_H_T, R_M_A, R_M_N, R_M_DEV,
  pgOff, frOff, pfnOff, srcOff, dstOff, PG_VMA, PG_KIND, PG_VAL, PG_FLAGS, VM_EXISTS, VM_READ, VM_WRITE,
  VM_SHARED, VM_HUGETLB, VM_MIXEDMAP, PF_HUGE,
  PTE_PRESENT, PTE_ZERO, PTE_HMM, PF_W, PF_D, PF_PROTNONE, PF_HMM_LOCKED, ZERO_FRAME, F_REF, F_MAP, F_LOCK, F_LRU,
  F_DIRTY, F_PIN, F_VER, EV_UNMAP, EV_RELEASE, EV_CLEAR, EV_PROTECTION_VMA, EV_PROTECTION_PAGE, EV_MIGRATE,
  MPFN_MIGRATE, MPFN_WRITE, mpfnFrame, isDevFrame, OK, ENOENT, EBUSY, EFAULT, EINVAL, VM_FAULT_OOM,
  VM_FAULT_SIGBUS, VM_FAULT_SIGSEGV,
} from '../layout.ts';
import {
  type Ctx, type Emit, type GuardFn, act, finishRequest, recordData, frameVer, allocDevFrame, allocSysFrame, initFrame,
  putFrame, flushTlb, nextState } from '../ctx.ts';
import { V12_VARIANTS, type V12Behaviour } from './variants.ts';
import {
  HMM_PTE_VALID, HMM_PTE_WRITE, HMM_PTE_DIRTY, HMM_PTE_DEV, hmmPteFrame, FAULT_NONE, FAULT_REGISTERED,
  FAULT_BACKOFF, invOff, faultOff, mirrorOff, mdmaOff, ghostForkBackOff,
} from './words.ts';
import { storeTo } from '../fault.ts';
import { beginHmf, takeHmfRc } from '../handle_mm_fault.ts';
import { mmapReadFree, mmapReadLock, mmapReadUnlock } from '../mmap_lock.ts';
import { beginInv, clearInv, endInv } from '../mmu_notifier.ts';
import { setPte } from '../pgtable.ts';

// enum hmm_etype (the v12 events the device update callback receives)
export const HMM_NONE = 0;
export const HMM_FORK = 1;
export const HMM_MIGRATE = 2;
export const HMM_MUNMAP = 3;
export const HMM_DEVICE_RFAULT = 4;
export const HMM_DEVICE_WFAULT = 5;
export const HMM_WRITE_PROTECT = 6;
export const HMM_ISDIRTY = 7;
export const HMM_EVENT_NAMES = ['HMM_NONE', 'HMM_FORK', 'HMM_MIGRATE', 'HMM_MUNMAP', 'HMM_DEVICE_RFAULT',
  'HMM_DEVICE_WFAULT', 'HMM_WRITE_PROTECT', 'HMM_ISDIRTY'] as const;

export const v12Beh = (c: Ctx): V12Behaviour => V12_VARIANTS[c.cfg.v12 ?? 'v12'];
/** HMM DMA-maps for the driver when it asked for it at init (features.dma, as upstream's drivers) */
const dmaOn = (c: Ctx): boolean => c.cfg.features?.dma ?? false;
const base = (c: Ctx, t: number): number => c.L.actors[t]!.base;
const devOf = (c: Ctx, t: number): number => c.L.actors[t]!.device;
const overlap = (a0: number, n0: number, a1: number, n1: number): boolean => a0 < a1 + n1 && a1 < a0 + n0;

/** mmu_notifier_range_wait_valid: is a CPU-side update of a range overlapping [a, a+n) registered in struct hmm? */
export function updateInProgress(c: Ctx, s: Int32Array, a: number, n: number): boolean {
  const L = c.L;
  for (let t = 0; t < L.actors.length; t++) {
    if (s[invOff(L, t)] !== 1) continue;
    const b = base(c, t);
    if (overlap(a, n, s[b + R_I_A]!, s[b + R_I_N]!)) return true;
  }
  return false;
}

/** a registered device fault overlapping [a, a+n) (the update must wait for it to back off) */
function faultInProgress(c: Ctx, s: Int32Array, a: number, n: number): boolean {
  const L = c.L;
  for (let t = 0; t < L.actors.length; t++) {
    if (s[faultOff(L, t)] === FAULT_NONE) continue;
    const b = base(c, t);
    if (overlap(a, n, s[b + R_A]!, s[b + R_N]!)) return true;
  }
  return false;
}

/** Inv(d, a) for v12: an update covering a is registered and mirror d has not been updated yet. */
export function v12InvPending(c: Ctx, s: Int32Array, d: number, a: number): boolean {
  const L = c.L;
  for (let t = 0; t < L.actors.length; t++) {
    if (s[invOff(L, t)] !== 1) continue;
    const b = base(c, t);
    if (s[b + R_PC] !== PC.hmm_mirror_update || s[b + R_I_CB]! > d) continue;
    if (a >= s[b + R_I_A]! && a < s[b + R_I_A]! + s[b + R_I_N]!) return true;
  }
  return false;
}

// ---- CPU-side updates: the mmu_notifier callbacks of struct hmm ------------------------------

// hmm_notifier_invalidate_range_start: translate the mmu_notifier event, add the range to the
// tracked ranges (mmu_notifier range tracking: device faults on it now wait) and, as
// hmm_wait_device_fault does, set backoff on every overlapping registered device fault.
export function stepInvStart(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = base(c, t);
  const n = nextState(c, s);
  const a0 = s[b + R_I_A]!;
  const cnt = s[b + R_I_N]!;
  n[invOff(L, t)] = 1;
  for (let u = 0; u < L.actors.length; u++) {
    if (n[faultOff(L, u)] !== FAULT_REGISTERED) continue;
    const ub = base(c, u);
    if (overlap(a0, cnt, s[ub + R_A]!, s[ub + R_N]!)) n[faultOff(L, u)] = FAULT_BACKOFF;
  }
  n[b + R_PC] = PC.hmm_mirror_update;
  n[b + R_I_CB] = 0;
  emit(act('hmm_notifier_invalidate_range_start', t, a0, hmmEvent(c, s, t)), n);
}

/** the v12 event for the mmu_notifier event being delivered by actor t */
export function hmmEvent(c: Ctx, s: Int32Array, t: number): number {
  const b = base(c, t);
  switch (s[b + R_I_EV]) {
    case EV_UNMAP:
    case EV_RELEASE:
      return HMM_MUNMAP;
    case EV_PROTECTION_PAGE:
      return HMM_FORK; // copy_page_range write-protects the parent for COW
    case EV_PROTECTION_VMA:
      return HMM_WRITE_PROTECT; // refined per page by the new protection (see mirrorUpdate)
    default:
      return HMM_MIGRATE; // CLEAR (COW, reclaim, KSM), MIGRATE, EXCLUSIVE: the page goes away
  }
}

// hmm_mirror_update (one mirror per step): wait until no overlapping device fault is registered,
// then update hmm_pt by the event (clear / write-protect), transfer dirty, dma_unmap what is
// cleared, and call device->update(mirror, event) — the driver flushes its hardware PT.
/** waits for the device faults on the range to back off */
export const guardInvUpdate: GuardFn = (c, s, t) => !faultInProgress(c, s, s[base(c, t) + R_I_A]!, s[base(c, t) + R_I_N]!);
export function stepInvUpdate(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = base(c, t);
  const a0 = s[b + R_I_A]!;
  const cnt = s[b + R_I_N]!;
  const d = s[b + R_I_CB]!;
  const n = nextState(c, s);
  const ev = hmmEvent(c, s, t);
  mirrorUpdate(c, n, t, d, ev, a0, cnt);
  if (d + 1 >= L.devices) {
    n[b + R_PC] = n[b + R_I_RET]!;
    n[b + R_I_CB] = 0;
  } else n[b + R_I_CB] = d + 1;
  emit(act('hmm_mirror_update', t, a0, ev), n);
}

function mirrorUpdate(c: Ctx, n: Int32Array, t: number, d: number, ev: number, a0: number, cnt: number): void {
  const L = c.L;
  const beh = v12Beh(c);
  const numa = L.actors[t]!.kind === 'kswapd' && ev === HMM_WRITE_PROTECT; // change_prot_numa
  for (let a = a0; a < a0 + cnt; a++) {
    const mo = mirrorOff(L, d, a);
    const e = n[mo]!;
    if (e === 0) continue;
    const f = hmmPteFrame(e);
    const vma = n[pgOff(L, 0, a) + PG_VMA]!;
    if ((e & HMM_PTE_DEV) !== 0) {
      // device memory: only the end of the mapping or fork concerns it (it is the only copy)
      if (ev === HMM_MUNMAP) {
        putFrame(c, n, f); // the device frees its memory
        n[mo] = 0;
      } else if (ev === HMM_FORK) forkMigrateBack(c, n, d, a, f);
      else if (ev === HMM_WRITE_PROTECT && (vma & VM_WRITE) === 0) n[mo] = e & ~HMM_PTE_WRITE;
      continue;
    }
    let clear = ev === HMM_MUNMAP || ev === HMM_MIGRATE;
    let wp = ev === HMM_FORK;
    if (ev === HMM_WRITE_PROTECT) {
      if (numa || (vma & VM_READ) === 0) {
        // PROT_NONE / NUMA hinting: the page is not accessible any more (v11 "Fix PROT_NONE case")
        if (beh.protNoneClears) clear = true;
        else wp = true;
      } else if ((vma & VM_WRITE) === 0) wp = true;
    }
    if (clear) {
      if ((e & HMM_PTE_DIRTY) !== 0 && beh.transferDirty) setDirty(c, n, f); // set_page_dirty
      if (beh.pinPages) unpin(c, n, f);
      if (ev !== HMM_MUNMAP || beh.dmaUnmapOnMunmap) n[mdmaOff(L, d, a)] = 0; // dma_unmap_page
      n[mo] = 0;
    } else if (wp) {
      if ((e & HMM_PTE_DIRTY) !== 0 && beh.transferDirty) setDirty(c, n, f);
      n[mo] = e & ~(HMM_PTE_WRITE | (beh.transferDirty ? HMM_PTE_DIRTY : 0));
    }
  }
}

function unpin(c: Ctx, n: Int32Array, f: number): void {
  if (f === ZERO_FRAME || f === 0 || n[frOff(c.L, f) + F_PIN]! <= 0) return;
  n[frOff(c.L, f) + F_PIN]!--;
  putFrame(c, n, f);
}

function setDirty(c: Ctx, n: Int32Array, f: number): void {
  if (f !== ZERO_FRAME && f !== 0 && n[frOff(c.L, f) + F_REF]! > 0) n[frOff(c.L, f) + F_DIRTY] = 1;
}

// HMM_FORK on device memory: private anonymous memory cannot stay in one device once it is
// COW-shared, so HMM brings it back (copy_from_device into a new page; reconstructed, README).
function forkMigrateBack(c: Ctx, n: Int32Array, d: number, a: number, df: number): void {
  const L = c.L;
  const o = pgOff(L, 0, a);
  const nf = allocSysFrame(c, n);
  if (nf === 0 || n[o + PG_KIND] !== PTE_HMM) return; // no memory: the fork copies no entry (-ENOMEM)
  initFrame(c, n, nf, n[frOff(L, df) + F_VER]!, true);
  n[frOff(L, nf) + F_MAP] = 1;
  n[frOff(L, nf) + F_DIRTY] = 1;
  setPte(c, n, 0, a, PTE_PRESENT, nf, (n[o + PG_FLAGS]! & PF_W) | PF_D);
  putFrame(c, n, df);
  n[mirrorOff(L, d, a)] = 0;
  n[mdmaOff(L, d, a)] = 0;
  n[ghostForkBackOff(L)] = 1;
}

// hmm_notifier_invalidate_range_end: remove the range from hmm->ranges, wake the waiting faults.
export function stepInvEnd(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = base(c, t);
  const n = nextState(c, s);
  n[invOff(c.L, t)] = 0;
  n[b + R_PC] = n[b + R_I_AFTER]!;
  const ev = hmmEvent(c, s, t);
  clearInv(n, b);
  emit(act('hmm_notifier_invalidate_range_end', t, s[b + R_I_A]!, ev), n);
}

// ---- the device: access through hmm_pt, hmm_mirror_fault -----------------------------------

// The device reads/writes through the hardware page table the driver programmed from hmm_pt in
// device->update; a missing or read-only entry raises a device fault → hmm_mirror_fault.
export function stepDevAccess(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = base(c, t);
  const d = devOf(c, t);
  const w = s[b + R_WRITE] === 1;
  const n = nextState(c, s);
  const end = s[b + R_A]! + s[b + R_N]!;
  let a = s[b + R_A]! + s[b + R_CPAGES]!;
  for (; a < end; a++) {
    const e = n[mirrorOff(L, d, a)]!;
    if ((e & HMM_PTE_VALID) === 0 || (w && (e & HMM_PTE_WRITE) === 0)) break;
    const f = hmmPteFrame(e);
    if (w) {
      storeTo(c, n, 0, a, f);
      if ((e & HMM_PTE_DEV) === 0) n[mirrorOff(L, d, a)] = e | HMM_PTE_DIRTY; // hardware dirty bit
    } else recordData(c, n, t, a, frameVer(c, n, f));
    n[b + R_CPAGES]!++;
  }
  const kind = w ? 'device_write' : 'device_read';
  if (a >= end) {
    finishRequest(c, n, t, OK);
    emit(act(kind, t, s[b + R_A]!, OK), n);
    return;
  }
  n[b + R_RETRIES] = 0;
  n[b + R_PC] = PC.hmm_mirror_fault;
  emit(act(kind, t, a, ENOENT), n);
}

// hmm_mirror_fault(mirror, event{start, end, HMM_DEVICE_RFAULT/WFAULT}): give up after the retry
// budget (-EBUSY); down_read(mmap_sem); hmm_device_fault_start: mmu_notifier_range_wait_valid
// (sleep while a CPU-side update of the range is in progress), then add the event to
// hmm->device_faults.
/** gives up after the retry budget at once; otherwise sleeps while a CPU-side update of the range is in progress, then waits for mmap_read_lock */
export const guardFaultBegin: GuardFn = (c, s, t) => {
  const b = base(c, t);
  return s[b + R_RETRIES]! > c.retries || (!updateInProgress(c, s, s[b + R_A]!, s[b + R_N]!) && mmapReadFree(c, s, 0));
};
export function stepFaultBegin(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = base(c, t);
  const a0 = s[b + R_A]!;
  if (s[b + R_RETRIES]! > c.retries) {
    const n = nextState(c, s);
    finishRequest(c, n, t, EBUSY);
    emit(act('hmm_mirror_fault', t, a0, EBUSY), n);
    return;
  }
  const n = nextState(c, s);
  mmapReadLock(c, n, t, 0);
  if (v12Beh(c).registerFaultRange) n[faultOff(L, t)] = FAULT_REGISTERED;
  n[b + R_I] = a0 + s[b + R_CPAGES]!;
  n[b + R_PC] = PC.hmm_mirror_fault_pmd;
  emit(act('hmm_mirror_fault', t, n[b + R_I]!), n);
}

function endFault(c: Ctx, n: Int32Array, t: number): void {
  n[faultOff(c.L, t)] = FAULT_NONE; // hmm_device_fault_end: wake the waiting updates
  mmapReadUnlock(c, n, t, 0);
  for (let a = 0; a < c.L.pages; a++) n[pfnOff(c.L, t, a)] = 0;
  n[base(c, t) + R_I] = 0;
}

function backOff(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = base(c, t);
  const n = nextState(c, s);
  endFault(c, n, t);
  n[b + R_RETRIES]!++;
  n[b + R_PC] = PC.hmm_mirror_fault;
  emit(act('hmm_device_fault_end', t, s[b + R_I]!, EAGAIN), n);
}
const EAGAIN = -11;
/** hmm_mirror_fault: "-EACCES if trying to write to read only address" */
export const EACCES = -13;

// hmm_mirror_fault_pmd: one page of the CPU page-table walk (hmm_pt_iter over the range). A
// fault told to back off unregisters and starts over; no VMA / no VM_READ (PROT_NONE) → -EFAULT;
// write to a read-only VMA → -EACCES; a page the CPU does not map as needed → handle_mm_fault.
/** an HMM entry locked by a migration waits (is_hmm_entry_locked); every other page is handled at once */
export const guardFaultWalk: GuardFn = (c, s, t) => {
  const L = c.L;
  if (s[faultOff(L, t)] === FAULT_BACKOFF) return true;
  const o = pgOff(L, 0, s[base(c, t) + R_I]!);
  const vma = s[o + PG_VMA]!;
  const refused = (vma & VM_EXISTS) === 0 || (vma & VM_READ) === 0 || (vma & VM_MIXEDMAP) !== 0 ||
    (s[base(c, t) + R_WRITE] === 1 && (vma & VM_WRITE) === 0);
  return refused || s[o + PG_KIND] !== PTE_HMM || (s[o + PG_FLAGS]! & PF_HMM_LOCKED) === 0;
};
export function stepFaultWalk(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = base(c, t);
  const d = devOf(c, t);
  if (s[faultOff(L, t)] === FAULT_BACKOFF) return backOff(c, s, t, emit);
  const a = s[b + R_I]!;
  const w = s[b + R_WRITE] === 1;
  const o = pgOff(L, 0, a);
  const vma = s[o + PG_VMA]!;
  const kind = s[o + PG_KIND]!;
  const f = s[o + PG_VAL]!;
  const fl = s[o + PG_FLAGS]!;
  const fail = (rc: number): void => {
    const n = nextState(c, s);
    endFault(c, n, t);
    finishRequest(c, n, t, rc);
    emit(act('hmm_mirror_fault_pmd', t, a, rc), n);
  };
  if ((vma & VM_EXISTS) === 0 || (vma & VM_READ) === 0) return fail(EFAULT);
  // hmm_mirror_fault: VM_IO | VM_PFNMAP | VM_MIXEDMAP → -EFAULT (hugetlbfs accepted since v11:
  // its huge page is mirrored as 4 KiB hmm_pt entries, like a split THP)
  if ((vma & VM_MIXEDMAP) !== 0) return fail(EFAULT);
  if (w && (vma & VM_WRITE) === 0) return fail(EACCES); // hmm_mirror_handle_fault: -EACCES
  let pfn = -1; // -1: needs a CPU fault; 0: keep the mirror entry; else frame << 2 | VALID | WRITE
  if (kind === PTE_PRESENT && (fl & PF_PROTNONE) === 0 && (!w || (fl & PF_W) !== 0)) {
    pfn = (f << 2) | 1 | ((fl & PF_W) !== 0 ? 2 : 0);
  } else if (kind === PTE_ZERO && !w) pfn = (ZERO_FRAME << 2) | 1;
  else if (kind === PTE_HMM) {
    const e = s[mirrorOff(L, d, a)]!;
    if ((e & HMM_PTE_DEV) !== 0 && (!w || (e & HMM_PTE_WRITE) !== 0)) pfn = 0; // own device memory
  }
  const n = nextState(c, s);
  if (pfn < 0) {
    // -ENOENT → hmm_device_fault_end, then hmm_mm_fault (handle_mm_fault), then -EAGAIN: retry
    if (v12Beh(c).backOffAroundHandleMmFault) n[faultOff(L, t)] = FAULT_NONE;
    beginHmf(c, n, t, a, w, PC.hmm_mm_fault_done);
    emit(act('hmm_mm_fault', t, a, w ? 1 : 0), n);
    return;
  }
  n[pfnOff(L, t, a)] = pfn;
  if (a + 1 < s[b + R_A]! + s[b + R_N]!) n[b + R_I] = a + 1;
  else n[b + R_PC] = PC.hmm_mirror_handle_fault;
  emit(act('hmm_mirror_fault_pmd', t, a, 0), n);
}

// hmm_mm_fault returned: error → -EFAULT; otherwise -EAGAIN: up_read(mmap_sem), fault again.
export function stepFaultHmfDone(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = base(c, t);
  const n = nextState(c, s);
  const rc = takeHmfRc(n, b);
  const a = s[b + R_I]!;
  endFault(c, n, t);
  if (rc !== 0) finishRequest(c, n, t, EFAULT);
  else n[b + R_PC] = PC.hmm_mirror_fault;
  emit(act('hmm_mirror_fault_retry', t, a, rc === 0 ? 0 : EFAULT), n);
}

// hmm_mirror_handle_fault, after the walk (hmm_pt directory locks held: atomic w.r.t. updates):
// still not told to back off → hmm_pt_iter fills the entries, each page is DMA-mapped,
// device->ops->update(mirror, HMM_DEVICE_RFAULT/WFAULT) programs the hardware,
// hmm_device_fault_end, up_read(mmap_sem).
export function stepFaultUpdate(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = base(c, t);
  const d = devOf(c, t);
  if (s[faultOff(L, t)] === FAULT_BACKOFF) return backOff(c, s, t, emit);
  const n = nextState(c, s);
  const start = s[b + R_A]! + s[b + R_CPAGES]!;
  const end = s[b + R_A]! + s[b + R_N]!;
  for (let a = start; a < end; a++) {
    const p = s[pfnOff(L, t, a)]!;
    if (p === 0) continue;
    const f = p >> 2;
    const old = n[mirrorOff(L, d, a)]!;
    const keepDirty = (old & HMM_PTE_DIRTY) !== 0 && hmmPteFrame(old) === f ? HMM_PTE_DIRTY : 0;
    if (v12Beh(c).pinPages && f !== ZERO_FRAME && hmmPteFrame(old) !== f) {
      n[frOff(L, f) + F_PIN]!++; // get_user_pages-style pin (broken variant)
      n[frOff(L, f) + F_REF]!++;
    }
    n[mirrorOff(L, d, a)] = (f << 4) | HMM_PTE_VALID | ((p & 2) !== 0 ? HMM_PTE_WRITE : 0) | keepDirty;
    if (dmaOn(c)) n[mdmaOff(L, d, a)] = f; // hmm_mirror_dma_map → dma_map_page
  }
  endFault(c, n, t);
  n[b + R_FAULTS]!++;
  n[b + R_RETRIES] = 0;
  n[b + R_PC] = PC.hmm_device_access;
  const w = s[b + R_WRITE] === 1;
  emit(act('hmm_mirror_handle_fault', t, start, w ? HMM_DEVICE_WFAULT : HMM_DEVICE_RFAULT), n);
}

// ---- migration of private anonymous memory to device memory ---------------------------------

// hmm_mirror_migrate (driver request): mmap_read_lock; the range must be readable private
// anonymous memory (-EINVAL otherwise); then an HMM_MIGRATE update of every mirror around
// mm_hmm_migrate (the CPU PTE change).
/** v12 migrates readable ranges to the device only (back only on CPU fault / fork / munmap) */
function migrateRefused(c: Ctx, s: Int32Array, t: number): boolean {
  const b = base(c, t);
  const a0 = s[b + R_A]!;
  if (c.reqs[t]![s[b + 1]!]!.op !== 'migrateToDev' || !c.migration) return true;
  for (let a = a0; a < a0 + s[b + R_N]!; a++) {
    const vma = s[pgOff(c.L, 0, a) + PG_VMA]!;
    if ((vma & VM_EXISTS) === 0 || (vma & VM_READ) === 0) return true;
  }
  return false;
}

/** a refused request fails at once; otherwise waits for mmap_read_lock */
export const guardMigrate: GuardFn = (c, s, t) => migrateRefused(c, s, t) || mmapReadFree(c, s, 0);
export function stepMigrate(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = base(c, t);
  const d = devOf(c, t);
  const a0 = s[b + R_A]!;
  const cnt = s[b + R_N]!;
  if (migrateRefused(c, s, t)) {
    const n = nextState(c, s);
    finishRequest(c, n, t, EINVAL); // v12 migrates back only on CPU fault / fork / munmap
    emit(act('hmm_mirror_migrate', t, a0, EINVAL), n);
    return;
  }
  const n = nextState(c, s);
  mmapReadLock(c, n, t, 0);
  n[b + R_M_A] = a0;
  n[b + R_M_N] = cnt;
  n[b + R_M_DEV] = d;
  beginInv(c, n, t, 0, EV_MIGRATE, a0, cnt, d + 1, PC.mm_hmm_migrate, PC.copy_to_device);
  emit(act('hmm_mirror_migrate', t, a0, 0), n);
}

// mm_hmm_migrate (inside the update): every present private anonymous 4 KiB page (not shared,
// not hugetlbfs, not part of a huge entry: v12 "check all are normal pages") with no extra
// reference (refcount == mapcount == 1, unlocked, unpinned) gets a *locked* special swap entry
// (make_hmm_entry_locked); TLB flushed; dirty moves to the page; the mapping's reference is kept.
export function stepMigrateUnmap(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = base(c, t);
  const a0 = s[b + R_M_A]!;
  const n = nextState(c, s);
  for (let i = 0; i < s[b + R_M_N]!; i++) {
    const a = a0 + i;
    const o = pgOff(L, 0, a);
    const f = n[o + PG_VAL]!;
    const fl = n[o + PG_FLAGS]!;
    let src = 0;
    const vma = n[o + PG_VMA]!;
    const anonPrivate = (vma & (VM_SHARED | VM_HUGETLB | VM_MIXEDMAP)) === 0 && (fl & PF_HUGE) === 0;
    if (anonPrivate && n[o + PG_KIND] === PTE_PRESENT && (fl & PF_PROTNONE) === 0 && !isDevFrame(L, f)) {
      const fo = frOff(L, f);
      if (n[fo + F_MAP] === 1 && n[fo + F_REF] === 1 && n[fo + F_LOCK] === 0 && n[fo + F_PIN] === 0) {
        flushTlb(c, n, 0, a);
        if ((fl & PF_D) !== 0) n[fo + F_DIRTY] = 1;
        setPte(c, n, 0, a, PTE_HMM, 0, (fl & PF_W) | PF_HMM_LOCKED);
        n[fo + F_MAP] = 0; // unmapped; the reference now belongs to the migration
        n[fo + F_LRU] = 0;
        src = (f << 4) | MPFN_MIGRATE | ((fl & PF_W) !== 0 ? MPFN_WRITE : 0);
      }
    }
    n[srcOff(L, t, i)] = src;
  }
  endInv(c, n, t, 0);
  emit(act('mm_hmm_migrate', t, a0), n);
}

// hmm_device->copy_to_device: allocate device memory (no struct page) and copy each page.
export function stepCopyToDevice(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = base(c, t);
  const d = s[b + R_M_DEV]!;
  const n = nextState(c, s);
  for (let i = 0; i < s[b + R_M_N]!; i++) {
    const src = n[srcOff(L, t, i)]!;
    if ((src & MPFN_MIGRATE) === 0) continue;
    const df = allocDevFrame(c, n, d);
    if (df === 0) continue;
    initFrame(c, n, df, frameVer(c, n, mpfnFrame(src)), false);
    n[dstOff(L, t, i)] = (df << 4) | (src & MPFN_WRITE);
  }
  n[b + R_PC] = PC.mm_hmm_migrate_cleanup;
  emit(act('copy_to_device', t, s[b + R_M_A]!), n);
}

// mm_hmm_migrate_cleanup: hmm_pt entries → device memory (HMM_PTE_DEV), special entries
// unlocked, system pages freed; pages without device memory get their PTE back. up_read(mmap_sem).
export function stepMigrateCommit(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = base(c, t);
  const d = s[b + R_M_DEV]!;
  const a0 = s[b + R_M_A]!;
  const n = nextState(c, s);
  let cpages = 0;
  for (let i = 0; i < s[b + R_M_N]!; i++) {
    const src = n[srcOff(L, t, i)]!;
    if ((src & MPFN_MIGRATE) === 0) continue;
    const a = a0 + i;
    const o = pgOff(L, 0, a);
    const f = mpfnFrame(src);
    const dst = n[dstOff(L, t, i)]!;
    const w = (src & MPFN_WRITE) !== 0;
    if (dst !== 0) {
      n[mirrorOff(L, d, a)] = (mpfnFrame(dst) << 4) | HMM_PTE_VALID | HMM_PTE_DEV | (w ? HMM_PTE_WRITE : 0);
      n[mdmaOff(L, d, a)] = 0;
      setPte(c, n, 0, a, PTE_HMM, 0, w ? PF_W : 0);
      putFrame(c, n, f); // free the system page
      cpages++;
    } else {
      setPte(c, n, 0, a, PTE_PRESENT, f, (w ? PF_W : 0) | PF_D);
      n[frOff(L, f) + F_MAP] = 1;
      n[frOff(L, f) + F_LRU] = 1;
    }
  }
  mmapReadUnlock(c, n, t, 0);
  n[b + R_CPAGES] = cpages;
  finishRequest(c, n, t, cpages === s[b + R_M_N]! ? OK : EBUSY);
  emit(act('mm_hmm_migrate_cleanup', t, a0, cpages), n);
}

// ---- CPU fault on the special swap entry: migrate back --------------------------------------

/** is actor t in handle_mm_fault on an HMM special entry? (next.ts routes it here) */
export function faultsOnHmmEntry(c: Ctx, s: Int32Array, t: number): boolean {
  const b = base(c, t);
  return s[pgOff(c.L, c.L.actors[t]!.mm, s[b + R_H_A]!) + PG_KIND] === PTE_HMM;
}

function hmfReturn(n: Int32Array, b: number, rc: number): void {
  n[b + R_PC] = n[b + R_H_RET]!;
  n[b + R_H_RC] = rc;
  n[b + R_H_T] = 0;
}

/** the mirror whose hmm_pt holds the device memory backing address a */
function ownerMirror(c: Ctx, s: Int32Array, a: number): number {
  for (let d = 0; d < c.L.devices; d++) if ((s[mirrorOff(c.L, d, a)]! & HMM_PTE_DEV) !== 0) return d;
  return -1;
}

// do_swap_page → is_hmm_entry → hmm_handle_cpu_fault → hmm_migrate_back → mm_hmm_migrate_back:
// a locked entry waits; otherwise grab the entry exclusively (make_hmm_entry_locked), allocate a
// system page, and write-protect the device's entry (device->update) so the device stops writing.
/** a locked HMM entry waits; a fault the VMA refuses returns SIGSEGV at once */
export const guardHandleCpuFault: GuardFn = (c, s, t) => {
  const b = base(c, t);
  const o = pgOff(c.L, c.L.actors[t]!.mm, s[b + R_H_A]!);
  const vma = s[o + PG_VMA]!;
  const w = s[b + R_H_W] === 1;
  return (vma & VM_EXISTS) === 0 || (vma & VM_READ) === 0 || (w && (vma & VM_WRITE) === 0) || (s[o + PG_FLAGS]! & PF_HMM_LOCKED) === 0;
};
export function stepHandleCpuFault(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = base(c, t);
  const m = L.actors[t]!.mm;
  const a = s[b + R_H_A]!;
  const w = s[b + R_H_W] === 1;
  const o = pgOff(L, m, a);
  const vma = s[o + PG_VMA]!;
  if ((vma & VM_EXISTS) === 0 || (vma & VM_READ) === 0 || (w && (vma & VM_WRITE) === 0)) {
    const n = nextState(c, s);
    hmfReturn(n, b, VM_FAULT_SIGSEGV);
    emit(act('hmm_handle_cpu_fault', t, a, VM_FAULT_SIGSEGV), n);
    return;
  }
  const d = m === 0 ? ownerMirror(c, s, a) : -1;
  const n = nextState(c, s);
  if (d < 0) {
    hmfReturn(n, b, VM_FAULT_SIGBUS);
    emit(act('hmm_handle_cpu_fault', t, a, VM_FAULT_SIGBUS), n);
    return;
  }
  const nf = allocSysFrame(c, n);
  if (nf === 0) {
    hmfReturn(n, b, VM_FAULT_OOM);
    emit(act('hmm_handle_cpu_fault', t, a, VM_FAULT_OOM), n);
    return;
  }
  initFrame(c, n, nf, 0, false);
  n[frOff(L, nf) + F_LOCK] = t + 1;
  n[b + R_H_T] = nf;
  n[o + PG_FLAGS] = s[o + PG_FLAGS]! | PF_HMM_LOCKED;
  if (v12Beh(c).writeProtectBeforeCopyBack) n[mirrorOff(L, d, a)] = s[mirrorOff(L, d, a)]! & ~HMM_PTE_WRITE;
  n[b + R_PC] = PC.copy_from_device;
  emit(act('hmm_handle_cpu_fault', t, a, 0), n);
}

// hmm_device->copy_from_device: device memory → the new system page.
export function stepCopyFromDevice(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = base(c, t);
  const a = s[b + R_H_A]!;
  const d = ownerMirror(c, s, a);
  const n = nextState(c, s);
  const nf = s[b + R_H_T]!;
  if (d >= 0) n[frOff(L, nf) + F_VER] = s[frOff(L, hmmPteFrame(s[mirrorOff(L, d, a)]!)) + F_VER]!;
  n[b + R_PC] = PC.hmm_mirror_migrate_back;
  emit(act('copy_from_device', t, a), n);
}

// update device PT: hmm_pt entry → the new system page (DMA-mapped), device memory freed.
export function stepMigrateBackMirror(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = base(c, t);
  const a = s[b + R_H_A]!;
  const d = ownerMirror(c, s, a);
  const nf = s[b + R_H_T]!;
  const n = nextState(c, s);
  if (d >= 0) {
    const e = s[mirrorOff(L, d, a)]!;
    const vw = (s[pgOff(L, 0, a) + PG_VMA]! & VM_WRITE) !== 0;
    putFrame(c, n, hmmPteFrame(e));
    n[mirrorOff(L, d, a)] = (nf << 4) | HMM_PTE_VALID | ((e & HMM_PTE_WRITE) !== 0 && vw ? HMM_PTE_WRITE : 0);
    n[mdmaOff(L, d, a)] = dmaOn(c) ? nf : 0;
  }
  n[b + R_PC] = PC.mm_hmm_migrate_back_cleanup;
  emit(act('hmm_mirror_migrate_back', t, a), n);
}

// mm_hmm_migrate_back_cleanup (update CPU PT): the special entry becomes a present, dirty PTE of
// the new page; unlock.
export function stepMigrateBackCpu(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = base(c, t);
  const m = L.actors[t]!.mm;
  const a = s[b + R_H_A]!;
  const o = pgOff(L, m, a);
  const nf = s[b + R_H_T]!;
  const n = nextState(c, s);
  const w = (s[o + PG_FLAGS]! & PF_W) !== 0 && (s[o + PG_VMA]! & VM_WRITE) !== 0;
  setPte(c, n, m, a, PTE_PRESENT, nf, (w ? PF_W : 0) | PF_D);
  const fo = frOff(L, nf);
  n[fo + F_MAP] = 1;
  n[fo + F_LRU] = 1;
  n[fo + F_LOCK] = 0;
  hmfReturn(n, b, 0);
  emit(act('mm_hmm_migrate_back_cleanup', t, a), n);
}

// requests v12 does not have (exclusive access, explicit migrate to system, eviction)
export function stepUnsupported(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = base(c, t);
  const n = nextState(c, s);
  finishRequest(c, n, t, EINVAL);
  emit(act('hmm_mirror_migrate', t, s[b + R_A]!, EINVAL), n);
}

export { R_RC, PC };
