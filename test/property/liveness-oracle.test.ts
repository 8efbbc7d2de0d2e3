/**
 * fast-check: on random labelled graphs with random fairness per actor, the liveness verdicts
 * agree with an independent oracle, and every lasso the engine returns is a real fair
 * counterexample (checked here, from the graph, not by the engine).
 *
 * The oracle does not decompose anything the engine's way. It enumerates every set T of states
 * (graphs of ≤ 7 states) and keeps those that are strongly connected in the subgraph (graphology's
 * SCCs of the induced subgraph: one component, with an edge) and fair when a run visits all of T
 * and takes all of T's edges infinitely often. The states a run visits infinitely often form such
 * a T, and such a T gives a run, so a fair violating behaviour exists exactly when a suitable T is
 * reachable. States without successors stutter ({v} alone counts).
 */
import fc from 'fast-check';
import { MultiDirectedGraph } from 'graphology';
import { stronglyConnectedComponents } from 'graphology-components';
import { describe, expect, it } from 'vitest';
import { alwaysEventually, check, eventually, leadsTo, type FairnessLevel, type Model, type Trace } from '../../checker/index.ts';

const ACTORS = ['a', 'b', 'c'] as const;
interface LGraph {
  readonly nodes: number;
  readonly initial: readonly number[];
  /** per state: [target, actor index] in emission order */
  readonly edges: readonly (readonly (readonly [number, number])[])[];
  readonly p: readonly boolean[];
  readonly q: readonly boolean[];
  readonly fairness: readonly FairnessLevel[];
}
type Act = { readonly actor: string; readonly to: number };

const graphArb: fc.Arbitrary<LGraph> = fc.integer({ min: 1, max: 7 }).chain((nodes) =>
  fc.record({
    nodes: fc.constant(nodes),
    initial: fc.uniqueArray(fc.nat(nodes - 1), { minLength: 1, maxLength: 2 }),
    edges: fc.array(fc.array(fc.tuple(fc.nat(nodes - 1), fc.nat(ACTORS.length - 1)), { maxLength: 3 }), { minLength: nodes, maxLength: nodes }),
    p: fc.array(fc.boolean(), { minLength: nodes, maxLength: nodes }),
    q: fc.array(fc.boolean(), { minLength: nodes, maxLength: nodes }),
    fairness: fc.array(fc.constantFrom<FairnessLevel>('none', 'weak', 'strong'), { minLength: ACTORS.length, maxLength: ACTORS.length }),
  }),
);

function model(g: LGraph): Model<number, Act> {
  return {
    id: 'lgraph',
    initialStates: () => g.initial,
    successors(s, emit) {
      for (const [t, a] of g.edges[s]!) emit({ actor: ACTORS[a]!, to: t }, t);
    },
    codec: { encode: (s, w) => w.push(s) },
  };
}

function reach(g: LGraph, from: readonly number[], within: (v: number) => boolean): Set<number> {
  const seen = new Set(from.filter(within));
  const queue = [...seen];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const [t] of g.edges[v]!) if (within(t) && !seen.has(t)) (seen.add(t), queue.push(t));
  }
  return seen;
}

const enabled = (g: LGraph, v: number): Set<number> => new Set(g.edges[v]!.map(([, a]) => a));

/** Fair sets T ⊆ within, by enumeration: strongly connected with an edge (graphology), or a stuck state. */
function fairSets(g: LGraph, within: (v: number) => boolean, edgeOk: (a: number) => boolean = () => true, stutter = true): Set<number>[] {
  const out: Set<number>[] = [];
  for (let mask = 1; mask < 1 << g.nodes; mask++) {
    const T = [...Array(g.nodes).keys()].filter((v) => (mask >> v) & 1);
    if (!T.every(within)) continue;
    if (T.length === 1 && g.edges[T[0]!]!.length === 0) {
      if (stutter) out.push(new Set(T));
      continue;
    }
    const G = new MultiDirectedGraph();
    for (const v of T) G.addNode(String(v));
    const taken = new Set<number>();
    let internal = 0;
    for (const v of T) {
      for (const [t, a] of g.edges[v]!) {
        if (!T.includes(t) || !edgeOk(a)) continue;
        G.addDirectedEdge(String(v), String(t));
        taken.add(a);
        internal++;
      }
    }
    if (internal === 0 || stronglyConnectedComponents(G).length !== 1) continue;
    const fair = ACTORS.every((_, a) => {
      const level = g.fairness[a]!;
      if (level === 'none' || taken.has(a)) return true;
      const en = T.map((v) => enabled(g, v).has(a));
      return level === 'weak' ? !en.every(Boolean) : !en.some(Boolean);
    });
    if (fair) out.push(new Set(T));
  }
  return out;
}

function oracle(g: LGraph): { eventually: boolean; alwaysEventually: boolean; leadsTo: boolean; noNonProgress: boolean } {
  const notP = (v: number): boolean => !g.p[v];
  const notQ = (v: number): boolean => !g.q[v];
  const all = (): boolean => true;
  const reachable = reach(g, g.initial, all);
  const hits = (from: Set<number>, sets: Set<number>[]): boolean => sets.some((T) => [...T].some((v) => from.has(v)));
  const setsNotP = fairSets(g, notP);
  const setsNotQ = fairSets(g, notQ);
  const requests = [...reachable].filter((v) => g.p[v] && !g.q[v]);
  return {
    eventually: !hits(reach(g, g.initial, notP), setsNotP),
    alwaysEventually: !hits(reachable, setsNotP),
    leadsTo: !hits(reach(g, requests, notQ), setsNotQ),
    // actor c's steps are the progress actions
    noNonProgress: !hits(reachable, fairSets(g, all, (a) => ACTORS[a] !== 'c', false)),
  };
}

/** The lasso's cycle is fair and the property fails along it — judged from the graph alone. */
function lassoIsFair(g: LGraph, t: Trace<number, Act>): boolean {
  const loopStates = t.steps.slice(t.loopIndex!).map((s) => s.state);
  const loopActs = t.steps.slice(t.loopIndex! + 1).map((s) => s.action!);
  if (loopActs.length === 0) return g.edges[loopStates[0]!]!.length === 0;
  if (loopStates[0] !== loopStates[loopStates.length - 1]) return false;
  const taken = new Set(loopActs.map((a) => ACTORS.indexOf(a.actor as (typeof ACTORS)[number])));
  return ACTORS.every((_, a) => {
    const level = g.fairness[a]!;
    if (level === 'none' || taken.has(a)) return true;
    const en = loopStates.map((v) => enabled(g, v).has(a));
    return level === 'weak' ? !en.every(Boolean) : !en.some(Boolean);
  });
}

describe('liveness agrees with an enumeration oracle on random graphs with random fairness', () => {
  it('eventually, leadsTo, alwaysEventually, non-progress cycles: verdicts, and lassos are fair counterexamples', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const props = [
          eventually<number>('ev', (s) => g.p[s]!),
          alwaysEventually<number>('ae', (s) => g.p[s]!),
          leadsTo<number>('lt', (s) => g.p[s]!, (s) => g.q[s]!),
        ];
        const fairness = Object.fromEntries(ACTORS.map((a, i) => [a, g.fairness[i]!]));
        const r = check(model(g), props, { deadlock: 'count', fairness, nonProgress: true }, {
          actorOf: (a) => a.actor,
          knownActors: ACTORS,
          isProgress: (a) => a.actor === 'c',
        });
        const want = oracle(g);
        const got = Object.fromEntries(r.properties.map((p) => [p.name, p.verdict]));
        expect(got).toEqual({
          ev: want.eventually ? 'holds' : 'violated',
          ae: want.alwaysEventually ? 'holds' : 'violated',
          lt: want.leadsTo ? 'holds' : 'violated',
          'no-non-progress-cycle': want.noNonProgress ? 'holds' : 'violated',
        });
        for (const p of r.properties) {
          if (p.verdict !== 'violated') continue;
          expect(p.trace?.loopIndex).toBeDefined();
          expect(lassoIsFair(g, p.trace!)).toBe(true);
          if (p.kind === 'nonProgress') expect(p.trace!.steps.slice(p.trace!.loopIndex! + 1).every((s) => s.action!.actor !== 'c')).toBe(true);
        }
      }),
      { numRuns: 1500, seed: 13 },
    );
  });
});
