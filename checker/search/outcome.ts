/** What a strategy hands back to check(): counts and why it stopped (traces come from the tracker). */
import type { IncompleteReason } from '../result.ts';

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
