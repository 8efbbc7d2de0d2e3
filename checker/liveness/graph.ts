/**
 * The reachable state graph, explicit, for liveness: breadth-first from the initial states, every
 * state gets a dense id (in discovery order) and its out-edges are stored in CSR form (`off`,
 * `dst`), in emission order, so edge `off[v] + k` is action index k of v and any path in the graph
 * is a replay path. Per edge, optionally, the fairness unit and whether it is a progress action;
 * per state, one byte per predicate the properties ask about. No state object outlives its
 * expansion: everything kept is typed arrays (≈ 13 bytes per edge plus 30 per state).
 */
import { Grow } from './grow.ts';
import type { ResolvedCheckConfig } from '../config.ts';
import { ModelContractError } from '../errors.ts';
import type { Model, PackedStepSink } from '../model.ts';
import { WordWriter } from '../state/codec.ts';
import { fingerprint, fpOut } from '../state/fingerprint.ts';
import { fingerprintState } from '../state/fingerprint-state.ts';
import { contractError } from '../search/bfs.ts';
import type { SearchControl } from '../search/control.ts';
import type { IncompleteReason } from '../result.ts';
import { IdTable } from './id-table.ts';

export interface StateGraph {
  /** number of states */
  readonly n: number;
  /** out-edges of v: dst[off[v] .. off[v+1]) */
  readonly off: Int32Array;
  readonly dst: Int32Array;
  /** per edge: interned fairness unit (index into `units`), or absent when no property needs fairness */
  readonly edgeUnit: Int32Array | undefined;
  /** per edge: 1 when the action is a progress action (non-progress cycles only) */
  readonly edgeProgress: Uint8Array | undefined;
  /** per predicate, per state: 1 when it holds */
  readonly labels: readonly Uint8Array[];
  /** state id of initial state i */
  readonly initIds: Int32Array;
  /** 1 for states not expanded (outside inBounds or at the depth bound): their edges are unknown */
  readonly cut: Uint8Array;
  readonly cutCount: number;
  readonly transitions: number;
  /** expanded states without successors that the model does not call terminal */
  readonly deadlocks: number;
  readonly maxDepth: number;
  readonly complete: boolean;
  readonly reason?: IncompleteReason;
  readonly bytes: number;
}

/** What the graph records per edge, given the action (object models) or its step's action (packed). */
export interface EdgeLabelling<A> {
  /** interned unit id ≥ 0 of a transition's action */
  readonly unitOf?: (a: A) => number;
  readonly isProgress?: (a: A) => boolean;
}

const POLL_EVERY = 1024;

export function buildGraph<S, A>(
  model: Model<S, A>,
  predicates: readonly ((s: S) => boolean)[],
  labelling: EdgeLabelling<A>,
  config: ResolvedCheckConfig,
  control: SearchControl,
): StateGraph {
  const ids = new IdTable();
  const off = new Grow(Int32Array, 1 << 12);
  const dst = new Grow(Int32Array, 1 << 14);
  const unitOf = labelling.unitOf;
  const isProgress = labelling.isProgress;
  const edgeUnit = unitOf ? new Grow(Int32Array, 1 << 14) : undefined;
  const edgeProgress = isProgress ? new Grow(Uint8Array, 1 << 14) : undefined;
  const labels = predicates.map(() => new Grow(Uint8Array, 1 << 12));
  const depthOf = new Grow(Int32Array, 1 << 12);
  const cut = new Grow(Uint8Array, 1 << 12);
  let cutCount = 0;
  let maxDepth = 0;
  let stopped: IncompleteReason | undefined;
  const inBounds = model.inBounds?.bind(model);
  const packed = model.packed;
  const usePacked = packed !== undefined && (unitOf === undefined && isProgress === undefined ? true : packed.expandSteps !== undefined);

  /** Records a newly found state's labels and depth; returns false when the state bound is hit. */
  const label = (s: S, depth: number): void => {
    for (let p = 0; p < predicates.length; p++) labels[p]!.push(predicates[p]!(s) ? 1 : 0);
    depthOf.push(depth);
    if (depth > maxDepth) maxDepth = depth;
  };
  const full = (): boolean => {
    if (ids.size >= config.maxStates) stopped = 'maxStates';
    return stopped !== undefined;
  };

  let transitions = 0;
  let deadlocks = 0;
  const isTerminal = model.isTerminal?.bind(model);
  // each level's size as its expansion starts (v, its first state: every state found from v on is
  // of its depth), for a trial that may end in the search's tail (SearchControl.levelStarts)
  const levelSizes: number[] = [];
  let levelDepth = -1;
  const levelStarts = (v: number, depth: number): void => {
    levelDepth = depth;
    levelSizes.push(ids.size - v);
    control.levelStarts(levelSizes, ids.size);
  };
  const initIds: number[] = [];

  if (usePacked) {
    const W = packed.width;
    const view = new Int32Array(W);
    const asS = view as unknown as S;
    // FIFO of state vectors in id order: state id v sits at (v - base) * W.
    let queue = new Int32Array(W * 1024);
    let base = 0;
    const scratch = new Int32Array(W);
    const enqueue = (src: Int32Array, depth: number): number => {
      fingerprint(src, 0, W);
      const id = ids.idOf(fpOut.hi, fpOut.lo);
      if (!ids.added) return id;
      const at = (id - base) * W;
      if (at + W > queue.length) {
        const q = new Int32Array(queue.length * 2);
        q.set(queue);
        queue = q;
      }
      queue.set(src, at);
      view.set(src);
      label(asS, depth);
      return id;
    };
    const nInit = packed.initial(-1, scratch);
    if (nInit <= 0) throw new ModelContractError(`model ${model.id} has no initial state`, 'packed.initial(-1) must return at least 1');
    for (let i = 0; i < nInit; i++) {
      packed.initial(i, scratch);
      initIds.push(enqueue(scratch, 0));
    }
    const stepActions = (packed.stepActions ?? []) as readonly A[];
    const stepUnit = unitOf ? Int32Array.from(stepActions, (a) => unitOf(a)) : undefined;
    const stepProgress = isProgress ? Uint8Array.from(stepActions, (a) => (isProgress(a) ? 1 : 0)) : undefined;
    let depth = 0;
    const sink: PackedStepSink = {
      next: scratch,
      emit(_k: number, step: number): void {
        transitions++;
        dst.push(enqueue(scratch, depth + 1));
        if (stepUnit) edgeUnit!.push(stepUnit[step]!);
        if (stepProgress) edgeProgress!.push(stepProgress[step]!);
      },
    };
    const plainSink = { next: scratch, emit: (k: number) => sink.emit(k, 0) };
    let poll = POLL_EVERY;
    for (let v = 0; v < ids.size; v++) {
      off.push(dst.n);
      depth = depthOf.a[v]!;
      if (depth !== levelDepth) levelStarts(v, depth);
      const at = (v - base) * W;
      const expand = !(depth >= config.maxDepth) && (!inBounds || (view.set(queue.subarray(at, at + W)), inBounds(asS)));
      cut.push(expand ? 0 : 1);
      if (!expand) {
        cutCount++;
        continue;
      }
      try {
        if (packed.expandSteps && (stepUnit || stepProgress)) packed.expandSteps(queue, at, sink);
        else packed.expand(queue, at, plainSink);
      } catch (e) {
        throw contractError(model.id, 'packed.expand()', [], e);
      }
      if (dst.n === off.a[v]! && !(isTerminal && (view.set(queue.subarray(at, at + W)), isTerminal(asS)))) deadlocks++;
      // Drop the expanded prefix of the FIFO now and then (amortised: only when it is most of it).
      const done = v + 1 - base;
      if (done > 4096 && done * 2 > ids.size - base) {
        queue.copyWithin(0, done * W, (ids.size - base) * W);
        base = v + 1;
      }
      if (full()) break;
      if (--poll === 0) {
        poll = POLL_EVERY;
        if (control.poll(() => progress(ids.size, transitions, maxDepth, control.elapsedMs()), depth)) break;
      }
    }
  } else {
    const w = new WordWriter();
    const codec = model.codec;
    let queue: (S | undefined)[] = [];
    let base = 0;
    const enqueue = (s: S, depth: number): number => {
      fingerprintState(codec, s, w);
      const id = ids.idOf(fpOut.hi, fpOut.lo);
      if (!ids.added) return id;
      queue.push(s);
      label(s, depth);
      return id;
    };
    const inits = model.initialStates();
    if (inits.length === 0) throw new ModelContractError(`model ${model.id} has no initial state`, 'initialStates() must return at least one state');
    for (const s of inits) initIds.push(enqueue(s, 0));
    let depth = 0;
    const emit = (a: A, t: S): void => {
      transitions++;
      dst.push(enqueue(t, depth + 1));
      if (unitOf) edgeUnit!.push(unitOf(a));
      if (isProgress) edgeProgress!.push(isProgress(a) ? 1 : 0);
    };
    let poll = POLL_EVERY;
    for (let v = 0; v < ids.size; v++) {
      off.push(dst.n);
      depth = depthOf.a[v]!;
      if (depth !== levelDepth) levelStarts(v, depth);
      const s = queue[v - base]!;
      queue[v - base] = undefined;
      const expand = !(depth >= config.maxDepth) && (!inBounds || inBounds(s));
      cut.push(expand ? 0 : 1);
      if (!expand) {
        cutCount++;
      } else {
        try {
          model.successors(s, emit);
        } catch (e) {
          throw contractError(model.id, 'successors()', [], e);
        }
        if (dst.n === off.a[v]! && !(isTerminal && isTerminal(s))) deadlocks++;
      }
      if (v - base > 4096 && (v - base) * 2 > queue.length) {
        queue = queue.slice(v + 1 - base);
        base = v + 1;
      }
      if (full()) break;
      if (--poll === 0) {
        poll = POLL_EVERY;
        if (control.poll(() => progress(ids.size, transitions, maxDepth, control.elapsedMs()), depth)) break;
      }
    }
  }
  if (control.stopReason !== undefined) stopped = control.stopReason;
  // A stopped run leaves states without an off entry: close the CSR so every id has one.
  while (off.n < ids.size) {
    off.push(dst.n);
    cut.push(1);
    cutCount++;
  }
  off.push(dst.n);
  return sealGraph({ n: ids.size, off, dst, edgeUnit, edgeProgress, labels, initIds, cut, cutCount, transitions, deadlocks, maxDepth, stopped }, ids.bytes());
}

/** What a graph build has gathered when it ends: its growable arrays, counts and why it stopped (if it did). */
export interface GraphParts {
  readonly n: number;
  readonly off: Grow<Int32Array>;
  readonly dst: Grow<Int32Array>;
  readonly edgeUnit: Grow<Int32Array> | undefined;
  readonly edgeProgress: Grow<Uint8Array> | undefined;
  readonly labels: readonly Grow<Uint8Array>[];
  readonly initIds: readonly number[];
  readonly cut: Grow<Uint8Array>;
  readonly cutCount: number;
  readonly transitions: number;
  readonly deadlocks: number;
  readonly maxDepth: number;
  readonly stopped: IncompleteReason | undefined;
}

/** The graph from its parts; `idBytes`: what the state-to-id map held, counted in its bytes. */
export function sealGraph(p: GraphParts, idBytes: number): StateGraph {
  const g: StateGraph = {
    n: p.n,
    off: p.off.done(),
    dst: p.dst.done(),
    edgeUnit: p.edgeUnit?.done(),
    edgeProgress: p.edgeProgress?.done(),
    labels: p.labels.map((l) => l.done()),
    initIds: Int32Array.from(p.initIds),
    cut: p.cut.done(),
    cutCount: p.cutCount,
    transitions: p.transitions,
    deadlocks: p.deadlocks,
    maxDepth: p.maxDepth,
    complete: p.stopped === undefined,
    ...(p.stopped === undefined ? {} : { reason: p.stopped }),
    bytes: 0,
  };
  return { ...g, bytes: graphBytes(g) + idBytes };
}

function graphBytes(g: StateGraph): number {
  let b = g.off.byteLength + g.dst.byteLength + g.cut.byteLength + (g.edgeUnit?.byteLength ?? 0) + (g.edgeProgress?.byteLength ?? 0);
  for (const l of g.labels) b += l.byteLength;
  return b;
}

function progress(distinct: number, transitions: number, maxDepth: number, elapsedMs: number) {
  return { distinct, transitions, maxDepth, queued: 0, deadlocks: 0, elapsedMs, peakRssBytes: 0, bytesPerState: 0, collisionProbability: 0 };
}
