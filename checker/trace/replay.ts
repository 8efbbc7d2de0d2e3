/**
 * Re-executes a replay path against the model (Stateright's Path::from_action_indices, TLC's
 * trace re-derivation): the stored search keeps only fingerprints and parent pointers, and every
 * counterexample is rebuilt here. A path that cannot be followed means the model changed or is
 * nondeterministic, and the error says at which step.
 */
import { ReplayMismatchError } from '../errors.ts';
import type { Model } from '../model.ts';
import { closesLoop, lassoShows } from '../liveness/lasso-shows.ts';
import { DEADLOCK_PROPERTY, NON_PROGRESS_PROPERTY, isLiveness, type Property } from '../property.ts';
import { WordWriter } from '../state/codec.ts';
import { fpOut } from '../state/fingerprint.ts';
import { fingerprintState } from '../state/fingerprint-state.ts';
import { encodeReplayPath, parseReplayPath, type TraceStep } from '../trace.ts';

export function replaySteps<S, A>(model: Model<S, A>, path: string | readonly number[]): TraceStep<S, A>[] {
  const p = typeof path === 'string' ? parseReplayPath(path) : path;
  if (p.length === 0) throw new ReplayMismatchError('empty replay path', 'a replay path starts with the initial-state index, e.g. "0/2/1"');
  const inits = model.initialStates();
  const i0 = p[0]!;
  const s0 = inits[i0];
  if (s0 === undefined) {
    throw new ReplayMismatchError(
      `replay of ${encodeReplayPath(p)} on ${model.id}: initial state #${i0} requested but the model has ${inits.length}`,
      'the path was recorded for a different model or configuration',
    );
  }
  const steps: TraceStep<S, A>[] = [{ index: 0, state: s0 }];
  let s = s0;
  for (let j = 1; j < p.length; j++) {
    const k = p[j]!;
    let n = 0;
    let action: A | undefined;
    let target: S | undefined;
    model.successors(s, (a, t) => {
      if (n === k) {
        action = a;
        target = t;
      }
      n++;
    });
    if (target === undefined) {
      throw new ReplayMismatchError(
        `replay of ${encodeReplayPath(p)} on ${model.id} diverged at step ${j}: the path takes transition #${k} but the model emitted only ${n} there`,
        'the model is nondeterministic (successors(s) must depend only on s) or it changed since the path was recorded',
      );
    }
    steps.push({ index: j, action: action as A, actionIndex: k, state: target });
    s = target;
  }
  return steps;
}

export function fingerprintOf<S, A>(model: Model<S, A>, s: S): [number, number] {
  fingerprintState(model.codec, s, new WordWriter());
  return [fpOut.hi, fpOut.lo];
}

/**
 * Which properties a replayed path demonstrates at its end: invariants false in the last state,
 * step properties false on the last transition, a deadlock in the last state, witnesses true in it.
 */
export function demonstrated<S, A>(
  model: Model<S, A>,
  properties: readonly Property<S, A>[],
  steps: readonly TraceStep<S, A>[],
  loopIndex?: number,
  isProgress?: (a: A) => boolean,
): string[] {
  // A lasso (its token has "~") demonstrates liveness properties along its loop, nothing else;
  // with the spec's progress actions, a real cycle (not a stutter) taking none of them is a
  // non-progress cycle.
  if (loopIndex !== undefined) {
    if (!closesLoop(model, steps, loopIndex)) return [];
    const out = properties.filter((p) => isLiveness(p) && lassoShows(p, steps, loopIndex)).map((p) => p.name);
    if (isProgress && loopIndex < steps.length - 1 && steps.slice(loopIndex + 1).every((s) => !isProgress(s.action as A))) out.push(NON_PROGRESS_PROPERTY);
    return out;
  }
  const last = steps[steps.length - 1]!;
  const prev = steps.length > 1 ? steps[steps.length - 2] : undefined;
  const out: string[] = [];
  for (const p of properties) {
    switch (p.kind) {
      case 'always':
        if (!p.holds(last.state)) out.push(p.name);
        break;
      case 'sometimes':
        if (p.holds(last.state)) out.push(p.name);
        break;
      case 'alwaysStep':
        if (prev && last.action !== undefined && !p.holds(prev.state, last.action, last.state)) out.push(p.name);
        break;
      default:
        // liveness properties need a lasso, not a finite path
        break;
    }
  }
  let n = 0;
  model.successors(last.state, () => n++);
  if (n === 0 && !(model.isTerminal && model.isTerminal(last.state))) out.push(DEADLOCK_PROPERTY);
  return out;
}
