/**
 * Why a v12 counterexample's last state breaks an invariant, naming the entry at fault
 * ("mirror0.hmm_pt[0] = f2 read, while mm.pte[0] = none and frame[2] = free"), as
 * specs/hmm/explain.ts does for upstream: the invariants are whole-state predicates, so clear one
 * mirror entry, DMA mapping or CPU PTE at a time and see whether the invariant then holds.
 * Reporting code only.
 */
import type { Explanation, ItfValue } from '../../checker/index.ts';
import { formatItf } from '../../checker/report/values.ts';
import { type Ctx, type HmmAction, type HmmState, type StateWriter, stateView } from '../../model/hmm/index.ts';
import { HMM_PTE_VALID, hmmPteFrame } from '../../model/hmm/v12/index.ts';
import { explainByClearing, frameVar, pteCulprits, type Culprit } from '../hmm/explain.ts';
import { v12Invariants } from './properties.ts';

function culprits(c: Ctx, s: HmmState): Culprit[] {
  const L = c.L;
  const v = stateView(c, 'explain').at(s);
  const out: Culprit[] = [];
  const frame = frameVar;
  // a v12 mirror follows mm 0 (the process that opened the device)
  for (let d = 0; d < L.devices; d++) {
    for (let a = 0; a < L.pages; a++) {
      const e = v.v12().mirror(d).pt(a);
      const pt = `mirror${d}.hmm_pt[${a}]`;
      const clearPt = (w: StateWriter): void => w.v12().mirror(d).setPt(a, 0);
      const clearDma = (w: StateWriter): void => w.v12().mirror(d).setDma(a, 0);
      if ((e & HMM_PTE_VALID) !== 0) out.push({ clear: clearPt, name: pt, context: [`mm.pte[${a}]`, ...frame(hmmPteFrame(e))] });
      const dm = v.v12().mirror(d).dma(a);
      if (dm !== 0) out.push({ clear: clearDma, name: `mirror${d}.dma[${a}]`, context: [`mm.pte[${a}]`, ...frame(dm)] });
      if ((e & HMM_PTE_VALID) !== 0 && dm !== 0) {
        out.push({ clear: (w) => { clearPt(w); clearDma(w); }, name: pt, context: [`mirror${d}.dma[${a}]`, `mm.pte[${a}]`, ...frame(hmmPteFrame(e)), ...frame(dm)] });
      }
    }
  }
  return [...out, ...pteCulprits(c, s)];
}

export function v12Explainer(c: Ctx, vars: (s: HmmState) => Record<string, ItfValue>) {
  const byName = new Map(v12Invariants(c).map((p) => [p.name, p.holds]));
  return (property: string, s: HmmState, _before: HmmState | undefined, _a: HmmAction | undefined): Explanation | undefined => {
    const holds = byName.get(property);
    if (holds === undefined || holds(s)) return undefined;
    return explainByClearing(c, holds, vars(s), s, culprits(c, s));
  };
}
