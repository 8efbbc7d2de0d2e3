/**
 * A single-threaded search that runs out of trial time is suspended at a level's end and handed
 * to the partitions (packed-bfs.ts packedBfsUntil → parallel-bfs.ts): fingerprints, parent/action
 * trace, frontier, verdicts found so far, counts and coverage. Whatever level that happens at, the
 * run reports exactly what one worker reports, including stops (stopWhen first and all) and the
 * state and depth bounds reached after the handover. The trial is bounded by levels here, so each
 * run hands over where the test says; the partitions run in this thread (the code the worker
 * threads run; threads.test.ts hands over to real threads).
 */
import { describe, expect, it } from 'vitest';
import { type CheckConfig, resolveConfig } from '../../../../checker/config.ts';
import { silentReporter } from '../../../../checker/events.ts';
import type { Property } from '../../../../checker/index.ts';
import { SearchControl } from '../../../../checker/search/control.ts';
import type { SearchOutcome } from '../../../../checker/search/outcome.ts';
import { isSuspended, packedBfs, packedBfsUntil } from '../../../../checker/search/packed-bfs.ts';
import { parallelBfs, partitionProperties } from '../../../../checker/search/parallel/parallel-bfs.ts';
import { InProcessPool } from '../../../../checker/search/parallel/pool.ts';
import type { Request } from '../../../../checker/search/parallel/protocol.ts';
import { PropertyTracker } from '../../../../checker/search/tracker.ts';
import { loadDve } from '../../../../model/dve/index.ts';
import { BEEM } from '../../../model/dve/helpers.ts';
import { processOf, wordProperties } from './dve-source.ts';
import { propertiesFor } from './observable.ts';

/** Partitions that count the levels they expand. */
class Counting extends InProcessPool {
  levels = 0;
  override run(requests: readonly Request[], poll: () => boolean): unknown[] {
    if (requests[0]?.t === 'expand') this.levels++;
    return super.run(requests, poll);
  }
}

interface Run {
  readonly outcome: unknown;
  readonly discoveries: unknown;
  readonly neverTrue: unknown;
  /** the level the trial handed over at, and the levels the partitions expanded after it */
  readonly handedOverAt: number | undefined;
  readonly partitionLevels: number;
  readonly paths: readonly (readonly number[])[];
}

/** One worker (handoverAt undefined), or a trial of `handoverAt` levels continued on 2 partitions. */
function search(file: string, config: CheckConfig, handoverAt: number | undefined, withProperties = true): Run {
  const model = loadDve(file).model;
  const props = withProperties ? (wordProperties(propertiesFor(model.packed.width)) as Property<unknown, unknown>[]) : [];
  const rc = resolveConfig(config);
  const tracker = new PropertyTracker(props, rc.deadlock === 'violation', rc.stopWhen === 'first');
  const control = new SearchControl(rc, silentReporter, undefined);
  const pool = new Counting({ model: model as never, properties: props, coverage: processOf }, partitionProperties(tracker), 2, true);
  const options = { coverage: processOf as (a: unknown) => string };
  let handedOverAt: number | undefined;
  let outcome: SearchOutcome;
  if (handoverAt === undefined) outcome = packedBfs(model as never, model.packed, tracker, rc, control, options);
  else {
    const trial = packedBfsUntil(model as never, model.packed, tracker, rc, control, options, { afterLevels: handoverAt });
    if (isSuspended(trial)) {
      handedOverAt = trial.depth;
      outcome = parallelBfs(model as never, model.packed, tracker, rc, control, pool, { coverage: true }, undefined, trial);
    } else outcome = trial;
  }
  // the stores differ (one table, or the partitions' tables and the coordinator's trace)
  const { storeBytes: _b, coverage, ...counts } = outcome;
  const discoveries = [...tracker.discoveries.entries()].sort();
  return {
    outcome: { ...counts, coverage: [...(coverage ?? [])].sort() },
    discoveries,
    neverTrue: [...tracker.conjunctsNeverTrue].map(([p, c]) => [p, [...c].sort()]),
    handedOverAt,
    partitionLevels: pool.levels,
    paths: discoveries.map(([, d]) => (d.kind === 'alwaysStep' ? d.path.slice(0, -1) : d.path)),
  };
}

const LEVELS = [1, 2, 5, 11, 30];

describe('a trial handed to the partitions at any level changes nothing', () => {
  const seen = { handovers: 0, foundBefore: 0, foundAfter: 0, stoppedAfter: 0 };
  const cases: [string, CheckConfig][] = [
    ['exhaustive, stopWhen all', { deadlock: 'count' }],
    ['stopWhen first', { deadlock: 'violation', stopWhen: 'first' }],
    ['stopWhen all, deadlocks violate', { deadlock: 'violation' }],
    // bounds that bite after most handovers: mid-level states, a level past several handover points
    ['state bound', { deadlock: 'count', maxStates: 9_000 }],
    ['depth bound', { deadlock: 'count', maxDepth: 14 }],
  ];
  for (const name of ['at.1', 'bakery.3', 'frogs.2', 'lamport.3']) {
    it.each(cases)(`${name}, %s`, (_label, config) => {
      const file = `${BEEM}dve/${name}.dve`;
      const one = search(file, config, undefined);
      const levels = (one.outcome as { maxDepth: number }).maxDepth;
      for (const at of LEVELS) {
        const r = search(file, config, at);
        // a run that ends (or reaches its bounds) by that level never hands over
        if (r.handedOverAt !== undefined) {
          expect(r.handedOverAt, `handover at level ${at}`).toBe(at);
          expect(r.partitionLevels, `handover at level ${at}: the partitions searched`).toBeGreaterThan(0);
          seen.handovers++;
          // a discovery's state (a step's source) at a level ≥ the handover's was found by the partitions
          for (const p of one.paths) p.length - 1 >= at ? seen.foundAfter++ : seen.foundBefore++;
          if ((one.outcome as { completion: string }).completion !== 'exhaustive' && levels > at) seen.stoppedAfter++;
        } else {
          expect(levels <= at || (config.maxDepth ?? Infinity) <= at, `handover at level ${at}`).toBe(true);
        }
        expect({ ...r, handedOverAt: 0, partitionLevels: 0 }, `handover at level ${at}`).toEqual({ ...one, handedOverAt: 0, partitionLevels: 0 });
      }
    });
  }
  it('a state bound reached exactly at the end of the handover level stops where one worker stops', () => {
    const file = `${BEEM}dve/at.1.dve`;
    for (const at of [2, 5, 11]) {
      // the states of levels 0 … at: the store is full just as the trial would hand over. Without
      // properties, as with them one worker sees the bound at the expansion that reaches it, mid-level.
      const bound = (search(file, { deadlock: 'count', maxDepth: at }, undefined, false).outcome as { distinct: number }).distinct;
      const config = { deadlock: 'count' as const, maxStates: bound };
      const one = search(file, config, undefined, false);
      expect((one.outcome as { distinct: number; maxDepth: number }).maxDepth).toBe(at);
      expect(search(file, config, at, false), `level ${at}`).toEqual(one);
    }
  });
  // the comparison is only as strong as the runs are varied
  it('the runs compared include verdicts found before and after the handover, and stops after it', () => {
    expect(seen.handovers).toBeGreaterThan(60);
    expect(seen.foundBefore).toBeGreaterThan(50);
    expect(seen.foundAfter).toBeGreaterThan(50);
    expect(seen.stoppedAfter).toBeGreaterThan(30);
  });
});
