/**
 * Why a v12 counterexample's last state breaks an invariant, naming the entry at fault
 * ("mirror0.hmm_pt[0] = f2 read, while mm.pte[0] = none and frame[2] = free"), as
 * specs/hmm/explain.ts does for upstream: the invariants are whole-state predicates, so clear one
 * mirror entry, DMA mapping or CPU PTE at a time and see whether the invariant then holds.
 * Reporting code only.
 */
import type { Explanation, ItfValue } from '../../checker/index.ts';
import { formatItf } from '../../checker/report/values.ts';
import { type Ctx, type HmmAction, type HmmState, PG_KIND, PG_VAL, pgOff } from '../../model/hmm/index.ts';
import { HMM_PTE_VALID, hmmPteFrame, mdmaOff, mirrorOff } from '../../model/hmm/v12/index.ts';
import { v12Invariants } from './properties.ts';

interface Culprit {
  /** the state words to clear together */
  readonly offsets: readonly number[];
  readonly name: string;
  /** the other variables a reader needs next to it */
  readonly context: readonly string[];
}

/** PTE kinds whose value is a frame (present, migration, device-private, device-exclusive) */
const FRAME_KINDS = new Set([1, 4, 5, 6]);

function culprits(c: Ctx, s: HmmState): Culprit[] {
  const L = c.L;
  const out: Culprit[] = [];
  const frame = (f: number): string[] => (f >= 2 ? [`frame[${f}]`] : []);
  // a v12 mirror follows mm 0 (the process that opened the device)
  for (let d = 0; d < L.devices; d++) {
    for (let a = 0; a < L.pages; a++) {
      const e = s[mirrorOff(L, d, a)]!;
      const pt = `mirror${d}.hmm_pt[${a}]`;
      if ((e & HMM_PTE_VALID) !== 0) out.push({ offsets: [mirrorOff(L, d, a)], name: pt, context: [`mm.pte[${a}]`, ...frame(hmmPteFrame(e))] });
      const dm = s[mdmaOff(L, d, a)]!;
      if (dm !== 0) out.push({ offsets: [mdmaOff(L, d, a)], name: `mirror${d}.dma[${a}]`, context: [`mm.pte[${a}]`, ...frame(dm)] });
      if ((e & HMM_PTE_VALID) !== 0 && dm !== 0) {
        out.push({ offsets: [mirrorOff(L, d, a), mdmaOff(L, d, a)], name: pt, context: [`mirror${d}.dma[${a}]`, `mm.pte[${a}]`, ...frame(hmmPteFrame(e)), ...frame(dm)] });
      }
    }
  }
  for (let m = 0; m < L.mms; m++) {
    const mm = m === 0 ? 'mm' : 'child';
    for (let a = 0; a < L.pages; a++) {
      const o = pgOff(L, m, a);
      if (s[o + PG_KIND] === 0) continue;
      const f = FRAME_KINDS.has(s[o + PG_KIND]!) ? s[o + PG_VAL]! : 0;
      out.push({ offsets: [o + PG_KIND], name: `${mm}.pte[${a}]`, context: [...frame(f), `${mm}.lastWrite[${a}]`] });
    }
  }
  return out;
}

export function v12Explainer(c: Ctx, vars: (s: HmmState) => Record<string, ItfValue>) {
  const byName = new Map(v12Invariants(c).map((p) => [p.name, p.holds]));
  return (property: string, s: HmmState, _before: HmmState | undefined, _a: HmmAction | undefined): Explanation | undefined => {
    const holds = byName.get(property);
    if (holds === undefined || holds(s)) return undefined;
    const v = vars(s);
    const shown = (name: string): string => `${name} = ${formatItf(v[name])}`;
    for (const cand of culprits(c, s)) {
      const t = s.slice();
      for (const o of cand.offsets) t[o] = 0;
      if (!holds(t)) continue;
      const context = [...new Set(cand.context)].filter((n) => v[n] !== undefined);
      return {
        text: `${shown(cand.name)}${context.length > 0 ? `, while ${context.map(shown).join(' and ')}` : ''}`,
        vars: [cand.name, ...context],
      };
    }
    return undefined;
  };
}
