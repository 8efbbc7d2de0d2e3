// Follows: Linux v6.19 — (no kernel file: the model object)
/**
 * createHmmModel(config): a plain object that structurally fits checker/model.ts's Model<S, A>
 * (model/ imports nothing from checker/). States are flat Int32Arrays (see layout.ts).
 */
import type { HmmConfig } from './config.ts';
import { validateConfig } from './config.ts';
import {
  PC, R_PC, PTE_NONE, PTE_ZERO, PTE_PRESENT, PTE_SWAP, PF_W, PF_D, PF_PROTNONE, VM_EXISTS, ZERO_FRAME,
  F_MAP, F_DIRTY, MM_EXISTS, PG_VMA, PG_LASTW, pgOff, mmOff, frOff, wbBudgetOff, wbWrittenOff,
  VM_SHARED, VM_HUGETLB, VM_HUGEPAGE, VM_MIXEDMAP, PF_HUGE,
} from './layout.ts';
import { type Ctx, protBits, allocSysFrame, initFrame, loadRequest, initResults } from './ctx.ts';
import type { Mapping } from './config.ts';
import { successors } from './next.ts';
import { makeModelCtx } from './machine.ts';
import { driverName } from './variants.ts';
import { coreMmName } from './core-mm.ts';
import type { HmmAction } from './actions.ts';
import { setPte } from './pgtable.ts';
import { type HmmPackedForm, packedForm } from './packed.ts';

export type HmmState = Int32Array;
export type { HmmAction } from './actions.ts';
export type { HmmConfig } from './config.ts';

export interface HmmModel {
  readonly id: string;
  readonly ctx: Ctx;
  initialStates(): readonly HmmState[];
  successors(s: HmmState, emit: (a: HmmAction, next: HmmState) => void): void;
  isTerminal(s: HmmState): boolean;
  readonly codec: { encode(s: HmmState, w: { push(v: number): void }): void; view(s: HmmState): Int32Array };
  readonly packed: HmmPackedForm;
}

export function initialState(c: Ctx): HmmState {
  const L = c.L;
  const cfg = c.cfg;
  const s = new Int32Array(L.width);
  const f = cfg.features ?? {};
  const bud = cfg.budgets ?? {};
  s[L.gBudReclaim] = (f.reclaim ?? false) ? (bud.reclaim ?? 1) : 0;
  s[L.gBudNuma] = (f.numa ?? false) ? (bud.numa ?? 1) : 0;
  s[L.gBudKsm] = (f.ksm ?? false) ? (bud.ksm ?? 1) : 0;
  if (L.gBudCompact >= 0) s[L.gBudCompact] = bud.compaction ?? 1;
  if (L.writebackBase >= 0) s[wbBudgetOff(L)] = bud.writeback ?? 1;
  s[mmOff(L, 0) + MM_EXISTS] = 1;
  for (const pf of Object.values(L.patchFields)) s.fill(pf.init, pf.base, pf.base + pf.count);
  const prot = protBits(cfg.prot ?? 'rw');
  const vmKind = mappingVmFlags(cfg.mapping ?? 'anon');
  const hugeMap = (vmKind & (VM_HUGETLB | VM_HUGEPAGE)) !== 0;
  for (let a = 0; a < L.pages; a++) {
    const mixed = (vmKind & VM_MIXEDMAP) !== 0;
    const init = mixed && cfg.initial?.[a] !== 'hole' ? 'ro' : (cfg.initial?.[a] ?? 'none');
    const o = pgOff(L, 0, a);
    if (init === 'hole') continue;
    s[o + PG_VMA] = VM_EXISTS | prot | vmKind;
    const protnone = prot === 0 ? PF_PROTNONE : 0;
    // a pre-populated page of a hugetlb/THP mapping is part of a huge entry when its pair is too
    const pairInit = cfg.initial?.[a ^ 1] ?? 'none';
    const huge = hugeMap && (a ^ 1) < L.pages && pairInit === init && init !== 'none' && init !== 'swap' ? PF_HUGE : 0;
    switch (init) {
      case 'zero':
        setPte(c, s, 0, a, PTE_ZERO, ZERO_FRAME, huge);
        break;
      case 'ro':
      case 'rw':
      case 'rwZeroed': {
        const fr = allocSysFrame(c, s);
        if (fr === 0) throw new RangeError('not enough frames for the initial pages');
        // dmirror_fops_mmap: zeroed driver pages, vm_insert_page (not on the LRU, contents 0)
        const ver = mixed || init === 'rwZeroed' ? 0 : 1;
        initFrame(c, s, fr, ver, !mixed);
        s[frOff(L, fr) + F_MAP] = 1;
        const rw = init !== 'ro';
        const w = rw && (prot & 2) !== 0 && protnone === 0;
        if (rw) s[frOff(L, fr) + F_DIRTY] = 1;
        // a clean page-cache page holds what is on disk (features.writeback: mapping 'file' only)
        else if (L.writebackBase >= 0) s[wbWrittenOff(L, fr)] = ver + 1;
        setPte(c, s, 0, a, PTE_PRESENT, fr, (w ? PF_W : 0) | (rw ? PF_D : 0) | protnone | huge);
        s[o + PG_LASTW] = ver;
        break;
      }
      case 'swap':
        setPte(c, s, 0, a, PTE_SWAP, 1, 0);
        s[o + PG_LASTW] = 1;
        break;
      default:
        setPte(c, s, 0, a, PTE_NONE, 0, 0);
    }
  }
  L.actors.forEach((a, t) => {
    initResults(c, s, t);
    if (a.kind === 'kswapd') s[a.base + R_PC] = PC.core_mm_background;
    else {
      loadRequest(c, s, t, 0);
      if (a.mm === 1 && s[a.base + R_PC] !== PC.done) s[a.base + R_PC] = PC.ret_from_fork;
    }
  });
  return s;
}

/** VMA flags of the mapping kind (config.mapping) */
export function mappingVmFlags(m: Mapping): number {
  switch (m) {
    case 'shared':
    case 'file':
      return VM_SHARED;
    case 'mixedmap':
      return VM_MIXEDMAP;
    case 'hugetlb':
      return VM_HUGETLB;
    case 'thp':
      return VM_HUGEPAGE;
    default:
      return 0;
  }
}

/** Every CPU/device thread finished its requests; the background actor is idle. */
export function isTerminal(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  for (let t = 0; t < L.actors.length; t++) {
    const a = L.actors[t]!;
    const pc = s[a.base + R_PC]!;
    if (a.kind === 'kswapd') {
      if (pc !== PC.core_mm_background) return false;
    } else if (pc !== PC.done && !(pc === PC.ret_from_fork && s[mmOff(L, 1) + MM_EXISTS] !== 1)) return false;
  }
  return true;
}

/** the driver's name, and the core-mm variant's when not upstream: 'reference', 'reference+protnoneValid' */
export function variantName(cfg: HmmConfig): string {
  const core = coreMmName(cfg.coreMm);
  return core === 'upstream' ? driverName(cfg.driver) : `${driverName(cfg.driver)}+${core}`;
}

export function createHmmModel(cfg: HmmConfig, id?: string): HmmModel {
  validateConfig(cfg);
  const c = makeModelCtx(cfg);
  const init = initialState(c);
  const width = c.L.width;
  return {
    id: id ?? `hmm/upstream@${variantName(cfg)}${cfg.patch === undefined ? '' : `+${cfg.patch.name}`}`,
    ctx: c,
    initialStates: () => [init],
    successors: (s, emit) => successors(c, s, emit),
    isTerminal: (s) => isTerminal(c, s),
    codec: {
      encode(s, w) {
        for (let i = 0; i < width; i++) w.push(s[i]!);
      },
      // the flat state is already its canonical encoding: the checker fingerprints it in place
      view: (s) => s,
    },
    packed: packedForm(c, init),
  };
}

/** the model context of a configuration (runnable: the same one createHmmModel uses) */
export { makeModelCtx as makeCtx } from './machine.ts';
export type { Ctx } from './ctx.ts';
// the state's vocabulary (kinds, flags, events, return codes) — its offsets are not public: read
// and build states through the typed views (state/view.ts) and decodeState (state/decode.ts)
export {
  PTE_NONE, PTE_PRESENT, PTE_ZERO, PTE_SWAP, PTE_MIGRATION, PTE_DEVPRIV, PTE_DEVEXCL, PTE_HMM, PTE_KIND_NAMES,
  PF_W, PF_D, PF_PROTNONE, PF_HMM_LOCKED, PF_HUGE, HMM_PFN_PMD,
  VM_READ, VM_WRITE, VM_SHARED, VM_EXISTS, VM_HUGETLB, VM_HUGEPAGE, VM_MIXEDMAP,
  DPT_WRITE, DPT_ATOMIC, dptFrame, FRAME_NONE, ZERO_FRAME, firstSysFrame, firstDevFrame, isDevFrame, frameOwner,
  EV_UNMAP, EV_CLEAR, EV_PROTECTION_VMA, EV_PROTECTION_PAGE, EV_RELEASE, EV_MIGRATE, EV_EXCLUSIVE, EVENT_NAMES, EV_NONBLOCK,
  evKind, eventName, OK, EPERM, ENOENT, EINTR, EAGAIN, ENOMEM, EFAULT, EBUSY, EINVAL,
  VM_FAULT_OOM, VM_FAULT_SIGBUS, VM_FAULT_SIGSEGV, NOT_RUN,
  MPFN_MIGRATE, MPFN_WRITE, MPFN_HOLE, MPFN_DIRTY, MPFN_COMPOUND, mpfnFrame,
  MIG_TO_DEV, MIG_TO_SYS, MIG_FAULT, MIG_COHERENT, MIG_EVICT, PC,
  type ActorKind, type ActorInfo, type Layout,
} from './layout.ts';
export { stateView, stateWriter, type StateView, type StateWriter } from './state/view.ts';
export { decodeState, type DecodedState, type Decoded } from './state/decode.ts';
export type { Reader, Writer } from './state/cursor.ts';
export * as schema from './state/schema.ts';
export { DRIVER_VARIANTS, DRIVER_VARIANT_NAMES, resolveDriver, driverName } from './variants.ts';
export type { DriverBehaviour, DriverVariant, DriverSpec } from './variants.ts';
export { CORE_MM_VARIANTS, resolveCoreMm, coreMmName } from './core-mm.ts';
export type { CoreMmBehaviour, CoreMmVariant, CoreMmSpec } from './core-mm.ts';
export { ACTION_KINDS } from './actions.ts';
export { sleepsInNonblockable } from './mmu_notifier.ts';
export type { ActionKind } from './actions.ts';
export * as kernel from './api.ts';
export type { PatchField, PatchRequest } from './patch.ts';
export type { HmmPatch, InvalidateOp, InvalidateGuard, GuardFn, GuardImpl, StepFn, StepImpl, AddedLabel } from './ctx.ts';
export { LABELS, LABEL_NAMES, KERNEL_SOURCE, OLDER_RELEASE, labelSource, type LabelSource } from './labels.ts';
