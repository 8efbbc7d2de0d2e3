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
  }, 180_000);
});

describe('a liveness check that builds its graph on one thread first', () => {
  it('keeps that graph when the build ends in time, and builds it again on the threads when not: the same results either way', () => {
    const file = `${BEEM}dve/at.1.dve`;
    const c = loadDve(file);
    const props = livenessProperties(initialRow(c), 'weak') as Property<unknown, unknown>[];
    const options = { actorOf, isProgress: progressOf(c.system.processes[0]!.name) };
    const config: CheckConfig = { strategy: 'bfs', deadlock: 'count', nonProgress: true };
    const model = c.model as Parameters<typeof check>[0];
    const one = observable(check(model, props, config, options));
    // 1 ms: the one-thread build runs out at its first poll (1,024 expansions) and starts again on 2 threads
    for (const threadsAfterMs of [60_000, 1]) {
      expect(observable(check(model, props, config, { ...options, parallel: { workers: 2, source: livenessSource({ file, fairness: 'weak' }), threadsAfterMs } })), `threadsAfterMs ${threadsAfterMs}`).toEqual(one);
    }
  }, 180_000);

  it('a worker that cannot rebuild the model stops the run with its own error, not a wrapper', () => {
    const file = `${BEEM}dve/at.1.dve`;
    const c = loadDve(file);
    const props = livenessProperties(initialRow(c), 'none') as Property<unknown, unknown>[];
    const source = { module: new URL('./no-such-source.ts', import.meta.url).href, args: null };
    let error: unknown;
    try {
      check(c.model as Parameters<typeof check>[0], props, { strategy: 'bfs', deadlock: 'count' }, { parallel: { workers: 2, source, threadsAfterMs: 0 } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).not.toBe('PartitionFailure');
    expect((error as Error).message).toContain('no-such-source');
  }, 180_000);
});
