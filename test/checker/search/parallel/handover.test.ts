/**
 * A search hands its partitions from this thread to the worker threads at a level boundary
 * (handover-pool.ts): each partition's fingerprints, frontier, ids and the witness conjuncts it
 * saw true move over. Whatever level it happens at, the run reports what a run without handover
 * reports. The "threads" here are a second set of in-thread partitions (the handover is the
 * thing under test; threads.test.ts runs real threads, which take the partitions over at level 0).
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../../checker/config.ts';
import { silentReporter } from '../../../../checker/events.ts';
import type { Property } from '../../../../checker/index.ts';
import { SearchControl } from '../../../../checker/search/control.ts';
import { HandoverPool } from '../../../../checker/search/parallel/handover-pool.ts';
import { parallelBfs, partitionProperties } from '../../../../checker/search/parallel/parallel-bfs.ts';
import { InProcessPool, type PartitionPool } from '../../../../checker/search/parallel/pool.ts';
import { PropertyTracker } from '../../../../checker/search/tracker.ts';
import { loadDve } from '../../../../model/dve/index.ts';
import { BEEM } from '../../../model/dve/helpers.ts';
import { processOf, wordProperties } from './dve-source.ts';
import { propertiesFor } from './observable.ts';

/** In-thread partitions standing in for worker threads that are ready at once. */
class ReadyAtOnce extends InProcessPool {
  moved = 0;
  readyNow(): boolean {
    return true;
  }
  waitReady(): unknown[] {
    return [];
  }
  override run(...args: Parameters<InProcessPool['run']>): unknown[] {
    if (args[0][0]?.t === 'adopt') this.moved++;
    return super.run(...args);
  }
}

function search(file: string, stopWhen: 'first' | 'all', handoverAtLevel: number | undefined): { outcome: unknown; discoveries: unknown; neverTrue: unknown; moved: number } {
  const model = loadDve(file).model;
  const props = wordProperties(propertiesFor(model.packed.width)) as Property<unknown, unknown>[];
  const rc = resolveConfig({ deadlock: 'count', stopWhen });
  const tracker = new PropertyTracker(props, false, stopWhen === 'first');
  const control = new SearchControl(rc, silentReporter, undefined);
  const loaded = { model: model as never, properties: props, coverage: processOf };
  const pp = partitionProperties(tracker);
  const local = new InProcessPool(loaded, pp, 2, true);
  const threads = new ReadyAtOnce(loaded, pp, 2, true);
  let level = 0;
  const pool: PartitionPool = handoverAtLevel === undefined
    ? local
    : new HandoverPool(local, () => threads, () => {}, { threadsAfterMs: handoverAtLevel, elapsedMs: () => level++ });
  const { elapsedMs: _e, ...outcome } = parallelBfs(model as never, model.packed, tracker, rc, control, pool, { coverage: true }) as { elapsedMs?: number };
  const neverTrue = [...tracker.conjunctsNeverTrue].map(([p, c]) => [p, [...c].sort()]);
  return { outcome, discoveries: [...tracker.discoveries.entries()].sort(), neverTrue, moved: threads.moved };
}

describe('a handover to the worker threads at any level changes nothing', () => {
  for (const name of ['at.1', 'bakery.3']) {
    for (const stopWhen of ['all', 'first'] as const) {
      it(`${name}, stopWhen ${stopWhen}`, () => {
        const file = `${BEEM}dve/${name}.dve`;
        const without = search(file, stopWhen, undefined);
        const levels = (without.outcome as { maxDepth: number }).maxDepth;
        let moved = 0;
        for (const at of [0, 1, 4, 11]) {
          const withHandover = search(file, stopWhen, at);
          // a run that ends before that level never hands over
          if (levels > at + 1) expect(withHandover.moved, `handover at level ${at}`).toBe(1);
          moved += withHandover.moved;
          expect({ ...withHandover, moved: 0 }, `handover at level ${at}`).toEqual({ ...without, moved: 0 });
        }
        expect(moved).toBeGreaterThan(0);
      });
    }
  }
});
