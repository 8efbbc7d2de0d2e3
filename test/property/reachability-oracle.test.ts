/**
 * fast-check: on random explicit graphs, every strategy agrees with an independent oracle built
 * on graphology (reachable set, transitions, deadlocks, BFS levels, shortest distance to a bad node).
 */
import fc from 'fast-check';
import { MultiDirectedGraph } from 'graphology';
import { describe, expect, it } from 'vitest';
import { always, check, replay, sometimes } from '../../checker/index.ts';
import { dgraphModel, type DGraph } from '../fixtures/models/dgraph.ts';

const graphArb: fc.Arbitrary<DGraph> = fc.integer({ min: 1, max: 40 }).chain((nodes) =>
  fc.record({
    nodes: fc.constant(nodes),
    initial: fc.uniqueArray(fc.nat(nodes - 1), { minLength: 1, maxLength: 3 }),
    edges: fc.array(fc.array(fc.nat(nodes - 1), { maxLength: 4 }), { minLength: nodes, maxLength: nodes }),
  }),
);

interface Oracle {
  reachable: Set<number>;
  dist: Map<number, number>;
  transitions: number;
  deadlocks: number;
  levels: number;
}

/** Multi-source BFS on a graphology graph (edges keyed so parallel edges are kept). */
function oracle(g: DGraph): Oracle {
  const G = new MultiDirectedGraph();
  for (let v = 0; v < g.nodes; v++) G.addNode(String(v));
  g.edges.forEach((out, v) => out.forEach((t) => G.addDirectedEdge(String(v), String(t))));
  const dist = new Map<number, number>();
  let frontier = [...new Set(g.initial)];
  frontier.forEach((v) => dist.set(v, 0));
  for (let d = 1; frontier.length > 0; d++) {
    const next: number[] = [];
    for (const v of frontier) {
      G.forEachOutNeighbor(String(v), (t) => {
        const n = Number(t);
        if (!dist.has(n)) {
          dist.set(n, d);
          next.push(n);
        }
      });
    }
    frontier = next;
  }
  const reachable = new Set(dist.keys());
  let transitions = 0;
  let deadlocks = 0;
  for (const v of reachable) {
    const out = G.outDegree(String(v));
    transitions += out;
    if (out === 0) deadlocks++;
  }
  return { reachable, dist, transitions, deadlocks, levels: Math.max(...dist.values()) };
}

describe('engine agrees with a graphology oracle on random graphs', () => {
  it('BFS and DFS: counts; BFS levels', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const o = oracle(g);
        for (const strategy of ['bfs', 'dfs'] as const) {
          const r = check(dgraphModel(g), [], { strategy, deadlock: 'count' });
          expect(r.status).toBe('exhaustive');
          expect(r.stats.distinct).toBe(o.reachable.size);
          expect(r.stats.transitions).toBe(o.transitions);
          expect(r.stats.deadlocks).toBe(o.deadlocks);
          if (strategy === 'bfs') expect(r.stats.maxDepth).toBe(o.levels);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('violations: found iff reachable; BFS counterexample is shortest; every trace replays to a violating state', () => {
    fc.assert(
      fc.property(graphArb, fc.nat(39), (g, badRaw) => {
        const bad = badRaw % g.nodes;
        const o = oracle(g);
        const props = [always<number>('not-bad', (s) => s !== bad), sometimes<number>('reach-bad', (s) => s === bad)];
        for (const strategy of ['bfs', 'dfs', 'simulation'] as const) {
          const model = dgraphModel(g);
          const r = check(model, props, { strategy, deadlock: 'count', seed: 7, walks: 200, walkDepth: 50 });
          const inv = r.properties.find((p) => p.name === 'not-bad')!;
          const wit = r.properties.find((p) => p.name === 'reach-bad')!;
          if (inv.trace) {
            const rep = replay(model, inv.trace.replay, props);
            expect(rep.steps.at(-1)!.state).toBe(bad);
            expect(rep.demonstrated).toContain('not-bad');
            expect(wit.verdict).toBe('holds');
          }
          if (strategy === 'simulation') {
            // walks never prove: a bad node is either found (and real) or the verdict is incomplete
            if (!o.reachable.has(bad)) expect(inv.verdict).toBe('incomplete');
            continue;
          }
          expect(inv.verdict).toBe(o.reachable.has(bad) ? 'violated' : 'holds');
          expect(wit.verdict).toBe(o.reachable.has(bad) ? 'holds' : 'violated');
          if (strategy === 'bfs' && o.reachable.has(bad)) {
            expect(inv.trace!.steps.length - 1).toBe(o.dist.get(bad));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('step properties see every edge, including edges into visited states', () => {
    fc.assert(
      fc.property(graphArb, fc.nat(39), fc.nat(39), (g, aRaw, bRaw) => {
        const a = aRaw % g.nodes;
        const b = bRaw % g.nodes;
        const o = oracle(g);
        const hasEdge = o.reachable.has(a) && (g.edges[a] ?? []).includes(b);
        const props = [
          { kind: 'alwaysStep' as const, name: 'no-a-to-b', holds: (s: number, _x: number, t: number) => !(s === a && t === b) },
        ];
        const r = check(dgraphModel(g), props, { deadlock: 'count' });
        expect(r.properties[0]!.verdict).toBe(hasEdge ? 'violated' : 'holds');
        if (hasEdge) {
          const steps = r.properties[0]!.trace!.steps;
          expect(steps.at(-2)!.state).toBe(a);
          expect(steps.at(-1)!.state).toBe(b);
          expect(steps.length - 2).toBe(o.dist.get(a)); // shortest path to a, then the edge
        }
      }),
      { numRuns: 300 },
    );
  });

  it('simulation is repeatable from its seed', () => {
    fc.assert(
      fc.property(graphArb, fc.integer(), (g, seed) => {
        const props = [always<number>('not-last', (s) => s !== g.nodes - 1)];
        const cfg = { strategy: 'simulation' as const, seed, walks: 20, walkDepth: 20, deadlock: 'count' as const };
        const r1 = check(dgraphModel(g), props, cfg);
        const r2 = check(dgraphModel(g), props, cfg);
        expect(r2.stats).toMatchObject({ distinct: r1.stats.distinct, transitions: r1.stats.transitions });
        expect(r2.properties[0]!.trace?.replay).toBe(r1.properties[0]!.trace?.replay);
      }),
      { numRuns: 100 },
    );
  });
});
