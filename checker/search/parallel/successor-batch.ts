/**
 * Successors waiting for one pass over a fingerprint table: their rows, fingerprints and keys
 * (parent id, action). The pass loads the batch's home slots first, so the cache misses of a
 * table far larger than the cache are in flight together, then handles the batch in order.
 */
export const BATCH = 64;

export class SuccessorBatch {
  readonly rows: Int32Array;
  readonly hi = new Int32Array(BATCH);
  readonly lo = new Int32Array(BATCH);
  readonly parent = new Int32Array(BATCH);
  readonly action = new Int32Array(BATCH);
  /** written, never read: keeps the prefetch loads alive */
  sink = 0;

  constructor(width: number) {
    this.rows = new Int32Array(BATCH * width);
  }
}
