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
import { PropertyError, thrownText } from '../../errors.ts';
import type { Model, PackedActionSink, PackedModel, PackedSink, PackedStepSink } from '../../model.ts';
import type { PartitionProperty, StateProperty, StepProperty } from './partition-properties.ts';
import { fingerprint, fpOut } from '../../state/fingerprint.ts';
import { Frontier } from '../../state/frontier.ts';
import { VisitedStore } from '../../state/visited-store.ts';
import { type RecordBatch, RecordReader, RecordWriter } from './record-box.ts';
import { assertSamePackedSuccessors, NondeterminismSampler } from '../nondeterminism.ts';

/** Words of a seed record ([id, -, fp hi, fp lo]) before the state's own words. */
export const RECORD_HEAD = 4;

const BATCH = 64;
const OUT_OF_BOUNDS = -1;
const DEADLOCK = -2;

/** Owner of a fingerprint: bits the visited store uses for neither its segment (top of hi) nor its home (top of lo). */
export function partitionOf(hi: number, partitions: number): number {
  return ((hi & 0xffff) * partitions) >>> 16;
}

export interface ExpandReply {
  /** outbox[p] = records for partition p */
  readonly outboxes: RecordBatch[];
  readonly transitions: number;
  readonly deadlocks: number;
  /** smallest id of a deadlocked (non-terminal, in-bounds, successor-free) state, or -1 */
  readonly firstDeadlock: number;
  readonly deadlockHi: number;
  readonly deadlockLo: number;
  /** the search was told to stop before the phase finished */
  readonly aborted: boolean;
  /** per open step property: its first violation here (smallest parent id, then action index) */
  readonly stepFound: Found[];
  /** coverage bucket → transitions of this level (empty without coverage) */
  readonly coverage: [string, number][];
}

/** A partition's transitions and deadlocks up to a state id, and their coverage (a run that stops mid-level). */
export interface Counted {
  readonly transitions: number;
  readonly deadlocks: number;
  readonly coverage: [string, number][];
}

export interface Found {
  /** index into the partition's properties */
  readonly property: number;
  /** the violating or witness state; for a step property, the transition's source state */
  readonly id: number;
  /** a step property's transition: its action index from `id` (0 for a state property) */
  readonly action: number;
  readonly hi: number;
  readonly lo: number;
}

/** A partition between two levels: its fingerprints, its frontier (rows and ids), the conjuncts it saw true. */
export interface PartitionState {
  readonly fingerprints: Int32Array;
  readonly frontier: Int32Array;
  readonly ids: Int32Array;
  readonly conjunctsSeen: string[][];
}

/** A model error while expanding: the coordinator turns it into the usual error with the state's replay path. */
export class ExpansionError extends Error {
  override name = 'ExpansionError';
  readonly stateId: number;
  constructor(stateId: number, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.stateId = stateId;
    this.cause = cause;
  }
}

export class Partition {
  private readonly W: number;
  private readonly store = new VisitedStore({ trace: false });
  private readonly view: Int32Array;
  /** the state being expanded, when step properties or coverage need its actions */
  private readonly row: Int32Array;
  private readonly inBounds: ((s: unknown) => boolean) | undefined;
  private readonly isTerminal: ((s: unknown) => boolean) | undefined;
  private readonly sampler = new NondeterminismSampler();
  private readonly props: readonly PartitionProperty[];
  /** action → coverage bucket, when the run counts actions */
  private readonly coverageOf: ((a: unknown) => string) | undefined;
  private readonly bucketIds = new Map<string, number>();
  private readonly bucketNames: string[] = [];
  /** the last expanded level's bucket per transition, in expansion order; coverageEnd[j]: end of state j's */
  private coverageLog = new Int32Array(0);
  private coverageEnd = new Int32Array(0);
  /** per sometimes-property with conjuncts: the conjuncts seen true here */
  readonly conjunctsSeen: Set<string>[];

  /** the level to expand next (compressed rows, read front to back) and its ids */
  private frontier: Frontier;
  private frontierIds: Int32Array = new Int32Array(0);
  private frontierN = 0;
  /** per frontier state once expanded: successors emitted, OUT_OF_BOUNDS, or DEADLOCK */
  private status = new Int32Array(0);
  /** the level expanded last (ids and status), still asked about after its successors became the frontier */
  private expandedIds: Int32Array = new Int32Array(0);
  private expandedStatus = new Int32Array(0);
  private expandedN = 0;

  /** the new states found by `receive`, waiting for their ids */
  private pending: Frontier;
  private pendingN = 0;
  /** boxes received last level, whose buffers the next outboxes reuse */
  private spares: RecordBatch[] = [];
  private keys = new Int32Array(0);
  private readonly batchRows: Int32Array;
  private readonly batchHi = new Int32Array(BATCH);
  private readonly batchLo = new Int32Array(BATCH);
  private readonly batchParent = new Int32Array(BATCH);
  private readonly batchAction = new Int32Array(BATCH);
  /** written, never read: keeps the prefetch loads alive */
  private sink = 0;

  private readonly model: Model<unknown, unknown>;
  private readonly packed: PackedModel;
  readonly index: number;
  readonly partitions: number;

  constructor(model: Model<unknown, unknown>, packed: PackedModel, props: readonly PartitionProperty[], index: number, partitions: number, coverageOf?: (a: unknown) => string) {
    this.model = model;
    this.packed = packed;
    this.props = props;
    this.coverageOf = coverageOf;
    this.index = index;
    this.partitions = partitions;
    this.W = packed.width;
    this.view = new Int32Array(this.W);
    this.row = new Int32Array(this.W);
    this.frontier = new Frontier(this.W);
    this.pending = new Frontier(this.W);
    this.batchRows = new Int32Array(BATCH * this.W);
    this.inBounds = model.inBounds?.bind(model);
    this.isTerminal = model.isTerminal?.bind(model);
    this.conjunctsSeen = props.map(() => new Set<string>());
  }

  storeBytes(): number {
    return this.store.bytes();
  }

  /** Everything a partition carries from one level to the next, to continue on another thread (between levels only). */
  exportState(): PartitionState {
    return {
      fingerprints: this.store.fingerprints(),
      frontier: this.frontierRows(),
      ids: this.frontierIds.slice(0, this.frontierN),
      conjunctsSeen: this.conjunctsSeen.map((c) => [...c]),
    };
  }

  /** Continues where the exported partition stopped (a fresh partition, before its first level). */
  adopt(state: PartitionState): void {
    this.store.adoptSorted(state.fingerprints);
    state.conjunctsSeen.forEach((names, i) => {
      for (const n of names) this.conjunctsSeen[i]!.add(n);
    });
    this.pending.reset();
    for (let k = 0; k < state.ids.length; k++) this.pending.push(state.frontier, k * this.W, 0);
    this.pendingN = state.ids.length;
    this.promote(state.ids);
  }

  /** The frontier's rows, decoded into one array. */
  private frontierRows(): Int32Array {
    const W = this.W;
    const out = new Int32Array(this.frontierN * W);
    const row = this.row;
    this.frontier.rewind();
    for (let k = 0; k < this.frontierN; k++) {
      this.frontier.next(row);
      out.set(row, k * W);
    }
    this.frontier.rewind();
    return out;
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
  expand(depth: number, openSteps: readonly number[], shouldStop: () => boolean): ExpandReply {
    const W = this.W;
    const P = this.partitions;
    const packed = this.packed;
    const view = this.view;
    const expectPer = Math.max(64, Math.ceil((this.frontierN * 4) / P));
    // the boxes received last level are spare now (moved here, not copied): fresh memory costs page faults
    const writers: RecordWriter[] = [];
    for (let p = 0; p < P; p++) writers.push(new RecordWriter(W, expectPer, this.spares.pop()));
    this.spares = [];
    const scratch = new Int32Array(W);
    let srcId = 0;
    let emitted = 0;
    const sink: PackedSink = {
      next: scratch,
      emit(k: number): void {
        emitted++;
        fingerprint(scratch, 0, W);
        const hi = fpOut.hi;
        writers[partitionOf(hi, P)]!.push(srcId, k, hi, fpOut.lo, scratch);
      },
    };
    // Step properties and coverage need each transition's action (as packed-bfs.ts): the state is
    // expanded from `row`, the step properties' source state.
    const coverageOf = this.coverageOf;
    const needAction = openSteps.length > 0 || coverageOf !== undefined;
    const row = this.row;
    const stepFound: Found[] = [];
    let steps = openSteps.map((i) => this.props[i] as StepProperty);
    let stepIdx = [...openSteps];
    let logN = 0;
    if (coverageOf !== undefined && this.coverageEnd.length < this.frontierN) this.coverageEnd = new Int32Array(this.frontierN);
    const actionSink: PackedActionSink = {
      next: scratch,
      emit: (k: number, action: unknown): void => {
        if (coverageOf !== undefined) {
          if (logN === this.coverageLog.length) this.growCoverageLog();
          this.coverageLog[logN++] = this.bucketOf(coverageOf(action));
        }
        for (let x = 0; x < steps.length; x++) {
          const p = steps[x]!;
          if (stepHolds(p, row, action, scratch)) continue;
          fingerprint(scratch, 0, W);
          stepFound.push({ property: stepIdx[x]!, id: srcId, action: k, hi: fpOut.hi, lo: fpOut.lo });
          steps = steps.filter((q) => q !== p);
          stepIdx = stepIdx.filter((_, y) => y !== x);
          x--;
        }
        sink.emit(k);
      },
    };
    const stepActions = packed.stepActions;
    const stepSink: PackedStepSink = {
      next: scratch,
      emit(k: number, step: number): void {
        actionSink.emit(k, stepActions![step]);
      },
    };
    let transitions = 0;
    let deadlocks = 0;
    let firstDeadlock = -1;
    let deadlockHi = 0;
    let deadlockLo = 0;
    const frontier = this.frontier;
    frontier.rewind();
    const reply = (aborted: boolean): ExpandReply => ({ outboxes: writers.map((w) => w.finish()), transitions, deadlocks, firstDeadlock, deadlockHi, deadlockLo, aborted, stepFound, coverage: aborted ? [] : this.coverageCounts(logN) });
    for (let j = 0; j < this.frontierN; j++) {
      if ((j & 1023) === 1023 && shouldStop()) return reply(true);
      srcId = this.frontierIds[j]!;
      frontier.next(row);
      if (this.inBounds) {
        if (!this.inBounds(row)) {
          this.status[j] = OUT_OF_BOUNDS;
          if (coverageOf !== undefined) this.coverageEnd[j] = logN;
          continue;
        }
      }
      emitted = 0;
      try {
        if (!needAction) packed.expand(row, 0, sink);
        else {
          if (packed.expandActions !== undefined) packed.expandActions(row, 0, actionSink);
          else packed.expandSteps!(row, 0, stepSink);
        }
      } catch (e) {
        throw new ExpansionError(srcId, e);
      }
      if (coverageOf !== undefined) this.coverageEnd[j] = logN;
      if (this.sampler.take(depth)) {
        const id = srcId;
        try {
          assertSamePackedSuccessors(this.model.id, packed, row, 0, () => [id]);
        } catch (e) {
          throw new ExpansionError(id, e);
        }
      }
      this.status[j] = emitted;
      transitions += emitted;
      if (emitted === 0) {
        view.set(row);
        if (!(this.isTerminal && this.isTerminal(view))) {
          this.status[j] = DEADLOCK;
          deadlocks++;
          if (firstDeadlock < 0) {
            firstDeadlock = srcId;
            fingerprint(row, 0, W);
            deadlockHi = fpOut.hi;
            deadlockLo = fpOut.lo;
          }
        }
      }
    }
    return reply(false);
  }

  /**
   * Deduplicates the records addressed here (inboxes[q] from partition q, each in key order);
   * returns the keys (parent id, action) of the new states, in key order, as pairs.
   */
  receive(inboxes: readonly RecordBatch[]): Int32Array {
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
    const rows = this.batchRows;
    const bHi = this.batchHi;
    const bLo = this.batchLo;
    const bParent = this.batchParent;
    const bAction = this.batchAction;
    let n = 0;
    let left = total;
    while (left > 0) {
      let b = 0;
      for (; b < BATCH && left > 0; b++, left--) {
        // the smallest head among the sources (few sources: a linear scan beats a heap)
        let best: RecordReader | undefined;
        let bp = 0;
        let ba = 0;
        for (let q = 0; q < Q; q++) {
          const r = readers[q]!;
          if (r.i >= r.count) continue;
          const parent = r.parent;
          const action = r.action;
          if (best === undefined || parent < bp || (parent === bp && action < ba)) {
            best = r;
            bp = parent;
            ba = action;
          }
        }
        bHi[b] = best!.hi;
        bLo[b] = best!.lo;
        bParent[b] = bp;
        bAction[b] = ba;
        // every record's row is decoded, new or not: each is the delta base of the next in its box
        best!.next(rows, b * W);
      }
      this.sink ^= store.prefetch(bHi, bLo, b);
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
    const found: Found[] = [];
    if (open.length === 0 && !this.props.some((p) => p.kind === 'sometimes' && p.conjuncts)) return found;
    const W = this.W;
    const view = this.view;
    let still = [...open];
    const watch = this.props.map((p, i) => (p.kind === 'sometimes' && p.conjuncts ? Object.entries(p.conjuncts).map(([name, f]) => ({ name, f, i })) : [])).flat();
    this.frontier.rewind();
    for (let k = 0; k < this.frontierN; k++) {
      if (still.length === 0 && watch.length === 0) break;
      this.frontier.next(view);
      for (const w of watch) if (!this.conjunctsSeen[w.i]!.has(w.name) && stateHolds(w.name, w.f, view)) this.conjunctsSeen[w.i]!.add(w.name);
      for (let x = 0; x < still.length; x++) {
        const i = still[x]!;
        const p = this.props[i] as StateProperty;
        const r = stateHolds(p.name, p.holds, view);
        if (p.kind === 'always' ? !r : r) {
          fingerprint(view, 0, W);
          found.push({ property: i, id: this.frontierIds[k]!, action: 0, hi: fpOut.hi, lo: fpOut.lo });
          still = still.filter((q) => q !== i);
          x--;
        }
      }
    }
    return found;
  }

  /** Of the level expanded last: the smallest id ≥ from whose state was inside inBounds, or -1. */
  firstExpandedFrom(from: number): number {
    for (let j = 0; j < this.expandedN; j++) {
      const id = this.expandedIds[j]!;
      if (id >= from && this.expandedStatus[j]! !== OUT_OF_BOUNDS) return id;
    }
    return -1;
  }

  /** Of the level expanded last: transitions, deadlocks and coverage of the states with id ≤ last (a run that stops mid-level). */
  countUpTo(last: number): Counted {
    let transitions = 0;
    let deadlocks = 0;
    let j = 0;
    for (; j < this.expandedN && this.expandedIds[j]! <= last; j++) {
      const d = this.expandedStatus[j]!;
      if (d > 0) transitions += d;
      else if (d === DEADLOCK) deadlocks++;
    }
    const coverage = this.coverageOf !== undefined && j > 0 ? this.coverageCounts(this.coverageEnd[j - 1]!) : [];
    return { transitions, deadlocks, coverage };
  }

  /** The first `n` transitions of the coverage log, counted per bucket. */
  private coverageCounts(n: number): [string, number][] {
    if (this.coverageOf === undefined) return [];
    const per = new Int32Array(this.bucketNames.length);
    const log = this.coverageLog;
    for (let i = 0; i < n; i++) per[log[i]!]!++;
    const out: [string, number][] = [];
    per.forEach((c, b) => {
      if (c > 0) out.push([this.bucketNames[b]!, c]);
    });
    return out;
  }

  private bucketOf(name: string): number {
    let b = this.bucketIds.get(name);
    if (b === undefined) {
      b = this.bucketNames.length;
      this.bucketIds.set(name, b);
      this.bucketNames.push(name);
    }
    return b;
  }

  private growCoverageLog(): void {
    const bigger = new Int32Array(Math.max(1024, this.coverageLog.length * 2));
    bigger.set(this.coverageLog);
    this.coverageLog = bigger;
  }

  private promote(ids: Int32Array): void {
    const n = this.pendingN;
    if (ids.length !== n) throw new Error(`partition ${this.index}: ${ids.length} ids for ${n} new states`);
    this.expandedIds = this.frontierIds;
    this.expandedStatus = this.status;
    this.expandedN = this.frontierN;
    // the pending level becomes the frontier; the old frontier's buffers are reused for the next level
    const oldFrontier = this.frontier;
    this.frontier = this.pending;
    this.pending = oldFrontier;
    this.frontierIds = ids;
    this.frontierN = n;
    this.status = new Int32Array(n);
    this.pendingN = 0;
  }
}

/** A state property (or one of a witness's conjuncts) on one state; no closure per call (it runs on every new state). */
function stateHolds(name: string, holds: (s: Int32Array) => boolean, s: Int32Array): boolean {
  try {
    return holds(s);
  } catch (e) {
    if (e instanceof PropertyError) throw e;
    const err = new PropertyError(`property "${name}" threw ${thrownText(e)}`, `fix holds() of property "${name}" (re-run with --debug for the stack trace)`);
    err.cause = e;
    throw err;
  }
}

/** A step property on one transition; no closure per call (it runs on every transition). */
function stepHolds(p: StepProperty, s: Int32Array, a: unknown, t: Int32Array): boolean {
  try {
    return p.holds(s, a, t);
  } catch (e) {
    if (e instanceof PropertyError) throw e;
    const err = new PropertyError(`property "${p.name}" threw ${thrownText(e)}`, `fix holds() of property "${p.name}" (re-run with --debug for the stack trace)`);
    err.cause = e;
    throw err;
  }
}
