/** Per-run hooks that are not configuration (not serialisable): reporting, interruption, coverage. */
import type { Reporter } from '../events.ts';
import type { AbortFlag } from './control.ts';

export interface CheckOptions<A> {
  readonly reporter?: Reporter;
  /** polled during the search; when `aborted` turns true the run ends as incomplete ('interrupted') */
  readonly signal?: AbortFlag;
  /** action → coverage bucket (e.g. the kernel function name); enables per-action counts */
  readonly coverage?: (a: A) => string;
}
