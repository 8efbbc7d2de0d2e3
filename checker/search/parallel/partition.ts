/**
 * One partition of a multi-worker BFS (owner-computes): it owns the fingerprints that
 * `partitionOf` maps to it, stores them, keeps the frontier states it owns, and evaluates state
 * properties on them. Pure and synchronous: a worker thread (worker.ts) or the caller's own
 * thread (InProcessPool) drives it phase by phase; it never sees the other partitions.
 *
 * A level runs in three phases:
 *  1. expand: every frontier state (in id order) is expanded; each successor goes, as a record
 *     (parent id, action index, fingerprint, words; record-box.ts), to the outbox of the
 *     partition owning it.
 *     The step properties are evaluated on these transitions (the first violation of each is the
 *     smallest (parent id, action) key here) and the actions counted for coverage.
 *  2. receive: the records addressed here, merged in (parent id, action) order, are deduplicated
 *     against the store. The first record of a new fingerprint carries its smallest key, which is
 *     the parent and action one worker would have recorded; the keys of the new states go back.
 *  3. assign: the coordinator's ids for those keys (one worker's BFS numbering) make them the next
 *     frontier, and the state properties are evaluated on them.
 */
import type { Model, PackedModel } from '../../model.ts';
import type { PartitionProperty } from './partition-properties.ts';
import { fingerprint, fpOut } from '../../state/fingerprint.ts';
import { Frontier } from '../../state/frontier.ts';
import { VisitedStore } from '../../state/visited-store.ts';
import { type RecordBatch, RecordReader, RecordWriter } from './record-box.ts';
import { SuccessorBatch } from './successor-batch.ts';
import { type Counted, type Found, LevelExpander, type LevelCounts, type LevelRows } from './level-expander.ts';

export { type Counted, ExpansionError, type Found } from './level-expander.ts';

/** Words of a seed record ([id, -, fp hi, fp lo]) before the state's own words. */
export const RECORD_HEAD = 4;


/** Owner of a fingerprint: bits the visited store uses for neither its segment (top of hi) nor its home (top of lo). */
export function partitionOf(hi: number, partitions: number): number {
  return ((hi & 0xffff) * partitions) >>> 16;
}

export interface ExpandReply extends LevelCounts {
  /** outbox[p] = records for partition p (none from a shared-table partition) */
  readonly outboxes: RecordBatch[];
  /** a shared-table partition's lost[p]: fingerprints (hi, lo) whose claim it took from partition p */
  readonly lost?: Int32Array[];
}

/** A partition between two levels: its fingerprints, its frontier (rows and ids), the conjuncts it saw true. */
export interface PartitionState {
  readonly fingerprints: Int32Array;
  readonly frontier: Int32Array;
  readonly ids: Int32Array;
  readonly conjunctsSeen: string[][];
  /** the id of the frontier level's first state (the shared-table search: partitions other than 0 hold none of it) */
  readonly levelStart?: number;
  /** the shared-table search: more fingerprints, as a single-threaded store's segments ((hi, lo) pairs, (0, 0) empty) */
  readonly tableSegments?: readonly Int32Array[];
}

export class Partition {
  private readonly W: number;
  private readonly store = new VisitedStore({ trace: false });
  private readonly expander: LevelExpander;

  /** the level to expand next (compressed rows, read front to back) and its ids */
  private frontier: Frontier;
  private frontierIds: Int32Array = new Int32Array(0);
  private frontierN = 0;

  /** the new states found by `receive`, waiting for their ids */
  private pending: Frontier;
  private pendingN = 0;
  /** boxes received last level, whose buffers the next outboxes reuse */
  private spares: RecordBatch[] = [];
  private keys = new Int32Array(0);
  private readonly batch: SuccessorBatch;
  /** this level's outboxes, one per partition */
  private writers: RecordWriter[] = [];
  // Made once, not per level (as LevelExpander's sinks): called for every successor and every
  // state, a new closure per level would make those calls polymorphic.
  private readonly successor: (srcId: number, k: number, next: Int32Array) => void;
  private readonly frontierLevel: LevelRows;

  readonly index: number;
  readonly partitions: number;

  constructor(model: Model<unknown, unknown>, packed: PackedModel, props: readonly PartitionProperty[], index: number, partitions: number, coverageOf?: (a: unknown) => string) {
    this.index = index;
    this.partitions = partitions;
    this.W = packed.width;
    this.frontier = new Frontier(this.W);
    this.pending = new Frontier(this.W);
    this.batch = new SuccessorBatch(this.W);
    this.expander = new LevelExpander(model, packed, props, coverageOf);
    const W = this.W;
    const P = partitions;
    this.successor = (srcId: number, k: number, next: Int32Array): void => {
      fingerprint(next, 0, W);
      const hi = fpOut.hi;
      this.writers[partitionOf(hi, P)]!.push(srcId, k, hi, fpOut.lo, next);
    };
    // the frontier as the expander reads it: front to back, with its ids
    const self = this;
    this.frontierLevel = {
      get count(): number {
        return self.frontierN;
      },
      next: (j: number, row: Int32Array): number => {
        this.frontier.next(row);
        return this.frontierIds[j]!;
      },
    };
  }

  get conjunctsSeen(): Set<string>[] {
    return this.expander.conjunctsSeen;
  }

  storeBytes(): number {
    return this.store.bytes();
  }

  /** Continues a search handed over between two levels (resume.ts; a fresh partition, before its first level). */
  adopt(state: PartitionState): void {
    this.store.adoptSorted(state.fingerprints);
    this.expander.addConjuncts(state.conjunctsSeen);
    this.pending.reset();
    for (let k = 0; k < state.ids.length; k++) this.pending.push(state.frontier, k * this.W, 0);
    this.pendingN = state.ids.length;
    this.promote(state.ids);
  }

  /** Initial states owned here: records [id, -, hi, lo, words…] in id order. */
  seed(records: Int32Array, n: number): void {
    const R = this.W + RECORD_HEAD;
    this.pending.reset();
    for (let k = 0; k < n; k++) {
      const o = k * R;
      this.store.insert(records[o + 2]!, records[o + 3]!, 0, 0);
      this.pending.push(records, o + RECORD_HEAD, 0);
    }
    const ids = new Int32Array(n);
    for (let k = 0; k < n; k++) ids[k] = records[k * R]!;
    this.pendingN = n;
    this.promote(ids);
  }

  /** Expands the frontier; `openSteps` indexes the step properties still without a violation. */
  expand(depth: number, openSteps: readonly number[], shouldStop: () => boolean, _resume?: boolean): ExpandReply {
    const W = this.W;
    const P = this.partitions;
    const expectPer = Math.max(64, Math.ceil((this.frontierN * 4) / P));
    // the boxes received last level are spare now (moved here, not copied): fresh memory costs page faults
    const writers: RecordWriter[] = [];
    for (let p = 0; p < P; p++) writers.push(new RecordWriter(W, expectPer, this.spares.pop()));
    this.spares = [];
    this.writers = writers;
    this.frontier.rewind();
    const counts = this.expander.expand(depth, openSteps, this.frontierLevel, this.successor, shouldStop);
    return { ...counts, outboxes: writers.map((w) => w.finish()) };
  }

  /**
   * Deduplicates the records addressed here (inboxes[q] from partition q, each in key order);
   * returns the keys (parent id, action) of the new states, in key order, as pairs.
   */
  receive(inboxes: readonly RecordBatch[], _lost?: readonly Int32Array[]): Int32Array {
    const W = this.W;
    const readers = inboxes.map((b) => new RecordReader(b, W));
    const Q = readers.length;
    let total = 0;
    for (const r of readers) total += r.count;
    if (this.keys.length < 2 * total) this.keys = new Int32Array(2 * total);
    const keys = this.keys;
    const store = this.store;
    const pending = this.pending;
    pending.reset();
    // Merged in batches: the batch's home slots are loaded first, so their cache misses overlap (as packed-bfs.ts does)
    const batch = this.batch;
    const { rows, hi: bHi, lo: bLo, parent: bParent, action: bAction } = batch;
    let n = 0;
    let left = total;
    while (left > 0) {
      const b = batch.fillInKeyOrder(readers, left);
      left -= b;
      batch.sink ^= store.prefetch(bHi, bLo, b);
      for (let x = 0; x < b; x++) {
        if (store.insert(bHi[x]!, bLo[x]!, 0, 0) < 0) continue;
        pending.push(rows, x * W, 0);
        keys[2 * n] = bParent[x]!;
        keys[2 * n + 1] = bAction[x]!;
        n++;
      }
    }
    this.pendingN = n;
    this.spares = [...inboxes];
    return keys.slice(0, 2 * n);
  }

  /** The new states get their ids (increasing, in key order) and become the frontier; returns the first hit of each open property. */
  assign(ids: Int32Array, open: readonly number[]): Found[] {
    this.promote(ids);
    this.frontier.rewind();
    const found = this.expander.checkNew(open, this.frontierLevel);
    this.frontier.rewind();
    return found;
  }

  /** Hash partitions never pause for a shared table. */
  rehash(_old: SharedArrayBuffer, _table: SharedArrayBuffer): void {
    throw new Error('a hash partition has no shared table to rehash');
  }

  /** Of the level expanded last: the smallest id ≥ from whose state was inside inBounds, or -1. */
  firstExpandedFrom(from: number): number {
    return this.expander.firstExpandedFrom(from);
  }

  /** Of the level expanded last: transitions, deadlocks and coverage of the states with id ≤ last (a run that stops mid-level). */
  countUpTo(last: number): Counted {
    return this.expander.countUpTo(last);
  }

  private promote(ids: Int32Array): void {
    const n = this.pendingN;
    if (ids.length !== n) throw new Error(`partition ${this.index}: ${ids.length} ids for ${n} new states`);
    // the pending level becomes the frontier; the old frontier's buffers are reused for the next level
    const oldFrontier = this.frontier;
    this.frontier = this.pending;
    this.pending = oldFrontier;
    this.frontierIds = ids;
    this.frontierN = n;
    this.pendingN = 0;
  }
}
