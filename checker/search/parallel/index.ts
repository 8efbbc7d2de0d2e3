/** The multi-worker packed BFS on worker threads (see parallel-bfs.ts for the algorithm). */
import type { ResolvedCheckConfig } from '../../config.ts';
import { ModelContractError } from '../../errors.ts';
import type { Model, PackedModel } from '../../model.ts';
import type { SearchControl } from '../control.ts';
import type { CheckOptions } from '../options.ts';
import { packedBfs } from '../packed-bfs.ts';
import type { SearchOutcome } from '../outcome.ts';
import type { PropertyTracker } from '../tracker.ts';
import { parallelBfs, partitionProperties } from './parallel-bfs.ts';
import { HandoverPool } from './handover-pool.ts';
import { InProcessPool, type PartitionPool, ThreadPool } from './pool.ts';
import type { ParallelOptions } from './source.ts';
import { SharedTableHost } from './shared-table.ts';

export type { ModelSource, ParallelOptions, LoadedSearchModel, ParallelDesign } from './source.ts';
export { PARALLEL_DESIGNS } from './source.ts';

/**
 * How long a run searches on this thread before it starts again on worker threads. Starting a
 * worker costs one to several seconds (it loads the sources and rebuilds the model) and the
 * partitioned search does more work per transition than the single-threaded one (the exchange,
 * the merge, the numbering), so most checks, which end within this time, are faster without them.
 * The results are the same either way; a longer run loses at most this time.
 */
const THREADS_AFTER_MS = 2000;

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
  const trialMs = parallel.threadsAfterMs ?? THREADS_AFTER_MS;
  let trialStates = 0;
  if (!parallel.inProcess && trialMs > 0) {
    const trial = tracker.fresh();
    control.trialUntilMs = trialMs;
    const outcome = packedBfs(model, packed, trial, config, control, options);
    control.trialUntilMs = undefined;
    if (!control.trialOver || control.stopReason !== undefined) {
      tracker.adopt(trial);
      return outcome;
    }
    control.trialOver = false;
    trialStates = outcome.distinct;
  }
  const props = partitionProperties(tracker);
  const counting = { coverage: coverageOf !== undefined };
  const loaded = { model: model as Model<unknown, unknown>, properties: props, ...(coverageOf ? { coverage: coverageOf as (a: unknown) => string } : {}) };
  // (the table starts large enough for twice what the trial found: the run is at least that large)
  const shared = parallel.design === 'shared-table' ? new SharedTableHost(parallel.workers, 2 * trialStates) : undefined;
  const memory = shared ? { control: shared.control, table: shared.table, levels: shared.levels } : undefined;
  if (parallel.inProcess) {
    return parallelBfs(model, packed, tracker, config, control, new InProcessPool(loaded, props, parallel.workers, counting.coverage, memory), counting, undefined, shared);
  }
  const names = props.map((p) => p.name);
  const checkReady = (replies: unknown[]): void => {
    for (const r of replies as { modelId: string; width: number }[]) {
      if (r.modelId !== model.id || r.width !== packed.width) {
        throw new ModelContractError(
          `model ${model.id}: a search worker rebuilt it as ${r.modelId} with ${r.width}-word states (here ${packed.width})`,
          'createModel must build the same model every time it is called with the same params; run with --workers 1 meanwhile',
        );
      }
    }
  };
  if (shared) {
    // the table is in shared memory from the start: the workers search from the first level
    const threads = new ReadyFirst(new ThreadPool(parallel.source, names, counting.coverage, parallel.workers, { ...(memory ? { memory } : {}), ...bundleOf(parallel) }), checkReady);
    try {
      return parallelBfs(model, packed, tracker, config, control, threads, counting, undefined, shared);
    } finally {
      threads.close();
    }
  }
  const pool = new HandoverPool(
    new InProcessPool(loaded, props, parallel.workers, counting.coverage),
    () => new ThreadPool(parallel.source, names, counting.coverage, parallel.workers, bundleOf(parallel)),
    checkReady,
    // (after the trial above: at once)
    { threadsAfterMs: 0, elapsedMs: () => control.elapsedMs() },
  );
  try {
    return parallelBfs(model, packed, tracker, config, control, pool, counting);
  } finally {
    pool.close();
  }
}

/** Worker threads the search waits for at its first request (they load the model meanwhile), checking what they rebuilt. */
class ReadyFirst implements PartitionPool {
  private ready = false;
  private readonly threads: ThreadPool;
  private readonly checkReady: (replies: unknown[]) => void;
  constructor(threads: ThreadPool, checkReady: (replies: unknown[]) => void) {
    this.threads = threads;
    this.checkReady = checkReady;
  }
  get size(): number {
    return this.threads.size;
  }
  run(requests: Parameters<PartitionPool['run']>[0], poll: () => boolean): unknown[] {
    if (!this.ready) {
      this.checkReady(this.threads.waitReady(poll));
      this.ready = true;
    }
    return this.threads.run(requests, poll);
  }
  close(): void {
    this.threads.close();
  }
}

/** The prebuilt worker to start, when the caller gives one. */
function bundleOf(parallel: ParallelOptions): { bundle?: string } {
  const bundle = parallel.workerBundle?.();
  return bundle === undefined ? {} : { bundle };
}
