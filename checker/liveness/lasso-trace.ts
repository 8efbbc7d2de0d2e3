/**
 * A lasso found on the graph, replayed through the model and checked before anyone sees it: the
 * last state must be the loop's first (or, for a stuttering lasso, have no successor), and the
 * property must fail along it as claimed. A model that replays differently is nondeterministic.
 */
import { ReplayMismatchError } from '../errors.ts';
import type { Model } from '../model.ts';
import type { LivenessProperty } from '../property.ts';
import { replaySteps } from '../trace/replay.ts';
import { closesLoop, lassoShows } from './lasso-shows.ts';
import { encodeLassoPath, type Trace } from '../trace.ts';
import type { LivenessDiscovery } from './check-liveness.ts';

export function lassoTrace<S, A>(
  model: Model<S, A>,
  p: LivenessProperty<S> | undefined,
  d: LivenessDiscovery,
  isProgress: ((a: A) => boolean) | undefined,
): Trace<S, A> {
  const steps = replaySteps(model, d.path);
  const replay = encodeLassoPath(d.path, d.loopIndex);
  const fail = (why: string): never => {
    throw new ReplayMismatchError(
      `model ${model.id} is nondeterministic: replaying the lasso ${replay} for "${d.name}" ${why}`,
      'successors(s), the codec and the property must depend only on the state; remove randomness, clocks and history-dependent iteration order',
    );
  };
  if (!closesLoop(model, steps, d.loopIndex)) fail('does not close its loop');
  const loop = steps.slice(d.loopIndex + 1);
  const shown =
    p === undefined
      ? // a non-progress cycle: no progress action on the loop
        !isProgress || loop.every((s) => s.action === undefined || !isProgress(s.action))
      : lassoShows(p, steps, d.loopIndex, d.triggerIndex);
  if (!shown) fail('does not show the property failing');
  return {
    modelId: model.id,
    property: d.name,
    classification: 'counterexample',
    steps,
    replay,
    loopIndex: d.loopIndex,
    ...(p?.kind === 'leadsTo' ? { triggerIndex: d.triggerIndex } : {}),
  };
}
