/**
 * S1–S10 of hmm-reference section (b) as named properties over the flat HMM state, S11 (the
 * mmu_notifier contract for non-blockable ranges, include/linux/mmu_notifier.h), plus the
 * `sometimes` witnesses that keep them from passing vacuously. The state predicates are exported
 * (as `invariants`) so the random-walk tests can check them after every step.
 */
import { always, alwaysStep, sometimes, type Property } from '../../checker/index.ts';
import {
  type Ctx, type HmmAction, type HmmState, makeCtx, PC, stateView,
  PTE_PRESENT, PTE_ZERO, PTE_MIGRATION, PTE_DEVPRIV, PTE_DEVEXCL, PTE_SWAP, PTE_NONE, PF_W, PF_D, PF_PROTNONE,
  VM_READ, VM_EXISTS, ZERO_FRAME, DPT_WRITE, DPT_ATOMIC, isDevFrame, frameOwner, dptFrame, EFAULT, OK, sleepsInNonblockable,
} from '../../model/hmm/index.ts';
import type { HmmConfig } from '../../model/hmm/config.ts';

/** Inv(d, a): an invalidation covering a has started and d's callback has not returned yet. */
export function invPending(c: Ctx, s: HmmState, d: number, a: number): boolean {
  const v = stateView(c).at(s);
  for (let t = 0; t < c.L.actors.length; t++) {
    const r = v.actor(t);
    if (r.pc !== PC.mn_itree_invalidate) continue;
    if (r.invMm !== c.devMm[d] || r.invCallback > d) continue; // d mirrors another mm, or was called
    const a0 = r.invPage;
    if (a >= a0 && a < a0 + r.invNpages) return true;
  }
  return false;
}

/** S1: every device PT entry names the page the CPU maps (or the CPU side has no usable entry). */
export function s1NoStaleDevicePte(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  const view = stateView(c).at(s);
  for (let d = 0; d < L.fds; d++) {
    for (let a = 0; a < L.pages; a++) {
      const e = view.device(d).pt(a);
      if (e === 0 || invPending(c, s, d, a)) continue;
      const f = dptFrame(e);
      const p = view.mm(c.devMm[d]!).pte(a); // the mm device d's fd mirrors
      const k = p.kind;
      const v = p.val;
      if (k === PTE_MIGRATION) continue; // CPU side has no usable entry until migration ends
      if (k === PTE_PRESENT && v === f) continue;
      if (k === PTE_ZERO && f === ZERO_FRAME) continue;
      if (k === PTE_DEVPRIV && v === f && frameOwner(L, f) === L.fdDevice[d]) continue;
      if (k === PTE_DEVEXCL && v === f) continue;
      return false;
    }
  }
  return true;
}

/** S2: device write ⇒ CPU writable; device mapping ⇒ VMA readable and PTE not protnone. */
export function s2PermissionContainment(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  const v = stateView(c).at(s);
  for (let d = 0; d < L.fds; d++) {
    for (let a = 0; a < L.pages; a++) {
      const e = v.device(d).pt(a);
      if (e === 0 || invPending(c, s, d, a)) continue;
      const p = v.mm(c.devMm[d]!).pte(a);
      const vma = p.vma;
      const k = p.kind;
      const fl = p.flags;
      // (the VMA flags change under mmap_write_lock before the PTEs do: the PTE is the authority)
      void vma;
      if (k === PTE_PRESENT && (fl & PF_PROTNONE) !== 0) return false;
      if ((e & 3) === DPT_WRITE) {
        const cpuWritable = (k === PTE_PRESENT || k === PTE_DEVPRIV || k === PTE_DEVEXCL || k === PTE_MIGRATION) && (fl & PF_W) !== 0;
        if (!cpuWritable) return false;
      }
    }
  }
  return true;
}

/** The CPU half of S3, shared by both designs: no PTE, migration entry or TLB entry names a freed frame. */
export function cpuSideNamesNoFreeFrame(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  const v = stateView(c).at(s);
  // (a register may hold a flagged word rather than a frame id, e.g. with HMM_PFN_PMD: it names no frame)
  const free = (f: number): boolean => f > ZERO_FRAME && f < L.frameCount && v.frame(f).refcount <= 0;
  for (let m = 0; m < L.mms; m++) {
    for (let a = 0; a < L.pages; a++) {
      const p = v.mm(m).pte(a);
      const k = p.kind;
      if ((k === PTE_PRESENT || k === PTE_MIGRATION || k === PTE_DEVPRIV || k === PTE_DEVEXCL) && free(p.val)) return false;
    }
  }
  for (let t = 0; t < L.actors.length; t++) {
    // a page the kernel holds across a sleep: vmf->page while migrate_to_ram runs (do_swap_page's
    // reference), the page wp_page_copy / restore_exclusive_pte / migrate_pages work on, and
    // migrate_vma.fault_page
    const r = v.actor(t);
    if (free(r.hmfFrame) || free(r.migFaultPage)) return false;
    if (L.actors[t]!.kind !== 'cpu') continue;
    for (let a = 0; a < L.pages; a++) {
      const e = r.tlb(a);
      if (e !== 0 && free(e >> 1)) return false;
    }
  }
  return true;
}

/** S3: a free frame (refcount 0) is named by no PTE, TLB entry, device PT entry or DMA mapping. */
export function s3NoUseAfterFree(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  const v = stateView(c).at(s);
  // (a register may hold a flagged word rather than a frame id, e.g. with HMM_PFN_PMD: it names no frame)
  const free = (f: number): boolean => f > ZERO_FRAME && f < L.frameCount && v.frame(f).refcount <= 0;
  if (!cpuSideNamesNoFreeFrame(c, s)) return false;
  for (let d = 0; d < L.fds; d++) {
    for (let a = 0; a < L.pages; a++) {
      const e = v.device(d).pt(a);
      if (e !== 0 && free(dptFrame(e))) return false;
      const dm = v.device(d).dma(a);
      if (dm !== 0 && free(dm)) return false;
    }
  }
  return true;
}

/** S4: pins only on system pages, and a pinned page is never replaced at its address
 *  (migration/reclaim must refuse a page with unexpected references while it stays mapped). */
export function s4NoPinning(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  const v = stateView(c).at(s);
  for (let f = 2; f < L.frameCount; f++) if (v.frame(f).pin > 0 && isDevFrame(L, f)) return false;
  for (let t = 0; t < L.actors.length; t++) {
    const act = L.actors[t]!;
    if (act.kind !== 'cpu') continue;
    const p = v.actor(t).pinned;
    if (p === 0) continue;
    const f = p & 0xff;
    const a = p >> 8;
    const pte = v.mm(act.mm).pte(a);
    const k = pte.kind;
    if (k === PTE_NONE) continue; // unmapped by the user: the pin outlives the mapping
    if ((k === PTE_PRESENT || k === PTE_MIGRATION) && pte.val === f) continue;
    return false;
  }
  return true;
}

/** S5: no lost update — what each mapped address resolves to holds the last value written to it. */
export function s5NoLostUpdate(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  const view = stateView(c).at(s);
  for (let m = 0; m < L.mms; m++) {
    if (view.mm(m).exists !== 1) continue;
    for (let a = 0; a < L.pages; a++) {
      const p = view.mm(m).pte(a);
      const k = p.kind;
      const v = p.val;
      let ver: number;
      switch (k) {
        case PTE_MIGRATION:
          continue; // in flight: src or dst may be authoritative until migrate_vma_finalize
        case PTE_PRESENT:
        case PTE_DEVPRIV:
        case PTE_DEVEXCL:
          ver = view.frame(v).version;
          break;
        case PTE_SWAP:
          ver = v;
          break;
        case PTE_ZERO:
          ver = 0;
          break;
        default:
          continue;
      }
      if (ver !== p.lastWrite) return false;
    }
  }
  return !view.hasWriteback || noWriteLostThroughWriteback(c, s);
}

/**
 * S5 with features.writeback: a write lost through writeback. Once a writeback has put version W of
 * a page-cache folio on disk, a clean folio is one reclaim may drop — the next fault reads W back
 * from disk. So a folio whose contents differ from W must be recorded as dirty: PG_dirty, or the
 * dirty bit of a PTE mapping it (folio_mkclean / try_to_unmap hand it to the folio). A store that
 * happened after folio_clear_dirty_for_io and left neither — a device write through a device-PT
 * entry with write permission that survived folio_mkclean's PROTECTION_PAGE invalidation — is
 * lost, exactly as S5's "what the address resolves to" would show once the page is re-read.
 */
function noWriteLostThroughWriteback(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  const view = stateView(c).at(s);
  const wb = view.writeback();
  for (let f = 2; f < L.frameCount; f++) {
    const w = wb.written(f);
    if (w === 0) continue;
    const fr = view.frame(f);
    if (fr.refcount === 0 || fr.version === w - 1 || fr.dirty === 1) continue;
    let dirtyPte = false;
    for (let m = 0; m < L.mms && !dirtyPte; m++) {
      for (let a = 0; a < L.pages; a++) {
        const p = view.mm(m).pte(a);
        if (p.kind === PTE_PRESENT && p.val === f && (p.flags & PF_D) !== 0) dirtyPte = true;
      }
    }
    if (!dirtyPte) return false;
  }
  return true;
}

/** S7: no present CPU PTE or TLB entry ever maps a device-private page. */
export function s7DevicePrivateInaccessible(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  // MEMORY_DEVICE_COHERENT pages are CPU-accessible by design: no device-private pages exist
  if (c.coherent) return true;
  const v = stateView(c).at(s);
  for (let m = 0; m < L.mms; m++) {
    for (let a = 0; a < L.pages; a++) {
      const p = v.mm(m).pte(a);
      if (p.kind === PTE_PRESENT && isDevFrame(L, p.val)) return false;
    }
  }
  for (let t = 0; t < L.actors.length; t++) {
    if (L.actors[t]!.kind !== 'cpu') continue;
    for (let a = 0; a < L.pages; a++) {
      const e = v.actor(t).tlb(a);
      if (e !== 0 && isDevFrame(L, e >> 1)) return false;
    }
  }
  return true;
}

/** S8: a device never maps another device's private page (owner = the device of the fd, not the fd). */
export function s8OwnerIsolation(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  const v = stateView(c).at(s);
  for (let d = 0; d < L.fds; d++) {
    for (let a = 0; a < L.pages; a++) {
      const e = v.device(d).pt(a);
      if (e === 0) continue;
      const f = dptFrame(e);
      if (isDevFrame(L, f) && frameOwner(L, f) !== L.fdDevice[d]) return false;
    }
  }
  return true;
}

/** S9: an atomic device mapping coexists only with the device-exclusive CPU entry; no CPU TLB
 *  entry survives for a device-exclusive page. */
export function s9ExclusiveCorrect(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  const v = stateView(c).at(s);
  for (let d = 0; d < L.fds; d++) {
    for (let a = 0; a < L.pages; a++) {
      const e = v.device(d).pt(a);
      if ((e & 3) !== DPT_ATOMIC || invPending(c, s, d, a)) continue;
      const p = v.mm(c.devMm[d]!).pte(a);
      if (p.kind !== PTE_DEVEXCL || p.val !== dptFrame(e)) return false;
    }
  }
  for (let t = 0; t < L.actors.length; t++) {
    const act = L.actors[t]!;
    if (act.kind !== 'cpu') continue;
    for (let a = 0; a < L.pages; a++) {
      if (v.actor(t).tlb(a) !== 0 && v.mm(act.mm).pte(a).kind === PTE_DEVEXCL) return false;
    }
  }
  return true;
}

/** S6 (step): removing a dirty present PTE leaves the folio dirty (or freed by that very step's
 *  owner, e.g. munmap's gather). Not a removal in this sense: wp_page_copy replacing the PTE by its
 *  COW copy (the written data moves with the copy, whose new PTE is dirty; any other mapping of the
 *  old folio keeps its own PTE dirty bit, copy_present_pte keeps it for private mappings), which is
 *  why mm/memory.c's wp_page_copy never calls folio_mark_dirty on the old folio
 *  (specs/hmm/EXPLORATION.md, P1). */
export function s6DirtyNotLost(c: Ctx, s: HmmState, step: HmmAction, t: HmmState): boolean {
  const L = c.L;
  const before = stateView(c).at(s);
  const after = stateView(c, 'after').at(t);
  for (let m = 0; m < L.mms; m++) {
    for (let a = 0; a < L.pages; a++) {
      const p = before.mm(m).pte(a);
      if (p.kind !== PTE_PRESENT || (p.flags & PF_D) === 0) continue;
      const f = p.val;
      const q = after.mm(m).pte(a);
      const stillMapped = q.kind === PTE_PRESENT && q.val === f && (q.flags & PF_D) !== 0;
      if (stillMapped) continue;
      const cowCopy = step.kind === 'wp_page_copy_set_pte' && step.page === a && q.kind === PTE_PRESENT && q.val !== f && (q.flags & PF_D) !== 0;
      if (cowCopy) continue;
      // MADV_FREE: the user gave the contents up; the dirty bit is dropped on purpose (lazyfree)
      if (step.kind === 'madvise_free_pte_range') continue;
      if (after.frame(f).refcount > 0 && after.frame(f).dirty !== 1) return false;
    }
  }
  return true;
}

/** S10 (step): the device PT is programmed only under the driver lock after a successful
 *  read_retry; every invalidate callback that returns true has called mmu_interval_set_seq. The
 *  two writes without a read_retry must be justified by what holds the CPU side in place while
 *  they write (each such step runs under the driver lock: it is enabled only when the lock is
 *  free): dmirror_migrate_finalize_and_map (hmm.rst's map after migrate_vma_pages) by the
 *  migration — the CPU entry is still the migration entry, or the device-private (or coherent)
 *  entry of the page it maps; dmirror_atomic_map by make_device_exclusive — the CPU entry is the
 *  device-exclusive entry of the page it maps, whose folio lock the thread still holds. */
export function s10ProtocolDiscipline(c: Ctx, s: HmmState, a: HmmAction, t: HmmState): boolean {
  if (a.kind === c.names.doFault) {
    const before = stateView(c).at(s);
    if (before.device(c.L.actors[a.actor]!.fd).lock !== a.actor + 1) return false;
    if (before.actor(a.actor).retryOk !== 1) return false;
    return true;
  }
  if (a.kind === c.names.invalidate) {
    const d = a.info;
    return stateView(c, 'after').at(t).device(d).sseq === 1;
  }
  if (a.kind === 'dmirror_migrate_finalize_and_map' || a.kind === 'dmirror_atomic_map') {
    const before = stateView(c).at(s);
    const after = stateView(c, 'after').at(t);
    for (let d = 0; d < c.L.fds; d++) {
      for (let p = 0; p < c.L.pages; p++) {
        const e = after.device(d).pt(p);
        if (e === 0 || e === before.device(d).pt(p)) continue;
        if (!deviceMapJustified(c, s, a, d, p, dptFrame(e))) return false;
      }
    }
  }
  return true;
}

/** S10's justification of a device-PT entry for frame f at page p of device d written by step a */
function deviceMapJustified(c: Ctx, s: HmmState, a: HmmAction, d: number, p: number, f: number): boolean {
  const v = stateView(c).at(s);
  const pte = v.mm(c.devMm[d]!).pte(p);
  const k = pte.kind;
  const val = pte.val;
  if (a.kind === 'dmirror_atomic_map') return k === PTE_DEVEXCL && val === f && v.frame(f).lock === a.actor + 1;
  return k === PTE_MIGRATION || ((k === PTE_DEVPRIV || k === PTE_PRESENT) && val === f);
}

// ---- witnesses ------------------------------------------------------------------------------

function anyDevResult(c: Ctx, s: HmmState, op: string, rc: number): boolean {
  const L = c.L;
  for (let t = 0; t < L.actors.length; t++) {
    const act = L.actors[t]!;
    const reqs = c.reqs[t]!;
    for (let q = 0; q < reqs.length; q++) {
      if (reqs[q]!.op !== op || (act.kind === 'cpu') !== op.startsWith('cpu:')) continue;
      if (stateView(c).at(s).actor(t).result(q).ret === rc) return true;
    }
  }
  return false;
}

function devResult(c: Ctx, s: HmmState, op: string, rc: number): boolean {
  const L = c.L;
  const v = stateView(c).at(s);
  for (let t = 0; t < L.actors.length; t++) {
    if (L.actors[t]!.kind !== 'dev') continue;
    const reqs = c.reqs[t]!;
    for (let q = 0; q < reqs.length; q++) if (reqs[q]!.op === op && v.actor(t).result(q).ret === rc) return true;
  }
  return false;
}
void anyDevResult;

/** a device WRITE through the mirror completed and the CPU-side page holds its value */
export function wDeviceWrite(c: Ctx, s: HmmState): boolean {
  return devResult(c, s, 'write', OK);
}

/** a page went to device memory and came back to system memory */
export function wMigrateToDeviceAndBack(c: Ctx, s: HmmState): boolean {
  return devResult(c, s, 'migrateToDev', OK) && anyPage(c, s, (k, f) => k === PTE_PRESENT && !isDevFrame(c.L, f)) &&
    (devResult(c, s, 'migrateToSys', OK) || cpuTouched(c, s));
}

function cpuTouched(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  const v = stateView(c).at(s);
  for (let t = 0; t < L.actors.length; t++) {
    if (L.actors[t]!.kind !== 'cpu') continue;
    const reqs = c.reqs[t]!;
    const r = v.actor(t);
    for (let q = 0; q < reqs.length && q < r.req; q++) {
      if ((reqs[q]!.op === 'read' || reqs[q]!.op === 'write') && r.result(q).ret === OK) return true;
    }
  }
  return false;
}

function anyPage(c: Ctx, s: HmmState, p: (kind: number, f: number) => boolean): boolean {
  const mm = stateView(c).at(s).mm(0);
  for (let a = 0; a < c.L.pages; a++) {
    const pte = mm.pte(a);
    if (p(pte.kind, pte.val)) return true;
  }
  return false;
}

/** exclusive access granted to the device, then revoked by a CPU access */
export function wExclusiveGrantAndRevoke(c: Ctx, s: HmmState): boolean {
  return devResult(c, s, 'exclusive', OK) && devResult(c, s, 'checkExclusive', OK) && !anyPage(c, s, (k) => k === PTE_DEVEXCL);
}

/** fork copied a device-private entry into the child */
export function wForkWithDevicePrivate(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  if (L.mms < 2) return false;
  const child = stateView(c).at(s).mm(1);
  if (child.exists !== 1) return false;
  for (let a = 0; a < L.pages; a++) if (child.pte(a).kind === PTE_DEVPRIV) return true;
  return false;
}

/** hmm_range_fault on a PROT_NONE VMA returned -EFAULT to the driver */
export function wProtnoneEfault(c: Ctx, s: HmmState): boolean {
  if (!devResult(c, s, 'read', EFAULT) && !devResult(c, s, 'write', EFAULT)) return false;
  const mm = stateView(c).at(s).mm(0);
  for (let a = 0; a < c.L.pages; a++) {
    const vma = mm.pte(a).vma;
    if ((vma & VM_EXISTS) !== 0 && (vma & VM_READ) === 0) return true;
  }
  return false;
}

/**
 * a system page the device mirrors was moved by migrate_pages (compaction / NUMA balancing) and
 * the device mirrors its new frame: page 0 is present in a frame other than the one it started
 * in, with no COW or swap-in in the scenario to explain a new frame
 */
export function wSystemPageMigrated(c: Ctx, s: HmmState, initialFrame: number): boolean {
  const L = c.L;
  const v = stateView(c).at(s);
  const p = v.mm(0).pte(0);
  if (p.kind !== PTE_PRESENT || p.val === initialFrame || isDevFrame(L, p.val)) return false;
  for (let d = 0; d < L.fds; d++) {
    const e = v.device(d).pt(0);
    if (e !== 0 && dptFrame(e) === p.val) return true;
  }
  return false;
}

/** KSM merged a zero-filled page with the zero page: a page that started present is the zero page */
export function wKsmZeroMerged(c: Ctx, s: HmmState): boolean {
  return anyPage(c, s, (k) => k === PTE_ZERO);
}

/**
 * the OOM reaper both backed off (a callback's trylock failed: -EAGAIN) and, on a later attempt,
 * reaped (a page that started present has no PTE while its VMA is still there)
 */
export function wOomReapAfterEagain(c: Ctx, s: HmmState, oomReq: readonly number[] = oomReapRequests(c)): boolean {
  const L = c.L;
  const v = stateView(c).at(s);
  for (let t = 0; t < L.actors.length; t++) {
    const q = oomReq[t]!;
    if (q < 0 || v.actor(t).req <= q) continue;
    const r = v.actor(t).result(q);
    if (r.ret === OK && r.faults > 0) return true; // `faults` = attempts that backed off
  }
  return false;
}

/** per actor, the index of its 'oomReap' request, or -1 (computed once per configuration) */
export const oomReapRequests = (c: Ctx): number[] => c.reqs.map((reqs) => reqs.findIndex((r) => r.op === 'oomReap'));

/** the OOM reaper freed the victim's memory: a page has no PTE while its VMA is still there */
export function wOomReaped(c: Ctx, s: HmmState): boolean {
  return stateView(c).at(s).globals.oomUnstable === 1 && zappedVmaKept(c, s);
}

/** a page of mm 0 has no PTE while its VMA is still there (in scenarios whose pages start present) */
export function zappedVmaKept(c: Ctx, s: HmmState): boolean {
  const mm = stateView(c).at(s).mm(0);
  for (let a = 0; a < c.L.pages; a++) {
    const p = mm.pte(a);
    if (p.kind === PTE_NONE && (p.vma & VM_EXISTS) !== 0) return true;
  }
  return false;
}

/**
 * S12: when munmap, mprotect or madvise(MADV_DONTNEED / MADV_FREE) returns to user space, no CPU
 * of that mm still holds a TLB entry for the range that grants more than the PTE does: a
 * translation of a page whose PTE is gone or names another frame, or a writable one over a
 * read-only / protnone PTE (the syscall's TLB flush, or the one it relies on, has happened).
 */
export function s12TlbCoherentOnReturn(c: Ctx, s: HmmState, step: HmmAction, t: HmmState): boolean {
  if (step.kind !== 'mmap_write_unlock' && step.kind !== 'tlb_finish_mmu' && step.kind !== 'mmap_read_unlock') return true;
  const L = c.L;
  const actor = L.actors[step.actor]!;
  if (actor.kind !== 'cpu') return true;
  const reqBefore = stateView(c).at(s).actor(step.actor).req;
  const req = c.reqs[step.actor]![reqBefore];
  if (req === undefined || !['munmap', 'mprotect', 'madvDontneed', 'madvFree'].includes(req.op)) return true;
  const after = stateView(c, 'after').at(t);
  if (after.actor(step.actor).req === reqBefore) return true; // the syscall has not returned yet
  const m = actor.mm;
  for (const u of c.cpuActors[m] ?? []) {
    for (let a = req.page; a < req.page + req.npages; a++) {
      const e = after.actor(u).tlb(a);
      if (e === 0) continue;
      const p = after.mm(m).pte(a);
      const k = p.kind;
      const fl = p.flags;
      const f = e >> 1;
      const mapped = (k === PTE_PRESENT && p.val === f && (fl & PF_PROTNONE) === 0) || (k === PTE_ZERO && f === ZERO_FRAME);
      if (!mapped) return false;
      if ((e & 1) !== 0 && (k !== PTE_PRESENT || (fl & PF_W) === 0)) return false;
    }
  }
  return true;
}

/** S11: a non-blockable invalidation (the OOM reaper's) never waits in a callback */
export function s11NonblockingNeverSleeps(c: Ctx, s: HmmState): boolean {
  return !sleepsInNonblockable(c, s);
}

// ---- the property list ----------------------------------------------------------------------

export const PROPERTY_NAMES = {
  s1: 's1-no-stale-device-pte',
  s2: 's2-permission-containment',
  s3: 's3-no-use-after-free',
  s4: 's4-no-pinning-by-hmm',
  s5: 's5-no-lost-update',
  s6: 's6-dirty-not-lost',
  s7: 's7-device-private-inaccessible',
  s8: 's8-owner-isolation',
  s9: 's9-exclusive-correct',
  s10: 's10-protocol-discipline',
  s12: 's12-tlb-coherent-on-return',
  wWrite: 'w-device-write-through-mirror',
  wMigrate: 'w-migrate-to-device-and-back',
  wExcl: 'w-exclusive-grant-and-revoke',
  wFork: 'w-fork-with-device-private-entry',
  wProtnone: 'w-protnone-fault-efault',
  wRead: 'w-device-read-through-mirror',
  s11: 's11-nonblocking-invalidate-never-sleeps',
  wSysMigrate: 'w-mirrored-page-migrated-by-migrate-pages',
  wKsmZero: 'w-ksm-merges-page-with-zero-page',
  wOomEagain: 'w-oom-reaper-backs-off-then-reaps',
  wOomReaped: 'w-oom-reaper-frees-mirrored-memory',
  wZapped: 'w-page-zapped-vma-kept',
  wWriteEfault: 'w-device-write-efault',
  wWriteback: 'w-written-back-then-written-again',
} as const;

export type WitnessName = 'wWrite' | 'wRead' | 'wMigrate' | 'wExcl' | 'wFork' | 'wProtnone' | 'wSysMigrate' | 'wKsmZero'
  | 'wOomEagain' | 'wOomReaped' | 'wZapped' | 'wWriteEfault' | 'wWriteback';

/** One sentence per property, in the reviewer's words (hmm-reference section b); shown with every trace. */
export const DESCRIPTIONS: Record<string, string> = {
  [PROPERTY_NAMES.s1]: 'S1 no stale device PTE: outside an invalidation, every device PT entry names the page the CPU maps at that address',
  [PROPERTY_NAMES.s2]: 'S2 permission containment: a device write mapping needs a writable CPU entry; any device mapping needs a readable, non-protnone one',
  [PROPERTY_NAMES.s3]: 'S3 no use-after-free: a freed page is named by no PTE, migration entry, TLB entry, device PT entry or DMA mapping, nor held by the kernel across a sleep (vmf->page in migrate_to_ram, migrate_vma.fault_page)',
  [PROPERTY_NAMES.s4]: 'S4 no pinning by HMM: mirroring and device-private pages never hold pins',
  [PROPERTY_NAMES.s5]: 'S5 no lost update: while a page migrates nobody can write the source, and afterwards exactly one copy is mapped',
  [PROPERTY_NAMES.s6]: 'S6 dirty never lost: removing a dirty PTE or a device write mapping marks the folio dirty first (except MADV_FREE, which discards on purpose)',
  [PROPERTY_NAMES.s7]: 'S7 device-private is CPU-inaccessible: no present CPU PTE maps a device-private page (device-coherent memory is CPU-accessible by design)',
  [PROPERTY_NAMES.s8]: 'S8 owner isolation: a driver never maps another owner\'s device-private page',
  [PROPERTY_NAMES.s9]: 'S9 device-exclusive: the CPU cannot use a page while a device-exclusive entry exists',
  [PROPERTY_NAMES.s10]: 'S10 protocol discipline: callbacks call mmu_interval_set_seq; the device PT is written only under the driver lock after a successful read_retry',
  [PROPERTY_NAMES.s12]: 'S12 TLB coherent on return: when munmap, mprotect or madvise returns, no CPU TLB entry for its range grants more than the PTE (the flush happened before the syscall returned)',
  [PROPERTY_NAMES.wWrite]: 'witness: a device write through the mirror completes',
  [PROPERTY_NAMES.wRead]: 'witness: a device read through the mirror completes',
  [PROPERTY_NAMES.wMigrate]: 'witness: a page migrates to device memory and back',
  [PROPERTY_NAMES.wExcl]: 'witness: exclusive access is granted to the device and revoked by a CPU touch',
  [PROPERTY_NAMES.wFork]: 'witness: fork copies a device-private entry',
  [PROPERTY_NAMES.wProtnone]: 'witness: a device fault on a PROT_NONE page returns -EFAULT',
  [PROPERTY_NAMES.s11]: 'S11 non-blockable invalidations never sleep: with !mmu_notifier_range_blockable (the OOM reaper) a callback that cannot take its lock returns false instead of waiting',
  [PROPERTY_NAMES.wSysMigrate]: 'witness: a page the device mirrors is moved by migrate_pages (compaction / NUMA balancing) and the device mirrors its new frame',
  [PROPERTY_NAMES.wKsmZero]: 'witness: KSM replaces a zero-filled page by the shared zero page (replace_page)',
  [PROPERTY_NAMES.wOomEagain]: 'witness: the OOM reaper gets -EAGAIN from a callback, backs off, and reaps on a later attempt',
  [PROPERTY_NAMES.wOomReaped]: 'witness: the OOM reaper frees the mirrored memory (PTEs zapped, VMA kept)',
  [PROPERTY_NAMES.wWriteEfault]: 'witness: a device WRITE fails with -EFAULT (hmm_range_fault reported an owned, read-only device-private page as valid without faulting it for write: FINDINGS F4/F6)',
  [PROPERTY_NAMES.wWriteback]: 'witness: a page-cache folio is written back (folio_mkclean, PROTECTION_PAGE) and its page is written again afterwards',
  [PROPERTY_NAMES.wZapped]: 'witness: a page that started present loses its PTE while its VMA stays (MADV_DONTNEED or the OOM reaper)',
};

/** All state invariants, for random-walk tests. */
export function invariants(c: Ctx): readonly { name: string; holds: (s: HmmState) => boolean }[] {
  return [
    { name: PROPERTY_NAMES.s1, holds: (s) => s1NoStaleDevicePte(c, s) },
    { name: PROPERTY_NAMES.s2, holds: (s) => s2PermissionContainment(c, s) },
    { name: PROPERTY_NAMES.s3, holds: (s) => s3NoUseAfterFree(c, s) },
    { name: PROPERTY_NAMES.s4, holds: (s) => s4NoPinning(c, s) },
    { name: PROPERTY_NAMES.s5, holds: (s) => s5NoLostUpdate(c, s) },
    { name: PROPERTY_NAMES.s7, holds: (s) => s7DevicePrivateInaccessible(c, s) },
    { name: PROPERTY_NAMES.s8, holds: (s) => s8OwnerIsolation(c, s) },
    { name: PROPERTY_NAMES.s9, holds: (s) => s9ExclusiveCorrect(c, s) },
    { name: PROPERTY_NAMES.s11, holds: (s) => s11NonblockingNeverSleeps(c, s) },
  ];
}

/** each witness's state predicate, built once per configuration */
const WITNESS_PREDICATES: Readonly<Record<WitnessName, (c: Ctx, cfg: HmmConfig) => (s: HmmState) => boolean>> = {
  wWrite: (c) => (s) => wDeviceWrite(c, s),
  wRead: (c) => (s) => devResult(c, s, 'read', OK),
  wMigrate: (c) => (s) => wMigrateToDeviceAndBack(c, s),
  wExcl: (c) => (s) => wExclusiveGrantAndRevoke(c, s),
  wFork: (c) => (s) => wForkWithDevicePrivate(c, s),
  wProtnone: (c) => (s) => wProtnoneEfault(c, s),
  wSysMigrate: (c, cfg) => {
    const f0 = c.L.pages > 0 ? initialFrameOfPage0(cfg) : 0;
    return (s) => wSystemPageMigrated(c, s, f0);
  },
  wKsmZero: (c) => (s) => wKsmZeroMerged(c, s),
  wOomEagain: (c) => {
    const oomReq = oomReapRequests(c);
    return (s) => wOomReapAfterEagain(c, s, oomReq);
  },
  wOomReaped: (c) => (s) => wOomReaped(c, s),
  wZapped: (c) => (s) => zappedVmaKept(c, s),
  wWriteEfault: (c) => (s) => devResult(c, s, 'write', EFAULT),
  wWriteback: (c) => (s) => wWrittenAgain(c, s),
};

/** some folio's contents are newer than what its last writeback put on disk (features.writeback) */
function wWrittenAgain(c: Ctx, s: HmmState): boolean {
  const view = stateView(c).at(s);
  if (!view.hasWriteback) return false;
  const wb = view.writeback();
  for (let f = 2; f < c.L.frameCount; f++) {
    const w = wb.written(f);
    if (w !== 0 && view.frame(f).refcount > 0 && view.frame(f).version > w - 1) return true;
  }
  return false;
}

export function hmmProperties(cfg: HmmConfig, witnesses: readonly WitnessName[]): Property<HmmState, HmmAction>[] {
  const c = makeCtx(cfg);
  const props: Property<HmmState, HmmAction>[] = invariants(c).map((i) => always<HmmState>(i.name, i.holds, DESCRIPTIONS[i.name]));
  props.push(alwaysStep<HmmState, HmmAction>(PROPERTY_NAMES.s6, (s, a, t) => s6DirtyNotLost(c, s, a, t), DESCRIPTIONS[PROPERTY_NAMES.s6]));
  props.push(alwaysStep<HmmState, HmmAction>(PROPERTY_NAMES.s10, (s, a, t) => s10ProtocolDiscipline(c, s, a, t), DESCRIPTIONS[PROPERTY_NAMES.s10]));
  props.push(alwaysStep<HmmState, HmmAction>(PROPERTY_NAMES.s12, (s, a, t) => s12TlbCoherentOnReturn(c, s, a, t), DESCRIPTIONS[PROPERTY_NAMES.s12]));
  for (const w of witnesses) {
    const holds = WITNESS_PREDICATES[w](c, cfg);
    props.push(sometimes<HmmState>(PROPERTY_NAMES[w], holds, DESCRIPTIONS[PROPERTY_NAMES[w]]));
  }
  return props;
}

/** the frame page 0 starts in: frames are allocated lowest first, page by page (model/hmm/index.ts) */
function initialFrameOfPage0(cfg: HmmConfig): number {
  const init = cfg.initial?.[0];
  return init === 'ro' || init === 'rw' || init === 'rwZeroed' ? 2 : 0;
}

export { PTE_NONE, VM_READ };
