/**
 * Breadth-first search over object states, level by level, so the first discovery of every
 * property is at minimal depth: counterexamples are shortest (TLC's and Stateright's default).
 * Only the current and next level are held as objects; everything older is a fingerprint.
 */
import type { ResolvedCheckConfig } from '../config.ts';
import { CodecError, ModelContractError, PropertyError } from '../errors.ts';
import type { Model } from '../model.ts';
import { WordWriter } from '../state/codec.ts';
import { fpOut } from '../state/fingerprint.ts';
import { fingerprintState } from '../state/fingerprint-state.ts';
import { VisitedStore } from '../state/visited-store.ts';
import type { SearchControl } from './control.ts';
import { assertSameSuccessors, NondeterminismSampler } from './nondeterminism.ts';
import type { CheckOptions } from './options.ts';
import { type Counts, finishSearch, progressStats, type SearchOutcome } from './outcome.ts';
import type { PropertyTracker } from './tracker.ts';

const POLL_EVERY = 256;

export function bfs<S, A>(
  model: Model<S, A>,
  tracker: PropertyTracker<S, A>,
  config: ResolvedCheckConfig,
  control: SearchControl,
  options: CheckOptions<A>,
): SearchOutcome {
  const store = new VisitedStore();
  const w = new WordWriter();
  const codec = model.codec;
  const inBounds = model.inBounds?.bind(model);
  const isTerminal = model.isTerminal?.bind(model);
  const coverageKey = options.coverage;
  const coverage = coverageKey ? new Map<string, number>() : undefined;
  const steps = tracker.hasStepProperties;

  let transitions = 0;
  let deadlocks = 0;
  let depth = 0;
  let maxDepth = 0;
  let cur: S[] = [];
  let curIds: number[] = [];
  let next: S[] = [];
  let nextIds: number[] = [];
  let full = false;

  // State of the expansion in progress, read by `emit` (one closure per run, not per state).
  let srcState: S;
  let srcId = 0;
  let emitted = 0;
  const srcPath = (): number[] => store.pathTo(srcId);
  tracker.pathOf = (id) => store.pathTo(id);

  const emit = (a: A, t: S): void => {
    const k = emitted++;
    transitions++;
    fingerprintState(codec, t, w);
    const hi = fpOut.hi;
    const lo = fpOut.lo;
    if (coverage) {
      const key = coverageKey!(a);
      coverage.set(key, (coverage.get(key) ?? 0) + 1);
    }
    if (steps) tracker.checkStep(srcState, a, t, srcId, k, hi, lo);
    const id = store.insert(hi, lo, srcId, k);
    if (id >= 0) {
      next.push(t);
      nextIds.push(id);
      maxDepth = depth + 1;
      tracker.checkState(t, id, hi, lo);
      if (store.size >= config.maxStates) full = true;
    }
  };

  const inits = model.initialStates();
  if (inits.length === 0) {
    throw new ModelContractError(`model ${model.id} has no initial state`, 'initialStates() must return at least one state');
  }
  for (let i = 0; i < inits.length; i++) {
    const s = inits[i]!;
    fingerprintState(codec, s, w);
    const hi = fpOut.hi;
    const lo = fpOut.lo;
    const id = store.insert(hi, lo, -1 - i, 0);
    if (id < 0) continue;
    cur.push(s);
    curIds.push(id);
    tracker.checkState(s, id, hi, lo);
  }

  const sampler = new NondeterminismSampler();
  let poll = POLL_EVERY;
  const counts = (queued: number): Counts => ({ transitions, maxDepth, deadlocks, queued });
  const stats = () => progressStats(store, control, counts(cur.length + next.length));
  const outcome = (completion: SearchOutcome['completion'], queued: number): SearchOutcome =>
    finishSearch(completion, store, control, counts(queued), coverage);

  while (cur.length > 0) {
    if (depth >= config.maxDepth) {
      control.stopReason = 'maxDepth';
      return outcome('incomplete', cur.length);
    }
    for (let j = 0; j < cur.length; j++) {
      const s = cur[j]!;
      srcState = s;
      srcId = curIds[j]!;
      if (inBounds && !inBounds(s)) continue;
      emitted = 0;
      try {
        model.successors(s, emit);
      } catch (e) {
        throw contractError(model.id, 'successors()', store.pathTo(srcId), e);
      }
      if (sampler.take(depth)) assertSameSuccessors(model, s, srcPath);
      if (emitted === 0 && !(isTerminal && isTerminal(s))) {
        deadlocks++;
        fingerprintState(codec, s, w);
        tracker.deadlock(srcId, fpOut.hi, fpOut.lo);
      }
      if (tracker.stop || (config.stopWhen === 'all' && tracker.allDetermined)) {
        return outcome('stopped', cur.length - j - 1 + next.length);
      }
      if (full) {
        control.stopReason = 'maxStates';
        return outcome('incomplete', cur.length - j - 1 + next.length);
      }
      if (--poll === 0) {
        poll = POLL_EVERY;
        if (control.poll(stats, depth)) return outcome('incomplete', cur.length - j - 1 + next.length);
      }
    }
    cur = next;
    curIds = nextIds;
    next = [];
    nextIds = [];
    depth++;
  }
  return outcome('exhaustive', 0);
}

export function contractError(modelId: string, where: string, path: readonly number[], e: unknown): Error {
  // a property or codec that threw while successors() emitted is named itself, with the place
  if (e instanceof PropertyError || e instanceof CodecError) {
    const named = new (e.constructor as typeof PropertyError)(`model ${modelId}: ${e.message}, at a successor of the state reached by replay path ${path.join('/')}`, e.hint);
    named.cause = e.cause;
    if (e.stack) named.stack = e.stack;
    return named;
  }
  const msg = e instanceof Error ? e.message : String(e);
  // A model error that knows its own fix (e.g. a DVE runtime error naming the expression) says it.
  const hint: unknown = e instanceof Error ? (e as Error & { hint?: unknown }).hint : undefined;
  const own = typeof hint === 'string' ? hint : undefined;
  const err = new ModelContractError(
    `model ${modelId}: ${where} threw at the state reached by replay path ${path.join('/')}: ${msg}`,
    own ?? 'a model must not throw: return no successor for a disabled step, and fix the failing transition (re-run with --debug for the stack)',
  );
  // Callers (the CLI, DVE runtime errors) can still recognise what the model threw.
  err.cause = e;
  if (e instanceof Error && e.stack) err.stack = `${err.name}: ${err.message}\ncaused by ${e.stack}`;
  return err;
}
