/** What a strategy hands back to check(): counts and why it stopped (traces come from the tracker). */
import type { IncompleteReason, Stats } from '../result.ts';
import type { VisitedStore } from '../state/visited-store.ts';
import type { SearchControl } from './control.ts';

export interface SearchOutcome {
  /** 'exhaustive': every reachable in-bounds state was expanded; 'stopped': all verdicts known early. */
  readonly completion: 'exhaustive' | 'stopped' | 'incomplete';
  readonly reason?: IncompleteReason;
  readonly transitions: number;
  readonly distinct: number;
  readonly queued: number;
  readonly maxDepth: number;
  readonly deadlocks: number;
  readonly storeBytes: number;
  /** action label → how many transitions fired it (only when a coverage key function was given) */
  readonly coverage?: Map<string, number>;
}

/** The counters every strategy keeps in locals on its hot path. */
export interface Counts {
  readonly transitions: number;
  readonly maxDepth: number;
  readonly deadlocks: number;
  readonly queued: number;
}

/** Live statistics for progress events (the final ones are assembled by check()). */
export function progressStats(store: VisitedStore, control: SearchControl, c: Counts): Stats {
  return {
    ...c,
    distinct: store.size,
    elapsedMs: control.elapsedMs(),
    peakRssBytes: 0,
    bytesPerState: store.bytes() / Math.max(1, store.size),
    collisionProbability: 0,
  };
}

export function finishSearch(
  completion: SearchOutcome['completion'],
  store: VisitedStore,
  control: SearchControl,
  c: Counts,
  coverage: Map<string, number> | undefined,
  reason: IncompleteReason | undefined = control.stopReason,
): SearchOutcome {
  return {
    completion,
    ...(reason ? { reason } : {}),
    ...c,
    distinct: store.size,
    storeBytes: store.bytes(),
    ...(coverage ? { coverage } : {}),
  };
}
