/** The multi-worker packed BFS on worker threads (see parallel-bfs.ts for the algorithm). */
import type { ResolvedCheckConfig } from '../../config.ts';
import { ModelContractError } from '../../errors.ts';
import type { Model, PackedModel } from '../../model.ts';
import type { SearchControl } from '../control.ts';
import type { SearchOutcome } from '../outcome.ts';
import type { PropertyTracker } from '../tracker.ts';
import { parallelBfs, partitionProperties } from './parallel-bfs.ts';
import { HandoverPool } from './handover-pool.ts';
import { InProcessPool, ThreadPool } from './pool.ts';
import type { ParallelOptions } from './source.ts';

export type { ModelSource, ParallelOptions, LoadedSearchModel } from './source.ts';

/**
 * Search time after which a run starts its worker threads (each takes about a second to load the
 * sources and the model): shorter runs stay on this thread, where they end sooner.
 */
const THREADS_AFTER_MS = 1000;

export function threadedPackedBfs<S, A>(
  model: Model<S, A>,
  packed: PackedModel,
  tracker: PropertyTracker<S, A>,
  config: ResolvedCheckConfig,
  control: SearchControl,
  parallel: ParallelOptions,
  coverageOf?: (a: A) => string,
): SearchOutcome {
  const props = partitionProperties(tracker);
  const counting = { coverage: coverageOf !== undefined };
  const loaded = { model: model as Model<unknown, unknown>, properties: props, ...(coverageOf ? { coverage: coverageOf as (a: unknown) => string } : {}) };
  if (parallel.inProcess) {
    return parallelBfs(model, packed, tracker, config, control, new InProcessPool(loaded, props, parallel.workers, counting.coverage), counting);
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
  const pool = new HandoverPool(
    new InProcessPool(loaded, props, parallel.workers, counting.coverage),
    () => new ThreadPool(parallel.source, names, counting.coverage, parallel.workers),
    checkReady,
    { threadsAfterMs: parallel.threadsAfterMs ?? THREADS_AFTER_MS, elapsedMs: () => control.elapsedMs() },
  );
  try {
    return parallelBfs(model, packed, tracker, config, control, pool, counting);
  } finally {
    pool.close();
  }
}
