/**
 * Counterexamples and witnesses as paths of action indices (Stateright's Path, fast-check's
 * replay path): "0/3/1/4" = initial state 0, then the 3rd, 1st, 4th emitted successor.
 * A lasso (liveness) marks where its loop starts with "~": "0/3~1/4" = stem 0/3, then 1/4 leads
 * back to the state after the stem, forever; "0/3~" stays (stutters) in the stem's last state.
 */
export type ReplayPath = string & { readonly __brand: 'ReplayPath' };

export interface TraceStep<S, A> {
  readonly index: number;
  /** undefined for the initial state */
  readonly action?: A;
  readonly actionIndex?: number;
  readonly state: S;
}

export interface Trace<S, A> {
  readonly modelId: string;
  readonly property: string;
  readonly classification: 'counterexample' | 'example';
  readonly steps: readonly TraceStep<S, A>[];
  readonly replay: ReplayPath;
  /** lassos: index of the step whose state the last step returns to (the loop runs from there) */
  readonly loopIndex?: number;
  /** leadsTo lassos: index of the step where the awaited request was made */
  readonly triggerIndex?: number;
}

export function encodeReplayPath(indices: readonly number[]): ReplayPath {
  return indices.join('/') as ReplayPath;
}

export function encodeLassoPath(indices: readonly number[], loopIndex: number): ReplayPath {
  const stem = indices.slice(0, loopIndex + 1).join('/');
  return `${stem}~${indices.slice(loopIndex + 1).join('/')}` as ReplayPath;
}

/** The action indices of a replay path (a lasso's stem and one turn of its loop). */
export function parseReplayPath(text: string): number[] {
  return parseReplayToken(text).indices;
}

/** A replay path with, for a lasso, the step index its loop returns to. */
export function parseReplayToken(text: string): { indices: number[]; loopIndex?: number } {
  const t = text.trim();
  if (!/^\d+(\/\d+)*(~(\d+(\/\d+)*)?)?$/.test(t)) {
    throw new SyntaxError(`replay path "${text}" is not a list of action indices like "0/3/1" (or a lasso like "0/3~1/4")`);
  }
  const tilde = t.indexOf('~');
  if (tilde < 0) return { indices: t.split('/').map(Number) };
  const stem = t.slice(0, tilde).split('/').map(Number);
  const loop = t.slice(tilde + 1);
  return { indices: loop === '' ? stem : [...stem, ...loop.split('/').map(Number)], loopIndex: stem.length - 1 };
}
