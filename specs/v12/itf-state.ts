/**
 * A v12 state as typed ITF data (the `.itf.json` counterexamples of specs/v12), like
 * specs/hmm/itf-state.ts does for upstream: the shared CPU-side records of that file, without the
 * upstream-only words (interval-notifier sequence, the driver's device page table), and v12's own —
 * struct hmm's lists of updates and device faults in flight, and each mirror's hmm_pt entries and
 * DMA mappings as records of one type, integers as `#bigint`, identifier names throughout.
 * A PTE record gains `hmm_locked` (make_hmm_entry_locked), false for every other kind.
 */
import type { ItfValue } from '../../checker/index.ts';
import { identifier } from '../../checker/report/itf-names.ts';
import { toItf } from '../../checker/report/values.ts';
import { type Ctx, type HmmState, PF_HMM_LOCKED, stateView } from '../../model/hmm/index.ts';
import { FAULT_BACKOFF, HMM_PTE_DEV, HMM_PTE_DIRTY, HMM_PTE_VALID, HMM_PTE_WRITE, hmmPteFrame } from '../../model/hmm/v12/index.ts';
import { hmmItfState } from '../hmm/itf-state.ts';

/** upstream-only variables: the interval notifier's sequence and the dmirror device page table */
const UPSTREAM_ONLY = ['invalidate_seq_odd', 'active_invalidations', 'child_invalidate_seq_odd', 'child_active_invalidations', 'device'];

type Rec = Readonly<Record<string, ItfValue>>;

function mirrorEntry(e: number): ItfValue {
  const valid = (e & HMM_PTE_VALID) !== 0;
  return toItf({
    valid,
    frame: valid ? hmmPteFrame(e) : 0,
    write: valid && (e & HMM_PTE_WRITE) !== 0,
    dirty: valid && (e & HMM_PTE_DIRTY) !== 0,
    devmem: valid && (e & HMM_PTE_DEV) !== 0,
  });
}

export function v12ItfState(c: Ctx, s: HmmState, actorName: (t: number) => string): Record<string, ItfValue> {
  const L = c.L;
  const up = hmmItfState(c, s, actorName);
  const sv = stateView(c, 'itf-v12').at(s);
  const v: Record<string, ItfValue> = {};
  for (const [k, x] of Object.entries(up)) if (!UPSTREAM_ONLY.includes(k)) v[k] = x;
  for (let m = 0; m < L.mms; m++) {
    const key = m === 0 ? 'mm' : 'child_mm';
    const mm = v[key] as Rec;
    const ptes = mm['pte'] as readonly Rec[];
    v[key] = { ...mm, pte: ptes.map((p, a) => ({ ...p, hmm_locked: (sv.mm(m).pte(a).flags & PF_HMM_LOCKED) !== 0 })) };
  }
  const threads = v['thread'] as Readonly<Record<string, Rec>>;
  // seq_valid is the upstream device thread's notifier sequence: v12 has none
  v['thread'] = Object.fromEntries(Object.entries(threads).map(([name, t]) => [name, Object.fromEntries(Object.entries(t).filter(([f]) => f !== 'seq_valid'))]));
  const ranges: ItfValue[] = [];
  const faults: ItfValue[] = [];
  L.actors.forEach((_act, t) => {
    const thread = identifier(actorName(t));
    const regs = sv.actor(t);
    if (sv.v12().actor(t).inv === 1) ranges.push(toItf({ thread, first: regs.invPage, count: regs.invNpages }));
    const f = sv.v12().actor(t).fault;
    if (f !== 0) faults.push(toItf({ thread, first: regs.page, count: regs.npages, backoff: f === FAULT_BACKOFF }));
  });
  v['hmm'] = { ranges, faults };
  v['mirror'] = Array.from({ length: L.devices }, (_, d) => ({
    hmm_pt: Array.from({ length: L.pages }, (_, a) => mirrorEntry(sv.v12().mirror(d).pt(a))),
    dma: Array.from({ length: L.pages }, (_, a) => toItf(sv.v12().mirror(d).dma(a))),
  }));
  return v;
}
