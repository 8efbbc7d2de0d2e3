/**
 * One partition of a multi-worker BFS (owner-computes): it owns the fingerprints that
 * `partitionOf` maps to it, stores them, keeps the frontier states it owns, and evaluates state
 * properties on them. Pure and synchronous: a worker thread (worker.ts) or the caller's own
 * thread (InProcessPool) drives it phase by phase; it never sees the other partitions.
 *
 * A level runs in three phases:
 *  1. expand: every frontier state (in id order) is expanded; each successor goes, as a record
 *     [parent id, action index, fp hi, fp lo, words…], to the outbox of the partition owning it.
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
import { VisitedStore } from '../../state/visited-store.ts';
import { assertSamePackedSuccessors, NondeterminismSampler } from '../nondeterminism.ts';

/** Words of a successor record before the state's own words. */
export const RECORD_HEAD = 4;

const BATCH = 64;
const OUT_OF_BOUNDS = -1;
const DEADLOCK = -2;

/** Owner of a fingerprint: bits the visited store uses for neither its segment (top of hi) nor its home (top of lo). */
export function partitionOf(hi: number, partitions: number): number {
  return ((hi & 0xffff) * partitions) >>> 16;
}

export interface ExpandReply {
  /** outbox[p] = records for partition p, counts[p] of them */
  readonly outboxes: Int32Array[];
  readonly counts: number[];
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

  private frontier = new Int32Array(0);
  private frontierIds: Int32Array = new Int32Array(0);
  private frontierN = 0;
  /** per frontier state once expanded: successors emitted, OUT_OF_BOUNDS, or DEADLOCK */
  private status = new Int32Array(0);
  /** the level expanded last (ids and status), still asked about after its successors became the frontier */
  private expandedIds: Int32Array = new Int32Array(0);
  private expandedStatus = new Int32Array(0);
  private expandedN = 0;

  private pending = new Int32Array(0);
  private pendingN = 0;
  /** buffers to reuse as outboxes, largest last */
  private readonly spares: Int32Array[] = [];
  private keys = new Int32Array(0);
  private readonly batchSrc = new Int32Array(BATCH);
  private readonly batchOff = new Int32Array(BATCH);
  private readonly batchHi = new Int32Array(BATCH);
  private readonly batchLo = new Int32Array(BATCH);
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
      frontier: this.frontier.slice(0, this.frontierN * this.W),
      ids: this.frontierIds.slice(0, this.frontierN),
      conjunctsSeen: this.conjunctsSeen.map((c) => [...c]),
    };
  }

  /** Continues where the exported partition stopped (a fresh partition, before its first level). */
  adopt(state: PartitionState): void {
    const f = state.fingerprints;
    for (let i = 0; i < f.length; i += 2) this.store.insert(f[i]!, f[i + 1]!, 0, 0);
    state.conjunctsSeen.forEach((names, i) => {
      for (const n of names) this.conjunctsSeen[i]!.add(n);
    });
    this.pending = new Int32Array(state.frontier.buffer as ArrayBuffer, state.frontier.byteOffset, state.frontier.length);
    this.pendingN = state.ids.length;
    this.promote(state.ids);
  }

  /** Initial states owned here: records [id, -, hi, lo, words…] in id order. */
  seed(records: Int32Array, n: number): void {
    const R = this.W + RECORD_HEAD;
    this.ensurePending(n);
    for (let k = 0; k < n; k++) {
      const o = k * R;
      this.store.insert(records[o + 2]!, records[o + 3]!, 0, 0);
      this.pending.set(records.subarray(o + RECORD_HEAD, o + R), k * this.W);
    }
    const ids = new Int32Array(n);
    for (let k = 0; k < n; k++) ids[k] = records[k * R]!;
    this.pendingN = n;
    this.promote(ids);
  }

  /** Expands the frontier; `openSteps` indexes the step properties still without a violation. */
  expand(depth: number, openSteps: readonly number[], shouldStop: () => boolean): ExpandReply {
    const W = this.W;
    const R = W + RECORD_HEAD;
    const P = this.partitions;
    const packed = this.packed;
    const view = this.view;
    const expectPer = Math.max(64, Math.ceil((this.frontierN * 4) / P));
    const outboxes: Int32Array[] = [];
    const counts: number[] = [];
    for (let p = 0; p < P; p++) {
      // the buffers received last level are spare now (moved here, not copied): fresh memory costs page faults
      const spare = this.spares.pop();
      outboxes.push(spare !== undefined && spare.length >= R * 64 ? spare : new Int32Array(expectPer * R));
      counts.push(0);
    }
    const scratch = new Int32Array(W);
    let srcId = 0;
    let emitted = 0;
    const sink: PackedSink = {
      next: scratch,
      emit(k: number): void {
        emitted++;
        fingerprint(scratch, 0, W);
        const hi = fpOut.hi;
        const p = partitionOf(hi, P);
        let box = outboxes[p]!;
        const n = counts[p]!;
        if ((n + 1) * R > box.length) {
          const bigger = new Int32Array(box.length * 2);
          bigger.set(box);
          outboxes[p] = box = bigger;
        }
        const o = n * R;
        box[o] = srcId;
        box[o + 1] = k;
        box[o + 2] = hi;
        box[o + 3] = fpOut.lo;
        for (let i = 0; i < W; i++) box[o + RECORD_HEAD + i] = scratch[i]!;
        counts[p] = n + 1;
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
    const src = this.frontier;
    const reply = (aborted: boolean): ExpandReply => ({ outboxes, counts, transitions, deadlocks, firstDeadlock, deadlockHi, deadlockLo, aborted, stepFound, coverage: aborted ? [] : this.coverageCounts(logN) });
    for (let j = 0; j < this.frontierN; j++) {
      if ((j & 1023) === 1023 && shouldStop()) return reply(true);
      srcId = this.frontierIds[j]!;
      const off = j * W;
      if (this.inBounds) {
        view.set(src.subarray(off, off + W));
        if (!this.inBounds(view)) {
          this.status[j] = OUT_OF_BOUNDS;
          if (coverageOf !== undefined) this.coverageEnd[j] = logN;
          continue;
        }
      }
      emitted = 0;
      try {
        if (!needAction) packed.expand(src, off, sink);
        else {
          for (let i = 0; i < W; i++) row[i] = src[off + i]!;
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
          assertSamePackedSuccessors(this.model.id, packed, src, off, () => [id]);
        } catch (e) {
          throw new ExpansionError(id, e);
        }
      }
      this.status[j] = emitted;
      transitions += emitted;
      if (emitted === 0) {
        view.set(src.subarray(off, off + W));
        if (!(this.isTerminal && this.isTerminal(view))) {
          this.status[j] = DEADLOCK;
          deadlocks++;
          if (firstDeadlock < 0) {
            firstDeadlock = srcId;
            fingerprint(src, off, W);
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
  receive(inboxes: readonly Int32Array[], counts: readonly number[]): Int32Array {
    const W = this.W;
    const R = W + RECORD_HEAD;
    const Q = inboxes.length;
    const pos = new Int32Array(Q);
    let total = 0;
    for (const c of counts) total += c;
    this.ensurePending(total);
    if (this.keys.length < 2 * total) this.keys = new Int32Array(2 * total);
    const keys = this.keys;
    const store = this.store;
    // Merged in batches: the batch's home slots are loaded first, so their cache misses overlap (as packed-bfs.ts does)
    const bSrc = this.batchSrc;
    const bOff = this.batchOff;
    const bHi = this.batchHi;
    const bLo = this.batchLo;
    let n = 0;
    let left = total;
    while (left > 0) {
      let b = 0;
      for (; b < BATCH && left > 0; b++, left--) {
        // the smallest head among the sources (few sources: a linear scan beats a heap)
        let best = -1;
        let bp = 0;
        let ba = 0;
        for (let q = 0; q < Q; q++) {
          const i = pos[q]!;
          if (i >= counts[q]!) continue;
          const box = inboxes[q]!;
          const o = i * R;
          const parent = box[o]!;
          const action = box[o + 1]!;
          if (best < 0 || parent < bp || (parent === bp && action < ba)) {
            best = q;
            bp = parent;
            ba = action;
          }
        }
        const o = pos[best]! * R;
        pos[best]!++;
        bSrc[b] = best;
        bOff[b] = o;
        bHi[b] = inboxes[best]![o + 2]!;
        bLo[b] = inboxes[best]![o + 3]!;
      }
      this.sink ^= store.prefetch(bHi, bLo, b);
      for (let x = 0; x < b; x++) {
        if (store.insert(bHi[x]!, bLo[x]!, 0, 0) < 0) continue;
        const box = inboxes[bSrc[x]!]!;
        const o = bOff[x]!;
        const pending = this.pending;
        // a loop, not set(subarray): a view per record would allocate on the hot path
        for (let i = 0, d = n * W, f = o + RECORD_HEAD; i < W; i++) pending[d + i] = box[f + i]!;
        keys[2 * n] = box[o]!;
        keys[2 * n + 1] = box[o + 1]!;
        n++;
      }
    }
    this.pendingN = n;
    for (const box of inboxes) this.spares.push(box);
    this.spares.sort((a, b) => b.length - a.length).length = Math.min(this.spares.length, this.partitions);
    this.spares.reverse();
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
    for (let k = 0; k < this.frontierN; k++) {
      if (still.length === 0 && watch.length === 0) break;
      view.set(this.frontier.subarray(k * W, k * W + W));
      for (const w of watch) if (!this.conjunctsSeen[w.i]!.has(w.name) && this.holds(w.name, () => w.f(view))) this.conjunctsSeen[w.i]!.add(w.name);
      for (let x = 0; x < still.length; x++) {
        const i = still[x]!;
        const p = this.props[i] as StateProperty;
        const r = this.holds(p.name, () => p.holds(view));
        if (p.kind === 'always' ? !r : r) {
          fingerprint(this.frontier, k * W, W);
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

  private holds(name: string, f: () => boolean): boolean {
    try {
      return f();
    } catch (e) {
      const err = new PropertyError(`property "${name}" threw ${thrownText(e)}`, `fix holds() of property "${name}" (re-run with --debug for the stack trace)`);
      err.cause = e;
      throw err;
    }
  }

  private promote(ids: Int32Array): void {
    const n = this.pendingN;
    if (ids.length !== n) throw new Error(`partition ${this.index}: ${ids.length} ids for ${n} new states`);
    this.expandedIds = this.frontierIds;
    this.expandedStatus = this.status;
    this.expandedN = this.frontierN;
    // the pending buffer becomes the frontier; the old frontier is reused for the next level
    const oldFrontier = this.frontier;
    this.frontier = this.pending;
    this.pending = oldFrontier;
    this.frontierIds = ids;
    this.frontierN = n;
    this.status = new Int32Array(n);
    this.pendingN = 0;
  }

  private ensurePending(n: number): void {
    if (this.pending.length < n * this.W) this.pending = new Int32Array(Math.max(n, 64) * this.W);
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
