/**
 * A ModelSource for tests: the packed grid of test/fixtures/models/grid.ts, optionally throwing,
 * ending its thread, or exhausting its heap when it expands one cell, or keeping memory for
 * every cell it expands.
 */
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
  /** expanding this cell in a worker thread allocates without bound: V8 ends the thread before any poll */
  readonly hogAt?: readonly [number, number];
  /** every expansion in a worker thread keeps this many kilobytes of JS heap (a model that grows) */
  readonly keepKbPerState?: number;
}

/** what keepKbPerState keeps */
const kept: number[][] = [];

export function gridSource(args: GridArgs): ModelSource {
  return { module: import.meta.url, args };
}

export function brokenGrid(args: GridArgs): Model<GridState, 'incX' | 'incY'> {
  const m = gridModel(args.n, true);
  const packed = m.packed!;
  const at = args.throwAt;
  const exitAt = args.exitAt;
  const hogAt = args.hogAt;
  const keepKb = args.keepKbPerState;
  if (hogAt !== undefined || keepKb !== undefined) {
    return {
      ...m,
      packed: {
        ...packed,
        expand(src: Int32Array, off: number, sink: PackedSink) {
          if (!isMainThread && hogAt !== undefined && src[off] === hogAt[0] && src[off + 1] === hogAt[1]) {
            for (;;) kept.push(new Array<number>(1024).fill(kept.length));
          }
          // numbers in a JS array: heap the worker's heap check sees (an ArrayBuffer would be outside it)
          if (!isMainThread && keepKb !== undefined) kept.push(new Array<number>(keepKb * 128).fill(0.5));
          packed.expand(src, off, sink);
        },
      },
    };
  }
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
