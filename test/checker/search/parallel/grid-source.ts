/** A ModelSource for tests: the packed grid of test/fixtures/models/grid.ts, optionally throwing, or ending its thread, when it expands one cell. */
import { isMainThread } from 'node:worker_threads';
import type { Model, PackedSink } from '../../../../checker/index.ts';
import type { LoadedSearchModel, ModelSource } from '../../../../checker/search/parallel/index.ts';
import { gridModel, type GridState } from '../../../fixtures/models/grid.ts';

export interface GridArgs {
  readonly n: number;
  /** expanding this cell throws (a broken model) */
  readonly throwAt?: readonly [number, number];
  /** expanding this cell ends the thread (process.exit in a worker thread ends that thread only) */
  readonly exitAt?: readonly [number, number];
}

export function gridSource(args: GridArgs): ModelSource {
  return { module: import.meta.url, args };
}

export function brokenGrid(args: GridArgs): Model<GridState, 'incX' | 'incY'> {
  const m = gridModel(args.n, true);
  const packed = m.packed!;
  const at = args.throwAt;
  const exitAt = args.exitAt;
  if (exitAt !== undefined) {
    return {
      ...m,
      packed: {
        ...packed,
        expand(src: Int32Array, off: number, sink: PackedSink) {
          if (src[off] === exitAt[0] && src[off + 1] === exitAt[1] && !isMainThread) process.exit(9);
          packed.expand(src, off, sink);
        },
      },
    };
  }
  if (at === undefined) return m;
  return {
    ...m,
    packed: {
      ...packed,
      expand(src: Int32Array, off: number, sink: PackedSink) {
        if (src[off] === at[0] && src[off + 1] === at[1]) throw new Error(`cell ${at[0]},${at[1]} is broken`);
        packed.expand(src, off, sink);
      },
    },
  };
}

export async function loadSearchModel(raw: unknown): Promise<LoadedSearchModel> {
  return { model: brokenGrid(raw as GridArgs) as unknown as LoadedSearchModel['model'], properties: [] };
}
