/**
 * A single-threaded search suspended between two levels (packed-bfs.ts), handed to the
 * partitions: each gets the fingerprints it owns and its share of the frontier (rows and ids, in
 * id order, as its own expansion would have left them), so the partitioned search continues from
 * that level instead of starting again.
 */
import { fingerprint, fpOut } from '../../state/fingerprint.ts';
import type { SuspendedSearch } from '../packed-bfs.ts';
import { partitionOf, type PartitionState } from './partition.ts';

export function partitionStatesOf(from: SuspendedSearch, partitions: number, properties: number): PartitionState[] {
  const N = partitions;
  const all = from.visited!.fingerprints();
  const fpCount = new Int32Array(N);
  for (let i = 0; i < all.length; i += 2) fpCount[partitionOf(all[i]!, N)]!++;
  const fingerprints = Array.from({ length: N }, (_, p) => new Int32Array(2 * fpCount[p]!));
  fpCount.fill(0);
  for (let i = 0; i < all.length; i += 2) {
    const p = partitionOf(all[i]!, N);
    const k = 2 * fpCount[p]!++;
    fingerprints[p]![k] = all[i]!;
    fingerprints[p]![k + 1] = all[i + 1]!;
  }

  const frontier = from.frontier!;
  const W = frontier.width;
  const row = new Int32Array(W);
  const owner = new Int32Array(frontier.size);
  const rowCount = new Int32Array(N);
  frontier.rewind();
  for (let k = 0; k < frontier.size; k++) {
    frontier.next(row);
    fingerprint(row, 0, W);
    const p = partitionOf(fpOut.hi, N);
    owner[k] = p;
    rowCount[p]!++;
  }
  const rows = Array.from({ length: N }, (_, p) => new Int32Array(W * rowCount[p]!));
  const ids = Array.from({ length: N }, (_, p) => new Int32Array(rowCount[p]!));
  rowCount.fill(0);
  frontier.rewind();
  for (let k = 0; k < frontier.size; k++) {
    const id = frontier.next(row);
    const p = owner[k]!;
    const j = rowCount[p]!++;
    rows[p]!.set(row, j * W);
    ids[p]![j] = id;
  }
  // the conjuncts the search saw true are in the tracker already
  return fingerprints.map((f, p) => ({ fingerprints: f, frontier: rows[p]!, ids: ids[p]!, conjunctsSeen: Array.from({ length: properties }, () => []) }));
}

/**
 * The same for the shared-table search: the store's segments, moved as they are and split
 * evenly (every partition inserts its part into the one table; the store is spent), and the
 * whole frontier to partition 0 (a level's ids are consecutive, partitions in order); every
 * partition learns where the level starts.
 */
export function sharedTableStatesOf(from: SuspendedSearch, partitions: number, properties: number): PartitionState[] {
  const frontier = from.frontier!;
  const W = frontier.width;
  const rows = new Int32Array(W * frontier.size);
  const ids = new Int32Array(frontier.size);
  const row = new Int32Array(W);
  frontier.rewind();
  for (let k = 0; k < frontier.size; k++) {
    ids[k] = frontier.next(row);
    rows.set(row, k * W);
  }
  const levelStart = from.visited!.size - frontier.size;
  // (moved, not copied out: copying at.4's 2.9 M fingerprints out and slicing them took the
  // coordinator 150–175 ms alone, the workers waiting)
  const segments = from.visited!.releaseSegments();
  return Array.from({ length: partitions }, (_, p) => {
    const a = Math.floor((segments.length * p) / partitions);
    const b = Math.floor((segments.length * (p + 1)) / partitions);
    return {
      fingerprints: new Int32Array(0),
      tableSegments: segments.slice(a, b),
      frontier: p === 0 ? rows : new Int32Array(0),
      ids: p === 0 ? ids : new Int32Array(0),
      conjunctsSeen: Array.from({ length: properties }, () => []),
      levelStart,
    };
  });
}
