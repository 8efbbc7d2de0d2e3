/**
 * How a worker thread rebuilds the model: plain data naming a module of the caller's and its
 * arguments, never a function (functions do not cross threads, and a worker must build the very
 * model the caller built). The module is named by the caller's code, never by a trace or results file.
 */
import type { Model } from '../../model.ts';
import type { Property } from '../../property.ts';

export interface ModelSource {
  /** URL of a module exporting `setup()`, run first in a fresh thread (TypeScript loader, resolver hooks); tsx when absent */
  readonly bootstrap?: string;
  /** URL of a module exporting `loadSearchModel(args): Promise<LoadedSearchModel>` */
  readonly module: string;
  /** structured-clonable arguments for loadSearchModel */
  readonly args: unknown;
}

export interface LoadedSearchModel {
  readonly model: Model<unknown, unknown>;
  readonly properties: readonly Property<unknown, unknown>[];
  /** action → coverage bucket, for runs that count actions (the caller's CheckOptions.coverage, rebuilt) */
  readonly coverage?: (a: unknown) => string;
}

export interface ParallelOptions {
  /** worker threads; 1 keeps the single-threaded search */
  readonly workers: number;
  readonly source: ModelSource;
  /** run the partitions one after another in this thread, on this model (tests, and a reference for the threads) */
  readonly inProcess?: boolean;
  /** on worker threads even with one worker (benchmarks: what the multi-worker search costs without parallelism) */
  readonly threadsForOne?: boolean;
  /**
   * search time (ms) on this thread, with the single-threaded search, before the search continues
   * on the worker threads from the level it has reached (default 2,000: shorter searches never use
   * them); 0: threads from the start
   */
  readonly threadsAfterMs?: number;
  /**
   * hand over at the end of this level instead (or at the time above, whichever comes first):
   * deterministic, for tests; with inProcess the only trial there is
   */
  readonly threadsAfterLevels?: number;
  /**
   * how the workers share the visited set: 'partitions' (each owns the fingerprints hashed to it;
   * successors are exchanged between levels) or 'shared-table' (one lock-free table in shared
   * memory that every worker inserts into). Same results either way; default DEFAULT_PARALLEL_DESIGN.
   */
  readonly design?: ParallelDesign;
  /**
   * Builds (in this thread, once the workers are needed) one JavaScript file that runs a worker
   * with the source module inside, so a worker starts without a TypeScript loader; returns its
   * path, or undefined to start workers from the TypeScript sources.
   */
  readonly workerBundle?: () => string | undefined;
}

export type ParallelDesign = 'partitions' | 'shared-table';
export const PARALLEL_DESIGNS: readonly ParallelDesign[] = ['partitions', 'shared-table'];
/**
 * The faster of the two, measured side by side (`npm run bench:beem`, 2026-12-05, 2 cores, 3 runs,
 * load 1.8-3.9): the shared table was ahead in every pair — at.4 ×2 1,694 k states/s against
 * 1,534 k (medians), at.3 1,304 k against 1,229 k — with 8% less CPU; it stores 35 bytes per
 * state against 15, which 'partitions' keeps.
 */
export const DEFAULT_PARALLEL_DESIGN: ParallelDesign = 'shared-table';
