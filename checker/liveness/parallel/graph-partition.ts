/**
 * One partition of the partitioned liveness graph build (owner-computes, level-synchronous, as
 * the safety search's search/parallel/partition.ts): it owns the fingerprints `partitionOf` maps
 * to it, knows their state ids, keeps the frontier states it owns and labels them with the
 * properties' predicates. Pure and synchronous: a worker thread or the caller's thread drives it.
 *
 * A level runs in three phases:
 *  1. expand: each frontier state (in id order) is expanded; successor k goes, as a record
 *     (parent id, k, fingerprint, words), to its owner. Replied: per state its successor count
 *     (or cut / deadlock) and, when fairness or progress need it, per edge a code naming its
 *     action (the step index, or an index into this partition's table of action keys).
 *  2. receive: the records addressed here, merged in (parent id, k) order, are looked up; the
 *     first record of a new fingerprint carries the key one worker numbers it by. Replied: the
 *     new states' keys, in key order.
 *  3. assign: the coordinator's ids make the new states the next frontier; every record
 *     received becomes an edge (parent id, k, successor id). Replied: the edges and the new
 *     states' labels.
 */
import { partitionOf } from '../../search/parallel/partition.ts';
import { type RecordBatch, RecordReader, RecordWriter } from '../../search/parallel/record-box.ts';
import { SuccessorBatch } from '../../search/parallel/successor-batch.ts';
import { ExpansionError } from '../../search/parallel/partition.ts';
import type { Model, PackedActionSink, PackedModel, PackedSink, PackedStepSink } from '../../model.ts';
import { fingerprint, fpOut } from '../../state/fingerprint.ts';
import { Frontier } from '../../state/frontier.ts';
import { FpIdMap } from './fp-id-map.ts';
import { Grow } from '../grow.ts';
import { NameIndex } from '../../util/name-index.ts';

/** Successor count of a state not expanded (outside inBounds) */
export const CUT = -1;
/** Successor count of a deadlocked state (no successors, not terminal) */
export const DEADLOCK = -2;

/**
 * How edges are named: not at all, by step index (expandSteps, the coordinator maps the step
 * table), or by an action key (expandActions; `edgeKey` is computed here, interned per partition).
 */
export type EdgeNaming = { readonly by: 'none' } | { readonly by: 'step' } | { readonly by: 'key'; readonly edgeKey: (a: unknown) => string };

export interface GraphExpandReply {
  readonly outboxes: RecordBatch[];
  /** per frontier state, in id order: successor count, CUT or DEADLOCK */
  readonly counts: Int32Array;
  /** per edge, in expansion order: step index or action-key index (empty when edges are not named) */
  readonly codes: Int32Array;
  /** action keys first used in this level, appended to the partition's table */
  readonly newKeys: string[];
  readonly aborted: boolean;
}

export interface GraphAssignReply {
  /** (parent id, k, successor id) per record received last level */
  readonly edges: Int32Array;
  /** per new state, in id order, per predicate: 1 when it holds */
  readonly labels: Uint8Array;
}


export class GraphPartition {
  private readonly W: number;
  private readonly ids = new FpIdMap();
  private readonly inBounds: ((s: unknown) => boolean) | undefined;
  private readonly isTerminal: ((s: unknown) => boolean) | undefined;
  private frontier: Frontier;
  private frontierIds: Int32Array = new Int32Array(0);
  private frontierN = 0;
  private pending: Frontier;
  private pendingN = 0;
  /** hi, lo of each pending state, to give it its id */
  private pendingFp = new Int32Array(0);
  private keys = new Int32Array(0);
  private readonly batch: SuccessorBatch;
  /** the records received, as (parent, k, value) with value < 0 for a new state's placeholder */
  private received = new Int32Array(0);
  private receivedN = 0;
  private spares: RecordBatch[] = [];
  /** action keys, and how many of them the coordinator has been sent */
  private readonly actionKeys = new NameIndex();
  private keysSent = 0;
  /** the level's edge codes, in emission order */
  private readonly codes = new Grow(Int32Array, 1024);

  // The sinks the model's expand calls back, made once (as LevelExpander's): a new closure per
  // level would make the generated expand's call site see another target at every level.
  /** the state being expanded, its successors so far, and this level's outboxes */
  private srcId = 0;
  private emitted = 0;
  private writers: RecordWriter[] = [];
  private readonly sink: PackedSink;
  private readonly stepSink: PackedStepSink;
  private readonly actionSink: PackedActionSink;

  private readonly packed: PackedModel;
  private readonly predicates: readonly ((s: unknown) => boolean)[];
  private readonly naming: EdgeNaming;
  readonly index: number;
  readonly partitions: number;

  constructor(model: Model<unknown, unknown>, packed: PackedModel, predicates: readonly ((s: unknown) => boolean)[], naming: EdgeNaming, index: number, partitions: number) {
    this.packed = packed;
    this.predicates = predicates;
    this.naming = naming;
    this.index = index;
    this.partitions = partitions;
    this.W = packed.width;
    this.batch = new SuccessorBatch(this.W);
    this.frontier = new Frontier(this.W);
    this.pending = new Frontier(this.W);
    this.inBounds = model.inBounds?.bind(model);
    this.isTerminal = model.isTerminal?.bind(model);
    const W = this.W;
    const P = partitions;
    const scratch = new Int32Array(W);
    // k is the emission index, so edge off[v] + k is action index k of v, as graph.ts lays it out
    this.sink = {
      next: scratch,
      emit: (): void => {
        fingerprint(scratch, 0, W);
        const hi = fpOut.hi;
        this.writers[partitionOf(hi, P)]!.push(this.srcId, this.emitted++, hi, fpOut.lo, scratch);
      },
    };
    this.stepSink = {
      next: scratch,
      emit: (_k: number, step: number): void => {
        this.codes.push(step);
        this.sink.emit(0);
      },
    };
    this.actionSink = {
      next: scratch,
      emit: (_k: number, action: unknown): void => {
        this.codes.push(this.actionKeys.indexOf((naming as { edgeKey: (a: unknown) => string }).edgeKey(action)));
        this.sink.emit(0);
      },
    };
  }

  storeBytes(): number {
    return this.ids.bytes();
  }

  /** Initial states owned here: records [id, -, hi, lo, words…] in id order; returns their labels. */
  seed(records: Int32Array, n: number): Uint8Array {
    const W = this.W;
    const R = W + 4;
    this.pending.reset();
    const ids = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const o = k * R;
      ids[k] = records[o]!;
      this.ids.lookupOrAdd(records[o + 2]!, records[o + 3]!, ids[k]!);
      this.pending.push(records, o + 4, 0);
    }
    this.pendingN = n;
    return this.promote(ids);
  }

  expand(shouldStop: () => boolean): GraphExpandReply {
    const W = this.W;
    const P = this.partitions;
    const packed = this.packed;
    const writers: RecordWriter[] = [];
    const expectPer = Math.max(64, Math.ceil((this.frontierN * 4) / P));
    for (let p = 0; p < P; p++) writers.push(new RecordWriter(W, expectPer, this.spares.pop()));
    this.spares = [];
    this.writers = writers;
    this.codes.n = 0;
    const row = new Int32Array(W);
    const counts = new Int32Array(this.frontierN);
    const naming = this.naming;
    const sink = this.sink;
    const stepSink = this.stepSink;
    const actionSink = this.actionSink;
    const frontier = this.frontier;
    frontier.rewind();
    const reply = (aborted: boolean): GraphExpandReply => {
      const newKeys = this.actionKeys.names.slice(this.keysSent);
      this.keysSent = this.actionKeys.names.length;
      return { outboxes: writers.map((w) => w.finish()), counts, codes: this.codes.done().slice(), newKeys, aborted };
    };
    for (let j = 0; j < this.frontierN; j++) {
      if ((j & 1023) === 1023 && shouldStop()) return reply(true);
      const srcId = this.frontierIds[j]!;
      this.srcId = srcId;
      frontier.next(row);
      if (this.inBounds && !this.inBounds(row)) {
        counts[j] = CUT;
        continue;
      }
      this.emitted = 0;
      try {
        if (naming.by === 'none') packed.expand(row, 0, sink);
        else if (naming.by === 'step') packed.expandSteps!(row, 0, stepSink);
        else packed.expandActions!(row, 0, actionSink);
      } catch (e) {
        throw new ExpansionError(srcId, e);
      }
      const emitted = this.emitted;
      counts[j] = emitted === 0 && !(this.isTerminal && this.isTerminal(row)) ? DEADLOCK : emitted;
    }
    return reply(false);
  }

  /** Looks up the records addressed here (inboxes[q] from partition q, each in key order); returns the new states' keys as pairs, in key order. */
  receive(inboxes: readonly RecordBatch[]): Int32Array {
    const W = this.W;
    const readers = inboxes.map((b) => new RecordReader(b, W));
    let total = 0;
    for (const r of readers) total += r.count;
    if (this.received.length < 3 * total) this.received = new Int32Array(3 * total);
    const rec = this.received;
    // new states: at most one per record
    if (this.keys.length < 2 * total) {
      this.keys = new Int32Array(2 * total);
      this.pendingFp = new Int32Array(2 * total);
    }
    const keys = this.keys;
    const fps = this.pendingFp;
    const batch = this.batch;
    const { rows, hi: bHi, lo: bLo, parent: bParent, action: bAction } = batch;
    const ids = this.ids;
    this.pending.reset();
    let n = 0;
    let x = 0;
    while (x < total) {
      // a batch merged in key order, its home slots loaded first so their cache misses overlap
      const b = batch.fillInKeyOrder(readers, total - x);
      batch.sink ^= ids.prefetch(bHi, bLo, b);
      for (let y = 0; y < b; y++, x++) {
        const hi = bHi[y]!;
        const lo = bLo[y]!;
        const value = ids.lookupOrAdd(hi, lo, -1 - n);
        if (ids.added) {
          this.pending.push(rows, y * W, 0);
          keys[2 * n] = bParent[y]!;
          keys[2 * n + 1] = bAction[y]!;
          fps[2 * n] = hi;
          fps[2 * n + 1] = lo;
          n++;
        }
        rec[3 * x] = bParent[y]!;
        rec[3 * x + 1] = bAction[y]!;
        rec[3 * x + 2] = value;
      }
    }
    this.receivedN = total;
    this.pendingN = n;
    this.spares = [...inboxes];
    return keys.slice(0, 2 * n);
  }

  /** The new states get their ids (increasing, in key order): returns last level's edges and the new states' labels. */
  assign(ids: Int32Array): GraphAssignReply {
    const fp = this.pendingFp;
    for (let j = 0; j < ids.length; j++) this.ids.setId(fp[2 * j]!, fp[2 * j + 1]!, ids[j]!);
    const edges = this.received.slice(0, 3 * this.receivedN);
    for (let e = 2; e < edges.length; e += 3) if (edges[e]! < 0) edges[e] = ids[-1 - edges[e]!]!;
    this.receivedN = 0;
    return { edges, labels: this.promote(ids) };
  }

  /** The pending states become the frontier with these ids; returns their labels. */
  private promote(ids: Int32Array): Uint8Array {
    const n = this.pendingN;
    if (ids.length !== n) throw new Error(`partition ${this.index}: ${ids.length} ids for ${n} new states`);
    const old = this.frontier;
    this.frontier = this.pending;
    this.pending = old;
    this.frontierIds = ids;
    this.frontierN = n;
    this.pendingN = 0;
    const P = this.predicates.length;
    const labels = new Uint8Array(n * P);
    if (P === 0) return labels;
    const view = new Int32Array(this.W);
    this.frontier.rewind();
    for (let k = 0; k < n; k++) {
      this.frontier.next(view);
      for (let p = 0; p < P; p++) labels[k * P + p] = this.predicates[p]!(view) ? 1 : 0;
    }
    this.frontier.rewind();
    return labels;
  }

}
