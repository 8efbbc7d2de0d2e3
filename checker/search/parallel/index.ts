/** The multi-worker packed BFS on worker threads (see parallel-bfs.ts for the algorithm). */
import type { ResolvedCheckConfig } from '../../config.ts';
import type { Model, PackedModel } from '../../model.ts';
import type { SearchControl } from '../control.ts';
import type { CheckOptions } from '../options.ts';
import { isSuspended, packedBfsUntil, type SuspendedSearch } from '../packed-bfs.ts';
import type { SearchOutcome } from '../outcome.ts';
import type { PropertyTracker } from '../tracker.ts';
import { parallelBfs, partitionProperties } from './parallel-bfs.ts';
import { assertSameModel, InProcessPool, type PartitionPool, ThreadPool } from './pool.ts';
import { DEFAULT_PARALLEL_DESIGN, type ParallelOptions } from './source.ts';
import { SharedTableHost } from './shared-table.ts';

export type { ModelSource, ParallelOptions, LoadedSearchModel, ParallelDesign } from './source.ts';
export { DEFAULT_PARALLEL_DESIGN, PARALLEL_DESIGNS } from './source.ts';

/**
 * How long a run searches on this thread before it continues on worker threads. A worker loads
 * in about 0.15 s from the bundle (they start with the run and load meanwhile), but each starts
 * with its compiler cold, and the multi-worker search does more work per transition than the
 * single-threaded one (claims and candidates, or the exchange and the merge), so most checks,
 * which end within this time, are faster without them (at.3, 1 s on one thread: 1.37-1.64 s
 * handed over after 0.5 s, 1.16-1.20 s after 2 s). At the first level end after it, the search
 * hands what it found (states, traces, frontier, verdicts, counts) to the partitions, which go on
 * from that level: nothing is searched twice, and the results are the same either way.
 */
const THREADS_AFTER_MS = 2000;
/**
 * After the trial, a search whose levels shrink towards an end guessed nearer than this stays on
 * this thread: handing over costs about that much (BEEM at.3 through the CLI, handed over in its
 * tail at 2.4–2.7 s, took 2.75–3.62 s on two workers against 1.99–2.54 s on one; staying on this
 * thread, 2.22–2.26 s with two).
 */
const TAIL_MS = 1000;

export function threadedPackedBfs<S, A>(
  model: Model<S, A>,
  packed: PackedModel,
  tracker: PropertyTracker<S, A>,
  config: ResolvedCheckConfig,
  control: SearchControl,
  parallel: ParallelOptions,
  options: CheckOptions<A> = {},
): SearchOutcome {
  const coverageOf = options.coverage;
  const props = partitionProperties(tracker);
  const counting = { coverage: coverageOf !== undefined };
  const loaded = { model: model as Model<unknown, unknown>, properties: props, ...(coverageOf ? { coverage: coverageOf as (a: unknown) => string } : {}) };
  // in this thread, the trial only when a test asks for it by levels
  const trialMs = parallel.inProcess ? undefined : (parallel.threadsAfterMs ?? THREADS_AFTER_MS);
  const suspend = {
    ...(trialMs !== undefined && trialMs > 0 ? { afterMs: trialMs, unlessEndWithinMs: TAIL_MS } : {}),
    ...(parallel.threadsAfterLevels === undefined ? {} : { afterLevels: parallel.threadsAfterLevels }),
  };
  const trial = suspend.afterMs !== undefined || suspend.afterLevels !== undefined;
  // the shared-table search's shared memory (its table grows to what a trial hands over)
  const shared = (parallel.design ?? DEFAULT_PARALLEL_DESIGN) === 'shared-table' ? new SharedTableHost(parallel.workers, parallel.inProcess === true) : undefined;
  const memory = shared ? { control: shared.control, table: shared.table, levels: shared.levels } : undefined;
  if (parallel.inProcess) {
    const pool = new InProcessPool(loaded, props, parallel.workers, counting.coverage, memory);
    return continueOn(pool, trial ? packedBfsUntil(model, packed, tracker, config, control, options, suspend) : undefined);
  }
  const names = props.map((p) => p.name);
  // started now: the workers load the model while the trial searches
  const bundle = parallel.workerBundle?.();
  const threads = new ThreadPool(parallel.source, names, counting.coverage, parallel.workers, { ...(memory ? { memory } : {}), ...(bundle === undefined ? {} : { bundle }) });
  try {
    return continueOn(readyFirst(threads, model.id, packed.width), trial ? packedBfsUntil(model, packed, tracker, config, control, options, suspend) : undefined);
  } finally {
    threads.close();
  }

  function continueOn(pool: PartitionPool, r: SearchOutcome | SuspendedSearch | undefined): SearchOutcome {
    if (r !== undefined && !isSuspended(r)) return r;
    return parallelBfs(model, packed, tracker, config, control, pool, counting, undefined, r, shared);
  }
}

/** The worker threads, waited for at the first request, which must have rebuilt the same model. */
function readyFirst(threads: ThreadPool, modelId: string, width: number): PartitionPool {
  let ready = false;
  return {
    size: threads.size,
    run(requests, poll) {
      if (!ready) {
        assertSameModel(threads.waitReady(poll), modelId, width);
        ready = true;
      }
      return threads.run(requests, poll);
    },
    close: () => threads.close(),
  };
}
