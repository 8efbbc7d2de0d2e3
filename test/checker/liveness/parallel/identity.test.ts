/**
 * Issue 14, liveness: with 1, 2 and 4 partitions the liveness graph is the one a single thread
 * builds (graph.ts) — ids, CSR edges, labels, fairness units, progress bits, cut states, counts —
 * so the verdicts and lasso counterexamples (stem and cycle) are the same. Every BEEM instance
 * with at most 200,000 states, with properties by a fixed rule (dve-liveness.ts) under no, weak
 * and strong fairness, non-progress cycles, and the state and depth bounds. The partitions run
 * in this thread (the code the worker threads run); threads.test.ts runs worker threads.
 */
import { describe, expect, it } from 'vitest';
import { check, type CheckConfig, type CheckOptions, type Property } from '../../../../checker/index.ts';
import { loadDve } from '../../../../model/dve/index.ts';
import { BEEM, beemCounts } from '../../../model/dve/helpers.ts';
import { observable } from '../../search/parallel/observable.ts';
import { actorOf, initialRow, livenessProperties, livenessSource, progressOf } from './dve-liveness.ts';

const small = Object.entries(beemCounts()).filter(([, c]) => c.states <= 200_000);
const runs: [string, 'none' | 'weak' | 'strong', CheckConfig][] = [
  ['no fairness', 'none', { strategy: 'bfs', deadlock: 'count' }],
  ['weak fairness, non-progress cycles', 'weak', { strategy: 'bfs', deadlock: 'count', nonProgress: true }],
  ['strong fairness, state bound', 'strong', { strategy: 'bfs', deadlock: 'count', maxStates: 1000 }],
  ['weak fairness, depth bound', 'weak', { strategy: 'bfs', deadlock: 'count', maxDepth: 7 }],
];

describe('liveness with 1, 2 and 4 partitions reports exactly what one worker reports (BEEM ≤ 200,000 states)', () => {
  it('covers the 30 small instances', () => expect(small.length).toBe(30));
  const seen = { violated: 0, holds: 0, lassoCycles: 0, incomplete: 0 };
  describe.each(small)('%s', (name, counts) => {
    const file = `${BEEM}dve/${name}.dve`;
    const c = loadDve(file);
    const init = initialRow(c);
    it.each(runs)('%s', (_label, fairness, config) => {
      const props = livenessProperties(init, fairness) as Property<unknown, unknown>[];
      const options: CheckOptions<unknown> = { actorOf, isProgress: progressOf(c.system.processes[0]!.name) };
      const one = check(c.model as Parameters<typeof check>[0], props, config, options);
      for (const workers of [1, 2, 4]) {
        const many = check(c.model as Parameters<typeof check>[0], props, config, { ...options, parallel: { workers, source: livenessSource({ file, fairness }), inProcess: true } });
        expect(observable(many), `${workers} partitions`).toEqual(observable(one));
      }
      if (config.maxStates === undefined && config.maxDepth === undefined) {
        // the graph holds the whole state space: DiVinE's published counts (counts.json)
        expect({ states: one.stats.distinct, transitions: one.stats.transitions, deadlocks: one.stats.deadlocks }).toEqual({ states: counts.states, transitions: counts.transitions, deadlocks: counts.deadlocks });
      }
      for (const p of one.properties) {
        if (p.verdict === 'violated') seen.violated++;
        if (p.verdict === 'holds') seen.holds++;
        if (p.verdict === 'incomplete') seen.incomplete++;
        if (p.trace && p.trace.loopIndex !== undefined && p.trace.loopIndex < p.trace.steps.length - 1) seen.lassoCycles++;
      }
    });
  });
  // the comparison is only as strong as the runs are varied
  it('the runs compared include lassos with cycles, verdicts that hold, and bounded runs', () => {
    expect(seen.violated).toBeGreaterThan(50);
    expect(seen.lassoCycles).toBeGreaterThan(20);
    expect(seen.holds).toBeGreaterThan(20);
    expect(seen.incomplete).toBeGreaterThan(10);
    console.log(JSON.stringify(seen));
  });
});
