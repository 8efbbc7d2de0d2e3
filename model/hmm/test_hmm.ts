// Follows: Linux v6.19 — lib/test_hmm.c, mm/mmu_notifier.c, include/linux/mmu_notifier.h, Documentation/mm/hmm.rst
/**
 * lib/test_hmm.c, the dmirror driver, and the textbook driver of Documentation/mm/hmm.rst: the same
 * steps, with DriverBehaviour (variants.ts) saying where hmm.rst and the broken variants differ.
 */
import {
  DPT_ATOMIC, DPT_WRITE, DV_LOCK, DV_SSEQCUR, EBUSY, EFAULT, EINVAL, ENOENT, ENOMEM, EPERM, EV_MIGRATE, F_DIRTY,
  F_LOCK, HMM_PFN_PMD, MIG_COHERENT, MIG_TO_DEV, MIG_TO_SYS, MPFN_COMPOUND, MPFN_HOLE, MPFN_MIGRATE, MPFN_WRITE, OK,
  PC, PG_FLAGS, PG_KIND, PG_VMA, R_A, R_CPAGES, R_FAULTS, R_H_RC, R_I, R_I_A, R_I_EV, R_I_N, R_I_OWNER, R_MMAP,
  R_M_A, R_M_DEV, R_M_KIND, R_M_N, R_M_RC, R_N, R_PC, R_RC, R_REQ, R_RETRIES, R_RETRYOK, R_SEQOK, R_SNAP, R_WRITE,
  VM_EXISTS, VM_FAULT_OOM, VM_HUGETLB, VM_MIXEDMAP, VM_READ, ZERO_FRAME, devOff, dmaOff, dptFrame, dptOff, dstOff,
  dvFlagsOff, frOff, frameOwner, gseqOff, isDevFrame, mpfnFrame, pfnOff, pgOff, srcOff,
} from './layout.ts';
import {
  type Ctx, devOf, fdDevice, isSnap, type Emit, type GuardFn, act, actorBase, allocFdFrame, allocSysFrame, finishRequest, frameVer, initFrame, mmOf,
  putFrame, recordData, nextState } from './ctx.ts';
import { storeTo } from './fault.ts';
import { HMM_PFN_ERROR, HMM_PFN_VALID, HMM_PFN_WRITE, clearPfns } from './hmm.ts';
import { mmapReadFree, mmapReadLock, mmapReadUnlock } from './mmap_lock.ts';
import { beginInv, readBeginBlocked } from './mmu_notifier.ts';


/** the mm the thread's dmirror fd mirrors (config.deviceMm) */
const lockFree = (c: Ctx, s: Int32Array, d: number): boolean => s[devOff(c.L, d) + DV_LOCK] === 0;

// ---- the interval-notifier callback ---------------------------------------------------------

/**
 * invalidateCallback's guard: dmirror's own-MIGRATE early return takes no lock (unless it sets
 * the sequence under the mutex); otherwise mutex_lock sleeps while the lock is held (also when t
 * itself holds it).
 */
export function invalidateCallbackMayRun(c: Ctx, s: Int32Array, t: number, d: number): boolean {
  return (skipsOwnMigrate(c, s, t, d) && c.beh.ownMigrateSetsSeq !== 'locked') || lockFree(c, s, d);
}

/**
 * dmirror's early return: `range->event == MMU_NOTIFY_MIGRATE && range->owner == dmirror->mdevice`.
 * The owner is the device, so every fd of the migrating device skips (FINDINGS F8).
 */
function skipsOwnMigrate(c: Ctx, s: Int32Array, t: number, d: number): boolean {
  const b = actorBase(c, t);
  return c.beh.skipOwnMigrate && s[b + R_I_EV] === EV_MIGRATE && s[b + R_I_OWNER] === c.L.fdDevice[d]! + 1;
}

/**
 * dmirror_interval_invalidate (lib/test_hmm.c) / the hmm.rst invalidate():
 *   if (event == MMU_NOTIFY_MIGRATE && owner == mdevice) return true;     [dmirror only]
 *   mutex_lock(&dmirror->mutex);                 (waits: invalidateCallbackMayRun)
 *   mmu_interval_set_seq(mni, cur_seq);
 *   dmirror_do_update(): xa_erase every entry in [start, end)   (+ DMA unmap if the driver maps)
 *   mutex_unlock(); return true;
 * The lock/unlock pair is one step: nothing else can observe the state in between except
 * through the lock. Runs when invalidateCallbackMayRun holds; returns the successor state.
 */
export function invalidateCallback(c: Ctx, s: Int32Array, t: number, d: number): Int32Array | null {
  const L = c.L;
  const b = actorBase(c, t);
  const own = skipsOwnMigrate(c, s, t, d);
  const ownSeq = c.beh.ownMigrateSetsSeq;
  if (own && ownSeq === undefined) return nextState(c, s);
  if (own && ownSeq === 'unlocked') {
    // mmu_interval_set_seq(mni, cur_seq); return true; — before mutex_lock
    const n = nextState(c, s);
    setSeq(c, n, d);
    return n;
  }
  const n = nextState(c, s);
  setSeq(c, n, d); // mmu_interval_set_seq(mni, cur_seq)
  if (own) return n; // ownMigrateSetsSeq 'locked': the erase is skipped, the mutex released
  eraseDevicePtes(c, n, t, d);
  return n;
}

/**
 * The erase of dmirror_interval_invalidate (dmirror_do_update: xa_erase of the range's device PT
 * entries; hmm.rst's driver also DMA-unmaps them) over the range of actor t's invalidation.
 */
export function eraseDevicePtes(c: Ctx, n: Int32Array, t: number, d: number): void {
  const L = c.L;
  const b = actorBase(c, t);
  const a0 = n[b + R_I_A]!;
  const end = a0 + n[b + R_I_N]!;
  for (let a = a0; a < end; a++) {
    const e = n[dptOff(L, d, a)]!;
    // set_page_dirty of a system page the device could write (not the zero page, not device memory)
    if (c.beh.dirtiesOnInvalidate === true && (e & 3) === DPT_WRITE && dptFrame(e) > ZERO_FRAME && !isDevFrame(L, dptFrame(e))) {
      n[frOff(L, dptFrame(e)) + F_DIRTY] = 1;
    }
    n[dptOff(L, d, a)] = 0;
    if (c.beh.dmaUnmapInInvalidate) n[dmaOff(L, d, a)] = 0; // dma_unmap_page before returning
  }
}

/** mmu_interval_set_seq: read_begin/read_retry pairs of d's threads that began before now fail */
export function setSeq(c: Ctx, n: Int32Array, d: number): void {
  n[devOff(c.L, d) + DV_SSEQCUR] = 1;
  for (const u of c.devActors[d]!) if (n[actorBase(c, u) + R_SNAP] === 0) n[actorBase(c, u) + R_SEQOK] = 0;
}

// ---- HMM_DMIRROR_READ / HMM_DMIRROR_WRITE ----------------------------------------------------

// dmirror_read/dmirror_write loop body: mutex_lock; dmirror_do_read/do_write from bounce.cpages;
// mutex_unlock; on -ENOENT call dmirror_fault(start, end, write) and retry.
/** waits for dmirror->mutex (driver->update) */
export const guardDevRw: GuardFn = (c, s, t) => lockFree(c, s, devOf(c, t));
export function stepDevRw(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const d = devOf(c, t);
  const w = s[b + R_WRITE] === 1;
  const n = nextState(c, s);
  const end = s[b + R_A]! + s[b + R_N]!;
  let a = s[b + R_A]! + s[b + R_CPAGES]!;
  for (; a < end; a++) {
    const e = n[dptOff(L, d, a)]!;
    if (e === 0 || (w && (e & 3) !== DPT_WRITE)) break;
    const f = dptFrame(e);
    if (w) storeTo(c, n, mmOf(c, t), a, f);
    else recordData(c, n, t, a, frameVer(c, n, f));
    n[b + R_CPAGES]!++;
  }
  const kind = w ? c.names.doWrite : c.names.doRead;
  if (a >= end) {
    finishRequest(c, n, t, OK);
    emit(act(kind, t, s[b + R_A]!, OK), n);
    return;
  }
  n[b + R_RETRIES] = 0;
  n[b + R_PC] = PC.mmu_interval_read_begin; // -ENOENT → dmirror_fault(dmirror, start, end, write)
  emit(act(kind, t, a, ENOENT), n);
}

// dmirror_range_fault: timeout check, then range->notifier_seq = mmu_interval_read_begin()
// (sleeps while this interval is being invalidated in the current epoch).
/** the timeout has passed, or the interval is not being invalidated in this epoch (read_begin sleeps while it is) */
export const guardReadBegin: GuardFn = (c, s, t) =>
  s[actorBase(c, t) + R_RETRIES]! > c.retries || !(isSnap(c, s, t) ? s[actorBase(c, t) + R_SNAP] === 2 : readBeginBlocked(c, s, devOf(c, t)));
export function stepReadBegin(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = actorBase(c, t);
  const d = devOf(c, t);
  const snap = isSnap(c, s, t);
  if (s[b + R_RETRIES]! > c.retries) {
    const n = nextState(c, s);
    n[b + R_SNAP] = 0; // (snapshot: mmu_interval_notifier_remove folded into the error path)
    finishRequest(c, n, t, EBUSY); // time_after(jiffies, timeout) → -EBUSY
    emit(act('mmu_interval_read_begin', t, s[b + R_A]!, EBUSY), n);
    return;
  }
  const n = nextState(c, s);
  n[b + R_SEQOK] = 1;
  n[b + R_RETRYOK] = 0;
  n[b + R_PC] = PC.range_fault_mmap_read_lock;
  emit(act('mmu_interval_read_begin', t, s[b + R_A]! + s[b + R_CPAGES]!), n);
}

// mmap_read_lock(mm) before hmm_range_fault
/** waits for mmap_read_lock */
export const guardDevMmap: GuardFn = (c, s, t) => mmapReadFree(c, s, mmOf(c, t));
export function stepDevMmap(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = actorBase(c, t);
  const n = nextState(c, s);
  mmapReadLock(c, n, t, mmOf(c, t));
  n[b + R_I] = s[b + R_A]! + s[b + R_CPAGES]!;
  n[b + R_PC] = PC.hmm_range_fault;
  emit(act('mmap_read_lock', t, n[b + R_I]!), n);
}

// mutex_lock(&dmirror->mutex) / take_lock(driver->update)
/** waits for dmirror->mutex (driver->update) */
export const guardDevLock: GuardFn = (c, s, t) => lockFree(c, s, devOf(c, t));
export function stepDevLock(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const d = devOf(c, t);
  const b = actorBase(c, t);
  const n = nextState(c, s);
  n[devOff(c.L, d) + DV_LOCK] = t + 1;
  n[b + R_PC] = (c.beh.checksRetry && c.beh.retryUnderLock) || isSnap(c, s, t) ? PC.mmu_interval_read_retry : PC.dmirror_do_fault;
  emit(act('mutex_lock', t, s[b + R_A]!, d), n);
}

// mmu_interval_read_retry(range->notifier, range->notifier_seq) under the driver lock
export function stepReadRetry(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = actorBase(c, t);
  const d = devOf(c, t);
  const n = nextState(c, s);
  if (s[b + R_SEQOK] === 0) {
    n[devOff(c.L, d) + DV_LOCK] = 0; // mutex_unlock; continue
    n[b + R_RETRIES]!++;
    clearPfns(c, n, t);
    n[b + R_PC] = PC.mmu_interval_read_begin;
    emit(act('mmu_interval_read_retry', t, s[b + R_A]!, 1), n);
    return;
  }
  n[b + R_RETRYOK] = 1;
  n[b + R_PC] = PC.dmirror_do_fault;
  emit(act('mmu_interval_read_retry', t, s[b + R_A]!, 0), n);
}

// broken variant: mmu_interval_read_retry checked before take_lock(driver->update)
export function stepReadRetryEarly(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = actorBase(c, t);
  const n = nextState(c, s);
  if (s[b + R_SEQOK] === 0) {
    n[b + R_RETRIES]!++;
    clearPfns(c, n, t);
    n[b + R_PC] = PC.mmu_interval_read_begin;
    emit(act('mmu_interval_read_retry', t, s[b + R_A]!, 1), n);
    return;
  }
  n[b + R_RETRYOK] = 2;
  n[b + R_PC] = PC.range_fault_mutex_lock;
  emit(act('mmu_interval_read_retry', t, s[b + R_A]!, 0), n);
}

// dmirror_do_fault: program the device PT from hmm_pfns[] (xa_store, WRITE tag), optionally
// dma_map_page each page, then mutex_unlock; cmd->faults++ and back to dmirror_do_read/write.
export function stepProgram(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const d = devOf(c, t);
  const n = nextState(c, s);
  const start = s[b + R_A]! + s[b + R_CPAGES]!;
  const end = s[b + R_A]! + s[b + R_N]!;
  if (isSnap(c, s, t)) {
    // for each page dmirror_mkentry(dmirror, range, perm + i, range->hmm_pfns[i]); mutex_unlock
    for (let a = start; a < end; a++) recordData(c, n, t, a, mkentry(c, fdDevice(c, d), s[pfnOff(L, t, a)]!));
    n[devOff(L, d) + DV_LOCK] = 0;
    clearPfns(c, n, t);
    n[b + R_SEQOK] = 0;
    n[b + R_RETRYOK] = 0;
    n[b + R_CPAGES] = end - start;
    n[b + R_PC] = PC.mmu_interval_notifier_remove;
    emit(act('dmirror_mkentry', t, start), n);
    return;
  }
  const w = s[b + R_WRITE] === 1;
  let rc = OK;
  for (let a = start; a < end; a++) {
    const p = s[pfnOff(L, t, a)]!;
    const wr = (p & HMM_PFN_WRITE) !== 0;
    if (!wr && w) {
      rc = EFAULT; // WARN_ON(range->default_flags & HMM_PFN_WRITE) → -EFAULT
      break;
    }
    const f = (p & ~HMM_PFN_PMD) >> 2;
    n[dptOff(L, d, a)] = (f << 2) | (wr ? DPT_WRITE : 0);
    if (c.dma) n[dmaOff(L, d, a)] = f; // dma_map_page
  }
  n[devOff(L, d) + DV_LOCK] = 0;
  clearPfns(c, n, t);
  n[b + R_SEQOK] = 0;
  n[b + R_RETRYOK] = 0;
  if (rc !== OK) finishRequest(c, n, t, rc);
  else {
    n[b + R_FAULTS]!++;
    n[b + R_RETRIES] = 0;
    n[b + R_PC] = PC.dmirror_fault_ioctl;
  }
  emit(act(c.names.doFault, t, start, rc), n);
}

// ---- HMM_DMIRROR_SNAPSHOT -------------------------------------------------------------------


/** HMM_DMIRROR_PROT_* (lib/test_hmm_uapi.h) */
const PROT_ERROR = 0xff;

const PROT_READ = 0x01;

const PROT_WRITE = 0x02;

const PROT_PMD = 0x04;

const PROT_ZERO = 0x10;

const PROT_DEV_PRIVATE_LOCAL = 0x20;

const PROT_DEV_PRIVATE_REMOTE = 0x30;

const PROT_DEV_COHERENT_LOCAL = 0x40;

const PROT_DEV_COHERENT_REMOTE = 0x50;

/** dmirror_mkentry: the permission byte of one hmm_pfns[] entry, seen from device d */
export function mkentry(c: Ctx, d: number, p: number): number {
  if (p === HMM_PFN_ERROR) return PROT_ERROR;
  if ((p & HMM_PFN_VALID) === 0) return 0; // HMM_DMIRROR_PROT_NONE
  const f = (p & ~HMM_PFN_PMD) >> 2;
  let perm = 0;
  const local = frameOwner(c.L, f) === d;
  if (isDevFrame(c.L, f) && !c.coherent) perm = local ? PROT_DEV_PRIVATE_LOCAL : PROT_DEV_PRIVATE_REMOTE;
  else if (isDevFrame(c.L, f)) perm = local ? PROT_DEV_COHERENT_LOCAL : PROT_DEV_COHERENT_REMOTE;
  else if (f === ZERO_FRAME) perm = PROT_ZERO;
  perm |= (p & HMM_PFN_WRITE) !== 0 ? PROT_WRITE : PROT_READ;
  if ((p & HMM_PFN_PMD) !== 0) perm |= PROT_PMD;
  return perm;
}

// dmirror_range_snapshot: mmu_interval_notifier_insert(&notifier, mm, start, size,
// &dmirror_mrn_ops). While an invalidation is in flight the insert is deferred and
// invalidate_seq == the mm's seq, so the first read_begin waits for the epoch to end.
export function stepSnapInsert(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = actorBase(c, t);
  const n = nextState(c, s);
  n[b + R_SNAP] = s[gseqOff(c.L, mmOf(c, t))] === 1 ? 2 : 1;
  n[b + R_RETRIES] = 0;
  n[b + R_PC] = PC.mmu_interval_read_begin;
  emit(act('mmu_interval_notifier_insert', t, s[b + R_A]!), n);
}

/** snapshotInvalidateCallback's guard: mutex_lock(&dmirror->mutex) sleeps while it is held */
export const snapshotInvalidateMayRun = (c: Ctx, s: Int32Array, u: number): boolean => lockFree(c, s, devOf(c, u));

/**
 * dmirror_snapshot_invalidate: mutex_lock(&dmirror->mutex) (waits: snapshotInvalidateMayRun), then only
 * mmu_interval_set_seq — "any invalidation in the interval invalidates the whole snapshot".
 */
export function snapshotInvalidateCallback(c: Ctx, s: Int32Array, u: number): Int32Array | null {
  const n = nextState(c, s);
  if (c.beh.snapshotSetsSeq === false) return n; // broken variant: the collision goes unnoticed
  n[actorBase(c, u) + R_SNAP] = 2;
  n[actorBase(c, u) + R_SEQOK] = 0;
  return n;
}

// mmu_interval_notifier_remove: waits for the current invalidation epoch to end if the tree is
// being invalidated; then cmd->cpages = npages and the permission bytes go to user space.
/** waits for the invalidation epoch of the tree to end */
export const guardSnapRemove: GuardFn = (c, s, t) => s[gseqOff(c.L, mmOf(c, t))] !== 1;
export function stepSnapRemove(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = actorBase(c, t);
  const n = nextState(c, s);
  n[b + R_SNAP] = 0;
  finishRequest(c, n, t, OK);
  emit(act('mmu_interval_notifier_remove', t, s[b + R_A]!), n);
}

/** the frames of the last allocFolio: a step allocates no array (nor closure) per call */
const folio = new Int32Array(2);

/**
 * Allocate `k` (1 or 2) frames together (all or none: a folio of order log2(k)) for fd d from its
 * device's pool, or from system memory when d < 0, each initialised with its contents version (v0, v1)
 * and locked by t, into folio[]; false, with nothing kept, when not all could be had.
 */
function allocFolio(c: Ctx, n: Int32Array, t: number, k: number, d: number, v0: number, v1: number): boolean {
  for (let j = 0; j < k; j++) {
  const f = d >= 0 ? allocFdFrame(c, n, d) : allocSysFrame(c, n);
    if (f === 0) {
      for (let i = 0; i < j; i++) putFrame(c, n, folio[i]!); // back to the free pool
      return false;
    }
    initFrame(c, n, f, j === 0 ? v0 : v1, false);
    n[frOff(c.L, f) + F_LOCK] = t + 1;
    folio[j] = f;
  }
  return true;
}

// ---- HMM_DMIRROR_FLAGS ------------------------------------------------------------------------

// dmirror_fops_unlocked_ioctl, case HMM_DMIRROR_FLAGS: dmirror->flags = cmd.npages
export function stepSetFlags(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const n = nextState(c, s);
  n[dvFlagsOff(c.L, devOf(c, t))] = c.reqs[t]![s[actorBase(c, t) + R_REQ]!]!.flags;
  finishRequest(c, n, t, OK);
  emit(act('dmirror_fops_unlocked_ioctl', t, 0, n[dvFlagsOff(c.L, devOf(c, t))]!), n);
}

/** `if (dmirror->flags & HMM_DMIRROR_FLAG_FAIL_ALLOC) { dmirror->flags &= ~FAIL_ALLOC; dpage = NULL; }` */
function failAlloc(c: Ctx, n: Int32Array, d: number): boolean {
  if (!c.L.devFlags || (n[dvFlagsOff(c.L, d)]! & 1) === 0) return false;
  n[dvFlagsOff(c.L, d)] = n[dvFlagsOff(c.L, d)]! & ~1;
  return true;
}

// ---- HMM_DMIRROR_RELEASE ---------------------------------------------------------------------

// dmirror_device_evict_chunk: alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOFAIL), lock_page,
// copy_highpage from the backing page; dst = migrate_pfn(dpage) | (src WRITE).
export function stepEvictAlloc(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const n = nextState(c, s);
  for (let i = 0; i < s[b + R_M_N]!; i++) {
    const src = n[srcOff(L, t, i)]!;
    if ((src & MPFN_MIGRATE) === 0) continue;
    const dp = allocSysFrame(c, n);
    if (dp === 0) continue; // (__GFP_NOFAIL: the model's RAM is finite — the page stays put)
    initFrame(c, n, dp, frameVer(c, n, mpfnFrame(src)), false);
    n[frOff(L, dp) + F_LOCK] = t + 1;
    n[dstOff(L, t, i)] = (dp << 4) | (src & MPFN_WRITE);
  }
  n[b + R_PC] = PC.migrate_vma_pages;
  if (s[b + R_M_KIND] === MIG_COHERENT) emit(act('migrate_device_coherent_folio', t, 0, 1), n); // folio_alloc + folio_copy
  else emit(act('dmirror_device_evict_chunk', t, 0, s[b + R_M_DEV]!), n);
}

// ---- HMM_DMIRROR_MIGRATE_TO_DEV / _TO_SYS ----------------------------------------------------

// dmirror_migrate_to_device/_to_system: mmap_read_lock, vma_lookup (!vma || !VM_READ → -EINVAL),
// then migrate_vma_setup(args{pgmap_owner = mdevice, SELECT_SYSTEM or SELECT_DEVICE_PRIVATE}).
/** waits for mmap_read_lock */
export const guardMigLock: GuardFn = (c, s, t) => mmapReadFree(c, s, mmOf(c, t));
export function stepMigLock(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const d = devOf(c, t);
  const a0 = s[b + R_A]!;
  const n = nextState(c, s);
  const toDev = c.reqs[t]![s[b + 1]!]!.op === 'migrateToDev';
  // The ioctl migrates VMA by VMA: vma_lookup (!vma || !(vm_flags & VM_READ) → -EINVAL) and
  // migrate_vma_setup (hugetlb or VM_SPECIAL, i.e. VM_MIXEDMAP → -EINVAL) stop the loop at the
  // first bad page, after the pages before it were migrated ("goto out": no read-back).
  let cnt = s[b + R_N]!;
  for (let a = a0; a < a0 + s[b + R_N]!; a++) {
    const vma = s[pgOff(L, mmOf(c, t), a) + PG_VMA]!;
    if ((vma & VM_EXISTS) === 0 || (vma & VM_READ) === 0 || (vma & (VM_HUGETLB | VM_MIXEDMAP)) !== 0) {
      cnt = a - a0;
      break;
    }
  }
  if (cnt === 0) {
    finishRequest(c, n, t, EINVAL);
    emit(act('mmap_read_lock', t, a0, EINVAL), n);
    return;
  }
  if (cnt < s[b + R_N]!) n[b + R_RC] = EINVAL; // returned after migrate_vma_finalize
  if (!c.migration) {
    finishRequest(c, n, t, EINVAL);
    emit(act('mmap_read_lock', t, a0, EINVAL), n);
    return;
  }
  mmapReadLock(c, n, t, mmOf(c, t));
  n[b + R_M_KIND] = toDev ? MIG_TO_DEV : MIG_TO_SYS;
  n[b + R_M_A] = a0;
  n[b + R_M_N] = cnt;
  n[b + R_M_DEV] = d;
  // args.pgmap_owner = dmirror->mdevice: the device, not the fd
  beginInv(c, n, t, mmOf(c, t), EV_MIGRATE, a0, cnt, fdDevice(c, d) + 1, PC.migrate_vma_collect_pmd, PC.migrate_device_unmap);
  emit(act('migrate_vma_setup', t, a0, toDev ? 1 : 2), n);
}

// dmirror_migrate_alloc_and_copy: for each collected source, allocate a device page
// (dmirror_devmem_alloc_page, locked, ref 1) and copy (or clear, for holes).
export function stepAllocToDev(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const d = s[b + R_M_DEV]!;
  const n = nextState(c, s);
  const cnt = s[b + R_M_N]!;
  for (let i = 0; i < cnt; i++) {
    const src = n[srcOff(L, t, i)]!;
    if ((src & MPFN_MIGRATE) === 0) continue;
    const sp = (src & MPFN_HOLE) !== 0 ? 0 : mpfnFrame(src);
    if (sp !== 0 && isDevFrame(L, sp)) continue; // WARN: page already in device
    const failed = failAlloc(c, n, d);
    if ((src & MPFN_COMPOUND) !== 0 && i + 1 < cnt) {
      // is_large: dmirror_devmem_alloc_page(dmirror, true), a compound device page; on failure
      // "Try falling back to PAGE_SIZE pages" for every subpage
      const src1 = n[srcOff(L, t, i + 1)]!;
      const v0 = (src & MPFN_HOLE) !== 0 ? 0 : frameVer(c, n, mpfnFrame(src));
      const v1 = (src1 & MPFN_HOLE) !== 0 ? 0 : frameVer(c, n, mpfnFrame(src1));
      const big = !failed && allocFolio(c, n, t, 2, d, v0, v1);
      for (let j = 0; j < 2; j++) {
        const dp = big ? folio[j]! : allocFolio(c, n, t, 1, d, j === 0 ? v0 : v1, 0) ? folio[0]! : 0;
        if (dp !== 0) n[dstOff(L, t, i + j)] = (dp << 4) | ((j === 0 ? src : src1) & MPFN_WRITE) | (big ? MPFN_COMPOUND : 0);
      }
      i++;
      continue;
    }
    if (failed) continue; // dpage = NULL, !is_large: goto next (not migrated)
    const dp = allocFdFrame(c, n, d);
    if (dp === 0) continue;
    initFrame(c, n, dp, sp === 0 ? 0 : frameVer(c, n, sp), false);
    n[frOff(L, dp) + F_LOCK] = t + 1;
    n[dstOff(L, t, i)] = (dp << 4) | (src & MPFN_WRITE);
  }
  n[b + R_PC] = PC.migrate_vma_pages;
  emit(act('dmirror_migrate_alloc_and_copy', t, s[b + R_M_A]!), n);
}

// dmirror_devmem_fault_alloc_and_copy (migrate_to_ram and MIGRATE_TO_SYS): xa_erase the device
// PT entry (dmirror: without dmirror->mutex), allocate a system page, copy. OOM → VM_FAULT_OOM.
/** waits for the driver lock, unless the driver erases without it (dmirror) */
export const guardAllocToRam: GuardFn = (c, s, t) => c.beh.eraseWithoutLockInDevmemFault || lockFree(c, s, s[actorBase(c, t) + R_M_DEV]!);
export function stepAllocToRam(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const d = s[b + R_M_DEV]!;
  const n = nextState(c, s);
  const cnt = s[b + R_M_N]!;
  const a0 = s[b + R_M_A]!;
  for (let i = 0; i < cnt; i++) {
    const src = n[srcOff(L, t, i)]!;
    if ((src & MPFN_MIGRATE) === 0 || (src & MPFN_HOLE) !== 0) continue;
    const sp = mpfnFrame(src);
    if ((src & MPFN_COMPOUND) !== 0 && i + 1 < cnt) {
      // order > 0: vma_alloc_folio of the same order, or (FAIL_ALLOC / no memory) one
      // alloc_page_vma per subpage; VM_FAULT_OOM when even those fail
      const src1 = n[srcOff(L, t, i + 1)]!;
      const v0 = frameVer(c, n, mpfnFrame(src));
      const v1 = frameVer(c, n, mpfnFrame(src1));
      const big = !failAlloc(c, n, d) && allocFolio(c, n, t, 2, -1, v0, v1);
      for (let j = 0; j < 2; j++) {
        const dp = big ? folio[j]! : allocFolio(c, n, t, 1, -1, j === 0 ? v0 : v1, 0) ? folio[0]! : 0;
        if (dp === 0) {
          n[b + R_M_RC] = VM_FAULT_OOM;
          n[b + R_PC] = PC.migrate_vma_finalize;
          emit(act('dmirror_devmem_fault_alloc_and_copy', t, a0, VM_FAULT_OOM), n);
          return;
        }
        n[dptOff(L, d, a0 + i + j)] = 0; // xa_erase
        n[dmaOff(L, d, a0 + i + j)] = 0;
        n[dstOff(L, t, i + j)] = (dp << 4) | ((j === 0 ? src : src1) & MPFN_WRITE) | (big ? MPFN_COMPOUND : 0);
      }
      i++;
      continue;
    }
    const dp = failAlloc(c, n, d) ? 0 : allocSysFrame(c, n); // FAIL_ALLOC: dpage = NULL, order 0
    if (dp !== 0) {
      n[dptOff(L, d, a0 + i)] = 0; // xa_erase(&dmirror->pt, addr >> PAGE_SHIFT)
      n[dmaOff(L, d, a0 + i)] = 0;
    }
    if (dp === 0) {
      n[b + R_M_RC] = VM_FAULT_OOM;
      n[b + R_PC] = PC.migrate_vma_finalize;
      emit(act('dmirror_devmem_fault_alloc_and_copy', t, a0, VM_FAULT_OOM), n);
      return;
    }
    initFrame(c, n, dp, frameVer(c, n, sp), false);
    n[frOff(L, dp) + F_LOCK] = t + 1;
    n[dstOff(L, t, i)] = (dp << 4) | (src & MPFN_WRITE);
  }
  n[b + R_PC] = PC.migrate_vma_pages;
  emit(act('dmirror_devmem_fault_alloc_and_copy', t, a0, 0), n);
}

// dmirror_migrate_finalize_and_map: under dmirror->mutex, map each migrated page in the device PT.
/** waits for dmirror->mutex */
export const guardFinalizeAndMap: GuardFn = (c, s, t) => lockFree(c, s, s[actorBase(c, t) + R_M_DEV]!);
export function stepFinalizeAndMap(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const d = s[b + R_M_DEV]!;
  const n = nextState(c, s);
  const a0 = s[b + R_M_A]!;
  for (let i = 0; i < s[b + R_M_N]! && c.beh.mapsOnMigrate !== false; i++) {
    const src = n[srcOff(L, t, i)]!;
    const dst = n[dstOff(L, t, i)]!;
    if ((src & MPFN_MIGRATE) === 0 || dst === 0) continue;
    n[dptOff(L, d, a0 + i)] = (mpfnFrame(dst) << 2) | ((dst & MPFN_WRITE) !== 0 ? DPT_WRITE : 0);
  }
  n[b + R_PC] = PC.migrate_vma_finalize;
  emit(act('dmirror_migrate_finalize_and_map', t, a0), n);
}

// after migrate_vma_finalize + mmap_read_unlock: dmirror_do_read under the mutex (read-back),
// -ENOENT when a page is not mapped by the device; cmd->cpages = pages read.
/** waits for dmirror->mutex */
export const guardMigReadback: GuardFn = (c, s, t) => lockFree(c, s, devOf(c, t));
export function stepMigReadback(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const d = devOf(c, t);
  const n = nextState(c, s);
  const a0 = s[b + R_A]!;
  const end = a0 + s[b + R_N]!;
  let rc = s[b + R_RC]!;
  n[b + R_CPAGES] = 0;
  if (rc === OK) {
    for (let a = a0; a < end; a++) {
      const e = n[dptOff(L, d, a)]!;
      if (e === 0) {
        rc = ENOENT;
        break;
      }
      recordData(c, n, t, a, frameVer(c, n, dptFrame(e)));
      n[b + R_CPAGES]!++;
    }
  }
  finishRequest(c, n, t, rc);
  emit(act(c.names.doRead, t, a0, rc), n);
}

// ---- HMM_DMIRROR_EXCLUSIVE / CHECK_EXCLUSIVE -------------------------------------------------

// dmirror_exclusive: mmap_read_lock, then make_device_exclusive() page by page
/** waits for mmap_read_lock */
export const guardExclLock: GuardFn = (c, s, t) => mmapReadFree(c, s, mmOf(c, t));
export function stepExclLock(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = actorBase(c, t);
  const n = nextState(c, s);
  if (!c.exclusive) {
    finishRequest(c, n, t, EINVAL);
    emit(act('mmap_read_lock', t, s[b + R_A]!, EINVAL), n);
    return;
  }
  mmapReadLock(c, n, t, mmOf(c, t));
  n[b + R_I] = s[b + R_A]!;
  n[b + R_PC] = PC.make_device_exclusive;
  emit(act('mmap_read_lock', t, s[b + R_A]!), n);
}

// dmirror_atomic_map (mutex, xa_store with DPT_XA_TAG_ATOMIC), then folio_unlock + folio_put.
/** waits for dmirror->mutex */
export const guardAtomicMap: GuardFn = (c, s, t) => lockFree(c, s, devOf(c, t));
export function stepAtomicMap(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const d = devOf(c, t);
  const a = s[b + R_I]!;
  const f = s[b + R_M_A]!;
  const n = nextState(c, s);
  n[dptOff(L, d, a)] = (f << 2) | DPT_ATOMIC;
  n[frOff(L, f) + F_LOCK] = 0;
  putFrame(c, n, f);
  n[b + R_M_A] = 0;
  if (a + 1 < s[b + R_A]! + s[b + R_N]!) {
    n[b + R_I] = a + 1;
    n[b + R_PC] = PC.make_device_exclusive;
  } else {
    mmapReadUnlock(c, n, t, mmOf(c, t));
    n[b + R_I] = 0;
    n[b + R_RC] = OK;
    n[b + R_PC] = PC.dmirror_migrate_readback;
  }
  emit(act('dmirror_atomic_map', t, a), n);
}

// dmirror_check_atomic: -EPERM if any device PT entry in the range still has the ATOMIC tag.
export function stepCheckAtomic(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = actorBase(c, t);
  const d = devOf(c, t);
  const a0 = s[b + R_A]!;
  let rc = OK;
  for (let a = a0; a < a0 + s[b + R_N]!; a++) if ((s[dptOff(L, d, a)]! & 3) === DPT_ATOMIC) rc = EPERM;
  const n = nextState(c, s);
  finishRequest(c, n, t, rc);
  emit(act('dmirror_check_atomic', t, a0, rc), n);
}

export { MIG_TO_SYS, ENOMEM, R_MMAP, R_H_RC, PG_FLAGS, PG_KIND };
