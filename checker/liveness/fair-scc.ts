/**
 * Fair strongly connected components of a subgraph (Tarjan, iterative, on typed arrays), with
 * the Emerson–Lei refinement for strong fairness.
 *
 * An SCC C of the subgraph carries a fair infinite behaviour exactly when (with `taken` the units
 * on C's internal edges, `enAll`/`enAny` the units enabled — in the full graph — at every/some
 * state of C):
 * - weak:   no weak unit is in enAll but not in taken. Exact at SCC level: a cycle through all of
 *           C's states and edges is then weakly fair, and a sub-SCC can only make it worse.
 * - strong: no strong unit is in enAny but not in taken. When some is, no fair cycle can visit a
 *           state where it is enabled: remove those states and decompose the rest again.
 * A state without successors (and not cut) is an SCC of its own that stutters forever: accepting
 * unless stuttering is excluded (non-progress cycles).
 */
import type { StateGraph } from './graph.ts';

export interface FairnessMasks {
  /** per interned unit: its bit among this property's fair units, or -1 when unfair */
  readonly unitBit: Int32Array;
  readonly weak: number;
  readonly strong: number;
}

export interface SubgraphSpec {
  /** 1 for states of the subgraph */
  readonly member: Uint8Array;
  /** edges excluded from the subgraph even between members (progress actions), or undefined */
  readonly excludedEdge: Uint8Array | undefined;
  /** whether a state without successors counts as a cycle (stuttering) */
  readonly stutter: boolean;
}

export interface FairSccs {
  /** per state: id of the fair SCC containing it, or -1 */
  readonly comp: Int32Array;
  readonly count: number;
}

/** Units enabled at v in the full graph, as this property's fair-unit bits. */
export function enabledBits(g: StateGraph, masks: FairnessMasks, v: number): number {
  const eu = g.edgeUnit;
  if (eu === undefined) return 0;
  let bits = 0;
  for (let e = g.off[v]!, end = g.off[v + 1]!; e < end; e++) {
    const b = masks.unitBit[eu[e]!]!;
    if (b >= 0) bits |= 1 << b;
  }
  return bits;
}

export function edgeBit(g: StateGraph, masks: FairnessMasks, e: number): number {
  const eu = g.edgeUnit;
  if (eu === undefined) return 0;
  const b = masks.unitBit[eu[e]!]!;
  return b >= 0 ? 1 << b : 0;
}

export function fairSccs(g: StateGraph, sub: SubgraphSpec, masks: FairnessMasks): FairSccs {
  const n = g.n;
  const { off, dst } = g;
  const excluded = sub.excludedEdge;
  const comp = new Int32Array(n).fill(-1);
  let count = 0;
  // gen[v] === round: v is a candidate of the current round (round 1: the subgraph).
  const gen = new Int32Array(n);
  const index = new Int32Array(n);
  const low = new Int32Array(n);
  const stack = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const callV = new Int32Array(n);
  const callE = new Int32Array(n);
  // Position on the Tarjan stack: an edge is internal to the SCC being closed when its target sits in [lo, hi).
  const stackPos = new Int32Array(n);
  // Candidate sets still to decompose (strong-fairness refinement), flattened.
  let pending: Int32Array[] = [];

  let round = 1;
  const initial: number[] = [];
  for (let v = 0; v < n; v++) if (sub.member[v] === 1) initial.push(v);
  pending.push(Int32Array.from(initial));

  const inSub = (e: number, w: number): boolean => gen[w] === round && (excluded === undefined || excluded[e] === 0);

  const fairnessOn = masks.weak !== 0 || masks.strong !== 0;
  const eu = g.edgeUnit;
  const unitBit = masks.unitBit;
  const summarize = (lo: number, hi: number): void => {
    // The SCC is stack[lo..hi): one pass over its edges gives enabled and taken units.
    const size = hi - lo;
    let internal = false;
    let taken = 0;
    let enAll = -1;
    let enAny = 0;
    for (let i = lo; i < hi; i++) {
      const v = stack[i]!;
      let en = 0;
      for (let e = off[v]!, end = off[v + 1]!; e < end; e++) {
        const bit = fairnessOn && eu !== undefined && unitBit[eu[e]!]! >= 0 ? 1 << unitBit[eu[e]!]! : 0;
        en |= bit;
        const w = dst[e]!;
        if (!inSub(e, w) || onStack[w] !== 1) continue;
        const p = stackPos[w]!;
        if (p >= lo && p < hi) {
          internal = true;
          taken |= bit;
        }
      }
      enAll &= en;
      enAny |= en;
    }
    if (!internal) {
      const v = stack[lo]!;
      if (size === 1 && sub.stutter && off[v] === off[v + 1] && g.cut[v] === 0) comp[v] = count++;
      return;
    }
    if ((masks.weak & enAll & ~taken) !== 0) return;
    const strongBad = masks.strong & enAny & ~taken;
    if (strongBad === 0) {
      const c = count++;
      for (let i = lo; i < hi; i++) comp[stack[i]!] = c;
      return;
    }
    const keep: number[] = [];
    for (let i = lo; i < hi; i++) {
      const v = stack[i]!;
      if ((enabledBits(g, masks, v) & strongBad) === 0) keep.push(v);
    }
    if (keep.length > 0) pending.push(Int32Array.from(keep));
  };


  while (pending.length > 0) {
    const sets = pending;
    pending = [];
    for (const set of sets) {
      round++;
      for (let i = 0; i < set.length; i++) {
        const v = set[i]!;
        gen[v] = round;
        index[v] = -1;
      }
      let next = 0;
      let sp = 0;
      for (let r = 0; r < set.length; r++) {
        const root = set[r]!;
        if (index[root]! >= 0) continue;
        let csp = 0;
        index[root] = low[root] = next++;
        stackPos[root] = sp;
        stack[sp++] = root;
        onStack[root] = 1;
        callV[csp] = root;
        callE[csp++] = off[root]!;
        while (csp > 0) {
          const v = callV[csp - 1]!;
          const e = callE[csp - 1]!;
          if (e < off[v + 1]!) {
            callE[csp - 1] = e + 1;
            const w = dst[e]!;
            if (!inSub(e, w)) continue;
            if (index[w]! < 0) {
              index[w] = low[w] = next++;
              stackPos[w] = sp;
              stack[sp++] = w;
              onStack[w] = 1;
              callV[csp] = w;
              callE[csp++] = off[w]!;
            } else if (onStack[w] === 1 && index[w]! < low[v]!) {
              low[v] = index[w]!;
            }
            continue;
          }
          csp--;
          if (csp > 0) {
            const u = callV[csp - 1]!;
            if (low[v]! < low[u]!) low[u] = low[v]!;
          }
          if (low[v] === index[v]) {
            const lo = stackPos[v]!;
            summarize(lo, sp);
            for (let i = lo; i < sp; i++) onStack[stack[i]!] = 0;
            sp = lo;
          }
        }
      }
    }
  }
  return { comp, count };
}
