/**
 * A lasso through the graph: a stem from an initial state to a fair SCC (breadth-first, so it is
 * the shortest that the property's monitor allows) and a cycle inside that SCC that takes every
 * unit fairness demands. Both are paths of edges, so the result is a replay path.
 *
 * The stem runs in two phases (the property's monitor): phase 0 anywhere in the graph, phase 1
 * only inside the subgraph (the states where the awaited predicate is false). Phase 1 begins at a
 * trigger state (a request: p ∧ ¬q for leadsTo) and ends at a state of a fair SCC.
 */
import { edgeBit, enabledBits, type FairnessMasks, type FairSccs, type SubgraphSpec } from './fair-scc.ts';
import type { StateGraph } from './graph.ts';

export interface Lasso {
  /** initial-state index, then action indices (stem, then cycle) */
  readonly path: number[];
  /** index (in steps: 0 = initial state) of the state where the loop starts and ends */
  readonly loopIndex: number;
  /** index of the state where the monitor started waiting (the request) */
  readonly triggerIndex: number;
}

/**
 * Shortest stem to a fair SCC. `trigger(v)` says whether phase 1 may begin at v; `initialOnly`
 * restricts that to initial states (◇p: the behaviour is judged from its start).
 */
export function findLasso(
  g: StateGraph,
  sub: SubgraphSpec,
  masks: FairnessMasks,
  fair: FairSccs,
  trigger: (v: number) => boolean,
  initialOnly: boolean,
): Lasso | undefined {
  if (fair.count === 0) return undefined;
  const n = g.n;
  const { off, dst } = g;
  const excluded = sub.excludedEdge;
  // Product node x = 2v + phase; prev[x] = predecessor product node + 1 (0: unseen), via[x] = edge or -1.
  const prev = new Int32Array(2 * n);
  const via = new Int32Array(2 * n);
  const queue = new Int32Array(2 * n);
  let qh = 0;
  let qt = 0;
  const ROOT = -1;
  const push = (x: number, from: number, e: number): void => {
    if (prev[x] !== 0) return;
    prev[x] = from === ROOT ? -1 : from + 1;
    via[x] = e;
    queue[qt++] = x;
  };
  const canTrigger = (v: number): boolean => sub.member[v] === 1 && trigger(v);
  for (let i = 0; i < g.initIds.length; i++) {
    const v = g.initIds[i]!;
    if (initialOnly) {
      if (canTrigger(v)) push(2 * v + 1, ROOT, -1);
    } else {
      push(2 * v, ROOT, -1);
    }
  }
  let target = -1;
  while (qh < qt) {
    const x = queue[qh++]!;
    const v = x >> 1;
    const phase = x & 1;
    if (phase === 0) {
      if (canTrigger(v)) {
        push(2 * v + 1, x, -1);
        // the switch costs no step: look at it before longer stems
        const y = 2 * v + 1;
        if (fair.comp[v]! >= 0 && prev[y] !== 0) {
          target = y;
          break;
        }
      }
      for (let e = off[v]!, end = off[v + 1]!; e < end; e++) push(2 * dst[e]!, x, e);
    } else {
      if (fair.comp[v]! >= 0) {
        target = x;
        break;
      }
      for (let e = off[v]!, end = off[v + 1]!; e < end; e++) {
        const w = dst[e]!;
        if (sub.member[w] === 1 && (excluded === undefined || excluded[e] === 0)) push(2 * w + 1, x, e);
      }
    }
  }
  if (target < 0) return undefined;

  // Walk the stem back: edges, the phase switch, and the initial state.
  const edges: number[] = [];
  let switchAt = -1;
  let x = target;
  for (;;) {
    const p = prev[x]!;
    if (p === -1) break;
    const e = via[x]!;
    if (e >= 0) edges.push(e);
    else switchAt = edges.length;
    x = p - 1;
  }
  edges.reverse();
  const start = x >> 1;
  const init = firstInitIndex(g, start);
  const path = [init];
  let v = start;
  for (const e of edges) {
    path.push(e - off[v]!);
    v = dst[e]!;
  }
  // switchAt counted edges after the switch (walking backwards); initialOnly starts in phase 1.
  const triggerIndex = switchAt < 0 ? 0 : edges.length - switchAt;
  const loopIndex = path.length - 1;
  for (const e of cycleEdges(g, sub, masks, fair, v)) {
    path.push(e - off[v]!);
    v = dst[e]!;
  }
  return { path, loopIndex, triggerIndex };
}

function firstInitIndex(g: StateGraph, v: number): number {
  for (let i = 0; i < g.initIds.length; i++) if (g.initIds[i] === v) return i;
  throw new Error('liveness: stem does not start at an initial state');
}

/**
 * A cycle from `entry` back to it inside entry's fair SCC that satisfies the fairness masks: it
 * takes one edge of every unit that must be taken, and for a weak unit enabled only in part of
 * the SCC and never taken, passes a state where it is disabled. Empty for a stuttering state.
 */
export function cycleEdges(g: StateGraph, sub: SubgraphSpec, masks: FairnessMasks, fair: FairSccs, entry: number): number[] {
  const { off, dst } = g;
  const c = fair.comp[entry]!;
  const excluded = sub.excludedEdge;
  const inC = (e: number): boolean => fair.comp[dst[e]!] === c && (excluded === undefined || excluded[e] === 0);
  const nodes: number[] = [];
  for (let v = 0; v < g.n; v++) if (fair.comp[v] === c) nodes.push(v);
  const bfs = new WithinBfs(g.n);
  let internal = false;
  let taken = 0;
  let enAll = -1;
  let enAny = 0;
  for (const v of nodes) {
    const en = enabledBits(g, masks, v);
    enAll &= en;
    enAny |= en;
    for (let e = off[v]!, end = off[v + 1]!; e < end; e++) {
      if (!inC(e)) continue;
      internal = true;
      taken |= edgeBit(g, masks, e);
    }
  }
  if (!internal) return [];
  // Waypoints: an edge to take (>= 0 as edge id) or a state to pass (encoded -1 - v).
  const waypoints: number[] = [];
  const mustTake = (masks.strong & enAny) | (masks.weak & enAll);
  const weakPartial = masks.weak & enAny & ~enAll;
  for (let b = 0; b < 32; b++) {
    const bit = 1 << b;
    if ((mustTake & bit) !== 0 || ((weakPartial & bit) !== 0 && (taken & bit) !== 0)) {
      waypoints.push(findEdge(g, masks, nodes, inC, bit));
    } else if ((weakPartial & bit) !== 0) {
      const v = nodes.find((u) => (enabledBits(g, masks, u) & bit) === 0)!;
      waypoints.push(-1 - v);
    }
  }
  const out: number[] = [];
  let cur = entry;
  for (const w of waypoints) {
    const to = w >= 0 ? sourceOf(g, w) : -1 - w;
    out.push(...bfs.path(g, inC, cur, to, false));
    cur = to;
    if (w >= 0) {
      out.push(w);
      cur = dst[w]!;
    }
  }
  out.push(...bfs.path(g, inC, cur, entry, out.length === 0));
  return out;
}

function findEdge(g: StateGraph, masks: FairnessMasks, nodes: readonly number[], inC: (e: number) => boolean, bit: number): number {
  for (const v of nodes) {
    for (let e = g.off[v]!, end = g.off[v + 1]!; e < end; e++) if (inC(e) && (edgeBit(g, masks, e) & bit) !== 0) return e;
  }
  throw new Error('liveness: a fair SCC lacks an edge its summary counted');
}

/** Source state of edge e (binary search in off). */
function sourceOf(g: StateGraph, e: number): number {
  let lo = 0;
  let hi = g.n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (g.off[mid]! <= e) lo = mid;
    else hi = mid - 1;
  }
  // States without edges share an offset with the next one: skip to the one that owns e.
  while (g.off[lo + 1]! <= e) lo++;
  return lo;
}

/** Shortest paths of edges (BFS) inside an SCC, on typed arrays reused across calls (stamped). */
class WithinBfs {
  private readonly stamp: Int32Array;
  private readonly via: Int32Array;
  private readonly from: Int32Array;
  private readonly queue: Int32Array;
  private round = 0;

  constructor(n: number) {
    this.stamp = new Int32Array(n);
    this.via = new Int32Array(n);
    this.from = new Int32Array(n);
    this.queue = new Int32Array(n);
  }

  /** Path from a to b using only edges accepted by inC; nonEmpty forces at least one step. */
  path(g: StateGraph, inC: (e: number) => boolean, a: number, b: number, nonEmpty: boolean): number[] {
    if (a === b && !nonEmpty) return [];
    const { stamp, via, from, queue } = this;
    const r = ++this.round;
    let qh = 0;
    let qt = 0;
    queue[qt++] = a;
    if (!nonEmpty) stamp[a] = r;
    while (qh < qt) {
      const v = queue[qh++]!;
      for (let e = g.off[v]!, end = g.off[v + 1]!; e < end; e++) {
        if (!inC(e)) continue;
        const w = g.dst[e]!;
        if (stamp[w] === r) continue;
        stamp[w] = r;
        via[w] = e;
        from[w] = v;
        if (w === b) {
          const out: number[] = [];
          let x = b;
          do {
            out.push(via[x]!);
            x = from[x]!;
          } while (x !== a);
          return out.reverse();
        }
        queue[qt++] = w;
      }
    }
    throw new Error('liveness: no path inside an SCC');
  }
}
