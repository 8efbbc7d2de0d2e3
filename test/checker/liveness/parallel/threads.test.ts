/**
 * The partitioned liveness graph on real worker threads (each rebuilding the model and the
 * liveness properties from the source): the same verdicts, lassos and counts as one worker.
 * identity.test.ts covers every instance and configuration with in-thread partitions; here a few
 * instances on 2 and 4 threads (worker start-up costs about a second per run on this machine).
 */
import { describe, expect, it } from 'vitest';
import { check, type CheckConfig, type Property } from '../../../../checker/index.ts';
import { loadDve } from '../../../../model/dve/index.ts';
import { BEEM } from '../../../model/dve/helpers.ts';
import { observable } from '../../search/parallel/observable.ts';
import { actorOf, initialRow, livenessProperties, livenessSource, progressOf } from './dve-liveness.ts';

const CASES: [string, 'none' | 'weak' | 'strong', CheckConfig, number][] = [
  ['at.1', 'weak', { strategy: 'bfs', deadlock: 'count', nonProgress: true }, 2],
  ['peterson.1', 'none', { strategy: 'bfs', deadlock: 'count' }, 4],
  ['bakery.2', 'strong', { strategy: 'bfs', deadlock: 'count', maxStates: 5000 }, 2],
];

describe('liveness graph on worker threads reports exactly what one worker reports', () => {
  it.each(CASES)('%s (%s fairness)', (name, fairness, config, workers) => {
    const file = `${BEEM}dve/${name}.dve`;
    const c = loadDve(file);
    const props = livenessProperties(initialRow(c), fairness) as Property<unknown, unknown>[];
    const options = { actorOf, isProgress: progressOf(c.system.processes[0]!.name) };
    const model = c.model as Parameters<typeof check>[0];
    const one = observable(check(model, props, config, options));
    const many = observable(check(model, props, config, { ...options, parallel: { workers, source: livenessSource({ file, fairness }), threadsAfterMs: 0 } }));
    expect(many).toEqual(one);
  }, 60_000);
});
