/**
 * Why an HMM counterexample's last state breaks an invariant, naming the entry at fault
 * ("dev0.pt[0] = f4 read, while mm.pte[0] = none and frame[4] = free"). The invariants are whole-
 * state predicates, so the entry is found by asking them: clear one device PT entry, DMA mapping
 * or CPU PTE at a time and see whether the invariant then holds. Reporting code only.
 */
import type { Explanation } from '../../checker/index.ts';
import { type Ctx, type HmmAction, type HmmState, type StateWriter, dptFrame, stateView, stateWriter } from '../../model/hmm/index.ts';
import { invariants } from './properties.ts';
import { formatItf } from '../../checker/report/values.ts';
import type { ItfValue } from '../../checker/index.ts';

type Vars = Record<string, ItfValue>;

export interface Culprit {
  /** clear the entry (or a device's PT entry and DMA mapping of one page together) in a copy of the state */
  readonly clear: (w: StateWriter) => void;
  readonly name: string;
  /** the other variables a reader needs next to it */
  readonly context: readonly string[];
}

const mmName = (m: number): string => (m === 0 ? 'mm' : 'child');
/** PTE kinds whose value is a frame (present, migration, device-private, device-exclusive) */
const FRAME_KINDS = new Set([1, 4, 5, 6]);

function culprits(c: Ctx, s: HmmState): Culprit[] {
  const L = c.L;
  const v = stateView(c, 'explain').at(s);
  const out: Culprit[] = [];
  const frame = frameVar;
  for (let d = 0; d < L.fds; d++) {
    const m = c.devMm[d] ?? 0;
    for (let a = 0; a < L.pages; a++) {
      const e = v.device(d).pt(a);
      const clearPt = (w: StateWriter): void => w.device(d).setPt(a, 0);
      const clearDma = (w: StateWriter): void => w.device(d).setDma(a, 0);
      const fd = c.cfg.fds === undefined ? `dev${d}` : `mirror${d}`; // presentation.ts mirrorName
      if (e !== 0) out.push({ clear: clearPt, name: `${fd}.pt[${a}]`, context: [`${mmName(m)}.pte[${a}]`, ...frame(dptFrame(e))] });
      const dm = v.device(d).dma(a);
      if (dm !== 0) out.push({ clear: clearDma, name: `${fd}.dma[${a}]`, context: frame(dm) });
      if (e !== 0 && dm !== 0) {
        out.push({ clear: (w) => { clearPt(w); clearDma(w); }, name: `${fd}.pt[${a}]`, context: [`${fd}.dma[${a}]`, `${mmName(m)}.pte[${a}]`, ...frame(dptFrame(e)), ...frame(dm)] });
      }
    }
  }
  return [...out, ...pteCulprits(c, s)];
}

/** one culprit per CPU PTE in use: clear it (both designs' explainers end with these) */
export function pteCulprits(c: Ctx, s: HmmState): Culprit[] {
  const v = stateView(c, 'explain').at(s);
  const out: Culprit[] = [];
  for (let m = 0; m < c.L.mms; m++) {
    for (let a = 0; a < c.L.pages; a++) {
      const p = v.mm(m).pte(a);
      if (p.kind === 0) continue;
      const f = FRAME_KINDS.has(p.kind) ? p.val : 0;
      out.push({ clear: (w) => { w.mm(m).pte(a).kind = 0; }, name: `${mmName(m)}.pte[${a}]`, context: [...frameVar(f), `${mmName(m)}.lastWrite[${a}]`] });
    }
  }
  return out;
}

/** the frame variable a reader needs next to an entry that maps frame f (none for the zero page) */
export const frameVar = (f: number): string[] => (f >= 2 ? [`frame[${f}]`] : []);

export function hmmExplainer(c: Ctx, vars: (s: HmmState) => Vars) {
  const byName = new Map(invariants(c).map((p) => [p.name, p.holds]));
  return (property: string, s: HmmState, _before: HmmState | undefined, _a: HmmAction | undefined): Explanation | undefined => {
    const holds = byName.get(property);
    if (holds === undefined || holds(s)) return undefined;
    return explainByClearing(c, holds, vars(s), s, culprits(c, s));
  };
}

/**
 * The first culprit whose clearing makes the invariant hold, named with its context (the search
 * both designs' explainers share; their culprits differ).
 */
export function explainByClearing(c: Ctx, holds: (s: HmmState) => boolean, v: Vars, s: HmmState, cands: readonly Culprit[]): Explanation | undefined {
  const shown = (name: string): string => `${name} = ${formatItf(v[name])}`;
  for (const cand of cands) {
    const t = s.slice();
    cand.clear(stateWriter(c, 'explain-edit').at(t));
    if (!holds(t)) continue;
    const context = [...new Set(cand.context)].filter((n) => v[n] !== undefined);
    return {
      text: `${shown(cand.name)}${context.length > 0 ? `, while ${context.map(shown).join(' and ')}` : ''}`,
      vars: [cand.name, ...context],
    };
  }
  return undefined;
}
