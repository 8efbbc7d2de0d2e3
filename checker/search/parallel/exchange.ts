/**
 * Moving one level's successor records from the partitions that generated them to the
 * partitions that own them. The search is level-synchronous and owner-computes, so a level's
 * exchange is one all-to-all step; the in-process implementation only transposes buffers (the
 * worker threads moved them, zero-copy). A transport across machines (e.g. one stream per
 * partition on a durable log) implements the same interface; the search does not change.
 */
import type { RecordBatch } from './record-box.ts';

export type Batch = RecordBatch;

export interface LevelExchange {
  /** outbound[q][p]: what partition q generated for partition p; returns inbound[p][q], in partition order q. */
  route(level: number, outbound: readonly (readonly Batch[])[]): Batch[][];
}

export class InProcessExchange implements LevelExchange {
  route(_level: number, outbound: readonly (readonly Batch[])[]): Batch[][] {
    const n = outbound.length;
    return Array.from({ length: n }, (_, p) => Array.from({ length: n }, (_, q) => outbound[q]![p]!));
  }
}
