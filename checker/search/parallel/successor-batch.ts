/**
 * Successors waiting for one pass over a fingerprint table: their rows, fingerprints and keys
 * (parent id, action). The pass loads the batch's home slots first, so the cache misses of a
 * table far larger than the cache are in flight together, then handles the batch in order.
 */
import { type RecordReader, smallestHead } from './record-box.ts';

export const BATCH = 64;

export class SuccessorBatch {
  readonly rows: Int32Array;
  readonly hi = new Int32Array(BATCH);
  readonly lo = new Int32Array(BATCH);
  readonly parent = new Int32Array(BATCH);
  readonly action = new Int32Array(BATCH);
  /** written, never read: keeps the prefetch loads alive */
  sink = 0;

  private readonly W: number;

  constructor(width: number) {
    this.W = width;
    this.rows = new Int32Array(BATCH * width);
  }

  /**
   * Fills the batch with up to `max` (≤ BATCH) records taken from the readers in key order, each
   * row decoded (new or not: each is the delta base of the next in its box); returns how many.
   */
  fillInKeyOrder(readers: readonly RecordReader[], max: number): number {
    const n = Math.min(BATCH, max);
    for (let b = 0; b < n; b++) {
      const best = smallestHead(readers)!;
      this.hi[b] = best.hi;
      this.lo[b] = best.lo;
      this.parent[b] = best.parent;
      this.action[b] = best.action;
      best.next(this.rows, b * this.W);
    }
    return n;
  }
}
