/**
 * Issue 14: a multi-worker search reports what one worker reports — verdicts, counts, BFS levels,
 * counterexample and witness paths, coverage — on every BEEM instance with at most 200,000 states,
 * with 1, 2 and 4 partitions, of either design (hash partitions exchanging successors, or workers
 * sharing one fingerprint table, whose growth pauses levels of the larger instances here), and
 * with 2 partitions of either design continuing one worker's search from an early and a middle
 * level (the trial handed over: handover.test.ts). The partitions run in this thread here (InProcessPool: the same partition
 * and coordinator code the threads run, without the transport); threads.test.ts runs the worker
 * threads. The exhaustive counts are also held against counts.json (DiVinE's published state
 * counts, shared/beem/README.md), so agreement is not agreement on a wrong number.
 *
 * Properties: invariants, witnesses and a step property over state words chosen by a fixed rule,
 * so that runs stop early at many different places (stopWhen 'first' and 'all'), plus the state
 * and depth bounds. Runs with properties also count coverage (transitions per process).
 */
import { describe, expect, it } from 'vitest';
import { check, type CheckConfig, type Property } from '../../../../checker/index.ts';
import { PARALLEL_DESIGNS } from '../../../../checker/search/parallel/index.ts';
import { loadDve } from '../../../../model/dve/index.ts';
import { BEEM, beemCounts } from '../../../model/dve/helpers.ts';
import { dveSource, processOf, wordProperties } from './dve-source.ts';
import { observable, propertiesFor } from './observable.ts';

const small = Object.entries(beemCounts()).filter(([, c]) => c.states <= 200_000);

const configs: [string, CheckConfig, boolean][] = [
  ['exhaustive, deadlocks counted', { deadlock: 'count' }, false],
  ['properties, stopWhen all', { deadlock: 'violation' }, true],
  ['properties, stopWhen first', { deadlock: 'violation', stopWhen: 'first' }, true],
  ['properties, state bound', { deadlock: 'count', maxStates: 1000 }, true],
  ['state bound', { deadlock: 'count', maxStates: 1000 }, false],
  ['depth bound', { deadlock: 'count', maxDepth: 7 }, false],
];

describe('1, 2 and 4 partitions report exactly what one worker reports (BEEM ≤ 200,000 states)', () => {
  it('covers the 30 small instances', () => expect(small.length).toBe(30));
  const decided = { violated: 0, witnesses: 0, stoppedEarly: 0, stepViolated: 0 };
  describe.each(small)('%s', (name, expected) => {
    const file = `${BEEM}dve/${name}.dve`;
    const model = loadDve(file).model;
    const wordProps = propertiesFor(model.packed.width);
    const props = wordProperties(wordProps) as Property<unknown, unknown>[];
    it.each(configs)('%s', (_label, config, withProps) => {
      const ps = withProps ? props : [];
      const coverage = withProps ? { coverage: processOf } : {};
      const one = check(model, ps, config, coverage);
      for (const design of PARALLEL_DESIGNS) {
        for (const workers of [1, 2, 4]) {
          const many = check(model, ps, config, { ...coverage, parallel: { workers, source: dveSource({ file, properties: wordProps }), inProcess: true, design } });
          expect(observable(many), `${design} ×${workers}`).toEqual(observable(one));
        }
      }
      // one worker's search first, handed to 2 partitions at the end of an early and a middle level
      for (const design of PARALLEL_DESIGNS) {
        for (const level of [3, expected.levels >> 1]) {
          const handedOver = check(model, ps, config, { ...coverage, parallel: { workers: 2, source: dveSource({ file, properties: wordProps }), inProcess: true, threadsAfterLevels: level, design } });
          expect(observable(handedOver), `${design} ×2 after ${level} levels on one`).toEqual(observable(one));
        }
      }
      if (config.deadlock === 'count' && config.maxStates === undefined && config.maxDepth === undefined) {
        expect({ states: one.stats.distinct, transitions: one.stats.transitions, levels: one.stats.maxDepth, deadlocks: one.stats.deadlocks }).toEqual(expected);
      }
      decided.violated += one.properties.filter((p) => p.verdict === 'violated' && p.trace).length;
      decided.witnesses += one.properties.filter((p) => p.kind === 'sometimes' && p.verdict === 'holds').length;
      decided.stepViolated += one.properties.filter((p) => p.kind === 'alwaysStep' && p.verdict === 'violated').length;
      if (one.status === 'stopped') decided.stoppedEarly++;
    });
  });
  // the comparison above is only as strong as the runs are varied: many counterexamples, witnesses and early stops
  it('the runs compared include counterexamples, witnesses and early stops', () => {
    expect(decided.violated).toBeGreaterThan(50);
    expect(decided.witnesses).toBeGreaterThan(20);
    expect(decided.stoppedEarly).toBeGreaterThan(20);
    expect(decided.stepViolated).toBeGreaterThan(20);
  });
});
