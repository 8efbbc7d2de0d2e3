/** Per-run hooks that are not configuration (not serialisable): reporting, interruption, coverage. */
import type { Reporter } from '../events.ts';
import type { AbortFlag } from './control.ts';
import type { ParallelOptions } from './parallel/source.ts';

export interface CheckOptions<A> {
  readonly reporter?: Reporter;
  /** polled during the search; when `aborted` turns true the run ends as incomplete ('interrupted') */
  readonly signal?: AbortFlag;
  /** action → coverage bucket (e.g. the kernel function name); enables per-action counts */
  readonly coverage?: (a: A) => string;
  /** liveness: the actor of a transition (fairness is stated per actor) */
  readonly actorOf?: (a: A) => string;
  /** liveness: the action kind of a transition (fairness keys `actor:kind`) */
  readonly actionKindOf?: (a: A) => string;
  /** the action kinds the model declares: a failed `sometimes` names those that never fired */
  readonly actionKinds?: readonly string[];
  /** the model's actors, to reject fairness naming an actor it lacks */
  readonly knownActors?: readonly string[];
  /** non-progress cycles: the actions that complete a request (SPIN's progress labels) */
  readonly isProgress?: (a: A) => boolean;
  /** BFS on a packed model with this many worker threads, each rebuilding the model from `source` */
  readonly parallel?: ParallelOptions;
}
