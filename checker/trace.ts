/**
 * Counterexamples and witnesses as paths of action indices (Stateright's Path, fast-check's
 * replay path): "0/3/1/4" = initial state 0, then the 3rd, 1st, 4th emitted successor.
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
}

export function encodeReplayPath(indices: readonly number[]): ReplayPath {
  return indices.join('/') as ReplayPath;
}

export function parseReplayPath(text: string): number[] {
  const t = text.trim();
  if (!/^\d+(\/\d+)*$/.test(t)) {
    throw new SyntaxError(`replay path "${text}" is not a list of action indices like "0/3/1"`);
  }
  return t.split('/').map(Number);
}
