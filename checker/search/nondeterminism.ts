/**
 * Replay, counterexamples and the visited store all assume successors(s) is a function of s.
 * A model that consults Math.random, Date, or iteration order of history-shaped containers breaks
 * that silently; we expand a sample of states twice and compare, so it fails loudly and early.
 */
import { ReplayMismatchError } from '../errors.ts';
import type { Model } from '../model.ts';
import { WordWriter } from '../state/codec.ts';
import { fpOut } from '../state/fingerprint.ts';
import { fingerprintState } from '../state/fingerprint-state.ts';

export const NONDETERMINISM_SAMPLE = 64;

export function successorFingerprints<S, A>(model: Model<S, A>, s: S, w: WordWriter): number[] {
  const out: number[] = [];
  model.successors(s, (_a, t) => {
    fingerprintState(model.codec, t, w);
    out.push(fpOut.hi, fpOut.lo);
  });
  return out;
}

export function assertSameSuccessors<S, A>(model: Model<S, A>, s: S, path: () => number[]): void {
  const w = new WordWriter();
  const a = successorFingerprints(model, s, w);
  const b = successorFingerprints(model, s, w);
  const same = a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same) {
    throw new ReplayMismatchError(
      `model ${model.id} is nondeterministic: expanding the same state twice (reached by replay path ` +
        `${path().join('/')}) emitted ${a.length / 2} and then ${b.length / 2} successors` +
        (a.length === b.length ? ' with different contents' : ''),
      'successors(s) must depend only on s: do not use Math.random, Date, global counters, or the ' +
        'iteration order of a Set/Map/object built up across calls; sort set-like fields before emitting',
    );
  }
}
