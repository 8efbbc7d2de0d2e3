/**
 * Graph partitions on worker threads: the safety search's thread pool (supervisor, shared stop
 * word, blocking waits), its workers serving graph requests (graph-worker.ts) instead.
 */
import { type Request } from '../../search/parallel/protocol.ts';
import { PartitionFailure, ThreadPool } from '../../search/parallel/pool.ts';
import type { LoadedSearchModel, ModelSource } from '../../search/parallel/source.ts';
import type { EdgeFunctions } from './edge-naming.ts';
import type { GraphPool } from './build-graph.ts';
import type { GraphRequest } from './protocol.ts';

/** What a graph worker needs besides the model: the liveness properties by name, and how to name edges. */
export interface GraphJob {
  readonly propertyNames: readonly string[];
  readonly naming: 'none' | 'step' | 'key';
  readonly fairness: boolean;
  readonly nonProgress: boolean;
}

/** A model source that can also rebuild the liveness check's actor, kind and progress functions (needed when edges are named by their actions). */
export type LoadedLivenessModel = LoadedSearchModel & { readonly liveness?: EdgeFunctions };

export class GraphThreadPool implements GraphPool {
  private readonly pool: ThreadPool;
  constructor(source: ModelSource, job: GraphJob, size: number) {
    this.pool = new ThreadPool(source, [], false, size, { serving: { module: new URL('./graph-worker.ts', import.meta.url).href, job } });
  }
  get size(): number {
    return this.pool.size;
  }
  /** What each worker reported once it had rebuilt the model; a worker's failure to load is thrown as the error it raised. */
  waitReady(poll: () => boolean): unknown[] {
    try {
      return this.pool.waitReady(poll);
    } catch (e) {
      throw e instanceof PartitionFailure ? e.error : e;
    }
  }
  run(requests: readonly GraphRequest[], poll: () => boolean): unknown[] {
    // the same envelope and transfers ('receive' moves its record boxes)
    return this.pool.run(requests as unknown as readonly Request[], poll);
  }
  close(): void {
    this.pool.close();
  }
}
