/**
 * Replay, counterexamples and the visited store all assume successors(s) is a function of s.
 * A model that consults Math.random, Date, or iteration order of history-shaped containers breaks
 * that silently; we expand a sample of states twice more and compare, so it fails loudly.
 *
 * The sample covers the whole search, not only its start: the first 64 expansions, the first 8
 * at every depth (a model may turn nondeterministic only deep down), and from then on one state
 * in 256 on average, at gaps drawn from a generator with a fixed seed, so the same spec samples
 * the same states, and gets the same verdict, on every run.
 */
import { ReplayMismatchError } from '../errors.ts';
import type { Model } from '../model.ts';
import { WordWriter } from '../state/codec.ts';
import { fpOut } from '../state/fingerprint.ts';
import { fingerprintState } from '../state/fingerprint-state.ts';
import { Rng } from '../util/rng.ts';
import type { PackedModel, PackedSink } from '../model.ts';
import { fingerprint } from '../state/fingerprint.ts';

export const NONDETERMINISM_SAMPLE = 64;
export const SAMPLES_PER_DEPTH = 8;
export const SAMPLE_GAP = 512;
const SAMPLE_SEED = 0x6e6f6e64;

/**
 * The same sample as a pure function of the state's id, for searches whose expansion order
 * depends on timing (the shared-table workers take a level's chunks as they become free): the
 * first 64 ids, the first 8 of every level, and one id in 256 by a fixed hash.
 */
export function sampledId(id: number, levelStart: number): boolean {
  if (id < NONDETERMINISM_SAMPLE || id - levelStart < SAMPLES_PER_DEPTH) return true;
  let h = Math.imul(id ^ SAMPLE_SEED, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h & (SAMPLE_GAP / 2 - 1)) === 0;
}

/** Which expansions to check; ask once per expanded state, in search order. */
export class NondeterminismSampler {
  private expanded = 0;
  private readonly perDepth: number[] = [];
  private readonly rng = new Rng(SAMPLE_SEED);
  private untilNext = 1 + this.rng.below(SAMPLE_GAP);

  take(depth: number): boolean {
    const early = this.expanded++ < NONDETERMINISM_SAMPLE;
    const seen = this.perDepth[depth] ?? 0;
    if (seen < SAMPLES_PER_DEPTH) this.perDepth[depth] = seen + 1;
    if (--this.untilNext === 0) {
      this.untilNext = 1 + this.rng.below(SAMPLE_GAP);
      return true;
    }
    return early || seen < SAMPLES_PER_DEPTH;
  }
}

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

function packedSuccessorFingerprints(packed: PackedModel, src: Int32Array, off: number): number[] {
  const out: number[] = [];
  const next = new Int32Array(packed.width);
  const sink: PackedSink = {
    next,
    emit(k: number): void {
      fingerprint(next, 0, packed.width);
      out.push(k, fpOut.hi, fpOut.lo);
    },
  };
  packed.expand(src, off, sink);
  return out;
}

/** assertSameSuccessors for a packed model: expands the vector at `off` twice and compares. */
export function assertSamePackedSuccessors(modelId: string, packed: PackedModel, src: Int32Array, off: number, path: () => number[]): void {
  const a = packedSuccessorFingerprints(packed, src, off);
  const b = packedSuccessorFingerprints(packed, src, off);
  if (a.length !== b.length || !a.every((x, i) => x === b[i])) {
    throw new ReplayMismatchError(
      `model ${modelId} is nondeterministic: expanding the same packed state twice (reached by replay path ${path().join('/')}) ` +
        `emitted ${a.length / 3} and then ${b.length / 3} successors${a.length === b.length ? ' with different contents' : ''}`,
      'packed.expand(src, off, sink) must depend only on the state vector: no randomness, clocks or hidden counters',
    );
  }
}
