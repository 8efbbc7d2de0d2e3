/**
 * Seeded random walks (Stateright's simulation, TLC's -simulate) for spaces too large to
 * exhaust. The seed is echoed in the result, so a run repeats exactly. Walks never prove a
 * property: with nothing found the verdict is 'incomplete'. Distinct states seen are counted in
 * the same visited store as the exhaustive strategies.
 */
import type { ResolvedCheckConfig } from '../config.ts';
import { ModelContractError } from '../errors.ts';
import type { Model } from '../model.ts';
import { WordWriter } from '../state/codec.ts';
import { fpOut } from '../state/fingerprint.ts';
import { fingerprintState } from '../state/fingerprint-state.ts';
import { VisitedStore } from '../state/visited-store.ts';
import { Rng } from '../util/rng.ts';
import { contractError } from './bfs.ts';
import type { SearchControl } from './control.ts';
import type { CheckOptions } from './options.ts';
import { type Counts, finishSearch, progressStats, type SearchOutcome } from './outcome.ts';
import type { PropertyTracker } from './tracker.ts';

export function simulate<S, A>(
  model: Model<S, A>,
  tracker: PropertyTracker<S, A>,
  config: ResolvedCheckConfig,
  control: SearchControl,
  options: CheckOptions<A>,
): SearchOutcome {
  const rng = new Rng(config.seed);
  const store = new VisitedStore();
  const w = new WordWriter();
  const coverageKey = options.coverage;
  const coverage = coverageKey ? new Map<string, number>() : undefined;
  let transitions = 0;
  let deadlocks = 0;
  let maxDepth = 0;
  const inits = model.initialStates();
  if (inits.length === 0) throw new ModelContractError(`model ${model.id} has no initial state`);

  const encodeFp = (s: S): void => fingerprintState(model.codec, s, w);
  const counts = (): Counts => ({ transitions, maxDepth, deadlocks, queued: 0 });
  const stats = () => progressStats(store, control, counts());
  // walks never prove anything: a run that was not stopped early is incomplete by nature
  const outcome = (completion: SearchOutcome['completion']): SearchOutcome =>
    finishSearch(completion, store, control, counts(), coverage, completion === 'incomplete' ? (control.stopReason ?? 'walks') : undefined);

  // In a walk the path to the current state is the walk itself (store ids play no part).
  let path: number[] = [];
  tracker.pathOf = () => path.slice();
  const actions: A[] = [];
  const states: S[] = [];
  for (let walk = 0; walk < config.walks; walk++) {
    const i0 = rng.below(inits.length);
    let s = inits[i0]!;
    path = [i0];
    encodeFp(s);
    const id0 = store.insert(fpOut.hi, fpOut.lo, -1 - i0, 0);
    tracker.checkState(s, id0, fpOut.hi, fpOut.lo);
    let parentId = id0;
    for (let step = 0; step < config.walkDepth; step++) {
      if (model.inBounds && !model.inBounds(s)) break;
      actions.length = 0;
      states.length = 0;
      try {
        model.successors(s, (a, t) => {
          actions.push(a);
          states.push(t);
        });
      } catch (e) {
        throw contractError(model.id, 'successors()', path, e);
      }
      transitions += states.length;
      if (states.length === 0) {
        if (!(model.isTerminal && model.isTerminal(s))) {
          deadlocks++;
          encodeFp(s);
          tracker.deadlock(0, fpOut.hi, fpOut.lo);
        }
        break;
      }
      const k = rng.below(states.length);
      const t = states[k]!;
      const a = actions[k]!;
      encodeFp(t);
      const hi = fpOut.hi;
      const lo = fpOut.lo;
      if (coverage) {
        const key = coverageKey!(a);
        coverage.set(key, (coverage.get(key) ?? 0) + 1);
      }
      if (tracker.hasStepProperties) tracker.checkStep(s, a, t, 0, k, hi, lo);
      path.push(k);
      if (path.length - 1 > maxDepth) maxDepth = path.length - 1;
      const id = store.insert(hi, lo, parentId < 0 ? 0 : parentId, k);
      if (id >= 0) parentId = id;
      tracker.checkState(t, 0, hi, lo);
      s = t;
      if (tracker.stop) return outcome('stopped');
    }
    if (config.stopWhen === 'all' && tracker.allDetermined) return outcome('stopped');
    if (store.size >= config.maxStates) {
      control.stopReason = 'maxStates';
      return outcome('incomplete');
    }
    if (control.poll(stats, maxDepth)) return outcome('incomplete');
  }
  return outcome('incomplete');
}
