/**
 * How v12 traces read: the shared CPU-side variables of specs/hmm/presentation.ts without the
 * upstream-only notifier/driver words, plus struct hmm (update and fault lists) and each
 * mirror's hmm_pt entries and DMA mappings; v12 events spelled HMM_*.
 */
import type { ItfValue, TraceView } from '../../checker/index.ts';
import { type Ctx, type HmmAction, type HmmState, makeCtx, decodeState, ACTION_KINDS, PTE_HMM, PF_W, PF_HMM_LOCKED } from '../../model/hmm/index.ts';
import type { HmmConfig } from '../../model/hmm/config.ts';
import {
  HMM_EVENT_NAMES, HMM_PTE_VALID, HMM_PTE_WRITE, HMM_PTE_DIRTY, HMM_PTE_DEV, hmmPteFrame,
} from '../../model/hmm/v12/index.ts';
import { actorName, actionLabel, stateVars } from '../hmm/presentation.ts';
import { HMM_LEGEND } from '../hmm/legend.ts';
import { stepSource } from '../hmm/source-links.ts';
import { v12ItfState } from './itf-state.ts';
import { v12Explainer } from './explain.ts';

const EVENT_KINDS = new Set<string>([
  'hmm_notifier_invalidate_range_start', 'hmm_mirror_update', 'hmm_notifier_invalidate_range_end', 'hmm_mirror_handle_fault',
]);

export function v12ActionLabel(c: Ctx, a: HmmAction): string {
  if (EVENT_KINDS.has(a.kind)) return `${actorName(c, a.actor)}: ${a.kind}(page ${a.page}) ${HMM_EVENT_NAMES[a.info] ?? a.info}`;
  if (a.kind === 'hmm_device_fault_end') return `${actorName(c, a.actor)}: ${a.kind}(page ${a.page}) → -EAGAIN`;
  if (a.info === -13) return `${actorName(c, a.actor)}: ${a.kind}(page ${a.page}) → -EACCES`;
  return actionLabel(c, a);
}

export function mirrorEntryText(e: number): string {
  if ((e & HMM_PTE_VALID) === 0) return 'none';
  const bits = `${(e & HMM_PTE_WRITE) !== 0 ? ' write' : ' read'}${(e & HMM_PTE_DIRTY) !== 0 ? ' dirty' : ''}`;
  return (e & HMM_PTE_DEV) !== 0 ? `devmem f${hmmPteFrame(e)}${bits}` : `f${hmmPteFrame(e)}${bits}`;
}

export function v12StateVars(c: Ctx, s: HmmState): Record<string, ItfValue> {
  const L = c.L;
  const st = decodeState(c, s);
  const v12 = st.v12!;
  const v: Record<string, ItfValue> = {};
  for (const [k, x] of Object.entries(stateVars(c, s))) {
    if (k === 'gseq' || k === 'active' || /^dev\d+\.(lock|sseq|pt\[|dma\[)/.test(k) || k.endsWith('.seqValid')) continue;
    v[k] = x;
  }
  for (let m = 0; m < L.mms; m++) {
    for (let a = 0; a < L.pages; a++) {
      const p = st.mm[m]!.pte[a]!;
      if (p.kind !== PTE_HMM) continue;
      const fl = p.flags;
      v[`${m === 0 ? 'mm' : 'child'}.pte[${a}]`] = `hmm-special{${(fl & PF_W) !== 0 ? 'w' : 'ro'}${(fl & PF_HMM_LOCKED) !== 0 ? ' locked' : ''}}`;
    }
  }
  const ranges: string[] = [];
  const faults: string[] = [];
  st.actor.forEach((r, t) => {
    const name = actorName(c, t);
    if (v12.actor[t]!.inv === 1) ranges.push(`${name}[${r.invPage}+${r.invNpages}]`);
    const f = v12.actor[t]!.fault;
    if (f !== 0) faults.push(`${name}[${r.page}+${r.npages}]${f === 2 ? ' back-off' : ''}`);
  });
  v['hmm.ranges'] = ranges.join(', ') || 'none';
  v['hmm.faults'] = faults.join(', ') || 'none';
  for (let d = 0; d < L.devices; d++) {
    for (let a = 0; a < L.pages; a++) {
      v[`mirror${d}.hmm_pt[${a}]`] = mirrorEntryText(v12.mirror[d]!.pt[a]!);
      const dm = v12.mirror[d]!.dma[a]!;
      v[`mirror${d}.dma[${a}]`] = dm === 0 ? 'none' : `f${dm}`;
    }
  }
  return v;
}

const HMM = 'struct hmm';
const driver = (d: number): string => `dev${d} driver`;

export function v12View(cfg: HmmConfig): TraceView<HmmState, HmmAction> {
  const c = makeCtx(cfg);
  const threads = c.L.actors.map((_, t) => actorName(c, t));
  const cpus = threads.filter((n) => n.includes('cpu'));
  const devs = threads.filter((n) => n.startsWith('dev'));
  const drivers = Array.from({ length: c.L.devices }, (_, d) => driver(d));
  return {
    vars: (s) => v12StateVars(c, s),
    label: (a) => v12ActionLabel(c, a),
    actor: (a) => actorName(c, a.actor),
    actionKind: (a) => a.kind,
    actionKinds: ACTION_KINDS,
    actionColumn: 'kernel function (v12)',
    // CPU-side encodings are shared with upstream; v12's own: hmm_pt entries and struct hmm lists
    legend: [...HMM_LEGEND.filter(([t]) => !/^(dev0|gseq)/.test(t)), ['mirror0.hmm_pt[a] = f4 read|write dirty · devmem', "mirror 0's hmm_pt entry (devmem: device memory)"], ['hmm.ranges · hmm.faults', 'invalidations in flight and device faults registered in struct hmm: actor[first page+count]']],
    participants: [...cpus, 'core-mm', HMM, ...drivers, ...devs],
    source: (a, before) => stepSource(c, a, before),
    itf: (s) => v12ItfState(c, s, (t) => actorName(c, t)),
    explain: v12Explainer(c, (s) => v12StateVars(c, s)),
    arrow(a) {
      const from = actorName(c, a.actor);
      const text = v12ActionLabel(c, a).slice(from.length + 2);
      if (a.kind === 'hmm_mirror_update' || a.kind === 'copy_to_device' || a.kind === 'copy_from_device') {
        return { from: HMM, to: driver(Math.max(0, c.L.actors[a.actor]!.device)), text };
      }
      if (a.kind.startsWith('hmm_') || a.kind.startsWith('mm_hmm')) return { from, to: HMM, text };
      if (a.kind === 'device_read' || a.kind === 'device_write' || a.kind === 'cpu_access' || from === 'core-mm') return { from, to: from, text };
      return { from, to: 'core-mm', text };
    },
  };
}
