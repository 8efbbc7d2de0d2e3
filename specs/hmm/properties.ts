/**
 * S1–S10 of hmm-reference section (b) as named properties over the flat HMM state, S11 (the
 * mmu_notifier contract for non-blockable ranges, include/linux/mmu_notifier.h), plus the
 * `sometimes` witnesses that keep them from passing vacuously. The state predicates are exported
 * (as `invariants`) so the random-walk tests can check them after every step.
 */
import { always, alwaysStep, sometimes, type Property } from '../../checker/index.ts';
import {
  type Ctx, type HmmAction, type HmmState, makeCtx, PC, R_PC, R_PINNED, R_H_T, R_M_FAULTPAGE, R_I_CB, R_I_MM, R_I_A, R_I_N, R_RETRYOK, R_REQ,
  PTE_PRESENT, PTE_ZERO, PTE_MIGRATION, PTE_DEVPRIV, PTE_DEVEXCL, PTE_SWAP, PTE_NONE, PF_W, PF_D, PF_PROTNONE,
  VM_READ, VM_EXISTS, ZERO_FRAME, F_REF, F_PIN, F_VER, F_DIRTY, F_LOCK, DPT_WRITE, DPT_ATOMIC, DV_LOCK, DV_SSEQCUR,
  pgOff, frOff, dptOff, dmaOff, devOff, tlbOff, resOff, isDevFrame, frameOwner, dptFrame, mmOff, MM_EXISTS,
  PG_KIND, PG_VAL, PG_FLAGS, PG_VMA, PG_LASTW, RES_RET, RES_FAULTS, EFAULT, OK, sleepsInNonblockable,
} from '../../model/hmm/index.ts';
import type { HmmConfig } from '../../model/hmm/config.ts';

/** Inv(d, a): an invalidation covering a has started and d's callback has not returned yet. */
export function invPending(c: Ctx, s: HmmState, d: number, a: number): boolean {
  for (const act of c.L.actors) {
    if (s[act.base + R_PC] !== PC.mn_itree_invalidate) continue;
    if (s[act.base + R_I_MM] !== c.devMm[d] || s[act.base + R_I_CB]! > d) continue; // d mirrors another mm, or was called
    const a0 = s[act.base + R_I_A]!;
    if (a >= a0 && a < a0 + s[act.base + R_I_N]!) return true;
  }
  return false;
}

/** S1: every device PT entry names the page the CPU maps (or the CPU side has no usable entry). */
export function s1NoStaleDevicePte(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  for (let d = 0; d < L.devices; d++) {
    for (let a = 0; a < L.pages; a++) {
      const e = s[dptOff(L, d, a)]!;
      if (e === 0 || invPending(c, s, d, a)) continue;
      const f = dptFrame(e);
      const o = pgOff(L, c.devMm[d]!, a); // the mm device d's fd mirrors
      const k = s[o + PG_KIND]!;
      const v = s[o + PG_VAL]!;
      if (k === PTE_MIGRATION) continue; // CPU side has no usable entry until migration ends
      if (k === PTE_PRESENT && v === f) continue;
      if (k === PTE_ZERO && f === ZERO_FRAME) continue;
      if (k === PTE_DEVPRIV && v === f && frameOwner(L, f) === d) continue;
      if (k === PTE_DEVEXCL && v === f) continue;
      return false;
    }
  }
  return true;
}

/** S2: device write ⇒ CPU writable; device mapping ⇒ VMA readable and PTE not protnone. */
export function s2PermissionContainment(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  for (let d = 0; d < L.devices; d++) {
    for (let a = 0; a < L.pages; a++) {
      const e = s[dptOff(L, d, a)]!;
      if (e === 0 || invPending(c, s, d, a)) continue;
      const o = pgOff(L, c.devMm[d]!, a);
      const vma = s[o + PG_VMA]!;
      const k = s[o + PG_KIND]!;
      const fl = s[o + PG_FLAGS]!;
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
  const free = (f: number): boolean => f > ZERO_FRAME && s[frOff(L, f) + F_REF]! <= 0;
  for (let m = 0; m < L.mms; m++) {
    for (let a = 0; a < L.pages; a++) {
      const o = pgOff(L, m, a);
      const k = s[o + PG_KIND]!;
      if ((k === PTE_PRESENT || k === PTE_MIGRATION || k === PTE_DEVPRIV || k === PTE_DEVEXCL) && free(s[o + PG_VAL]!)) return false;
    }
  }
  for (let t = 0; t < L.actors.length; t++) {
    // a page the kernel holds across a sleep: vmf->page while migrate_to_ram runs (do_swap_page's
    // reference), the page wp_page_copy / restore_exclusive_pte / migrate_pages work on, and
    // migrate_vma.fault_page
    const base = L.actors[t]!.base;
    if (free(s[base + R_H_T]!) || free(s[base + R_M_FAULTPAGE]!)) return false;
    if (L.actors[t]!.kind !== 'cpu') continue;
    for (let a = 0; a < L.pages; a++) {
      const e = s[tlbOff(L, t, a)]!;
      if (e !== 0 && free(e >> 1)) return false;
    }
  }
  return true;
}

/** S3: a free frame (refcount 0) is named by no PTE, TLB entry, device PT entry or DMA mapping. */
export function s3NoUseAfterFree(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  const free = (f: number): boolean => f > ZERO_FRAME && s[frOff(L, f) + F_REF]! <= 0;
  if (!cpuSideNamesNoFreeFrame(c, s)) return false;
  for (let d = 0; d < L.devices; d++) {
    for (let a = 0; a < L.pages; a++) {
      const e = s[dptOff(L, d, a)]!;
      if (e !== 0 && free(dptFrame(e))) return false;
      const dm = s[dmaOff(L, d, a)]!;
      if (dm !== 0 && free(dm)) return false;
    }
  }
  return true;
}

/** S4: pins only on system pages, and a pinned page is never replaced at its address
 *  (migration/reclaim must refuse a page with unexpected references while it stays mapped). */
export function s4NoPinning(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  for (let f = 2; f < L.frameCount; f++) if (s[frOff(L, f) + F_PIN]! > 0 && isDevFrame(L, f)) return false;
  for (let t = 0; t < L.actors.length; t++) {
    const act = L.actors[t]!;
    if (act.kind !== 'cpu') continue;
    const p = s[act.base + R_PINNED]!;
    if (p === 0) continue;
    const f = p & 0xff;
    const a = p >> 8;
    const o = pgOff(L, act.mm, a);
    const k = s[o + PG_KIND]!;
    if (k === PTE_NONE) continue; // unmapped by the user: the pin outlives the mapping
    if ((k === PTE_PRESENT || k === PTE_MIGRATION) && s[o + PG_VAL] === f) continue;
    return false;
  }
  return true;
}

/** S5: no lost update — what each mapped address resolves to holds the last value written to it. */
export function s5NoLostUpdate(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  for (let m = 0; m < L.mms; m++) {
    if (s[mmOff(L, m) + MM_EXISTS] !== 1) continue;
    for (let a = 0; a < L.pages; a++) {
      const o = pgOff(L, m, a);
      const k = s[o + PG_KIND]!;
      const v = s[o + PG_VAL]!;
      let ver: number;
      switch (k) {
        case PTE_MIGRATION:
          continue; // in flight: src or dst may be authoritative until migrate_vma_finalize
        case PTE_PRESENT:
        case PTE_DEVPRIV:
        case PTE_DEVEXCL:
          ver = s[frOff(L, v) + F_VER]!;
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
      if (ver !== s[o + PG_LASTW]) return false;
    }
  }
  return true;
}

/** S7: no present CPU PTE or TLB entry ever maps a device-private page. */
export function s7DevicePrivateInaccessible(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  // MEMORY_DEVICE_COHERENT pages are CPU-accessible by design: no device-private pages exist
  if (c.coherent) return true;
  for (let m = 0; m < L.mms; m++) {
    for (let a = 0; a < L.pages; a++) {
      const o = pgOff(L, m, a);
      if (s[o + PG_KIND] === PTE_PRESENT && isDevFrame(L, s[o + PG_VAL]!)) return false;
    }
  }
  for (let t = 0; t < L.actors.length; t++) {
    if (L.actors[t]!.kind !== 'cpu') continue;
    for (let a = 0; a < L.pages; a++) {
      const e = s[tlbOff(L, t, a)]!;
      if (e !== 0 && isDevFrame(L, e >> 1)) return false;
    }
  }
  return true;
}

/** S8: a device never maps another device's private page. */
export function s8OwnerIsolation(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  for (let d = 0; d < L.devices; d++) {
    for (let a = 0; a < L.pages; a++) {
      const e = s[dptOff(L, d, a)]!;
      if (e === 0) continue;
      const f = dptFrame(e);
      if (isDevFrame(L, f) && frameOwner(L, f) !== d) return false;
    }
  }
  return true;
}

/** S9: an atomic device mapping coexists only with the device-exclusive CPU entry; no CPU TLB
 *  entry survives for a device-exclusive page. */
export function s9ExclusiveCorrect(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  for (let d = 0; d < L.devices; d++) {
    for (let a = 0; a < L.pages; a++) {
      const e = s[dptOff(L, d, a)]!;
      if ((e & 3) !== DPT_ATOMIC || invPending(c, s, d, a)) continue;
      const o = pgOff(L, c.devMm[d]!, a);
      if (s[o + PG_KIND] !== PTE_DEVEXCL || s[o + PG_VAL] !== dptFrame(e)) return false;
    }
  }
  for (let t = 0; t < L.actors.length; t++) {
    const act = L.actors[t]!;
    if (act.kind !== 'cpu') continue;
    for (let a = 0; a < L.pages; a++) {
      if (s[tlbOff(L, t, a)] !== 0 && s[pgOff(L, act.mm, a) + PG_KIND] === PTE_DEVEXCL) return false;
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
  for (let m = 0; m < L.mms; m++) {
    for (let a = 0; a < L.pages; a++) {
      const o = pgOff(L, m, a);
      if (s[o + PG_KIND] !== PTE_PRESENT || (s[o + PG_FLAGS]! & PF_D) === 0) continue;
      const f = s[o + PG_VAL]!;
      const stillMapped = t[o + PG_KIND] === PTE_PRESENT && t[o + PG_VAL] === f && (t[o + PG_FLAGS]! & PF_D) !== 0;
      if (stillMapped) continue;
      const cowCopy = step.kind === 'wp_page_copy_set_pte' && step.page === a && t[o + PG_KIND] === PTE_PRESENT && t[o + PG_VAL] !== f && (t[o + PG_FLAGS]! & PF_D) !== 0;
      if (cowCopy) continue;
      // MADV_FREE: the user gave the contents up; the dirty bit is dropped on purpose (lazyfree)
      if (step.kind === 'madvise_free_pte_range') continue;
      if (t[frOff(L, f) + F_REF]! > 0 && t[frOff(L, f) + F_DIRTY] !== 1) return false;
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
  const L = c.L;
  if (a.kind === c.names.doFault) {
    const act = L.actors[a.actor]!;
    if (s[devOff(L, act.device) + DV_LOCK] !== a.actor + 1) return false;
    if (s[act.base + R_RETRYOK] !== 1) return false;
    return true;
  }
  if (a.kind === c.names.invalidate) {
    const d = a.info;
    return t[devOff(L, d) + DV_SSEQCUR] === 1;
  }
  if (a.kind === 'dmirror_migrate_finalize_and_map' || a.kind === 'dmirror_atomic_map') {
    for (let d = 0; d < L.devices; d++) {
      for (let p = 0; p < L.pages; p++) {
        const e = t[dptOff(L, d, p)]!;
        if (e === 0 || e === s[dptOff(L, d, p)]) continue;
        if (!deviceMapJustified(c, s, a, d, p, dptFrame(e))) return false;
      }
    }
  }
  return true;
}

/** S10's justification of a device-PT entry for frame f at page p of device d written by step a */
function deviceMapJustified(c: Ctx, s: HmmState, a: HmmAction, d: number, p: number, f: number): boolean {
  const o = pgOff(c.L, c.devMm[d]!, p);
  const k = s[o + PG_KIND]!;
  const v = s[o + PG_VAL]!;
  if (a.kind === 'dmirror_atomic_map') return k === PTE_DEVEXCL && v === f && s[frOff(c.L, f) + F_LOCK] === a.actor + 1;
  return k === PTE_MIGRATION || ((k === PTE_DEVPRIV || k === PTE_PRESENT) && v === f);
}

// ---- witnesses ------------------------------------------------------------------------------

function anyDevResult(c: Ctx, s: HmmState, op: string, rc: number): boolean {
  const L = c.L;
  for (let t = 0; t < L.actors.length; t++) {
    const act = L.actors[t]!;
    const reqs = c.reqs[t]!;
    for (let q = 0; q < reqs.length; q++) {
      if (reqs[q]!.op !== op || (act.kind === 'cpu') !== op.startsWith('cpu:')) continue;
      if (s[resOff(L, t, q) + RES_RET] === rc) return true;
    }
  }
  return false;
}

function devResult(c: Ctx, s: HmmState, op: string, rc: number): boolean {
  const L = c.L;
  for (let t = 0; t < L.actors.length; t++) {
    if (L.actors[t]!.kind !== 'dev') continue;
    const reqs = c.reqs[t]!;
    for (let q = 0; q < reqs.length; q++) if (reqs[q]!.op === op && s[resOff(L, t, q) + RES_RET] === rc) return true;
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
  for (let t = 0; t < L.actors.length; t++) {
    if (L.actors[t]!.kind !== 'cpu') continue;
    const reqs = c.reqs[t]!;
    const b = L.actors[t]!.base;
    for (let q = 0; q < reqs.length && q < s[b + R_REQ]!; q++) {
      if ((reqs[q]!.op === 'read' || reqs[q]!.op === 'write') && s[resOff(L, t, q) + RES_RET] === OK) return true;
    }
  }
  return false;
}

function anyPage(c: Ctx, s: HmmState, p: (kind: number, f: number) => boolean): boolean {
  for (let a = 0; a < c.L.pages; a++) {
    const o = pgOff(c.L, 0, a);
    if (p(s[o + PG_KIND]!, s[o + PG_VAL]!)) return true;
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
  if (L.mms < 2 || s[mmOff(L, 1) + MM_EXISTS] !== 1) return false;
  for (let a = 0; a < L.pages; a++) if (s[pgOff(L, 1, a) + PG_KIND] === PTE_DEVPRIV) return true;
  return false;
}

/** hmm_range_fault on a PROT_NONE VMA returned -EFAULT to the driver */
export function wProtnoneEfault(c: Ctx, s: HmmState): boolean {
  if (!devResult(c, s, 'read', EFAULT) && !devResult(c, s, 'write', EFAULT)) return false;
  for (let a = 0; a < c.L.pages; a++) {
    const vma = s[pgOff(c.L, 0, a) + PG_VMA]!;
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
  const o = pgOff(L, 0, 0);
  if (s[o + PG_KIND] !== PTE_PRESENT || s[o + PG_VAL] === initialFrame || isDevFrame(L, s[o + PG_VAL]!)) return false;
  for (let d = 0; d < L.devices; d++) {
    const e = s[dptOff(L, d, 0)]!;
    if (e !== 0 && dptFrame(e) === s[o + PG_VAL]) return true;
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
  for (let t = 0; t < L.actors.length; t++) {
    const q = oomReq[t]!;
    if (q < 0 || s[L.actors[t]!.base + R_REQ]! <= q) continue;
    const r = resOff(L, t, q);
    if (s[r + RES_RET] === OK && s[r + RES_FAULTS]! > 0) return true; // `faults` = attempts that backed off
  }
  return false;
}

/** per actor, the index of its 'oomReap' request, or -1 (computed once per configuration) */
export const oomReapRequests = (c: Ctx): number[] => c.reqs.map((reqs) => reqs.findIndex((r) => r.op === 'oomReap'));

/** the OOM reaper freed the victim's memory: a page has no PTE while its VMA is still there */
export function wOomReaped(c: Ctx, s: HmmState): boolean {
  return c.L.gUnstable >= 0 && s[c.L.gUnstable] === 1 && zappedVmaKept(c, s);
}

/** a page of mm 0 has no PTE while its VMA is still there (in scenarios whose pages start present) */
export function zappedVmaKept(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  for (let a = 0; a < L.pages; a++) {
    const o = pgOff(L, 0, a);
    if (s[o + PG_KIND] === PTE_NONE && (s[o + PG_VMA]! & VM_EXISTS) !== 0) return true;
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
  const req = c.reqs[step.actor]![s[actor.base + R_REQ]!];
  if (req === undefined || !['munmap', 'mprotect', 'madvDontneed', 'madvFree'].includes(req.op)) return true;
  if (t[actor.base + R_REQ] === s[actor.base + R_REQ]) return true; // the syscall has not returned yet
  const m = actor.mm;
  for (const u of c.cpuActors[m] ?? []) {
    for (let a = req.page; a < req.page + req.npages; a++) {
      const e = t[tlbOff(L, u, a)]!;
      if (e === 0) continue;
      const o = pgOff(L, m, a);
      const k = t[o + PG_KIND]!;
      const fl = t[o + PG_FLAGS]!;
      const f = e >> 1;
      const mapped = (k === PTE_PRESENT && t[o + PG_VAL] === f && (fl & PF_PROTNONE) === 0) || (k === PTE_ZERO && f === ZERO_FRAME);
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
} as const;

export type WitnessName = 'wWrite' | 'wRead' | 'wMigrate' | 'wExcl' | 'wFork' | 'wProtnone' | 'wSysMigrate' | 'wKsmZero'
  | 'wOomEagain' | 'wOomReaped' | 'wZapped' | 'wWriteEfault';

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
};

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

export { PTE_NONE, VM_READ, F_DIRTY };
