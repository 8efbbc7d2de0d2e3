/**
 * BFS over fixed-width Int32 state vectors (Model.packed): the same search as bfs.ts, with the
 * level queues as flat typed arrays and successors written into one scratch vector, so the hot
 * loop allocates nothing per state or per transition. Used for DVE models and any model that
 * offers a packed form; tests check it agrees with the object BFS.
 */
import type { ResolvedCheckConfig } from '../config.ts';
import { ModelContractError } from '../errors.ts';
import type { Model, PackedModel, PackedSink } from '../model.ts';
import { fingerprint, fpOut } from '../state/fingerprint.ts';
import { VisitedStore } from '../state/visited-store.ts';
import { contractError } from './bfs.ts';
import { assertSamePackedSuccessors, NondeterminismSampler } from './nondeterminism.ts';
import type { SearchControl } from './control.ts';
import { type Counts, finishSearch, progressStats, type SearchOutcome } from './outcome.ts';
import type { PropertyTracker } from './tracker.ts';

const POLL_EVERY = 1024;

export function packedBfs<S, A>(
  model: Model<S, A>,
  packed: PackedModel,
  tracker: PropertyTracker<S, A>,
  config: ResolvedCheckConfig,
  control: SearchControl,
): SearchOutcome {
  const W = packed.width;
  const store = new VisitedStore();
  const stateProps = tracker.hasStateProperties;
  // Properties, bounds and terminal checks see the state as S = Int32Array (a reused view).
  const view = new Int32Array(W);
  const asS = view as unknown as S;
  const inBounds = model.inBounds?.bind(model);
  const isTerminal = model.isTerminal?.bind(model);

  let curBuf = new Int32Array(W * 1024);
  let curIds = new Int32Array(1024);
  let curN = 0;
  let nextBuf = new Int32Array(W * 1024);
  let nextIds = new Int32Array(1024);
  let nextN = 0;

  let transitions = 0;
  let deadlocks = 0;
  let depth = 0;
  let maxDepth = 0;
  let full = false;
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
      if (nextN === nextIds.length) {
        const nb = new Int32Array(nextBuf.length * 2);
        nb.set(nextBuf);
        nextBuf = nb;
        const ids = new Int32Array(nextIds.length * 2);
        ids.set(nextIds);
        nextIds = ids;
      }
      const base = nextN * W;
      const src = b * W;
      for (let i = 0; i < W; i++) nextBuf[base + i] = batch[src + i]!;
      nextIds[nextN++] = id;
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
  const sink: PackedSink = {
    next: scratch,
    emit(k: number): void {
      emitted++;
      transitions++;
      fingerprint(scratch, 0, W);
      const b = batchN++;
      batchHi[b] = fpOut.hi;
      batchLo[b] = fpOut.lo;
      batchParent[b] = srcId;
      batchAction[b] = k;
      const base = b * W;
      for (let i = 0; i < W; i++) batch[base + i] = scratch[i]!;
      if (batchN === BATCH) flush();
    },
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
    if (curN === curIds.length) throw new ModelContractError(`model ${model.id}: more than 1024 initial states in packed form`);
    curBuf.set(scratch, curN * W);
    curIds[curN++] = id;
    if (stateProps) {
      view.set(scratch);
      tracker.checkState(asS, id, hi, lo);
    }
  }

  let poll = POLL_EVERY;
  const sampler = new NondeterminismSampler();
  const counts = (queued: number): Counts => ({ transitions, maxDepth, deadlocks, queued });
  const stats = () => progressStats(store, control, counts(curN + nextN));
  const outcome = (completion: SearchOutcome['completion'], queued: number): SearchOutcome =>
    finishSearch(completion, store, control, counts(queued), undefined);

  while (curN > 0) {
    if (depth >= config.maxDepth) {
      control.stopReason = 'maxDepth';
      return outcome('incomplete', curN);
    }
    for (let j = 0; j < curN; j++) {
      srcId = curIds[j]!;
      const off = j * W;
      if (inBounds) {
        view.set(curBuf.subarray(off, off + W));
        if (!inBounds(asS)) continue;
      }
      emitted = 0;
      try {
        packed.expand(curBuf, off, sink);
      } catch (e) {
        throw contractError(model.id, 'packed.expand()', store.pathTo(srcId), e);
      }
      if (sampler.take(depth)) assertSamePackedSuccessors(model.id, packed, curBuf, off, () => store.pathTo(srcId));
      // With state properties, a violation must be seen at the same expansion as in the object BFS
      // (so an early stop explores exactly the same states); without them, batch across states.
      if (stateProps || batchN > BATCH - 16) flush();
      if (emitted === 0) {
        view.set(curBuf.subarray(off, off + W));
        if (!(isTerminal && isTerminal(asS))) {
          deadlocks++;
          fingerprint(curBuf, off, W);
          tracker.deadlock(srcId, fpOut.hi, fpOut.lo);
        }
      }
      if (tracker.stop || (config.stopWhen === 'all' && tracker.allDetermined)) {
        flush();
        return outcome('stopped', curN - j - 1 + nextN);
      }
      if (full) {
        control.stopReason = 'maxStates';
        return outcome('incomplete', curN - j - 1 + nextN);
      }
      if (--poll === 0) {
        poll = POLL_EVERY;
        if (control.poll(stats, depth)) {
          flush();
          return outcome('incomplete', curN - j - 1 + nextN);
        }
      }
    }
    flush();
    const tb = curBuf;
    const ti = curIds;
    curBuf = nextBuf;
    curIds = nextIds;
    curN = nextN;
    nextBuf = tb;
    nextIds = ti;
    nextN = 0;
    depth++;
  }
  return outcome('exhaustive', 0);
}
