/**
 * What every kind of partition does with the states it expands, whatever it does with their
 * successors: bounds, deadlocks, step properties, coverage, the nondeterminism sample, and what the
 * coordinator asks afterwards of a level that stopped early (firstExpandedFrom, countUpTo). It
 * also evaluates the state properties on the states a partition is given ids for. The partition
 * supplies the rows it expands, in id order (its own states of the level, or the chunks it takes
 * as it goes) and a function receiving each successor (partition.ts routes it to its owner;
 * shared-table-partition.ts looks it up in the shared table).
 *
 * A level's expansion can pause between two states (`shouldPause`: the shared table must grow
 * first) and resume where it stopped; its counts run on across the pause.
 */
import { PropertyError, thrownText } from '../../errors.ts';
import type { Model, PackedActionSink, PackedModel, PackedSink, PackedStepSink } from '../../model.ts';
import { fingerprint, fpOut } from '../../state/fingerprint.ts';
import { NameIndex } from '../../util/name-index.ts';
import { assertSamePackedSuccessors, NondeterminismSampler } from '../nondeterminism.ts';
import type { PartitionProperty, StateProperty, StepProperty } from './partition-properties.ts';

const OUT_OF_BOUNDS = -1;
const DEADLOCK = -2;

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

/** What a level's expansion reports besides where its successors went. */
export interface LevelCounts {
  readonly transitions: number;
  readonly deadlocks: number;
  /** smallest id of a deadlocked (non-terminal, in-bounds, successor-free) state, or -1 */
  readonly firstDeadlock: number;
  readonly deadlockHi: number;
  readonly deadlockLo: number;
  /** the search was told to stop before the phase finished */
  readonly aborted: boolean;
  /** the expansion paused between two states and resumes on the next request */
  readonly paused: boolean;
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

/**
 * The rows a partition expands in a level, in id order: `next` writes state j's row and returns
 * its id, or -1 when there is none left before `count` (rows handed out as the level goes, the
 * shared-table workers' chunks).
 */
export interface LevelRows {
  readonly count: number;
  next(j: number, row: Int32Array): number;
}

/** Which expanded states to expand again to check the model is deterministic (by default: as one worker picks them, in expansion order). */
export type SampleChoice = (id: number, depth: number) => boolean;

/** Receives each successor of the state being expanded (its words in `next`, the sink's scratch row). */
export type SuccessorSink = (srcId: number, action: number, next: Int32Array) => void;

export class LevelExpander {
  private readonly W: number;
  private readonly model: Model<unknown, unknown>;
  private readonly packed: PackedModel;
  private readonly props: readonly PartitionProperty[];
  private readonly view: Int32Array;
  /** the state being expanded: the step properties' source state */
  private readonly row: Int32Array;
  private readonly scratch: Int32Array;
  private readonly inBounds: ((s: unknown) => boolean) | undefined;
  private readonly isTerminal: ((s: unknown) => boolean) | undefined;
  private readonly sample: SampleChoice;
  /** action → coverage bucket, when the run counts actions */
  private readonly coverageOf: ((a: unknown) => string) | undefined;
  private readonly buckets = new NameIndex();
  /** the level's bucket per transition, in expansion order; coverageEnd[j]: end of state j's */
  private coverageLog = new Int32Array(0);
  private coverageEnd = new Int32Array(0);
  /** per sometimes-property with conjuncts: the conjuncts seen true here */
  readonly conjunctsSeen: Set<string>[];

  /** the level being (or last) expanded: per state its id, and successors emitted, OUT_OF_BOUNDS or DEADLOCK */
  private ids = new Int32Array(0);
  private status = new Int32Array(0);
  private expandedN = 0;

  // the level in progress (kept across a pause)
  private j = 0;
  private transitions = 0;
  private deadlocks = 0;
  private firstDeadlock = -1;
  private deadlockHi = 0;
  private deadlockLo = 0;
  private logN = 0;
  private stepFound: Found[] = [];
  private steps: StepProperty[] = [];
  private stepIdx: number[] = [];
  private inLevel = false;

  // The sinks the model's expand calls back, made once: the generated expand functions call
  // sink.emit for every transition, and a new closure per level would make that call site see
  // another target at every level (at.4: 47) until V8 gives up inlining it.
  /** the state being expanded, and its successors so far */
  private srcId = 0;
  private emitted = 0;
  private successor: SuccessorSink = () => {};
  private readonly sink: PackedSink;
  private readonly actionSink: PackedActionSink;
  private readonly stepSink: PackedStepSink;

  constructor(model: Model<unknown, unknown>, packed: PackedModel, props: readonly PartitionProperty[], coverageOf?: (a: unknown) => string, sample?: SampleChoice) {
    const sampler = new NondeterminismSampler();
    this.sample = sample ?? ((_id, depth) => sampler.take(depth));
    this.model = model;
    this.packed = packed;
    this.props = props;
    this.coverageOf = coverageOf;
    this.W = packed.width;
    this.view = new Int32Array(this.W);
    this.row = new Int32Array(this.W);
    this.scratch = new Int32Array(this.W);
    this.inBounds = model.inBounds?.bind(model);
    this.isTerminal = model.isTerminal?.bind(model);
    this.conjunctsSeen = props.map(() => new Set<string>());
    const scratch = this.scratch;
    const row = this.row;
    const W = this.W;
    this.sink = {
      next: scratch,
      emit: (k: number): void => {
        this.emitted++;
        this.successor(this.srcId, k, scratch);
      },
    };
    // Step properties and coverage need each transition's action (as packed-bfs.ts): the state is
    // expanded from `row`, the step properties' source state.
    this.actionSink = {
      next: scratch,
      emit: (k: number, action: unknown): void => {
        const coverageOf = this.coverageOf;
        if (coverageOf !== undefined) {
          if (this.logN === this.coverageLog.length) this.growCoverageLog();
          this.coverageLog[this.logN++] = this.buckets.indexOf(coverageOf(action));
        }
        for (let x = 0; x < this.steps.length; x++) {
          const p = this.steps[x]!;
          if (stepHolds(p, row, action, scratch)) continue;
          fingerprint(scratch, 0, W);
          this.stepFound.push({ property: this.stepIdx[x]!, id: this.srcId, action: k, hi: fpOut.hi, lo: fpOut.lo });
          this.steps = this.steps.filter((q) => q !== p);
          this.stepIdx = this.stepIdx.filter((_, y) => y !== x);
          x--;
        }
        this.sink.emit(k);
      },
    };
    const stepActions = packed.stepActions;
    this.stepSink = {
      next: scratch,
      emit: (k: number, step: number): void => {
        this.actionSink.emit(k, stepActions![step]);
      },
    };
  }

  /**
   * Expands `rows` (or goes on with the level a pause interrupted); `openSteps` indexes the step
   * properties still without a violation. Stops early when `shouldStop` (aborted) or, between
   * two states, `shouldPause` (paused) says so.
   */
  expand(depth: number, openSteps: readonly number[], rows: LevelRows, successor: SuccessorSink, shouldStop: () => boolean, shouldPause?: () => boolean): LevelCounts {
    const W = this.W;
    const n = rows.count;
    if (!this.inLevel) this.begin(n, openSteps);
    const packed = this.packed;
    const row = this.row;
    const view = this.view;
    const sink = this.sink;
    const actionSink = this.actionSink;
    const stepSink = this.stepSink;
    this.successor = successor;
    const coverageOf = this.coverageOf;
    const needAction = this.steps.length > 0 || coverageOf !== undefined;
    let srcId = 0;
    for (; this.j < n; this.j++) {
      const j = this.j;
      // from the level's first state on: a worker's heap check must run even when levels are small
      if ((j & 1023) === 0 && shouldStop()) return this.counts(true, false);
      if (shouldPause !== undefined && shouldPause()) return this.counts(false, true);
      srcId = rows.next(j, row);
      if (srcId < 0) break;
      this.srcId = srcId;
      this.ids[j] = srcId;
      if (this.inBounds) {
        if (!this.inBounds(row)) {
          this.status[j] = OUT_OF_BOUNDS;
          if (coverageOf !== undefined) this.coverageEnd[j] = this.logN;
          continue;
        }
      }
      this.emitted = 0;
      try {
        if (!needAction) packed.expand(row, 0, sink);
        else if (packed.expandActions !== undefined) packed.expandActions(row, 0, actionSink);
        else packed.expandSteps!(row, 0, stepSink);
      } catch (e) {
        throw new ExpansionError(srcId, e);
      }
      if (coverageOf !== undefined) this.coverageEnd[j] = this.logN;
      if (this.sample(srcId, depth)) {
        const id = srcId;
        try {
          assertSamePackedSuccessors(this.model.id, packed, row, 0, () => [id]);
        } catch (e) {
          throw new ExpansionError(id, e);
        }
      }
      const emitted = this.emitted;
      this.status[j] = emitted;
      this.transitions += emitted;
      if (emitted === 0) {
        view.set(row);
        if (!(this.isTerminal && this.isTerminal(view))) {
          this.status[j] = DEADLOCK;
          this.deadlocks++;
          if (this.firstDeadlock < 0) {
            this.firstDeadlock = srcId;
            fingerprint(row, 0, W);
            this.deadlockHi = fpOut.hi;
            this.deadlockLo = fpOut.lo;
          }
        }
      }
    }
    this.expandedN = this.j;
    return this.counts(false, false);
  }

  /** Evaluates the open state properties (and the witnesses' conjuncts) on new states; returns the first hit of each. */
  checkNew(open: readonly number[], rows: LevelRows): Found[] {
    const found: Found[] = [];
    const watch = this.props.map((p, i) => (p.kind === 'sometimes' && p.conjuncts ? Object.entries(p.conjuncts).map(([name, f]) => ({ name, f, i })) : [])).flat();
    if (open.length === 0 && watch.length === 0) return found;
    const view = this.view;
    let still = [...open];
    for (let k = 0; k < rows.count; k++) {
      if (still.length === 0 && watch.length === 0) break;
      const id = rows.next(k, view);
      for (const w of watch) if (!this.conjunctsSeen[w.i]!.has(w.name) && stateHolds(w.name, w.f, view)) this.conjunctsSeen[w.i]!.add(w.name);
      for (let x = 0; x < still.length; x++) {
        const i = still[x]!;
        const p = this.props[i] as StateProperty;
        const r = stateHolds(p.name, p.holds, view);
        if (p.kind === 'always' ? !r : r) {
          fingerprint(view, 0, this.W);
          found.push({ property: i, id, action: 0, hi: fpOut.hi, lo: fpOut.lo });
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
      const id = this.ids[j]!;
      if (id >= from && this.status[j]! !== OUT_OF_BOUNDS) return id;
    }
    return -1;
  }

  /** Of the level expanded last: transitions, deadlocks and coverage of the states with id ≤ last (a run that stops mid-level). */
  countUpTo(last: number): Counted {
    let transitions = 0;
    let deadlocks = 0;
    let j = 0;
    for (; j < this.expandedN && this.ids[j]! <= last; j++) {
      const d = this.status[j]!;
      if (d > 0) transitions += d;
      else if (d === DEADLOCK) deadlocks++;
    }
    const coverage = this.coverageOf !== undefined && j > 0 ? this.coverageCounts(this.coverageEnd[j - 1]!) : [];
    return { transitions, deadlocks, coverage };
  }

  /** Adds conjuncts another partition saw true (a partition continuing on another thread). */
  addConjuncts(seen: readonly (readonly string[])[]): void {
    seen.forEach((names, i) => {
      for (const n of names) this.conjunctsSeen[i]!.add(n);
    });
  }

  private begin(n: number, openSteps: readonly number[]): void {
    this.inLevel = true;
    this.j = 0;
    this.transitions = 0;
    this.deadlocks = 0;
    this.firstDeadlock = -1;
    this.deadlockHi = 0;
    this.deadlockLo = 0;
    this.logN = 0;
    this.stepFound = [];
    this.steps = openSteps.map((i) => this.props[i] as StepProperty);
    this.stepIdx = [...openSteps];
    if (this.ids.length < n) {
      this.ids = new Int32Array(n);
      this.status = new Int32Array(n);
    }
    this.expandedN = n;
    if (this.coverageOf !== undefined && this.coverageEnd.length < n) this.coverageEnd = new Int32Array(n);
  }

  private counts(aborted: boolean, paused: boolean): LevelCounts {
    if (!paused) this.inLevel = false;
    return {
      transitions: this.transitions, deadlocks: this.deadlocks, firstDeadlock: this.firstDeadlock, deadlockHi: this.deadlockHi, deadlockLo: this.deadlockLo,
      aborted, paused, stepFound: this.stepFound, coverage: aborted || paused ? [] : this.coverageCounts(this.logN),
    };
  }

  /** The first `n` transitions of the coverage log, counted per bucket. */
  private coverageCounts(n: number): [string, number][] {
    if (this.coverageOf === undefined) return [];
    const per = new Int32Array(this.buckets.names.length);
    const log = this.coverageLog;
    for (let i = 0; i < n; i++) per[log[i]!]!++;
    const out: [string, number][] = [];
    per.forEach((c, b) => {
      if (c > 0) out.push([this.buckets.names[b]!, c]);
    });
    return out;
  }

  private growCoverageLog(): void {
    const bigger = new Int32Array(Math.max(1024, this.coverageLog.length * 2));
    bigger.set(this.coverageLog);
    this.coverageLog = bigger;
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
