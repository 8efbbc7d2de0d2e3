/** How to search: strategy and bounds (TLC's model config, Stateright's CheckerBuilder). */
import type { FairnessSpec } from './liveness/fairness.ts';

export type Strategy = 'bfs' | 'dfs' | 'simulation';

export interface CheckConfig {
  readonly strategy?: Strategy;
  /** Stop (incomplete) after this many distinct states. */
  readonly maxStates?: number;
  /** Do not expand states at this depth (incomplete if any was cut off). */
  readonly maxDepth?: number;
  /** Wall-clock budget in milliseconds (incomplete when exceeded). */
  readonly timeoutMs?: number;
  /** 'violation' (default): a state without successors violates `deadlock-free`. 'count': only counted. */
  readonly deadlock?: 'violation' | 'count';
  /** 'all' (default): keep exploring until every property has a verdict; 'first': stop at the first violation. */
  readonly stopWhen?: 'first' | 'all';
  /** Simulation: seed (echoed in results), number of walks, and steps per walk. */
  readonly seed?: number;
  readonly walks?: number;
  readonly walkDepth?: number;
  /** Progress events every this many milliseconds (0 = none). */
  readonly progressMs?: number;
  /** Stop (incomplete, 'memory') before the JS heap grows past this many bytes. */
  readonly maxMemoryBytes?: number;
  /** Fairness of liveness properties that state none of their own (liveness/fairness.ts). */
  readonly fairness?: FairnessSpec;
  /** Also look for non-progress cycles (SPIN -l): needs the spec's progress actions. */
  readonly nonProgress?: boolean;
}

export interface ResolvedCheckConfig {
  readonly strategy: Strategy;
  readonly maxStates: number;
  readonly maxDepth: number;
  readonly timeoutMs: number;
  readonly deadlock: 'violation' | 'count';
  readonly stopWhen: 'first' | 'all';
  readonly seed: number;
  readonly walks: number;
  readonly walkDepth: number;
  readonly progressMs: number;
  readonly maxMemoryBytes: number;
  readonly fairness?: FairnessSpec;
  readonly nonProgress: boolean;
}

export function resolveConfig(c: CheckConfig = {}): ResolvedCheckConfig {
  return {
    strategy: c.strategy ?? 'bfs',
    maxStates: c.maxStates ?? Number.POSITIVE_INFINITY,
    maxDepth: c.maxDepth ?? Number.POSITIVE_INFINITY,
    timeoutMs: c.timeoutMs ?? Number.POSITIVE_INFINITY,
    deadlock: c.deadlock ?? 'violation',
    stopWhen: c.stopWhen ?? 'all',
    seed: c.seed ?? 1,
    walks: c.walks ?? 1000,
    walkDepth: c.walkDepth ?? 1000,
    progressMs: c.progressMs ?? 0,
    maxMemoryBytes: c.maxMemoryBytes ?? Number.POSITIVE_INFINITY,
    ...(c.fairness === undefined ? {} : { fairness: c.fairness }),
    nonProgress: c.nonProgress ?? false,
  };
}
