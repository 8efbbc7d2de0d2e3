/**
 * The shared invariants of hmm-reference section (b), restated over the v12 design's state
 * (model/hmm/v12: HMM-owned mirror page table hmm_pt with DMA addresses, fault-range tracking,
 * special swap entry for migrated memory), plus `sometimes` witnesses of the main v12 paths.
 * Names keep the S-numbers of the upstream properties so the two designs line up side by side.
 */
import { cpuSideNamesNoFreeFrame } from '../hmm/properties.ts';
import { always, alwaysStep, sometimes, type Property } from '../../checker/index.ts';
import {
  type Ctx, type HmmAction, type HmmState, type StateView, makeCtx, stateView, PTE_PRESENT, PTE_ZERO, PTE_MIGRATION, PTE_DEVPRIV,
  PTE_DEVEXCL, PTE_SWAP, PTE_HMM, PF_W, PF_PROTNONE, PF_HMM_LOCKED, PF_HUGE, VM_HUGETLB, VM_READ, VM_EXISTS, ZERO_FRAME,
  isDevFrame, EFAULT, OK,
} from '../../model/hmm/index.ts';
import type { HmmConfig } from '../../model/hmm/config.ts';
import {
  HMM_PTE_VALID, HMM_PTE_WRITE, HMM_PTE_DIRTY, HMM_PTE_DEV, hmmPteFrame, FAULT_REGISTERED, v12InvPending,
} from '../../model/hmm/v12/index.ts';
import { s6DirtyNotLost, s7DevicePrivateInaccessible } from '../hmm/properties.ts';

/** state s through context c's view (re-pointed on every call: a cursor is read before the next) */
const view = (c: Ctx, s: HmmState, slot?: string): StateView => stateView(c, slot).at(s);

export const V12_PROPERTY_NAMES = {
  s1: 'v12-s1-mirror-entry-never-outlives-cpu-mapping',
  s2: 'v12-s2-mirror-permission-containment',
  s3dma: 'v12-s3-dma-never-outlives-cpu-mapping',
  s3free: 'v12-s3-dma-unmapped-before-free',
  s4: 'v12-s4-no-pin',
  s5: 'v12-s5-no-lost-write-across-migration',
  s6: 'v12-s6-dirty-never-lost',
  s7: 'v12-s7-device-memory-cpu-inaccessible',
  s10: 'v12-s10-fault-range-discipline',
  wWrite: 'v12-w-device-write-through-mirror',
  wRead: 'v12-w-device-read-through-mirror',
  wMigrate: 'v12-w-migrate-to-device-and-back',
  wFork: 'v12-w-fork-migrates-device-memory-back',
  wProtnone: 'v12-w-protnone-fault-efault',
  wBackoff: 'v12-w-device-fault-backs-off',
  wHugetlb: 'v12-w-hugetlbfs-mirrored',
} as const;

export type V12WitnessName = 'wWrite' | 'wRead' | 'wMigrate' | 'wFork' | 'wProtnone' | 'wBackoff' | 'wHugetlb';

export const V12_DESCRIPTIONS: Record<string, string> = {
  [V12_PROPERTY_NAMES.s1]: 'S1 (v12) a valid hmm_pt entry names the page the CPU maps (or the special entry of the device memory it names), unless an update of that address is still on its way to this mirror',
  [V12_PROPERTY_NAMES.s2]: 'S2 (v12) hmm_pt WRITE ⇒ the CPU entry is writable; no valid entry over a PROT_NONE / NUMA-hinting (protnone) PTE',
  [V12_PROPERTY_NAMES.s3dma]: 'S3 (v12) the DMA address in hmm_pt never outlives the CPU mapping of its page',
  [V12_PROPERTY_NAMES.s3free]: 'S3 (v12) no freed page is named by a PTE, TLB, hmm_pt entry or DMA mapping (DMA unmapped before free); hmm_pt device entries name allocated device memory',
  [V12_PROPERTY_NAMES.s4]: 'S4 (v12) mirroring takes no page reference or pin (HMM "does not take a reference on any of the page")',
  [V12_PROPERTY_NAMES.s5]: 'S5 (v12) no lost write: every mapped address (incl. migrated memory behind the special swap entry) holds its last written value once no migration is in flight',
  [V12_PROPERTY_NAMES.s6]: 'S6 (v12) dirty never lost: removing a dirty CPU PTE or a dirty hmm_pt entry marks the page dirty first',
  [V12_PROPERTY_NAMES.s7]: 'S7 (v12) device memory (no struct page) is never mapped by a present CPU PTE or TLB entry',
  [V12_PROPERTY_NAMES.s10]: 'S10 (v12) fault-range tracking: hmm_pt is filled only by a registered, uninterrupted device fault, and an update touches hmm_pt only once the overlapping faults backed off',
  [V12_PROPERTY_NAMES.wWrite]: 'witness: a device write through hmm_pt completes',
  [V12_PROPERTY_NAMES.wRead]: 'witness: a device read through hmm_pt completes',
  [V12_PROPERTY_NAMES.wMigrate]: 'witness: a page migrates to device memory (special swap entry) and back on CPU fault',
  [V12_PROPERTY_NAMES.wFork]: 'witness: fork (HMM_FORK) brings device memory back to system memory',
  [V12_PROPERTY_NAMES.wProtnone]: 'witness: hmm_mirror_fault on a PROT_NONE page returns -EFAULT',
  [V12_PROPERTY_NAMES.wBackoff]: 'witness: a CPU-side update interrupts a device fault, which backs off and retries',
  [V12_PROPERTY_NAMES.wHugetlb]: 'witness: both halves of a hugetlbfs huge page are mirrored as 4 KiB hmm_pt entries (v11 "Add support for hugetlbfs")',
};

/** the CPU side still maps frame f at address a of mm 0 (or the page is in flight: locked special entry) */
function cpuMaps(c: Ctx, s: HmmState, a: number, f: number): boolean {
  const o = view(c, s).mm(0).pte(a);
  const k = o.kind;
  if (k === PTE_PRESENT && o.val === f) return true;
  if (k === PTE_ZERO && f === ZERO_FRAME) return true;
  return k === PTE_HMM && (o.flags & PF_HMM_LOCKED) !== 0;
}

export function v12S1MirrorCoherent(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  for (let d = 0; d < L.devices; d++) {
    for (let a = 0; a < L.pages; a++) {
      const e = view(c, s).v12().mirror(d).pt(a);
      if ((e & HMM_PTE_VALID) === 0 || v12InvPending(c, s, d, a)) continue;
      if ((e & HMM_PTE_DEV) !== 0) {
        if (view(c, s).mm(0).pte(a).kind !== PTE_HMM) return false;
      } else if (!cpuMaps(c, s, a, hmmPteFrame(e))) return false;
    }
  }
  return true;
}

export function v12S2Permission(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  for (let d = 0; d < L.devices; d++) {
    for (let a = 0; a < L.pages; a++) {
      const e = view(c, s).v12().mirror(d).pt(a);
      if ((e & HMM_PTE_VALID) === 0 || v12InvPending(c, s, d, a)) continue;
      const o = view(c, s).mm(0).pte(a);
      const k = o.kind;
      const fl = o.flags;
      if (k === PTE_PRESENT && (fl & PF_PROTNONE) !== 0) return false;
      if ((e & HMM_PTE_WRITE) !== 0 && !((k === PTE_PRESENT || k === PTE_HMM) && (fl & PF_W) !== 0)) return false;
    }
  }
  return true;
}

export function v12S3DmaMapping(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  for (let d = 0; d < L.devices; d++) {
    for (let a = 0; a < L.pages; a++) {
      const f = view(c, s).v12().mirror(d).dma(a);
      if (f === 0 || v12InvPending(c, s, d, a)) continue;
      if (!cpuMaps(c, s, a, f)) return false;
    }
  }
  return true;
}

export function v12S3NoUseAfterFree(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  const free = (f: number): boolean => f > ZERO_FRAME && f < L.frameCount && view(c, s).frame(f).refcount <= 0;
  if (!cpuSideNamesNoFreeFrame(c, s)) return false;
  for (let d = 0; d < L.devices; d++) {
    for (let a = 0; a < L.pages; a++) {
      const e = view(c, s).v12().mirror(d).pt(a);
      if ((e & HMM_PTE_VALID) !== 0 && free(hmmPteFrame(e))) return false;
      const dm = view(c, s).v12().mirror(d).dma(a);
      if (dm !== 0 && free(dm)) return false;
    }
  }
  return true;
}

const MIRROR_KINDS = new Set<string>(['hmm_mirror_handle_fault', 'hmm_mirror_update', 'device_read', 'device_write', 'hmm_mirror_fault_pmd']);

/** S4 (step): HMM's mirror steps never change a live system page's refcount or pin count. */
export function v12S4NoPin(c: Ctx, s: HmmState, a: HmmAction, t: HmmState): boolean {
  const L = c.L;
  for (let f = 2; f < L.frameCount; f++) if (isDevFrame(L, f) && view(c, t).frame(f).pin > 0) return false;
  if (!MIRROR_KINDS.has(a.kind)) return true;
  for (let f = 2; f < L.frameCount; f++) {
    if (isDevFrame(L, f)) continue;
    const before = view(c, s).frame(f);
    if (before.refcount <= 0) continue;
    const after = view(c, t, 'after').frame(f);
    if (after.refcount !== before.refcount || after.pin !== before.pin) return false;
  }
  return true;
}

/** the device memory frame behind an (unlocked) special entry at a, or 0 */
function devMemory(c: Ctx, s: HmmState, a: number): number {
  for (let d = 0; d < c.L.devices; d++) {
    const e = view(c, s).v12().mirror(d).pt(a);
    if ((e & HMM_PTE_DEV) !== 0) return hmmPteFrame(e);
  }
  return 0;
}

export function v12S5NoLostWrite(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  for (let m = 0; m < L.mms; m++) {
    if (view(c, s).mm(m).exists !== 1) continue;
    for (let a = 0; a < L.pages; a++) {
      const o = view(c, s).mm(m).pte(a);
      const k = o.kind;
      const v = o.val;
      let ver: number;
      switch (k) {
        case PTE_PRESENT:
          ver = view(c, s).frame(v).version;
          break;
        case PTE_SWAP:
          ver = v;
          break;
        case PTE_ZERO:
          ver = 0;
          break;
        case PTE_HMM: {
          if ((o.flags & PF_HMM_LOCKED) !== 0 || m !== 0) continue; // migration in flight
          const df = devMemory(c, s, a);
          if (df === 0) return false; // a special entry whose device memory is gone
          ver = view(c, s).frame(df).version;
          break;
        }
        default:
          continue;
      }
      if (ver !== o.lastWrite) return false;
    }
  }
  return true;
}

/** S6 (step): the CPU-PTE rule of upstream S6, plus: dropping a dirty hmm_pt entry of a system
 *  page (clear, write-protect, retarget) leaves the page dirty, unless the page was freed. */
export function v12S6DirtyNotLost(c: Ctx, s: HmmState, a: HmmAction, t: HmmState): boolean {
  if (!s6DirtyNotLost(c, s, a, t)) return false;
  const L = c.L;
  for (let d = 0; d < L.devices; d++) {
    for (let x = 0; x < L.pages; x++) {
      const e = view(c, s).v12().mirror(d).pt(x);
      if ((e & (HMM_PTE_VALID | HMM_PTE_DIRTY)) !== (HMM_PTE_VALID | HMM_PTE_DIRTY) || (e & HMM_PTE_DEV) !== 0) continue;
      const f = hmmPteFrame(e);
      if (f === ZERO_FRAME) continue;
      const e2 = view(c, t).v12().mirror(d).pt(x);
      if ((e2 & HMM_PTE_DIRTY) !== 0 && hmmPteFrame(e2) === f) continue;
      if (view(c, t).frame(f).refcount > 0 && view(c, t).frame(f).dirty !== 1) return false;
    }
  }
  return true;
}

/** S10 (step): fault-range discipline of struct hmm. */
export function v12S10FaultRange(c: Ctx, s: HmmState, a: HmmAction, _t: HmmState): boolean {
  const L = c.L;
  if (a.kind === 'hmm_mirror_handle_fault') return view(c, s).v12().actor(a.actor).fault === FAULT_REGISTERED;
  if (a.kind === 'hmm_mirror_update') {
    const v = view(c, s);
    // no device fault overlapping the update is still registered
    for (let u = 0; u < L.actors.length; u++) {
      if (v.v12().actor(u).fault === 0) continue;
      const ua = v.actor(u).page;
      const un = v.actor(u).npages;
      const ia = v.actor(a.actor).invPage;
      const inn = v.actor(a.actor).invNpages;
      if (ua < ia + inn && ia < ua + un) return false;
    }
  }
  return true;
}

// ---- witnesses ------------------------------------------------------------------------------

function devResult(c: Ctx, s: HmmState, op: string, rc: number): boolean {
  const L = c.L;
  for (let t = 0; t < L.actors.length; t++) {
    if (L.actors[t]!.kind !== 'dev') continue;
    const reqs = c.reqs[t]!;
    for (let q = 0; q < reqs.length && q < view(c, s).actor(t).req; q++) {
      if (reqs[q]!.op === op && view(c, s).actor(t).result(q).ret === rc) return true;
    }
  }
  return false;
}

/** migrated (a special entry existed: the migrate request committed pages) and back (present) */
function wMigrateAndBack(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  for (let t = 0; t < L.actors.length; t++) {
    if (L.actors[t]!.kind !== 'dev') continue;
    const reqs = c.reqs[t]!;
    for (let q = 0; q < reqs.length && q < view(c, s).actor(t).req; q++) {
      if (reqs[q]!.op !== 'migrateToDev' || view(c, s).actor(t).result(q).ret !== OK || view(c, s).actor(t).result(q).cpages < 1) continue;
      const a = c.reqs[t]![q]!.page;
      if (view(c, s).mm(0).pte(a).kind === PTE_PRESENT) return true;
    }
  }
  return false;
}

function wProtnone(c: Ctx, s: HmmState): boolean {
  if (!devResult(c, s, 'read', EFAULT) && !devResult(c, s, 'write', EFAULT)) return false;
  for (let a = 0; a < c.L.pages; a++) {
    const vma = view(c, s).mm(0).pte(a).vma;
    if ((vma & VM_EXISTS) !== 0 && (vma & VM_READ) === 0) return true;
  }
  return false;
}

/** a registered fault was told to back off (an update started over it) */
function wBackoff(c: Ctx, s: HmmState): boolean {
  for (let t = 0; t < c.L.actors.length; t++) if (view(c, s).v12().actor(t).fault === 2) return true;
  return false;
}

/** a huge hugetlbfs page whose both halves are valid in some mirror */
function wHugetlb(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  for (let a = 0; a + 1 < L.pages; a += 2) {
    const o0 = view(c, s).mm(0).pte(a);
    const o1 = view(c, s).mm(0).pte(a + 1);
    if ((o0.vma & VM_HUGETLB) === 0 || (o0.flags & PF_HUGE) === 0 || (o1.flags & PF_HUGE) === 0) continue;
    for (let d = 0; d < L.devices; d++) {
      const e0 = view(c, s).v12().mirror(d).pt(a);
      const e1 = view(c, s).v12().mirror(d).pt(a + 1);
      if ((e0 & e1 & HMM_PTE_VALID) !== 0 && hmmPteFrame(e0) === o0.val && hmmPteFrame(e1) === o1.val) return true;
    }
  }
  return false;
}

/** all state invariants (for random-walk tests) */
export function v12Invariants(c: Ctx): readonly { name: string; holds: (s: HmmState) => boolean }[] {
  const P = V12_PROPERTY_NAMES;
  return [
    { name: P.s1, holds: (s) => v12S1MirrorCoherent(c, s) },
    { name: P.s2, holds: (s) => v12S2Permission(c, s) },
    { name: P.s3dma, holds: (s) => v12S3DmaMapping(c, s) },
    { name: P.s3free, holds: (s) => v12S3NoUseAfterFree(c, s) },
    { name: P.s5, holds: (s) => v12S5NoLostWrite(c, s) },
    { name: P.s7, holds: (s) => s7DevicePrivateInaccessible(c, s) },
  ];
}

export const V12_STATE_PROPERTIES = [
  V12_PROPERTY_NAMES.s1, V12_PROPERTY_NAMES.s2, V12_PROPERTY_NAMES.s3dma, V12_PROPERTY_NAMES.s3free,
  V12_PROPERTY_NAMES.s5, V12_PROPERTY_NAMES.s7, V12_PROPERTY_NAMES.s4, V12_PROPERTY_NAMES.s6, V12_PROPERTY_NAMES.s10,
] as const;

export function v12Properties(cfg: HmmConfig, witnesses: readonly V12WitnessName[]): Property<HmmState, HmmAction>[] {
  const c = makeCtx(cfg);
  const P = V12_PROPERTY_NAMES;
  const D = V12_DESCRIPTIONS;
  const props: Property<HmmState, HmmAction>[] = v12Invariants(c).map((i) => always<HmmState>(i.name, i.holds, D[i.name]));
  props.push(alwaysStep<HmmState, HmmAction>(P.s4, (s, a, t) => v12S4NoPin(c, s, a, t), D[P.s4]));
  props.push(alwaysStep<HmmState, HmmAction>(P.s6, (s, a, t) => v12S6DirtyNotLost(c, s, a, t), D[P.s6]));
  props.push(alwaysStep<HmmState, HmmAction>(P.s10, (s, a, t) => v12S10FaultRange(c, s, a, t), D[P.s10]));
  for (const w of witnesses) {
    const name = P[w];
    const holds = {
      wWrite: (s: HmmState) => devResult(c, s, 'write', OK),
      wRead: (s: HmmState) => devResult(c, s, 'read', OK),
      wMigrate: (s: HmmState) => wMigrateAndBack(c, s),
      wFork: (s: HmmState) => view(c, s).v12().ghostForkBackOff === 1 && view(c, s).mm(1).exists === 1,
      wProtnone: (s: HmmState) => wProtnone(c, s),
      wBackoff: (s: HmmState) => wBackoff(c, s),
      wHugetlb: (s: HmmState) => wHugetlb(c, s),
    }[w];
    props.push(sometimes<HmmState>(name, holds, D[name]));
  }
  return props;
}

