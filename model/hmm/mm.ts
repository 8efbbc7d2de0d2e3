/**
 * The CPU-side mm: CPU threads (loads/stores through a per-CPU TLB, page faults), the syscalls
 * munmap/mprotect/fork/pin, the generic fault handler (handle_mm_fault and the paths under it)
 * and the core-mm background actor's choices (reclaim, NUMA hinting, KSM, compaction).
 *
 * This file knows nothing about any driver: every PTE change that can remove or downgrade a
 * mapping is bracketed by beginInv()/endInv() (notifier.ts), the only coupling to the mirror.
 * Each exported step opens with the kernel function it abstracts. PTL-protected work is one
 * atomic step (the PTL is not a separate state variable).
 */
import {
  PC, R_PC, R_I_MM, R_I_AFTER, R_A, R_N, R_WRITE, R_MMAP, R_PINNED, pfnOff, R_H_A, R_H_W, R_H_RET, R_H_RC, R_H_T,
  R_K_PAGE, R_K_FRAME, R_M_KIND, R_M_A, R_M_N, R_M_DEV, R_M_FAULTPAGE,
  PTE_NONE, PTE_PRESENT, PTE_ZERO, PTE_SWAP, PTE_MIGRATION, PTE_DEVPRIV, PTE_DEVEXCL, PF_W, PF_D, PF_PROTNONE,
  VM_READ, VM_WRITE, VM_EXISTS, ZERO_FRAME, F_REF, F_MAP, F_PIN, F_LOCK, F_LRU, F_DIRTY, F_VER, F_LAZY,
  EV_UNMAP, EV_RELEASE, EV_CLEAR, EV_PROTECTION_VMA, EV_PROTECTION_PAGE, EV_EXCLUSIVE, EV_MIGRATE,
  VM_FAULT_OOM, VM_FAULT_SIGSEGV, VM_FAULT_SIGBUS, EFAULT, ENOMEM, OK, MIG_FAULT, isDevFrame, pgOff, mmOff, tlbOff, frOff,
  PG_VMA, PG_KIND, PG_VAL, PG_FLAGS, PG_LASTW, MM_EXISTS, MM_READERS, MM_WRITER, PAGE_WORDS as PAGE_WORDS_MM,
  VM_SHARED, VM_HUGETLB, VM_HUGEPAGE, PF_HUGE, MIG_COHERENT, MPFN_MIGRATE, srcOff, firstDevFrame, frameOwner,
} from './layout.ts';
import {
  type Ctx, type Emit, act, allocSysFrame, initFrame, getFrame, putFrame, flushTlb, finishRequest, recordData,
  frameVer, deviceOfFrame, mmOf, startPc,
} from './ctx.ts';
import { beginInv, endInv, subscribed } from './notifier.ts';

// ---- small PTE / lock helpers ---------------------------------------------------------------

export function setPte(c: Ctx, s: Int32Array, m: number, a: number, kind: number, val: number, flags: number): void {
  const o = pgOff(c.L, m, a);
  s[o + PG_KIND] = kind;
  s[o + PG_VAL] = val;
  s[o + PG_FLAGS] = flags;
}

/** map a frame: folio_add_*_rmap + the mapping's reference */
export function mapFrame(c: Ctx, s: Int32Array, f: number): void {
  if (f === ZERO_FRAME) return;
  const o = frOff(c.L, f);
  s[o + F_MAP]!++;
  s[o + F_REF]!++;
}

/** folio_remove_rmap_pte + folio_put */
export function unmapFrame(c: Ctx, s: Int32Array, f: number): void {
  if (f === ZERO_FRAME) return;
  s[frOff(c.L, f) + F_MAP]!--;
  putFrame(c, s, f);
}

export const mmapReadFree = (c: Ctx, s: Int32Array, m: number): boolean => s[mmOff(c.L, m) + MM_WRITER] === 0;
export const mmapWriteFree = (c: Ctx, s: Int32Array, m: number): boolean =>
  s[mmOff(c.L, m) + MM_WRITER] === 0 && s[mmOff(c.L, m) + MM_READERS] === 0;

export function mmapReadLock(c: Ctx, s: Int32Array, t: number, m: number): void {
  s[mmOff(c.L, m) + MM_READERS]!++;
  s[c.L.actors[t]!.base + R_MMAP] = 1;
}
export function mmapReadUnlock(c: Ctx, s: Int32Array, t: number, m: number): void {
  s[mmOff(c.L, m) + MM_READERS]!--;
  s[c.L.actors[t]!.base + R_MMAP] = 0;
}


// ---- huge entries (PMD THP / hugetlb) in the scaled model: an aligned pair of pages ----------

/** The range [a, a+n) widened to whole huge entries it partially covers (split_huge_pmd's range). */
export function hugeSpan(c: Ctx, s: Int32Array, m: number, a: number, n: number): [number, number] {
  let lo = a;
  let hi = a + n;
  if ((a & 1) === 1 && (s[pgOff(c.L, m, a) + PG_FLAGS]! & PF_HUGE) !== 0) lo = a - 1;
  if ((hi & 1) === 1 && hi < c.L.pages && (s[pgOff(c.L, m, hi - 1) + PG_FLAGS]! & PF_HUGE) !== 0) hi++;
  return [lo, hi - lo];
}

/**
 * __split_huge_pmd_locked: every huge entry overlapping [a, a+n) becomes two PTEs mapping the same
 * pages (the split's own MMU_NOTIFY_CLEAR invalidation is folded into the caller's, whose range
 * hugeSpan() widened to the whole entry).
 */
export function splitHuge(c: Ctx, s: Int32Array, m: number, a: number, n: number): void {
  for (let i = a; i < a + n; i++) {
    const o = pgOff(c.L, m, i);
    if ((s[o + PG_FLAGS]! & PF_HUGE) === 0) continue;
    s[o + PG_FLAGS] = s[o + PG_FLAGS]! & ~PF_HUGE;
    const p = pgOff(c.L, m, i ^ 1);
    if ((i ^ 1) < c.L.pages) s[p + PG_FLAGS] = s[p + PG_FLAGS]! & ~PF_HUGE;
  }
}

/** a store by a CPU or the device to virtual page (m, a) landing in frame f */
export function storeTo(c: Ctx, s: Int32Array, m: number, a: number, f: number): void {
  const o = pgOff(c.L, m, a);
  if (s[o + PG_KIND] === PTE_NONE) {
    // racing munmap: the store lands in a page that is already unmapped (lost by design)
    if (f !== ZERO_FRAME && f !== 0) s[frOff(c.L, f) + F_VER]!++;
    return;
  }
  const v = s[o + PG_LASTW]! + 1;
  s[o + PG_LASTW] = v;
  if (f !== ZERO_FRAME && f !== 0) s[frOff(c.L, f) + F_VER] = v;
}

// ---- CPU thread -----------------------------------------------------------------------------

// A load/store: TLB hit, else the hardware page walk (fills the TLB), else a page fault
// (arch fault handler → lock_mm_and_find_vma → handle_mm_fault).
export function stepCpuAccess(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  const a = s[b + R_A]!;
  const w = s[b + R_WRITE] === 1;
  const tlb = s[tlbOff(L, t, a)]!;
  if (tlb !== 0 && (!w || (tlb & 1) === 1)) {
    const n = s.slice();
    if (w) {
      // a TLB entry filled by a load has D clear: the store makes the MMU set the PTE's dirty bit
      // (only where the PTE still maps that frame writable; through a stale entry the store
      // reaches the frame and nothing records it — which is why PTE removals flush before freeing)
      const o = pgOff(L, m, a);
      if (n[o + PG_KIND] === PTE_PRESENT && n[o + PG_VAL] === tlb >> 1 && (n[o + PG_FLAGS]! & PF_W) !== 0) n[o + PG_FLAGS] = n[o + PG_FLAGS]! | PF_D;
    }
    access(c, n, t, m, a, tlb >> 1, w);
    emit(act('cpu_access', t, a, w ? 1 : 0), n);
    return;
  }
  const o = pgOff(L, m, a);
  const kind = s[o + PG_KIND]!;
  const fl = s[o + PG_FLAGS]!;
  if (kind === PTE_PRESENT && (fl & PF_PROTNONE) === 0 && (!w || (fl & PF_W) !== 0)) {
    const n = s.slice();
    const f = s[o + PG_VAL]!;
    n[tlbOff(L, t, a)] = (f << 1) | ((fl & PF_W) !== 0 ? 1 : 0);
    if (w) n[o + PG_FLAGS] = fl | PF_D;
    access(c, n, t, m, a, f, w);
    emit(act('cpu_access', t, a, w ? 1 : 0), n);
    return;
  }
  if (kind === PTE_ZERO && !w) {
    const n = s.slice();
    n[tlbOff(L, t, a)] = ZERO_FRAME << 1;
    access(c, n, t, m, a, ZERO_FRAME, false);
    emit(act('cpu_access', t, a, 0), n);
    return;
  }
  // page fault: lock_mm_and_find_vma (sleeps while a writer holds mmap_lock)
  if (!mmapReadFree(c, s, m)) return;
  const n = s.slice();
  const vma = s[o + PG_VMA]!;
  if ((vma & VM_EXISTS) === 0 || (vma & VM_READ) === 0 || (w && (vma & VM_WRITE) === 0)) {
    finishRequest(c, n, t, VM_FAULT_SIGSEGV); // access_error → SIGSEGV
    emit(act('lock_mm_and_find_vma', t, a, VM_FAULT_SIGSEGV), n);
    return;
  }
  mmapReadLock(c, n, t, m);
  beginHmf(c, n, t, a, w, PC.do_user_addr_fault_unlock);
  emit(act('lock_mm_and_find_vma', t, a, 0), n);
}

function access(c: Ctx, n: Int32Array, t: number, m: number, a: number, f: number, w: boolean): void {
  if (w) storeTo(c, n, m, a, f);
  else recordData(c, n, t, a, frameVer(c, n, f));
  finishRequest(c, n, t, OK);
}

// mmap_read_unlock after handle_mm_fault; retry the access or deliver the signal.
export function stepCpuFaultDone(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = c.L.actors[t]!.base;
  const n = s.slice();
  const rc = takeHmfRc(n, b);
  mmapReadUnlock(c, n, t, mmOf(c, t));
  if (rc === 0) n[b + R_PC] = PC.cpu_access;
  else finishRequest(c, n, t, rc);
  emit(act('mmap_read_unlock', t, s[b + R_A]!, rc), n);
}

/**
 * The opening of munmap, mprotect and mremap: mmap_write_lock, then
 * mmu_notifier_invalidate_range_start over [a0, a0 + cnt) widened to whole huge pages, emitted as
 * one `mmap_write_lock` step carrying the event.
 */
function writeLockAndInvalidate(
  c: Ctx, n: Int32Array, t: number, m: number, a0: number, cnt: number, ev: number, nextPc: number, endPc: number, emit: Emit,
): void {
  n[mmOff(c.L, m) + MM_WRITER] = t + 1;
  n[c.L.actors[t]!.base + R_MMAP] = 2;
  const [ia, inum] = hugeSpan(c, n, m, a0, cnt);
  beginInv(c, n, t, m, ev, ia, inum, 0, nextPc, endPc);
  emit(act('mmap_write_lock', t, a0, ev), n);
}

// munmap()/exit_mmap(): mmap_write_lock, then unmap_region → unmap_vmas under an UNMAP/RELEASE
// invalidation (mn_itree_release for exit), then tlb_finish_mmu.
export function stepMunmapLock(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = c.L.actors[t]!.base;
  const m = mmOf(c, t);
  if (!mmapWriteFree(c, s, m)) return;
  const n = s.slice();
  const exit = c.reqs[t]![s[b + 1]!]!.op === 'exit';
  writeLockAndInvalidate(c, n, t, m, s[b + R_A]!, s[b + R_N]!, exit ? EV_RELEASE : EV_UNMAP, PC.zap_pte_range, PC.tlb_finish_mmu, emit);
}

// zap_pte_range (via unmap_vmas): clear every PTE of the range; present pages go to the
// mmu_gather (freed only after the TLB flush); device-private/exclusive entries drop their page now.
export function stepZap(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = c.L.actors[t]!.base;
  const m = mmOf(c, t);
  const a0 = s[b + R_A]!;
  const n = s.slice();
  splitHuge(c, n, m, a0, s[b + R_N]!); // a partially unmapped PMD is split first
  zapPtes(c, n, t, m, a0, s[b + R_N]!, true);
  endInv(c, n, t, m);
  emit(act('zap_pte_range', t, a0), n);
}

/**
 * zap_pte_range over [a0, a0 + cnt) of mm m into t's mmu_gather; `dropVma` when the VMA goes too
 * (munmap/exit), not when only the pages go (the OOM reaper's unmap_page_range).
 */
export function zapPtes(c: Ctx, n: Int32Array, t: number, m: number, a0: number, cnt: number, dropVma: boolean): void {
  const L = c.L;
  for (let a = a0; a < a0 + cnt; a++) {
    const o = pgOff(L, m, a);
    const kind = n[o + PG_KIND]!;
    const f = n[o + PG_VAL]!;
    if (kind === PTE_PRESENT) {
      if ((n[o + PG_FLAGS]! & PF_D) !== 0) n[frOff(L, f) + F_DIRTY] = 1; // folio_mark_dirty
      n[frOff(L, f) + F_MAP]!--; // rmap removed; the reference moves to the gather
      gatherAdd(c, n, t, f);
    } else if (kind === PTE_DEVPRIV || kind === PTE_DEVEXCL) unmapFrame(c, n, f);
    setPte(c, n, m, a, PTE_NONE, 0, 0);
    if (dropVma) n[o + PG_VMA] = 0;
    n[o + PG_LASTW] = 0;
  }
}

/**
 * The mmu_gather's page list, kept as an ascending set of frame ids in t's hmm_pfns[] slots
 * (unused by a thread that is unmapping; sorted, so the order pages were zapped in is not state;
 * one entry per mapping removed, each holding that mapping's reference). A zap gathers at most one
 * frame per page, so `pages` slots suffice.
 */
function gatherAdd(c: Ctx, n: Int32Array, t: number, f: number): void {
  if (f === ZERO_FRAME) return;
  let x = f;
  for (let i = 0; i < c.L.pages; i++) {
    const o = pfnOff(c.L, t, i);
    const g = n[o]!;
    if (g === 0) {
      n[o] = x;
      return;
    }
    if (g > x) {
      n[o] = x; // insert, shifting the larger ones up
      x = g;
    }
  }
  throw new Error('hmm model: mmu_gather overflow');
}

// tlb_finish_mmu: flush the TLBs, then free the gathered pages; mmap_write_unlock.
export function stepTlbFinish(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  const n = s.slice();
  tlbFinishMmu(c, n, t, m, n[b + R_A]!, n[b + R_N]!);
  n[mmOff(L, m) + MM_WRITER] = 0;
  n[b + R_MMAP] = 0;
  finishRequest(c, n, t, OK);
  emit(act('tlb_finish_mmu', t, s[b + R_A]!), n);
}

/** tlb_finish_mmu: flush the TLBs of [a0, a0 + cnt), then free the pages in t's mmu_gather */
export function tlbFinishMmu(c: Ctx, n: Int32Array, t: number, m: number, a0: number, cnt: number): void {
  flushTlb(c, n, m, a0, cnt);
  for (let i = 0; i < c.L.pages; i++) {
    const o = pfnOff(c.L, t, i);
    if (n[o] === 0) break;
    putFrame(c, n, n[o]!);
    n[o] = 0;
  }
}

// mprotect(): mmap_write_lock, vma flags update (mprotect_fixup), then change_protection under
// a PROTECTION_VMA invalidation.
export function stepMprotectLock(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  if (!mmapWriteFree(c, s, m)) return;
  const n = s.slice();
  const a0 = n[b + R_A]!;
  const cnt = n[b + R_N]!;
  for (let a = a0; a < a0 + cnt; a++) {
    if ((n[pgOff(L, m, a) + PG_VMA]! & VM_EXISTS) === 0) {
      finishRequest(c, n, t, ENOMEM); // mprotect on a hole
      emit(act('mmap_write_lock', t, a0, ENOMEM), n);
      return;
    }
  }
  const prot = c.reqs[t]![n[b + 1]!]!.prot;
  for (let a = a0; a < a0 + cnt; a++) {
    const o = pgOff(L, m, a);
    n[o + PG_VMA] = (n[o + PG_VMA]! & ~(VM_READ | VM_WRITE)) | prot; // mprotect_fixup: vm_flags
  }
  writeLockAndInvalidate(c, n, t, m, a0, cnt, EV_PROTECTION_VMA, PC.change_pte_range, PC.mmap_write_unlock, emit);
}

// change_pte_range: downgrade PTEs to the new protection (PROT_NONE → pte_protnone), then
// flush_tlb_range before invalidate_range_end.
export function stepChangePte(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  const a0 = s[b + R_A]!;
  const cnt = s[b + R_N]!;
  const n = s.slice();
  const [sa, sn] = hugeSpan(c, n, m, a0, cnt);
  if (sa !== a0 || sn !== cnt) splitHuge(c, n, m, a0, cnt); // change_pmd_range splits a partial PMD
  for (let a = a0; a < a0 + cnt; a++) {
    const o = pgOff(L, m, a);
    const vma = n[o + PG_VMA]!;
    const kind = n[o + PG_KIND]!;
    let fl = n[o + PG_FLAGS]!;
    if (kind === PTE_PRESENT) {
      if ((vma & VM_READ) === 0) fl = (fl | PF_PROTNONE) & ~PF_W;
      else {
        fl &= ~PF_PROTNONE;
        if ((vma & VM_WRITE) === 0) fl &= ~PF_W;
      }
    } else if (kind === PTE_DEVPRIV || kind === PTE_DEVEXCL || kind === PTE_MIGRATION) {
      // "A protection check is difficult so just be safe and disable write": make_readable_*_entry
      // whatever the new protection (a later write fault restores write access)
      fl &= ~PF_W;
    }
    n[o + PG_FLAGS] = fl;
  }
  flushTlb(c, n, m, a0, cnt);
  endInv(c, n, t, m);
  emit(act('change_pte_range', t, a0), n);
}

// mmap_write_unlock (end of mprotect / fork; fork also releases the child's mmap_lock).
export function stepUnlockWrite(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const m = mmOf(c, t);
  const n = s.slice();
  n[mmOff(L, m) + MM_WRITER] = 0;
  if (L.mms > 1 && n[mmOff(L, 1) + MM_WRITER] === t + 1) n[mmOff(L, 1) + MM_WRITER] = 0;
  n[L.actors[t]!.base + R_MMAP] = 0;
  finishRequest(c, n, t, OK);
  emit(act('mmap_write_unlock', t, s[L.actors[t]!.base + R_A]!), n);
}

// fork() → dup_mmap: mmap_write_lock(parent), create the child mm (its lock held too), then
// copy_page_range under a PROTECTION_PAGE invalidation of the parent (is_cow_mapping).
export function stepForkLock(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const m = mmOf(c, t);
  if (m !== 0 || L.mms < 2 || s[mmOff(L, 1) + MM_EXISTS] === 1) {
    const n = s.slice();
    finishRequest(c, n, t, EINVALFORK);
    emit(act('mmap_write_lock', t, 0, EINVALFORK), n);
    return;
  }
  if (!mmapWriteFree(c, s, 0)) return;
  const n = s.slice();
  n[mmOff(L, 0) + MM_WRITER] = t + 1;
  n[mmOff(L, 1) + MM_WRITER] = t + 1;
  n[mmOff(L, 1) + MM_EXISTS] = 1;
  n[L.actors[t]!.base + R_MMAP] = 2;
  beginInv(c, n, t, 0, EV_PROTECTION_PAGE, 0, L.pages, 0, PC.copy_page_range, PC.mmap_write_unlock);
  emit(act('mmap_write_lock', t, 0, EV_PROTECTION_PAGE), n);
}
const EINVALFORK = -11; // EAGAIN: model supports a single fork

// copy_page_range → copy_pte_range / copy_present_pte / copy_nonpresent_pte for every page.
export function stepCopyPageRange(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const n = s.slice();
  // copy_huge_pmd: a maybe-pinned anon THP cannot be shared: __split_huge_pmd, copy its PTEs
  for (let a = 0; a < L.pages; a++) {
    const o = pgOff(L, 0, a);
    if ((n[o + PG_VMA]! & VM_HUGEPAGE) !== 0 && (n[o + PG_FLAGS]! & PF_HUGE) !== 0 && n[o + PG_KIND] === PTE_PRESENT
      && n[frOff(L, n[o + PG_VAL]!) + F_PIN]! > 0) {
      splitHuge(c, n, 0, a, 1);
    }
  }
  for (let a = 0; a < L.pages; a++) {
    const po = pgOff(L, 0, a);
    const co = pgOff(L, 1, a);
    n[co + PG_VMA] = n[po + PG_VMA]!;
    n[co + PG_LASTW] = n[po + PG_LASTW]!;
    let kind = n[po + PG_KIND]!;
    const f = n[po + PG_VAL]!;
    let fl = n[po + PG_FLAGS]!;
    if (kind === PTE_DEVEXCL) {
      // try_restore_exclusive_pte: the parent gets its normal PTE back before copying
      kind = PTE_PRESENT;
      setPte(c, n, 0, a, PTE_PRESENT, f, fl & (PF_W | PF_D));
      fl = fl & (PF_W | PF_D);
    }
    switch (kind) {
      case PTE_PRESENT:
        // (hugetlb's own copy of a pinned page, copy_hugetlb_page_range, is not modelled)
        if ((n[po + PG_VMA]! & (VM_SHARED | VM_HUGETLB)) === 0 && !isDevFrame(L, f) && n[frOff(L, f) + F_PIN]! > 0) {
          // copy_present_pte: folio_try_dup_anon_rmap_pte fails for a maybe-DMA-pinned exclusive
          // page → copy_present_page: the child gets its own writable, dirty copy now and the
          // parent keeps its PTE (a pinned PMD was split first, below, and is copied page by page)
          const nf = allocSysFrame(c, n);
          if (nf === 0) throw new RangeError('fork of a pinned page needs a free frame for copy_present_page: raise `frames`');
          initFrame(c, n, nf, n[frOff(L, f) + F_VER]!, true);
          n[frOff(L, nf) + F_MAP] = 1;
          // maybe_mkwrite(pte_mkdirty(pte), dst_vma): writable only in a writable VMA
          setPte(c, n, 1, a, PTE_PRESENT, nf, PF_D | ((n[po + PG_VMA]! & VM_WRITE) !== 0 ? PF_W : 0));
          break;
        }
        // copy_present_pte: COW — write-protect both sides, share the page (copy_huge_pmd keeps
        // the PMD); a MAP_SHARED mapping is not COW: the child maps the same page, same rights
        if ((n[po + PG_VMA]! & VM_SHARED) === 0) fl &= ~PF_W;
        n[po + PG_FLAGS] = fl;
        setPte(c, n, 1, a, PTE_PRESENT, f, fl);
        mapFrame(c, n, f);
        break;
      case PTE_ZERO:
        setPte(c, n, 1, a, PTE_ZERO, ZERO_FRAME, fl & PF_HUGE);
        break;
      case PTE_SWAP:
        setPte(c, n, 1, a, PTE_SWAP, f, 0);
        break;
      case PTE_MIGRATION:
        // copy_nonpresent_pte: writable migration entries become readable in both
        fl &= ~PF_W;
        n[po + PG_FLAGS] = fl;
        setPte(c, n, 1, a, PTE_MIGRATION, f, fl);
        break;
      case PTE_DEVPRIV:
        // copy_nonpresent_pte: device-private page shared read-only, rmap dup + reference
        fl &= ~PF_W;
        n[po + PG_FLAGS] = fl;
        setPte(c, n, 1, a, PTE_DEVPRIV, f, fl);
        mapFrame(c, n, f);
        break;
      default:
        setPte(c, n, 1, a, PTE_NONE, 0, 0);
    }
  }
  flushTlb(c, n, 0, 0, L.pages); // write-protected parent PTEs: flush before range_end
  endInv(c, n, t, 0);
  emit(act('copy_page_range', t, 0), n);
}

// The child's thread returns from fork once the child mm exists and dup_mmap released it.
export function stepRetFromFork(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  if (L.mms < 2 || s[mmOff(L, 1) + MM_EXISTS] !== 1 || s[mmOff(L, 1) + MM_WRITER] !== 0) return;
  const n = s.slice();
  const b = L.actors[t]!.base;
  n[b + R_PC] = PC.cpu_access;
  const req = n[b + 1]!;
  // re-derive the start pc of the first request
  finishRequestStart(c, n, t, req);
  emit(act('ret_from_fork', t, 0), n);
}

function finishRequestStart(c: Ctx, n: Int32Array, t: number, req: number): void {
  n[c.L.actors[t]!.base + R_PC] = startPc(c, t, req);
}

// pin_user_pages(FOLL_WRITE|FOLL_PIN|FOLL_LONGTERM): mmap_read_lock, then follow/fault.
export function stepPinLock(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const m = mmOf(c, t);
  if (!mmapReadFree(c, s, m)) return;
  const n = s.slice();
  mmapReadLock(c, n, t, m);
  n[c.L.actors[t]!.base + R_PC] = PC.follow_page_pte;
  emit(act('mmap_read_lock', t, s[c.L.actors[t]!.base + R_A]!), n);
}

// __get_user_pages: follow_page_pte; on a miss faultin_page → handle_mm_fault(WRITE) and retry.
export function stepPinFollow(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  const a = s[b + R_A]!;
  const o = pgOff(L, m, a);
  const n = s.slice();
  const rc = takeHmfRc(n, b);
  const vma = s[o + PG_VMA]!;
  if (rc !== 0 || (vma & VM_EXISTS) === 0 || (vma & VM_WRITE) === 0) {
    mmapReadUnlock(c, n, t, m);
    finishRequest(c, n, t, EFAULT);
    emit(act(longtermOp(c, s, t) ? 'pin_user_pages' : 'get_user_pages', t, a, EFAULT), n);
    return;
  }
  const kind = s[o + PG_KIND]!;
  const fl = s[o + PG_FLAGS]!;
  const longterm = c.reqs[t]![s[b + 1]!]!.op === 'pin';
  const f = s[o + PG_VAL]!;
  if (kind === PTE_PRESENT && (fl & PF_W) !== 0 && (fl & PF_PROTNONE) === 0 && (!isDevFrame(L, f) || c.coherent)) {
    if (longterm && isDevFrame(L, f)) {
      // FOLL_LONGTERM may not pin device-coherent memory: check_and_migrate_movable_pages
      if (s[frOff(L, f) + F_LOCK] !== 0) return; // folio_lock sleeps
      beginCoherentMigration(c, n, t, f);
      emit(act('migrate_device_coherent_folio', t, a, 0), n);
      return;
    }
    if (longterm) {
      n[frOff(L, f) + F_PIN]!++;
      getFrame(c, n, f);
      n[b + R_PINNED] = f | (a << 8); // frame and address of the pin
    } // get_user_pages + put_page: the reference comes and goes
    mmapReadUnlock(c, n, t, m);
    finishRequest(c, n, t, OK);
    emit(act(longterm ? 'pin_user_pages' : 'get_user_pages', t, a, 0), n);
    return;
  }
  beginHmf(c, n, t, a, true, PC.follow_page_pte);
  emit(act(longterm ? 'pin_user_pages' : 'get_user_pages', t, a, 1), n);
}

// ---- FOLL_LONGTERM GUP of a device-coherent page ---------------------------------------------

/**
 * check_and_migrate_movable_pages → migrate_device_coherent_folio(folio): folio_lock, then
 * migrate_device_unmap on that one pfn (try_to_migrate: an MMU_NOTIFY_CLEAR invalidation, the
 * mirrors drop their entries), folio_alloc + folio_copy, migrate_device_pages,
 * migrate_device_finalize; GUP then pins the system page. Called by the pinning thread (mmap_lock
 * held for read) from stepPinFollow.
 */
export function beginCoherentMigration(c: Ctx, n: Int32Array, t: number, f: number): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const d = frameOwner(L, f);
  getFrame(c, n, f);
  n[frOff(L, f) + F_LOCK] = t + 1;
  n[srcOff(L, t, f - firstDevFrame(L, d))] = (f << 4) | MPFN_MIGRATE;
  n[b + R_M_KIND] = MIG_COHERENT;
  n[b + R_M_A] = 0;
  n[b + R_M_N] = L.devFrames;
  n[b + R_M_DEV] = d;
  n[b + R_M_FAULTPAGE] = 0;
  beginInv(c, n, t, mmOf(c, t), EV_CLEAR, 0, L.pages, 0, PC.migrate_device_unmap, PC.dmirror_device_evict_chunk);
}

const longtermOp = (c: Ctx, s: Int32Array, t: number): boolean => c.reqs[t]![s[c.L.actors[t]!.base + 1]!]!.op === 'pin';

// unpin_user_page
export function stepUnpin(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const n = s.slice();
  const f = n[b + R_PINNED]! & 0xff;
  if (f !== 0) {
    n[frOff(L, f) + F_PIN]!--;
    putFrame(c, n, f);
  }
  n[b + R_PINNED] = 0;
  finishRequest(c, n, t, f !== 0 ? OK : EFAULT);
  emit(act('unpin_user_page', t, s[b + R_A]!), n);
}

// mremap(old, n, n, MREMAP_MAYMOVE | MREMAP_FIXED [| MREMAP_DONTUNMAP], new): mmap_write_lock,
// then move_page_tables under an MMU_NOTIFY_UNMAP invalidation of the old range. The destination
// must be a hole (MREMAP_FIXED's do_munmap of a populated destination is not modelled: -EINVAL).
export function stepMremapLock(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  if (!mmapWriteFree(c, s, m)) return;
  const n = s.slice();
  const r = c.reqs[t]![s[b + 1]!]!;
  const a0 = r.page;
  const cnt = r.npages;
  let ok = r.to + cnt <= L.pages && (r.to >= a0 + cnt || r.to + cnt <= a0);
  for (let i = 0; ok && i < cnt; i++) {
    if ((n[pgOff(L, m, a0 + i) + PG_VMA]! & VM_EXISTS) === 0) ok = false;
    if ((n[pgOff(L, m, r.to + i) + PG_VMA]! & VM_EXISTS) !== 0) ok = false;
  }
  if (!ok) {
    finishRequest(c, n, t, -22); // -EINVAL
    emit(act('mmap_write_lock', t, a0, -22), n);
    return;
  }
  writeLockAndInvalidate(c, n, t, m, a0, cnt, EV_UNMAP, PC.move_page_tables, PC.mmap_write_unlock, emit);
}

// move_page_tables: every PTE (present, zero, swap, device-private, ...) moves with its rmap and
// its contents to the new address; a PMD moves whole only to a PMD-aligned destination
// (move_pgt_entry), else it is split; the old range is flushed and becomes a hole (or an empty
// VMA with MREMAP_DONTUNMAP).
export function stepMovePageTables(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  const r = c.reqs[t]![s[b + 1]!]!;
  const n = s.slice();
  const [sa, sn] = hugeSpan(c, n, m, r.page, r.npages);
  if (sa !== r.page || sn !== r.npages || ((r.to - r.page) & 1) !== 0) splitHuge(c, n, m, r.page, r.npages);
  for (let i = 0; i < r.npages; i++) {
    const o = pgOff(L, m, r.page + i);
    const d = pgOff(L, m, r.to + i);
    for (let k = 0; k < PAGE_WORDS_MM; k++) n[d + k] = n[o + k]!;
    setPte(c, n, m, r.page + i, PTE_NONE, 0, 0);
    n[o + PG_LASTW] = 0;
    if (!r.dontUnmap) n[o + PG_VMA] = 0;
  }
  flushTlb(c, n, m, r.page, r.npages);
  endInv(c, n, t, m);
  emit(act('move_page_tables', t, r.page, r.to), n);
}

// madvise(MADV_FREE): mmap_read_lock, then madvise_free_pte_range under an MMU_NOTIFY_CLEAR
// invalidation: exclusively mapped anonymous pages are marked clean (lazily freeable); swap
// entries would be freed; device-private entries are left alone.
// madvise(MADV_DONTNEED): mmap_read_lock (not write: madvise_need_mmap_write is false), then
// zap_page_range_single under an MMU_NOTIFY_CLEAR invalidation: every PTE of the range goes,
// migration entries included (should_zap_folio with even_cows), the VMA stays.
export function stepMadvLock(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const m = mmOf(c, t);
  if (!mmapReadFree(c, s, m)) return;
  const b = c.L.actors[t]!.base;
  const n = s.slice();
  mmapReadLock(c, n, t, m);
  const [ia, inum] = hugeSpan(c, n, m, n[b + R_A]!, n[b + R_N]!);
  beginInv(c, n, t, m, EV_CLEAR, ia, inum, 0, dontneed(c, s, t) ? PC.zap_page_range_single : PC.madvise_free_pte_range, PC.do_madvise_unlock);
  emit(act('mmap_read_lock', t, s[b + R_A]!), n);
}

const dontneed = (c: Ctx, s: Int32Array, t: number): boolean => c.reqs[t]![s[c.L.actors[t]!.base + 1]!]!.op === 'madvDontneed';

// zap_page_range_single → unmap_single_vma → zap_pte_range (a partial PMD split first), then
// mmu_notifier_invalidate_range_end; the gathered pages are freed by tlb_finish_mmu at unlock.
export function stepMadvDontneedZap(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = c.L.actors[t]!.base;
  const m = mmOf(c, t);
  const a0 = s[b + R_A]!;
  const cnt = s[b + R_N]!;
  const n = s.slice();
  splitHuge(c, n, m, a0, cnt);
  zapPtes(c, n, t, m, a0, cnt, false);
  endInv(c, n, t, m);
  emit(act('zap_page_range_single', t, a0), n);
}

export function stepMadvFree(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  const a0 = s[b + R_A]!;
  const cnt = s[b + R_N]!;
  const n = s.slice();
  const [sa, sn] = hugeSpan(c, n, m, a0, cnt);
  if (sa !== a0 || sn !== cnt) splitHuge(c, n, m, a0, cnt); // a partial PMD is split
  for (let a = a0; a < a0 + cnt; a++) {
    const o = pgOff(L, m, a);
    if (n[o + PG_KIND] !== PTE_PRESENT || (n[o + PG_VMA]! & VM_SHARED) !== 0) continue;
    const f = n[o + PG_VAL]!;
    if (isDevFrame(L, f) || n[frOff(L, f) + F_MAP] !== 1) continue;
    n[o + PG_FLAGS] = n[o + PG_FLAGS]! & ~PF_D; // ptep_get_and_clear_full + mkclean
    n[frOff(L, f) + F_DIRTY] = 0; //            folio_clear_dirty
    if ((n[o + PG_VMA]! & VM_SHARED) === 0) n[frOff(L, f) + F_LAZY] = n[frOff(L, f) + F_VER]! + 1; // folio_mark_lazyfree
  }
  flushTlb(c, n, m, a0, cnt);
  endInv(c, n, t, m);
  emit(act('madvise_free_pte_range', t, a0), n);
}

export function stepMadvUnlock(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = c.L.actors[t]!.base;
  const n = s.slice();
  if (dontneed(c, s, t)) tlbFinishMmu(c, n, t, mmOf(c, t), s[b + R_A]!, s[b + R_N]!); // zap_page_range_single's tlb_finish_mmu
  mmapReadUnlock(c, n, t, mmOf(c, t));
  finishRequest(c, n, t, OK);
  emit(act('mmap_read_unlock', t, s[b + R_A]!), n);
}

// ---- handle_mm_fault ------------------------------------------------------------------------

/** enter handle_mm_fault(vma, addr, write ? FAULT_FLAG_WRITE : 0); caller holds mmap_lock (read) */
export function beginHmf(c: Ctx, n: Int32Array, t: number, a: number, w: boolean, ret: number): void {
  const b = c.L.actors[t]!.base;
  n[b + R_H_A] = a;
  n[b + R_H_W] = w ? 1 : 0;
  n[b + R_H_RET] = ret;
  n[b + R_H_RC] = 0;
  n[b + R_H_T] = 0;
  n[b + R_PC] = PC.handle_mm_fault;
}

/** the caller reads handle_mm_fault's result; the fault registers are cleared (canonical) */
export function takeHmfRc(n: Int32Array, b: number): number {
  const rc = n[b + R_H_RC]!;
  n[b + R_H_A] = 0;
  n[b + R_H_W] = 0;
  n[b + R_H_RET] = 0;
  n[b + R_H_RC] = 0;
  n[b + R_H_T] = 0;
  return rc;
}

/**
 * do_numa_page's out_map: the protnone PTE of (m, a) gets the VMA's protection back, writable
 * only if can_change_pte_writable (exclusive, unshared) — never after a failed migration
 * (`writable = false; ignore_writable = true`); a PMD mapping as a whole.
 */
export function numaRestore(c: Ctx, n: Int32Array, m: number, a: number, mayWrite = true): void {
  const L = c.L;
  const o = pgOff(L, m, a);
  const f = n[o + PG_VAL]!;
  const fl = n[o + PG_FLAGS]!;
  const fo = frOff(L, f);
  const wr = mayWrite && (n[o + PG_VMA]! & VM_WRITE) !== 0 && anonExclusive(n, fo);
  setPte(c, n, m, a, PTE_PRESENT, f, (fl & ~PF_PROTNONE) | (wr ? PF_W : 0));
  if ((fl & PF_HUGE) !== 0 && (a ^ 1) < L.pages) {
    // do_huge_pmd_numa_page: the whole PMD gets its protection back
    const po = pgOff(L, m, a ^ 1);
    n[po + PG_FLAGS] = (n[po + PG_FLAGS]! & ~PF_PROTNONE) | (wr ? PF_W : 0);
  }
}

/**
 * PageAnonExclusive, which the model does not keep as a flag: a page mapped once and referenced
 * only by that mapping, or a pinned page mapped once (FOLL_PIN of an anonymous page unshares it
 * first, so a pinned anonymous page is exclusive whatever its refcount).
 */
export const anonExclusive = (s: Int32Array, fo: number): boolean => s[fo + F_MAP] === 1 && (s[fo + F_REF] === 1 || s[fo + F_PIN]! > 0);

export function hmfReturn(n: Int32Array, b: number, rc: number): void {
  n[b + R_PC] = n[b + R_H_RET]!;
  n[b + R_H_RC] = rc;
  n[b + R_H_T] = 0;
}

// handle_mm_fault → __handle_mm_fault → handle_pte_fault: dispatch on the PTE.
export function stepHandleMmFault(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  const a = s[b + R_H_A]!;
  const w = s[b + R_H_W] === 1;
  const o = pgOff(L, m, a);
  const vma = s[o + PG_VMA]!;
  const kind = s[o + PG_KIND]!;
  const f = s[o + PG_VAL]!;
  const fl = s[o + PG_FLAGS]!;
  if ((vma & VM_EXISTS) === 0 || (vma & VM_READ) === 0 || (w && (vma & VM_WRITE) === 0)) {
    const n = s.slice();
    hmfReturn(n, b, VM_FAULT_SIGSEGV);
    emit(act('lock_mm_and_find_vma', t, a, VM_FAULT_SIGSEGV), n);
    return;
  }
  if (kind === PTE_NONE && (vma & (VM_SHARED | VM_HUGETLB)) === 0 && m === 0 && L.gUnstable >= 0 && s[L.gUnstable] === 1) {
    // check_stable_address_space: the OOM reaper may have freed this memory (MMF_UNSTABLE)
    const n = s.slice();
    hmfReturn(n, b, VM_FAULT_SIGBUS);
    emit(act((vma & VM_HUGEPAGE) !== 0 ? 'do_huge_pmd_anonymous_page' : 'do_anonymous_page', t, a, VM_FAULT_SIGBUS), n);
    return;
  }
  if (kind === PTE_NONE && hugeFault(c, s, t, m, a, w, vma, emit)) return;
  switch (kind) {
    case PTE_NONE: {
      if ((vma & VM_SHARED) !== 0) {
        // do_read_fault / do_shared_fault: map the shmem / page-cache page (a new zeroed page:
        // the model has no separate page cache). finish_fault → set_pte_range builds the PTE from
        // vm_page_prot: shmem has no write-notify (no writeback), so a read fault of a writable
        // shmem VMA maps it writable; a file with writeback maps it read-only until a write fault
        const n = s.slice();
        const nf = allocSysFrame(c, n);
        if (nf === 0) hmfReturn(n, b, VM_FAULT_OOM);
        else {
          initFrame(c, n, nf, 0, true);
          n[frOff(L, nf) + F_MAP] = 1;
          const shmemWritable = c.cfg.mapping === 'shared' && (vma & VM_WRITE) !== 0;
          setPte(c, n, m, a, PTE_PRESENT, nf, w ? PF_W | PF_D : shmemWritable ? PF_W : 0);
          hmfReturn(n, b, 0);
        }
        emit(act(w ? 'do_shared_fault' : 'do_read_fault', t, a), n);
        return;
      }
      // do_anonymous_page: zero page on read, a fresh zeroed page on write
      const n = s.slice();
      if (!w) {
        setPte(c, n, m, a, PTE_ZERO, ZERO_FRAME, 0);
        hmfReturn(n, b, 0);
      } else {
        const nf = allocSysFrame(c, n);
        if (nf === 0) hmfReturn(n, b, VM_FAULT_OOM);
        else {
          initFrame(c, n, nf, 0, true);
          n[frOff(L, nf) + F_MAP] = 1; // the allocation reference becomes the mapping's
          setPte(c, n, m, a, PTE_PRESENT, nf, PF_W | PF_D);
          hmfReturn(n, b, 0);
        }
      }
      emit(act('do_anonymous_page', t, a, w ? 1 : 0), n);
      return;
    }
    case PTE_PRESENT: {
      if ((fl & PF_PROTNONE) !== 0) {
        // do_numa_page: numa_migrate_check may pick a target node (features.numaMigrate: both
        // outcomes are explored): migrate_misplaced_folio_prepare isolates the folio, the PTL is
        // dropped and migrate_pages runs (migrate-pages.ts), returning here at the end
        if (c.numaMigrate && (fl & PF_HUGE) === 0 && !isDevFrame(L, f)) {
          const fo = frOff(L, f);
          if (s[fo + F_LRU] === 1 && s[fo + F_MAP] === 1) {
            const n = s.slice();
            n[fo + F_LRU] = 0; // folio_isolate_lru
            getFrame(c, n, f); // the isolation reference
            n[b + R_K_PAGE] = a;
            n[b + R_K_FRAME] = f;
            n[b + R_PC] = PC.migrate_folio_unmap;
            emit(act('migrate_misplaced_folio', t, a), n);
          }
        }
        // NUMA_NO_NODE (or a folio that cannot be isolated): restore the protection
        const n = s.slice();
        numaRestore(c, n, m, a);
        hmfReturn(n, b, 0);
        emit(act('do_numa_page', t, a), n);
        return;
      }
      if (w && (fl & PF_W) === 0) {
        const fo = frOff(L, f);
        if ((vma & VM_SHARED) !== 0) {
          // do_wp_page → wp_page_shared: a shared page is made writable in place
          const n = s.slice();
          setPte(c, n, m, a, PTE_PRESENT, f, fl | PF_W | PF_D);
          hmfReturn(n, b, 0);
          emit(act('do_wp_page', t, a), n);
          return;
        }
        if ((fl & PF_HUGE) !== 0 && (a ^ 1) < L.pages) {
          // do_huge_pmd_wp_page / hugetlb_wp: reuse the whole huge page when we own it
          const pf = s[pgOff(L, m, a ^ 1) + PG_VAL]!;
          const po = frOff(L, pf);
          if (s[fo + F_MAP] === 1 && s[fo + F_REF] === 1 && s[po + F_MAP] === 1 && s[po + F_REF] === 1) {
            const n = s.slice();
            setPte(c, n, m, a, PTE_PRESENT, f, fl | PF_W | PF_D);
            const pfl = s[pgOff(L, m, a ^ 1) + PG_FLAGS]!;
            setPte(c, n, m, a ^ 1, PTE_PRESENT, pf, pfl | PF_W | PF_D);
            hmfReturn(n, b, 0);
            emit(act((vma & VM_HUGETLB) !== 0 ? 'hugetlb_wp' : 'do_huge_pmd_wp_page', t, a), n);
            return;
          }
          // otherwise: __split_huge_pmd, then the PTE-level COW below (wp_page_copy)
        }
        if ((!isDevFrame(L, f) || c.coherent) && anonExclusive(s, fo)) {
          // do_wp_page: PageAnonExclusive, or wp_can_reuse_anon_folio → wp_page_reuse
          const n = s.slice();
          setPte(c, n, m, a, PTE_PRESENT, f, fl | PF_W | PF_D);
          hmfReturn(n, b, 0);
          emit(act('do_wp_page', t, a), n);
          return;
        }
        wpPageCopy(c, s, t, m, a, frameVer(c, s, f), emit);
        return;
      }
      const n = s.slice();
      hmfReturn(n, b, 0); // spurious fault (someone else fixed it)
      emit(act('do_wp_page', t, a, 1), n);
      return;
    }
    case PTE_ZERO: {
      if (w) {
        wpPageCopy(c, s, t, m, a, 0, emit);
        return;
      }
      const n = s.slice();
      hmfReturn(n, b, 0);
      emit(act('do_anonymous_page', t, a, 2), n);
      return;
    }
    case PTE_SWAP: {
      // do_swap_page (swap entry): swap-in into a new page; the folio is exclusive (no swap
      // cache in the model), so a writable VMA gets a writable PTE even on a read fault
      // (pte_mkwrite; dirty only for a write fault)
      const n = s.slice();
      const nf = allocSysFrame(c, n);
      if (nf === 0) hmfReturn(n, b, VM_FAULT_OOM);
      else {
        initFrame(c, n, nf, f, true);
        n[frOff(L, nf) + F_MAP] = 1;
        setPte(c, n, m, a, PTE_PRESENT, nf, (vma & VM_WRITE) !== 0 ? PF_W | (w ? PF_D : 0) : 0);
        hmfReturn(n, b, 0);
      }
      emit(act('do_swap_page', t, a, 0), n);
      return;
    }
    case PTE_MIGRATION:
      // migration_entry_wait: sleeps until the migration ends (no step enabled meanwhile)
      return;
    case PTE_DEVPRIV: {
      // do_swap_page (device-private branch): PTL, pte_same, trylock_page; on success take a
      // reference and call pgmap->ops->migrate_to_ram (dmirror_devmem_fault); otherwise
      // migration_entry_wait_on_locked (no step until the page lock is released).
      // A device-private PMD (device THP): do_huge_pmd_device_private does the same with the
      // head page, and dmirror_devmem_fault migrates the whole folio (ALIGN_DOWN to its size).
      const huge = (fl & PF_HUGE) !== 0 && (a ^ 1) < L.pages;
      const ha = huge ? a & ~1 : a;
      const hf = huge ? s[pgOff(L, m, ha) + PG_VAL]! : f;
      if (s[frOff(L, hf) + F_LOCK] !== 0) return;
      const n = s.slice();
      n[frOff(L, hf) + F_LOCK] = t + 1;
      getFrame(c, n, hf);
      n[b + R_H_T] = hf;
      const d = deviceOfFrame(c, hf);
      n[b + R_M_KIND] = MIG_FAULT;
      n[b + R_M_A] = ha;
      n[b + R_M_N] = huge ? 2 : 1;
      n[b + R_M_DEV] = d;
      n[b + R_M_FAULTPAGE] = hf;
      beginInv(c, n, t, m, EV_MIGRATE, ha, huge ? 2 : 1, d + 1, PC.migrate_vma_collect_pmd, PC.migrate_device_unmap);
      emit(act(huge ? 'do_huge_pmd_device_private' : 'do_swap_page', t, a, 1), n);
      return;
    }
    case PTE_DEVEXCL: {
      // remove_device_exclusive_entry: folio_lock_or_retry, then a CLEAR invalidation
      if (s[frOff(L, f) + F_LOCK] !== 0) return;
      const n = s.slice();
      n[frOff(L, f) + F_LOCK] = t + 1;
      getFrame(c, n, f);
      n[b + R_H_T] = f;
      beginInv(c, n, t, m, EV_CLEAR, a, 1, 0, PC.restore_exclusive_pte, PC.remove_device_exclusive_entry_unlock);
      emit(act('remove_device_exclusive_entry', t, a), n);
      return;
    }
    default:
      return;
  }
}

/**
 * Faults on pte_none that map a whole huge entry (the aligned pair of `a`):
 *  - hugetlb_fault → hugetlb_no_page: a fresh zeroed huge page, writable only on a write fault
 *    of a private mapping (make_huge_pte(..., VM_SHARED)); never the zero page.
 *  - do_huge_pmd_anonymous_page (VM_HUGEPAGE, the whole pair in the VMA and unpopulated): the
 *    huge zero page on a read fault, a fresh huge page on a write fault; falls back to
 *    do_anonymous_page when no huge page can be allocated.
 * Returns false when the fault is not a huge one.
 */
function hugeFault(c: Ctx, s: Int32Array, t: number, m: number, a: number, w: boolean, vma: number, emit: Emit): boolean {
  const L = c.L;
  const b = L.actors[t]!.base;
  const p = a ^ 1;
  if (p >= L.pages) return false;
  const hugetlb = (vma & VM_HUGETLB) !== 0;
  const po = pgOff(L, m, p);
  if (!hugetlb && ((vma & VM_HUGEPAGE) === 0 || (s[po + PG_VMA]! & VM_HUGEPAGE) === 0 || s[po + PG_KIND] !== PTE_NONE)) return false;
  const kind = hugetlb ? 'hugetlb_fault' : 'do_huge_pmd_anonymous_page';
  const n = s.slice();
  if (!hugetlb && !w) {
    setPte(c, n, m, a, PTE_ZERO, ZERO_FRAME, PF_HUGE);
    setPte(c, n, m, p, PTE_ZERO, ZERO_FRAME, PF_HUGE);
    hmfReturn(n, b, 0);
    emit(act(kind, t, a, 0), n);
    return true;
  }
  const f1 = allocSysFrame(c, n);
  if (f1 !== 0) initFrame(c, n, f1, 0, !hugetlb);
  const f2 = f1 === 0 ? 0 : allocSysFrame(c, n);
  if (f2 === 0) {
    if (!hugetlb) return false; // THP allocation failed: fall back to a PTE-mapped page
    const o = s.slice();
    hmfReturn(o, b, VM_FAULT_OOM);
    emit(act(kind, t, a, VM_FAULT_OOM), o);
    return true;
  }
  initFrame(c, n, f2, 0, !hugetlb);
  const fl = PF_HUGE | (w || (vma & VM_SHARED) !== 0 ? PF_W | PF_D : 0);
  for (const [pg, fr] of [[a, f1], [p, f2]] as const) {
    n[frOff(L, fr) + F_MAP] = 1;
    setPte(c, n, m, pg, PTE_PRESENT, fr, fl);
  }
  hmfReturn(n, b, 0);
  emit(act(kind, t, a, w ? 1 : 0), n);
  return true;
}

// wp_page_copy: allocate and copy first (no lock), then the CLEAR invalidation around the PTE swap.
function wpPageCopy(c: Ctx, s: Int32Array, t: number, m: number, a: number, ver: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const n = s.slice();
  const nf = allocSysFrame(c, n);
  if (nf === 0) {
    hmfReturn(n, b, VM_FAULT_OOM);
    emit(act('wp_page_copy', t, a, VM_FAULT_OOM), n);
    return;
  }
  initFrame(c, n, nf, ver, false);
  // do_wp_page takes folio_get(old) before wp_page_copy and wp_page_copy re-checks pte_same
  // against vmf->orig_pte: keep the old PTE (kind, frame, flags) with the new frame in R_H_T
  // (8 bits each; the layout refuses configs with 256 or more frames) and hold the old folio.
  const oo = pgOff(L, m, a);
  const ok = s[oo + PG_KIND]!;
  const of = s[oo + PG_VAL]!;
  const ofl = s[oo + PG_FLAGS]!;
  if (ok === PTE_PRESENT) getFrame(c, n, of);
  n[b + R_H_T] = nf | (of << 8) | (ofl << 16) | (ok << 24);
  const [ia, inum] = hugeSpan(c, n, m, a, 1); // a huge entry is split first (CLEAR over the PMD)
  beginInv(c, n, t, m, EV_CLEAR, ia, inum, 0, PC.wp_page_copy_set_pte, n[b + R_H_RET]!);
  emit(act('wp_page_copy', t, a), n);
}

// wp_page_copy (second half): pte_same check, ptep_clear_flush, set_pte_at(new), put old page.
export function stepWpCopySet(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  const a = s[b + R_H_A]!;
  const o = pgOff(L, m, a);
  const kind = s[o + PG_KIND]!;
  const n = s.slice();
  const saved = n[b + R_H_T]!;
  const nf = saved & 0xff;
  const of = (saved >> 8) & 0xff;
  const ofl = (saved >> 16) & 0xff;
  const ok = (saved >> 24) & 0x7f;
  // pte_same(orig_pte): the PTE must be exactly the one the fault started from
  if (kind === ok && s[o + PG_VAL] === of && s[o + PG_FLAGS] === ofl) {
    const old = s[o + PG_VAL]!;
    flushTlb(c, n, m, a);
    splitHuge(c, n, m, a, 1);
    setPte(c, n, m, a, PTE_PRESENT, nf, PF_W | PF_D);
    n[frOff(L, nf) + F_MAP] = 1;
    n[frOff(L, nf) + F_LRU] = 1;
    if (kind === PTE_PRESENT) unmapFrame(c, n, old);
  } else putFrame(c, n, nf); // lost the race: someone changed the PTE
  if (ok === PTE_PRESENT) putFrame(c, n, of); // folio_put(old_folio) at the end of wp_page_copy
  n[b + R_H_T] = 0;
  n[b + R_H_RC] = 0;
  endInv(c, n, t, m);
  emit(act('wp_page_copy_set_pte', t, a), n);
}

// restore_exclusive_pte (remove_device_exclusive_entry, inside the invalidation)
export function stepExclRestore(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  const a = s[b + R_H_A]!;
  const o = pgOff(L, m, a);
  const f = s[b + R_H_T]!;
  const n = s.slice();
  if (s[o + PG_KIND] === PTE_DEVEXCL && s[o + PG_VAL] === f) {
    setPte(c, n, m, a, PTE_PRESENT, f, s[o + PG_FLAGS]! & (PF_W | PF_D));
  }
  endInv(c, n, t, m);
  emit(act('restore_exclusive_pte', t, a), n);
}

// remove_device_exclusive_entry: folio_unlock + folio_put, fault done.
export function stepExclDone(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const n = s.slice();
  const f = n[b + R_H_T]!;
  n[frOff(L, f) + F_LOCK] = 0;
  putFrame(c, n, f);
  hmfReturn(n, b, 0);
  emit(act('folio_unlock', t, s[b + R_H_A]!), n);
}

// do_swap_page (after migrate_to_ram returned): unlock_page + put_page.
export function stepDspDone(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const n = s.slice();
  const f = n[b + R_H_T]!;
  if (n[frOff(L, f) + F_LOCK] === t + 1) n[frOff(L, f) + F_LOCK] = 0;
  putFrame(c, n, f);
  const rc = n[b + R_H_RC]!;
  hmfReturn(n, b, rc);
  emit(act('do_swap_page', t, s[b + R_H_A]!, 2), n);
}

// ---- core-mm background actor (kswapd / task_numa_work / ksmd) ------------------------------

export function stepBackground(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const f = c.cfg.features ?? {};
  for (let a = 0; a < L.pages; a++) {
    const o = pgOff(L, 0, a);
    const kind = s[o + PG_KIND]!;
    if ((kind === PTE_DEVPRIV || kind === PTE_MIGRATION || kind === PTE_DEVEXCL) && (s[o + PG_FLAGS]! & PF_W) !== 0
      && (f.numa ?? false) && s[L.gBudNuma]! > 0 && mmapReadFree(c, s, 0)) {
      // task_numa_work → change_prot_numa walks every PTE of the VMA: the non-present branch of
      // change_pte_range (change_non_present_huge_pmd for a PMD) has no prot_numa guard — "a
      // protection check is difficult so just be safe and disable write": writable
      // device-private, device-exclusive and migration entries become read-only
      const [ia, inum] = hugeSpan(c, s, 0, a, 1);
      if (ia === a) {
        const n = s.slice();
        n[L.gBudNuma]!--;
        mmapReadLock(c, n, t, 0);
        n[b + R_K_PAGE] = a;
        beginInv(c, n, t, 0, EV_PROTECTION_VMA, ia, inum, 0, PC.change_prot_numa_set, PC.background_folio_unlock);
        emit(act('change_prot_numa', t, a, 1), n);
      }
    }
    if (kind !== PTE_PRESENT) continue;
    const fr = s[o + PG_VAL]!;
    if (isDevFrame(L, fr)) continue; // device-coherent pages: not on the LRU, prot_numa and KSM skip them
    const fo = frOff(L, fr);
    const fl = s[o + PG_FLAGS]!;
    // A PMD-mapped THP (hugetlb is neither on the LRU, nor NUMA-hinted, nor mergeable): reclaim
    // (shrink_folio_list → split_folio_to_list) and KSM (try_to_merge_one_page →
    // split_huge_page) split it first — the split's CLEAR invalidation folded into theirs, widened
    // to the PMD; change_prot_numa makes the whole PMD protnone (change_huge_pmd); compaction
    // leaves it alone here (THP migration is not modelled).
    const huge = (fl & PF_HUGE) !== 0;
    if (huge && (s[o + PG_VMA]! & VM_HUGETLB) !== 0) continue;
    const [ia, inum] = huge ? hugeSpan(c, s, 0, a, 1) : [a, 1];
    // shrink_folio_list: folio_trylock, then try_to_unmap (skips maybe-DMA-pinned anon pages)
    if ((f.reclaim ?? false) && s[L.gBudReclaim]! > 0 && s[fo + F_LRU] === 1 && s[fo + F_LOCK] === 0 && s[fo + F_PIN] === 0) {
      const n = s.slice();
      n[L.gBudReclaim]!--;
      n[fo + F_LOCK] = t + 1;
      n[fo + F_LRU] = 0; // isolated
      getFrame(c, n, fr);
      n[b + R_K_PAGE] = a;
      n[b + R_K_FRAME] = fr;
      beginInv(c, n, t, 0, EV_CLEAR, ia, inum, 0, PC.try_to_unmap_one, PC.background_folio_unlock);
      emit(act('try_to_unmap', t, a), n);
    }
    // task_numa_work → change_prot_numa (mmap_read_lock held)
    // change_pte_range(MM_CP_PROT_NUMA) skips, in a COW mapping, folios that may be DMA-pinned or
    // are mapped by more than one process
    if ((f.numa ?? false) && s[L.gBudNuma]! > 0 && (fl & PF_PROTNONE) === 0 && ia === a && !protNumaSkips(c, s, o)
      && mmapReadFree(c, s, 0)) {
      const n = s.slice();
      n[L.gBudNuma]!--;
      mmapReadLock(c, n, t, 0);
      n[b + R_K_PAGE] = a;
      beginInv(c, n, t, 0, EV_PROTECTION_VMA, ia, inum, 0, PC.change_prot_numa_set, PC.background_folio_unlock);
      emit(act('change_prot_numa', t, a), n);
    }
    // kcompactd: isolate_migratepages_block skips folios with references beyond their mappings
    // (pinned or under I/O), isolates the rest for migrate_pages (migrate-pages.ts)
    if (!huge && L.gBudCompact >= 0 && s[L.gBudCompact]! > 0 && s[fo + F_LRU] === 1 && s[fo + F_LOCK] === 0
      && s[fo + F_MAP] === 1 && s[fo + F_REF] === 1) {
      const n = s.slice();
      n[L.gBudCompact]!--;
      n[fo + F_LRU] = 0;
      getFrame(c, n, fr);
      n[b + R_K_PAGE] = a;
      n[b + R_K_FRAME] = fr;
      n[b + R_PC] = PC.migrate_folio_unmap;
      emit(act('isolate_migratepages_block', t, a), n);
    }
    // ksmd: try_to_merge_one_page → write_protect_page (mmap_read_lock + folio lock)
    // (try_to_merge_one_page: `if (!PageAnon(page)) goto out` — shared mappings are never merged)
    if ((f.ksm ?? false) && s[L.gBudKsm]! > 0 && (fl & PF_W) !== 0 && (s[o + PG_VMA]! & VM_SHARED) === 0 && s[fo + F_LOCK] === 0
      && mmapReadFree(c, s, 0)) {
      const n = s.slice();
      n[L.gBudKsm]!--;
      mmapReadLock(c, n, t, 0);
      n[fo + F_LOCK] = t + 1;
      getFrame(c, n, fr);
      n[b + R_K_PAGE] = a;
      n[b + R_K_FRAME] = fr;
      beginInv(c, n, t, 0, EV_CLEAR, ia, inum, 0, PC.write_protect_page, PC.background_folio_unlock);
      emit(act('write_protect_page', t, a), n);
    }
  }
}

// try_to_unmap_one: ptep_clear_flush, dirty → folio, swap entry installed, rmap removed.
export function stepTryToUnmapOne(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const fr = s[b + R_K_FRAME]!;
  const im = s[b + R_I_MM]!; // the mm whose CLEAR invalidation this step is inside
  const n = s.slice();
  // a pin taken since try_to_unmap chose the folio: folio_try_share_anon_rmap_pte fails for a
  // maybe-DMA-pinned exclusive anonymous page, the PTE is restored and the walk stops
  const pinned = n[frOff(L, fr) + F_PIN]! > 0 && (n[pgOff(L, 0, s[b + R_K_PAGE]!) + PG_VMA]! & VM_SHARED) === 0;
  if (im === 0 && !pinned) splitHuge(c, n, 0, s[b + R_K_PAGE]!, 1); // split_folio_to_list of a THP (a no-op otherwise)
  for (let m = 0; m < L.mms && !pinned; m++) {
    // a mapping in another mirrored mm is reached by the rmap walk under that mm's own
    // invalidation (K_RMAP); in an mm nobody mirrors, no notifier can tell the difference
    if (m !== im && subscribed(c, m)) continue;
    for (let a = 0; a < L.pages; a++) {
      const o = pgOff(L, m, a);
      if (n[o + PG_KIND] !== PTE_PRESENT || n[o + PG_VAL] !== fr) continue;
      const fo = frOff(L, fr);
      if ((n[o + PG_FLAGS]! & PF_D) !== 0) n[fo + F_DIRTY] = 1;
      flushTlb(c, n, m, a);
      if (n[fo + F_LAZY] !== 0 && n[fo + F_DIRTY] === 0 && n[fo + F_REF] === n[fo + F_MAP]! + 1) {
        // the MADV_FREE page check: a lazyfree folio nobody redirtied is discarded, not swapped —
        // the PTE goes, and the next fault maps a zero page. The user gave the contents up, so
        // "the last value written" becomes zero — unless something wrote the page after MADV_FREE
        // without dirtying PTE or folio (a device through its mirror): that write is lost (S5)
        if (n[fo + F_VER] === n[fo + F_LAZY]! - 1) n[o + PG_LASTW] = 0;
        setPte(c, n, m, a, PTE_NONE, 0, 0);
        unmapFrame(c, n, fr);
        continue;
      }
      n[fo + F_LAZY] = 0; // redirtied: folio_set_swapbacked, swapped out as usual
      setPte(c, n, m, a, PTE_SWAP, n[fo + F_VER]!, 0);
      unmapFrame(c, n, fr);
    }
  }
  if (!pinned && rmapNextMirrored(c, n, fr) >= 0) n[b + R_I_AFTER] = PC.rmap_walk_anon;
  endInv(c, n, t, im);
  emit(act('try_to_unmap_one', t, s[b + R_K_PAGE]!, im), n);
}

/**
 * rmap_walk_anon's next VMA for frame f in an mm someone mirrors: mm * pages + address of the
 * first present or device-private mapping of f there, or -1. (The model's mms share addresses:
 * fork copies a mapping to the same address of the child.)
 */
export function rmapNextMirrored(c: Ctx, s: Int32Array, f: number): number {
  const L = c.L;
  for (let m = 0; m < L.mms; m++) {
    if (!subscribed(c, m)) continue;
    for (let a = 0; a < L.pages; a++) {
      const o = pgOff(L, m, a);
      const k = s[o + PG_KIND]!;
      if ((k === PTE_PRESENT || k === PTE_DEVPRIV) && s[o + PG_VAL] === f) return m * L.pages + a;
    }
  }
  return -1;
}

// rmap_walk_anon → try_to_unmap_one for the VMA of another mm that maps the folio (a fork's COW
// sharing): that mm's own MMU_NOTIFY_CLEAR invalidation around its PTE change. The mapping may
// have gone since (the other mm unmapped it): then the walk is over.
export function stepRmapWalkAnon(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = c.L.actors[t]!.base;
  rmapWalkTo(c, s, t, rmapNextMirrored(c, s, s[b + R_K_FRAME]!), s[b + R_K_PAGE]!, PC.try_to_unmap_one, PC.background_folio_unlock, emit);
}

/**
 * The rmap_walk_anon step of try_to_unmap and try_to_migrate: to the next mapping `next` (mm *
 * pages + address, from rmapNextMirrored) under that mm's own MMU_NOTIFY_CLEAR invalidation of the
 * page (`unmapPc` inside it, `afterPc` after it), or, with none left (next < 0), on to `afterPc`.
 */
export function rmapWalkTo(c: Ctx, s: Int32Array, t: number, next: number, page: number, unmapPc: number, afterPc: number, emit: Emit): void {
  const L = c.L;
  const n = s.slice();
  const m = next < 0 ? -1 : Math.floor(next / L.pages);
  if (next < 0) n[L.actors[t]!.base + R_PC] = afterPc;
  else beginInv(c, n, t, m, EV_CLEAR, next % L.pages, 1, 0, unmapPc, afterPc);
  emit(act('rmap_walk_anon', t, page, m), n);
}

// change_pte_range(MM_CP_PROT_NUMA): make the PTE protnone, flush.
export function stepNumaSet(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const a = s[b + R_K_PAGE]!;
  const o = pgOff(L, 0, a);
  const n = s.slice();
  const k = n[o + PG_KIND]!;
  const huge = (n[o + PG_FLAGS]! & PF_HUGE) !== 0 && (a ^ 1) < L.pages;
  // a present PTE becomes protnone — unless change_pte_range's checks, made under the PTL after the
  // invalidation began, now skip it; a non-present entry loses its write bit (see stepBackground);
  // anything else (the PTE changed since the scan chose it) is left alone
  const set = k === PTE_PRESENT ? PF_PROTNONE : 0;
  const touch = k === PTE_PRESENT ? !protNumaSkips(c, n, o) : k === PTE_DEVPRIV || k === PTE_MIGRATION || k === PTE_DEVEXCL;
  if (touch) n[o + PG_FLAGS] = (n[o + PG_FLAGS]! | set) & ~PF_W;
  flushTlb(c, n, 0, a);
  if (touch && huge) {
    // change_huge_pmd(MM_CP_PROT_NUMA): the whole PMD
    const po = pgOff(L, 0, a ^ 1);
    n[po + PG_FLAGS] = (n[po + PG_FLAGS]! | set) & ~PF_W;
    flushTlb(c, n, 0, a ^ 1);
  }
  endInv(c, n, t, 0);
  emit(act('change_prot_numa_set', t, a), n);
}

/**
 * change_pte_range(MM_CP_PROT_NUMA) leaves the present PTE at page offset o alone: device memory
 * (folio_is_zone_device), or in a COW mapping a folio that may be DMA-pinned or is mapped by more
 * than one process
 */
function protNumaSkips(c: Ctx, s: Int32Array, o: number): boolean {
  const f = s[o + PG_VAL]!;
  if (isDevFrame(c.L, f)) return true;
  const fo = frOff(c.L, f);
  return (s[o + PG_VMA]! & VM_SHARED) === 0 && (s[fo + F_PIN]! > 0 || s[fo + F_MAP]! > 1);
}

// folio_unlock / folio_putback_lru / mmap_read_unlock at the end of a background operation.
export function stepBackgroundUnlock(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const n = s.slice();
  const fr = n[b + R_K_FRAME]!;
  if (fr !== 0) {
    const fo = frOff(L, fr);
    n[fo + F_LOCK] = 0;
    if (n[fo + F_MAP]! > 0) n[fo + F_LRU] = 1; // putback if still mapped
    putFrame(c, n, fr);
  }
  if (n[b + R_MMAP] === 1) mmapReadUnlock(c, n, t, 0);
  const a = n[b + R_K_PAGE]!;
  n[b + R_K_PAGE] = 0;
  n[b + R_K_FRAME] = 0;
  n[b + R_PC] = PC.core_mm_background;
  emit(act('folio_unlock', t, a), n);
}

export { EV_EXCLUSIVE, EV_MIGRATE, F_VER, F_DIRTY };
