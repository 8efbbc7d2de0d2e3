/**
 * BFS over fixed-width Int32 state vectors (Model.packed): the same search as bfs.ts, with the
 * level queues as flat typed arrays and successors written into one scratch vector, so the hot
 * loop allocates nothing per state or per transition. Used for DVE models and any model that
 * offers a packed form; tests check it agrees with the object BFS.
 */
import type { ResolvedCheckConfig } from '../config.ts';
import { ModelContractError } from '../errors.ts';
import type { Model, PackedActionSink, PackedModel, PackedSink, PackedStepSink } from '../model.ts';
import { fingerprint, fingerprintFinish, fingerprintSums, fpOut, fpSums, laneA, laneB, SUM_MIN_WIDTH } from '../state/fingerprint.ts';
import { Frontier } from '../state/frontier.ts';
import { VisitedStore } from '../state/visited-store.ts';
import { contractError } from './bfs.ts';
import { assertSamePackedSuccessors, NondeterminismSampler } from './nondeterminism.ts';
import type { SearchControl } from './control.ts';
import type { CheckOptions } from './options.ts';
import { type Counts, finishSearch, progressStats, type SearchOutcome } from './outcome.ts';
import { msLeft } from './level-tail.ts';
import type { PropertyTracker } from './tracker.ts';

const POLL_EVERY = 1024;

/** Can the packed form name each transition's action (for step properties and coverage)? */
export function packedActions(packed: PackedModel): boolean {
  return packed.expandActions !== undefined || (packed.expandSteps !== undefined && packed.stepActions !== undefined);
}

/** When a search may stop at the end of a level to be continued elsewhere (the first condition met). */
export interface SuspendWhen {
  /** at the first level end after this much search time */
  readonly afterMs?: number;
  /** at the end of this level (1: once the initial states are expanded), whatever the time: deterministic, for tests */
  readonly afterLevels?: number;
  /**
   * with afterMs: not while the levels shrink towards an end guessed nearer than this, at the
   * search's own pace so far (level-tail.ts) — handing over costs more than such a tail
   */
  readonly unlessEndWithinMs?: number;
}

/**
 * A search stopped between two levels, with everything needed to continue it exactly as it would
 * have gone on (parallel/parallel-bfs.ts continues it on the partitions). `visited` and `frontier`
 * are large: the taker clears them once read, so their memory is freed while the search goes on.
 */
export interface SuspendedSearch {
  readonly suspended: true;
  /** levels expanded: the frontier's BFS depth */
  readonly depth: number;
  /** every state found (fingerprints, and parent and action per id: the ids one worker gives) */
  visited: VisitedStore | undefined;
  /** the level to expand next: rows and ids, the last `size` ids given */
  frontier: Frontier | undefined;
  readonly transitions: number;
  readonly deadlocks: number;
  readonly maxDepth: number;
  readonly coverage?: Map<string, number>;
}

export function packedBfs<S, A>(
  model: Model<S, A>,
  packed: PackedModel,
  tracker: PropertyTracker<S, A>,
  config: ResolvedCheckConfig,
  control: SearchControl,
  options: CheckOptions<A> = {},
): SearchOutcome {
  return packedBfsUntil(model, packed, tracker, config, control, options, {}) as SearchOutcome;
}

/** packedBfs that stops between two levels once `suspend` says so (and the search has a level left to expand). */
export function packedBfsUntil<S, A>(
  model: Model<S, A>,
  packed: PackedModel,
  tracker: PropertyTracker<S, A>,
  config: ResolvedCheckConfig,
  control: SearchControl,
  options: CheckOptions<A>,
  suspend: SuspendWhen,
): SearchOutcome | SuspendedSearch {
  const W = packed.width;
  const store = new VisitedStore();
  const stateProps = tracker.hasStateProperties;
  const stepProps = tracker.hasStepProperties;
  const coverageKey = options.coverage;
  const coverage = coverageKey ? new Map<string, number>() : undefined;
  // the transition's action is needed only for step properties and coverage
  const needAction = stepProps || coverage !== undefined;
  if (needAction && !packedActions(packed)) {
    throw new ModelContractError(`model ${model.id}: step properties or coverage need the packed form to name each action`, 'give the packed form expandActions (or expandSteps with stepActions)');
  }
  // Properties, bounds and terminal checks see the state as S = Int32Array (a reused view).
  const view = new Int32Array(W);
  const asS = view as unknown as S;
  const inBounds = model.inBounds?.bind(model);
  const isTerminal = model.isTerminal?.bind(model);

  // the level being expanded and the one being found, compressed (state/frontier.ts); `row` holds
  // the state being expanded
  let cur = new Frontier(W);
  let next = new Frontier(W);
  const row = new Int32Array(W);
  const rowS = row as unknown as S;
  /** rows of `cur` read so far */
  let done = 0;

  let transitions = 0;
  let deadlocks = 0;
  let depth = 0;
  let maxDepth = 0;
  let full = false;
  const maxStates = config.maxStates;
  let srcId = 0;
  let emitted = 0;
  tracker.pathOf = (id) => store.pathTo(id);

  // Successors are batched: fingerprints first, then one branch-free pass that loads every home
  // slot (so the cache and TLB misses of the batch overlap), then the inserts in emission order,
  // which keeps ids, traces and every count exactly as without batching.
  const BATCH = 64;
  const batch = new Int32Array(BATCH * W);
  const batchHi = new Int32Array(BATCH);
  const batchLo = new Int32Array(BATCH);
  const batchParent = new Int32Array(BATCH);
  const batchAction = new Int32Array(BATCH);
  let batchN = 0;
  // Written, never read: keeps the prefetch loads alive (a context slot write is not dead code).
  let sinkValue = 0;

  const flush = (): void => {
    sinkValue ^= store.prefetch(batchHi, batchLo, batchN);
    for (let b = 0; b < batchN; b++) {
      if (full) break;
      const hi = batchHi[b]!;
      const lo = batchLo[b]!;
      const id = store.insert(hi, lo, batchParent[b]!, batchAction[b]!);
      if (id < 0) continue;
      const src = b * W;
      next.push(batch, src, id);
      maxDepth = depth + 1;
      if (stateProps) {
        view.set(batch.subarray(src, src + W));
        tracker.checkState(asS, id, hi, lo);
      }
      if (store.size >= config.maxStates) full = true;
    }
    batchN = 0;
  };

  const scratch = new Int32Array(W);
  const scratchS = scratch as unknown as S;
  const sink: PackedSink = {
    next: scratch,
    emit(k: number): void {
      emitted++;
      transitions++;
      stage();
      queue(k, fpOut.hi, fpOut.lo);
    },
  };
  // Same order as the object BFS: coverage, step properties, then the store (at the flush).
  const actionSink: PackedActionSink = {
    next: scratch,
    emit(k: number, action: unknown): void {
      emitted++;
      transitions++;
      stage();
      const hi = fpOut.hi;
      const lo = fpOut.lo;
      const a = action as A;
      if (coverage) {
        const key = coverageKey!(a);
        coverage.set(key, (coverage.get(key) ?? 0) + 1);
      }
      if (stepProps) tracker.checkStep(rowS, a, scratchS, srcId, k, hi, lo);
      queue(k, hi, lo);
    },
  };
  const stepActions = packed.stepActions;
  const stepSink: PackedStepSink = {
    next: scratch,
    emit(k: number, step: number): void {
      actionSink.emit(k, stepActions![step]);
    },
  };
  const expandWithActions = packed.expandActions !== undefined
    ? (): void => packed.expandActions!(row, 0, actionSink)
    : (): void => packed.expandSteps!(row, 0, stepSink);
  // The row being expanded's fingerprint lane sums: a successor's fingerprint is updated from
  // them for the words it changed (a step changes a few of an HMM row's hundreds of words).
  let parentA = 0;
  let parentB = 0;
  const incremental = W >= SUM_MIN_WIDTH;
  /** Copies the successor into the next batch slot and fingerprints it (into fpOut). */
  const stage = (): void => {
    const base = batchN * W;
    if (!incremental) {
      for (let i = 0; i < W; i++) batch[base + i] = scratch[i]!;
      fingerprint(scratch, 0, W);
      return;
    }
    let a = parentA;
    let b = parentB;
    for (let i = 0; i < W; i++) {
      const w = scratch[i]!;
      batch[base + i] = w;
      const o = row[i]!;
      if (w !== o) {
        a = (a + laneA(w, i) - laneA(o, i)) | 0;
        b = (b + laneB(w, i) - laneB(o, i)) | 0;
      }
    }
    fingerprintFinish(a, b, W);
  };
  /** Files the staged successor's batch slot. */
  const queue = (k: number, hi: number, lo: number): void => {
    const b = batchN++;
    batchHi[b] = hi;
    batchLo[b] = lo;
    batchParent[b] = srcId;
    batchAction[b] = k;
    if (batchN === BATCH) flush();
  };

  const nInit = packed.initial(-1, scratch);
  if (nInit <= 0) {
    throw new ModelContractError(`model ${model.id} has no initial state`, 'packed.initial(-1) must return at least 1');
  }
  for (let i = 0; i < nInit; i++) {
    packed.initial(i, scratch);
    fingerprint(scratch, 0, W);
    const hi = fpOut.hi;
    const lo = fpOut.lo;
    const id = store.insert(hi, lo, -1 - i, 0);
    if (id < 0) continue;
    cur.push(scratch, 0, id);
    if (stateProps) {
      view.set(scratch);
      tracker.checkState(asS, id, hi, lo);
    }
  }

  let poll = POLL_EVERY;
  const sampler = new NondeterminismSampler();
  const counts = (queued: number): Counts => ({ transitions, maxDepth, deadlocks, queued });
  const stats = () => progressStats(store, control, counts(cur.size - done + next.size));
  const outcome = (completion: SearchOutcome['completion'], queued: number): SearchOutcome =>
    finishSearch(completion, store, control, counts(queued), coverage);

  // each level's size, the initial states' first: how near the search's end may be (level-tail.ts)
  const levelSizes = [cur.size];
  while (cur.size > 0) {
    if (depth >= config.maxDepth) {
      control.stopReason = 'maxDepth';
      return outcome('incomplete', cur.size);
    }
    for (done = 0; cur.hasNext; ) {
      srcId = cur.next(row);
      done++;
      if (inBounds && !inBounds(rowS)) continue;
      if (incremental) {
        fingerprintSums(row, 0, W);
        parentA = fpSums.a;
        parentB = fpSums.b;
      }
      emitted = 0;
      try {
        if (needAction) expandWithActions();
        else packed.expand(row, 0, sink);
      } catch (e) {
        throw contractError(model.id, 'packed.expand()', store.pathTo(srcId), e);
      }
      if (sampler.take(depth)) assertSamePackedSuccessors(model.id, packed, row, 0, () => store.pathTo(srcId));
      // With state or step properties, a violation must be seen at the same expansion as in the
      // object BFS (so an early stop explores exactly the same states); without, batch across
      // states, except where this batch may fill the store: the state bound, too, stops at the
      // expansion that reaches it, whatever the batching (and the number of workers)
      if (stateProps || stepProps || batchN > BATCH - 16 || store.size + batchN >= maxStates) flush();
      if (emitted === 0 && !(isTerminal && isTerminal(rowS))) {
        deadlocks++;
        fingerprint(row, 0, W);
        tracker.deadlock(srcId, fpOut.hi, fpOut.lo);
      }
      if (tracker.stop || (config.stopWhen === 'all' && tracker.allDetermined)) {
        flush();
        return outcome('stopped', cur.size - done + next.size);
      }
      if (full) {
        control.stopReason = 'maxStates';
        return outcome('incomplete', cur.size - done + next.size);
      }
      if (--poll === 0) {
        poll = POLL_EVERY;
        if (control.poll(stats, depth)) {
          flush();
          return outcome('incomplete', cur.size - done + next.size);
        }
      }
    }
    flush();
    const t = cur;
    cur = next;
    next = t;
    next.reset();
    depth++;
    // a full store stops at the next expansion, and the depth bound at the loop's head: both here
    levelSizes.push(cur.size);
    if (cur.size > 0 && !full && depth < config.maxDepth && suspendNow(suspend, depth, control, levelSizes, store.size)) {
      return { suspended: true, depth, visited: store, frontier: cur, transitions, deadlocks, maxDepth, ...(coverage ? { coverage } : {}) };
    }
  }
  return outcome('exhaustive', 0);
}

function suspendNow(s: SuspendWhen, depth: number, control: SearchControl, levelSizes: readonly number[], found: number): boolean {
  if (s.afterLevels !== undefined && depth >= s.afterLevels) return true;
  if (s.afterMs === undefined) return false;
  const elapsed = control.elapsedMs();
  if (elapsed < s.afterMs) return false;
  return s.unlessEndWithinMs === undefined || msLeft(levelSizes, found, elapsed) >= s.unlessEndWithinMs;
}

export function isSuspended(r: SearchOutcome | SuspendedSearch): r is SuspendedSearch {
  return 'suspended' in r;
}
