/** Whether a replayed lasso shows a liveness property failing (shared by the search and `replay`). */
import type { Model } from '../model.ts';
import type { LivenessProperty } from '../property.ts';
import { WordWriter } from '../state/codec.ts';
import { fpOut } from '../state/fingerprint.ts';
import { fingerprintState } from '../state/fingerprint-state.ts';
import type { TraceStep } from '../trace.ts';

/** The last state closes the loop: it is the loop's first state, or (a one-state loop) it is stuck. */
export function closesLoop<S, A>(model: Model<S, A>, steps: readonly TraceStep<S, A>[], loopIndex: number): boolean {
  const last = steps[steps.length - 1]!.state;
  if (loopIndex === steps.length - 1) {
    let n = 0;
    model.successors(last, () => n++);
    return n === 0;
  }
  const w = new WordWriter();
  fingerprintState(model.codec, steps[loopIndex]!.state, w);
  const h1 = fpOut.hi;
  const l1 = fpOut.lo;
  fingerprintState(model.codec, last, w);
  return h1 === fpOut.hi && l1 === fpOut.lo;
}

/**
 * The property fails along the lasso: ◇p never holds; □◇p never holds on the loop; p ~> q has a
 * request (at `triggerIndex`, or anywhere when not given) after which q never holds.
 */
export function lassoShows<S, A>(p: LivenessProperty<S>, steps: readonly TraceStep<S, A>[], loopIndex: number, triggerIndex?: number): boolean {
  switch (p.kind) {
    case 'eventually':
      return steps.every((s) => !p.holds(s.state));
    case 'alwaysEventually':
      return steps.slice(loopIndex).every((s) => !p.holds(s.state));
    case 'leadsTo': {
      let lastTo = -1;
      for (let i = 0; i < steps.length; i++) if (p.to(steps[i]!.state)) lastTo = i;
      if (lastTo >= loopIndex) return false;
      if (triggerIndex !== undefined) return triggerIndex > lastTo && p.from(steps[triggerIndex]!.state);
      for (let i = lastTo + 1; i < steps.length; i++) if (p.from(steps[i]!.state)) return true;
      return false;
    }
  }
}
