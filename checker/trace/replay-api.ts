/** replay(): follow a saved path and report which properties it demonstrates at its end. */
import type { Model } from '../model.ts';
import type { Property } from '../property.ts';
import type { TraceStep } from '../trace.ts';
import { encodeReplayPath, parseReplayPath } from '../trace.ts';
import { demonstrated, replaySteps } from './replay.ts';

export interface ReplayResult<S, A> {
  readonly replay: string;
  readonly steps: readonly TraceStep<S, A>[];
  /** names of properties violated (or, for `sometimes`, witnessed) at the last step; may include 'deadlock-free' */
  readonly demonstrated: readonly string[];
}

export function replay<S, A>(
  model: Model<S, A>,
  path: string | readonly number[],
  properties: readonly Property<S, A>[] = [],
): ReplayResult<S, A> {
  const p = typeof path === 'string' ? parseReplayPath(path) : path;
  const steps = replaySteps(model, p);
  return { replay: encodeReplayPath(p), steps, demonstrated: demonstrated(model, properties, steps) };
}
