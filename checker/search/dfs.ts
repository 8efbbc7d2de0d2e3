/**
 * Depth-first search (low memory: only the current path's successor lists are held as objects).
 * Counterexamples follow the DFS tree, so they are valid but not necessarily shortest; `maxDepth`
 * bounds the stack. Every reachable state is still visited exactly once.
 */
import type { ResolvedCheckConfig } from '../config.ts';
import { ModelContractError } from '../errors.ts';
import type { Model } from '../model.ts';
import { WordWriter } from '../state/codec.ts';
import { fpOut } from '../state/fingerprint.ts';
import { fingerprintState } from '../state/fingerprint-state.ts';
import { VisitedStore } from '../state/visited-store.ts';
import { contractError } from './bfs.ts';
import type { SearchControl } from './control.ts';
import { assertSameSuccessors, NondeterminismSampler } from './nondeterminism.ts';
import type { CheckOptions } from './options.ts';
import { type Counts, finishSearch, progressStats, type SearchOutcome } from './outcome.ts';
import type { PropertyTracker } from './tracker.ts';

interface Frame<S> {
  readonly id: number;
  readonly depth: number;
  readonly succ: S[];
  readonly ids: number[];
  next: number;
}

export function dfs<S, A>(
  model: Model<S, A>,
  tracker: PropertyTracker<S, A>,
  config: ResolvedCheckConfig,
  control: SearchControl,
  options: CheckOptions<A>,
): SearchOutcome {
  const store = new VisitedStore();
  const w = new WordWriter();
  const codec = model.codec;
  const coverageKey = options.coverage;
  const coverage = coverageKey ? new Map<string, number>() : undefined;
  let transitions = 0;
  let deadlocks = 0;
  let maxDepth = 0;
  let cutOff = false;
  const sampler = new NondeterminismSampler();

  const encodeFp = (s: S): void => fingerprintState(codec, s, w);
  tracker.pathOf = (id) => store.pathTo(id);

  // The expansion in progress, read by `emit` (one closure per run, not per state).
  let curState: S;
  let curId = 0;
  let curDepth = 0;
  let curSucc: S[] = [];
  let curIds: number[] = [];
  let k = 0;
  const emit = (a: A, t: S): void => {
    const idx = k++;
    transitions++;
    encodeFp(t);
    const hi = fpOut.hi;
    const lo = fpOut.lo;
    if (coverage) {
      const key = coverageKey!(a);
      coverage.set(key, (coverage.get(key) ?? 0) + 1);
    }
    if (tracker.hasStepProperties) tracker.checkStep(curState, a, t, curId, idx, hi, lo);
    const nid = store.insert(hi, lo, curId, idx);
    if (nid >= 0) {
      curSucc.push(t);
      curIds.push(nid);
      if (curDepth + 1 > maxDepth) maxDepth = curDepth + 1;
      tracker.checkState(t, nid, hi, lo);
    }
  };

  /** Expands `s`: new successors become the frame's work list (already inserted and checked). */
  const expand = (s: S, id: number, depth: number): Frame<S> | undefined => {
    if (model.inBounds && !model.inBounds(s)) return undefined;
    if (depth >= config.maxDepth) {
      cutOff = true;
      return undefined;
    }
    curState = s;
    curId = id;
    curDepth = depth;
    curSucc = [];
    curIds = [];
    k = 0;
    try {
      model.successors(s, emit);
    } catch (e) {
      throw contractError(model.id, 'successors()', store.pathTo(id), e);
    }
    if (sampler.take(depth)) assertSameSuccessors(model, s, () => store.pathTo(id));
    if (k === 0 && !(model.isTerminal && model.isTerminal(s))) {
      deadlocks++;
      encodeFp(s);
      tracker.deadlock(id, fpOut.hi, fpOut.lo);
    }
    return { id, depth, succ: curSucc, ids: curIds, next: 0 };
  };

  const counts = (queued: number): Counts => ({ transitions, maxDepth, deadlocks, queued });
  const outcome = (completion: SearchOutcome['completion'], queued: number): SearchOutcome =>
    finishSearch(completion, store, control, counts(queued), coverage);
  const stats = () => progressStats(store, control, counts(stack.length));

  const stack: Frame<S>[] = [];
  const inits = model.initialStates();
  if (inits.length === 0) throw new ModelContractError(`model ${model.id} has no initial state`);
  let poll = 256;
  for (let i = 0; i < inits.length; i++) {
    const s0 = inits[i]!;
    encodeFp(s0);
    const id0 = store.insert(fpOut.hi, fpOut.lo, -1 - i, 0);
    if (id0 < 0) continue;
    tracker.checkState(s0, id0, fpOut.hi, fpOut.lo);
    const f0 = expand(s0, id0, 0);
    if (f0) stack.push(f0);
    while (stack.length > 0) {
      if (tracker.stop || (config.stopWhen === 'all' && tracker.allDetermined)) return outcome('stopped', stack.length);
      if (store.size >= config.maxStates) {
        control.stopReason = 'maxStates';
        return outcome('incomplete', stack.length);
      }
      if (--poll === 0) {
        poll = 256;
        if (control.poll(stats, stack.length)) return outcome('incomplete', stack.length);
      }
      const top = stack[stack.length - 1]!;
      if (top.next === top.succ.length) {
        stack.pop();
        continue;
      }
      const j = top.next++;
      const f = expand(top.succ[j]!, top.ids[j]!, top.depth + 1);
      if (f) stack.push(f);
    }
  }
  if (cutOff) {
    control.stopReason = 'maxDepth';
    return outcome('incomplete', 0);
  }
  return outcome('exhaustive', 0);
}
