/**
 * The multi-worker search on real worker threads (each rebuilding the model from its source):
 * the same results as one worker, and the usual error, interruption and bounds. identity.test.ts
 * covers the algorithm on every instance and configuration with in-thread partitions; here every
 * BEEM instance ≤ 200,000 states runs once on 2 threads with properties (every other one handed
 * over from one thread's search at a middle level), and the 5 largest of them
 * also exhaustively on 4, against counts.json (worker start-up costs about a second per run on
 * this shared machine, which bounds how many runs fit in the suite).
 */
import { describe, expect, it } from 'vitest';
import { check, CheckerError, ModelContractError, type Property } from '../../../../checker/index.ts';
import { PARALLEL_DESIGNS } from '../../../../checker/search/parallel/index.ts';
import { loadDve } from '../../../../model/dve/index.ts';
import { BEEM, beemCounts } from '../../../model/dve/helpers.ts';
import { dveSource, processOf, wordProperties } from './dve-source.ts';
import { brokenGrid, gridSource } from './grid-source.ts';
import { observable, propertiesFor } from './observable.ts';

const small = Object.entries(beemCounts()).filter(([, c]) => c.states <= 200_000).sort((a, b) => a[1].states - b[1].states);
const largest = new Set(small.slice(-5).map(([name]) => name));
const index = new Map(small.map(([name], i) => [name, i]));

describe('worker threads report exactly what one worker reports', () => {
  it.each(small)('%s', (name, expected) => {
    const file = `${BEEM}dve/${name}.dve`;
    const model = loadDve(file).model;
    const wordProps = propertiesFor(model.packed.width);
    const props = wordProperties(wordProps) as Property<unknown, unknown>[];
    const source = dveSource({ file, properties: wordProps });
    const one = check(model, props, { deadlock: 'count' });
    // every other instance: one thread's search handed to the threads at a middle level
    const trial = index.get(name)! % 2 === 0 ? { threadsAfterMs: 0 } : { threadsAfterLevels: expected.levels >> 1 };
    expect(observable(check(model, props, { deadlock: 'count' }, { parallel: { workers: 2, source, ...trial } }))).toEqual(observable(one));
    if (largest.has(name)) {
      // the shared table too: these grow it, pausing levels, with the threads racing on it
      const shared = { workers: 2, source, threadsAfterMs: 0, design: 'shared-table' as const };
      expect(observable(check(model, props, { deadlock: 'violation', stopWhen: 'first' }, { coverage: processOf, parallel: shared })), 'shared-table').toEqual(observable(check(model, props, { deadlock: 'violation', stopWhen: 'first' }, { coverage: processOf })));
      expect(observable(check(model, props, { deadlock: 'count' }, { parallel: shared })), 'shared-table').toEqual(observable(one));
      for (const design of PARALLEL_DESIGNS) {
        const all = check(model, [], { deadlock: 'count' }, { parallel: { workers: 4, source, threadsAfterMs: 0, design } });
        expect({ states: all.stats.distinct, transitions: all.stats.transitions, levels: all.stats.maxDepth, deadlocks: all.stats.deadlocks }, design).toEqual(expected);
      }
    }
  }, 120_000);
});

describe('a run that searches on one thread first', () => {
  it('ends there when it is short, and continues on the threads from the level it reached when it is not: the same results either way', () => {
    const file = `${BEEM}dve/at.1.dve`;
    const model = loadDve(file).model;
    const wordProps = propertiesFor(model.packed.width);
    const props = wordProperties(wordProps) as Property<unknown, unknown>[];
    const source = dveSource({ file, properties: wordProps });
    for (const config of [{ deadlock: 'count' as const }, { deadlock: 'violation' as const, stopWhen: 'first' as const }]) {
      const one = observable(check(model, props, config, { coverage: processOf }));
      // 60 s: the run ends on this thread; 1 ms: the trial hands over at its first level's end; by
      // levels: at that level's end, whatever the time (the workers load meanwhile)
      for (const trial of [{ threadsAfterMs: 60_000 }, { threadsAfterMs: 1 }, { threadsAfterLevels: 4 }, { threadsAfterLevels: 20 }]) {
        expect(observable(check(model, props, config, { coverage: processOf, parallel: { workers: 2, source, ...trial } })), JSON.stringify(trial)).toEqual(one);
      }
    }
  }, 120_000);
});

describe.each(PARALLEL_DESIGNS)('errors, interruption and bounds with worker threads (%s)', (design) => {
  it('a model that throws in a worker stops the run with the error one worker gives', () => {
    const args = { n: 12, throwAt: [3, 4] as const };
    const single = (() => { try { check(brokenGrid(args), [], {}); } catch (e) { return e; } return undefined; })();
    const threaded = (() => { try { check(brokenGrid(args), [], {}, { parallel: { workers: 2, source: gridSource(args), threadsAfterMs: 0, design } }); } catch (e) { return e; } return undefined; })();
    expect(single).toBeInstanceOf(ModelContractError);
    expect(threaded).toBeInstanceOf(ModelContractError);
    expect((threaded as Error).message).toBe((single as Error).message);
    expect((threaded as ModelContractError).hint).toBe((single as ModelContractError).hint);
    expect((threaded as Error).message).toMatch(/packed\.expand\(\) threw at the state reached by replay path 0(\/[01]){7}: cell 3,4 is broken/);
  }, 60_000);

  it('a worker thread that ends without a reply stops the run with one clear error, not a hang', () => {
    const args = { n: 12, exitAt: [3, 4] as const };
    const run = (): unknown => check(brokenGrid(args), [], {}, { parallel: { workers: 2, source: gridSource(args), threadsAfterMs: 0, design } });
    expect(run).toThrow(CheckerError);
    expect(run).toThrow(/search worker [12] of 2 ended with exit code 9 without finishing its part of the search/);
  }, 60_000);

  it('an abort flag ends the run as interrupted', () => {
    const flag = { aborted: true };
    const r = check(brokenGrid({ n: 300 }), [], {}, { signal: flag, parallel: { workers: 2, source: gridSource({ n: 300 }), threadsAfterMs: 0, design } });
    expect(r.status).toBe('incomplete');
    expect(r.incompleteReason).toBe('interrupted');
  }, 60_000);

  it.each([[0], [5]])('the state and depth bounds stop where one worker stops (threads after %i levels)', (levels) => {
    const trial = levels === 0 ? { threadsAfterMs: 0 } : { threadsAfterLevels: levels };
    for (const config of [{ maxDepth: 9 }, { maxStates: 700, deadlock: 'count' as const }]) {
      const one = check(brokenGrid({ n: 40 }), [], config);
      const two = check(brokenGrid({ n: 40 }), [], config, { parallel: { workers: 2, source: gridSource({ n: 40 }), ...trial, design } });
      // states, transitions, queue, levels, deadlocks: one worker stops at the expansion that
      // reaches the bound even while it batches its inserts (packed-bfs.ts)
      expect(observable(two)).toEqual(observable(one));
      expect(two.status).toBe('incomplete');
      expect(two.incompleteReason).toBe(config.maxStates === undefined ? 'maxDepth' : 'maxStates');
    }
  }, 60_000);
});
