/** Results are a discriminated union (fast-check's RunDetails): narrow on `status`. */
import type { ResolvedCheckConfig } from './config.ts';
import type { LivenessKind } from './property.ts';
import type { Trace } from './trace.ts';

export interface Stats {
  /** successor transitions generated (including those into visited states) */
  transitions: number;
  distinct: number;
  /** states still waiting to be expanded when the search stopped */
  queued: number;
  /** BFS: number of levels after the initial states (greatest shortest distance); DFS: deepest stack */
  maxDepth: number;
  deadlocks: number;
  elapsedMs: number;
  peakRssBytes: number;
  /** visited-store bytes divided by distinct states */
  bytesPerState: number;
  /** probability estimate that two distinct states shared a 64-bit fingerprint (TLC's "optimistic") */
  collisionProbability: number;
  /** coverage bucket (CheckOptions.coverage) → transitions fired, sorted by key; absent without coverage */
  coverage?: Record<string, number>;
}

export type Verdict = 'holds' | 'violated' | 'incomplete';

export interface PropertyOutcome<S, A> {
  readonly name: string;
  readonly kind: 'always' | 'sometimes' | 'alwaysStep' | 'deadlock' | LivenessKind;
  readonly verdict: Verdict;
  /** violated always/alwaysStep/deadlock: the counterexample; holding sometimes: the witness */
  readonly trace?: Trace<S, A>;
  /** one line for humans: "no example found (exhaustive)", "violated at depth 7", ... */
  readonly detail: string;
  /**
   * A `sometimes` found unreachable: which of its conjuncts (the predicate's named parts, when it
   * has them) were never true, and which declared action kinds never fired on the way.
   */
  readonly neverTrue?: readonly string[];
  readonly neverFired?: readonly string[];
}

export type IncompleteReason = 'maxStates' | 'maxDepth' | 'timeout' | 'interrupted' | 'walks' | 'memory';

export interface CheckResult<S, A> {
  readonly modelId: string;
  /** exhaustive: the whole reachable space (within inBounds) was explored */
  readonly status: 'exhaustive' | 'stopped' | 'incomplete';
  readonly incompleteReason?: IncompleteReason;
  readonly ok: boolean;
  readonly stats: Stats;
  readonly config: ResolvedCheckConfig;
  readonly properties: readonly PropertyOutcome<S, A>[];
}
