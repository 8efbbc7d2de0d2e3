/**
 * Fairness assumptions (TLC's WF/SF, SPIN's -f): which infinite behaviours count.
 *
 * A fairness *unit* is an actor (the view's actor of a transition, e.g. "cpu0", "P_1"), or one
 * action kind of an actor ("dev0:hmm_range_fault"). A unit is enabled in a state when one of its
 * transitions leaves that state, and taken on a cycle when one of its transitions is on it.
 * - weak:   a unit enabled continuously along the cycle must be taken on it (WF).
 * - strong: a unit enabled somewhere on the cycle, even intermittently, must be taken on it (SF).
 * - none:   no constraint (background actors: reclaim, NUMA balancing, a timer).
 *
 * Written as a record: `{ '*': 'weak', kswapd: 'none', 'dev0:migrate': 'strong' }`. A transition
 * takes the entry of `actor:kind`, else of `actor`, else of `*`, else none.
 */
import { ConfigError } from '../errors.ts';

export type FairnessLevel = 'none' | 'weak' | 'strong';
export type FairnessSpec = Readonly<Record<string, FairnessLevel>>;

export const FAIRNESS_LEVELS: readonly FairnessLevel[] = ['none', 'weak', 'strong'];
/** Fair units per property are bits of a 32-bit mask (one word per state on the hot path). */
export const MAX_FAIR_UNITS = 32;

export function levelOf(spec: FairnessSpec, actor: string, kind: string): FairnessLevel {
  return spec[`${actor}:${kind}`] ?? spec[actor] ?? spec['*'] ?? 'none';
}

export function usesFairness(spec: FairnessSpec | undefined): boolean {
  return spec !== undefined && Object.values(spec).some((l) => l !== 'none');
}

/**
 * Rejects levels that are not none/weak/strong and, when the actors are known, keys naming an
 * actor the model lacks (a typo would otherwise silently make that actor unfair).
 */
export function validateFairness(spec: FairnessSpec, where: string, knownActors: readonly string[] | undefined): void {
  for (const [key, level] of Object.entries(spec)) {
    if (!FAIRNESS_LEVELS.includes(level)) {
      throw new ConfigError(`${where}: fairness "${String(level)}" for "${key}" is not a fairness level`, 'use none, weak or strong');
    }
    if (key === '*' || knownActors === undefined) continue;
    const actor = key.includes(':') ? key.slice(0, key.indexOf(':')) : key;
    if (!knownActors.includes(actor)) {
      throw new ConfigError(
        `${where}: fairness names actor "${actor}", which the model does not have (its actors: ${knownActors.join(', ')})`,
        'fix the actor name in the fairness record, or use "*" for every actor',
      );
    }
  }
}
