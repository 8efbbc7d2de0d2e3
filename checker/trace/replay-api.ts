/** replay(): follow a saved path and report which properties it demonstrates at its end. */
import type { Model } from '../model.ts';
import type { Property } from '../property.ts';
import type { TraceStep } from '../trace.ts';
import { encodeLassoPath, encodeReplayPath, parseReplayToken } from '../trace.ts';
import { demonstrated, replaySteps } from './replay.ts';

export interface ReplayResult<S, A> {
  readonly replay: string;
  readonly steps: readonly TraceStep<S, A>[];
  /** names of properties violated (or, for `sometimes`, witnessed) at the last step; may include 'deadlock-free' */
  readonly demonstrated: readonly string[];
  /** a lasso's loop start (its token has "~") */
  readonly loopIndex?: number;
}

export function replay<S, A>(
  model: Model<S, A>,
  path: string | readonly number[],
  properties: readonly Property<S, A>[] = [],
  /** the spec's progress actions: a lasso then also demonstrates a non-progress cycle */
  isProgress?: (a: A) => boolean,
): ReplayResult<S, A> {
  const token = typeof path === 'string' ? parseReplayToken(path) : { indices: [...path] };
  const steps = replaySteps(model, token.indices);
  const shown = token.loopIndex === undefined ? encodeReplayPath(token.indices) : encodeLassoPath(token.indices, token.loopIndex);
  return { replay: shown, steps, demonstrated: demonstrated(model, properties, steps, token.loopIndex, isProgress), ...(token.loopIndex === undefined ? {} : { loopIndex: token.loopIndex }) };
}
