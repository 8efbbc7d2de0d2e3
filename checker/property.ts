/**
 * Named properties (Stateright's Property, TLC's INVARIANT / ACTION_CONSTRAINT / PROPERTY).
 *
 * Safety (checked while the search runs):
 * - always:     an invariant, checked on every reachable state.
 * - sometimes:  a reachability witness; exhaustively unreachable ⇒ reported as violated, so a
 *               spec whose interesting path is dead cannot pass vacuously.
 * - alwaysStep: a property of every transition (before, action, after), including transitions
 *               into states already visited.
 *
 * Liveness (checked on the whole reachable graph, sound on cycles; counterexamples are lassos):
 * - eventually:       every fair behaviour from an initial state reaches a state where `holds` (◇p).
 * - leadsTo:          whenever `from` holds, every fair continuation reaches `to` (□(p ⇒ ◇q)).
 * - alwaysEventually: every fair behaviour passes through `holds` infinitely often (□◇p).
 * Behaviours are infinite paths; a state without successors stutters forever (SPIN's rule). Which
 * behaviours count is set by fairness (liveness/fairness.ts): per property, else per config.
 */
import type { FairnessSpec } from './liveness/fairness.ts';

type StateProperty<K extends string, S> = {
  readonly kind: K;
  readonly name: string;
  readonly description?: string;
  readonly holds: (s: S) => boolean;
};

export type LivenessProperty<S> =
  | (StateProperty<'eventually', S> & { readonly fairness?: FairnessSpec })
  | (StateProperty<'alwaysEventually', S> & { readonly fairness?: FairnessSpec })
  | {
      readonly kind: 'leadsTo';
      readonly name: string;
      readonly description?: string;
      readonly from: (s: S) => boolean;
      readonly to: (s: S) => boolean;
      readonly fairness?: FairnessSpec;
    };

export type Property<S, A> =
  | StateProperty<'always', S>
  | (StateProperty<'sometimes', S> & {
      /** named parts of `holds` (which it is the conjunction of): a failed witness says which were never true */
      readonly conjuncts?: Readonly<Record<string, (s: S) => boolean>>;
    })
  | {
      readonly kind: 'alwaysStep';
      readonly name: string;
      readonly description?: string;
      readonly holds: (s: S, a: A, t: S) => boolean;
    }
  | LivenessProperty<S>;

export type LivenessKind = LivenessProperty<unknown>['kind'] | 'nonProgress';
export type PropertyKind = Property<unknown, unknown>['kind'] | 'deadlock' | 'nonProgress';

export const LIVENESS_KINDS: readonly string[] = ['eventually', 'leadsTo', 'alwaysEventually'];

export function isLiveness<S, A>(p: Property<S, A>): p is LivenessProperty<S> {
  return p.kind === 'eventually' || p.kind === 'leadsTo' || p.kind === 'alwaysEventually';
}

export const always = <S>(name: string, holds: (s: S) => boolean, description?: string) =>
  ({ kind: 'always', name, holds, ...(description === undefined ? {} : { description }) }) as const;

export const sometimes = <S>(name: string, holds: (s: S) => boolean, description?: string) =>
  ({ kind: 'sometimes', name, holds, ...(description === undefined ? {} : { description }) }) as const;

/**
 * A witness that is the conjunction of named parts: when it is unreachable, the verdict names the
 * parts that were never true in any reachable state.
 */
export const sometimesAll = <S>(name: string, conjuncts: Readonly<Record<string, (s: S) => boolean>>, description?: string) => {
  const parts = Object.values(conjuncts);
  return {
    kind: 'sometimes',
    name,
    holds: (s: S) => parts.every((p) => p(s)),
    conjuncts,
    ...(description === undefined ? {} : { description }),
  } as const;
};

export const alwaysStep = <S, A>(name: string, holds: (s: S, a: A, t: S) => boolean, description?: string) =>
  ({ kind: 'alwaysStep', name, holds, ...(description === undefined ? {} : { description }) }) as const;

interface LivenessExtras {
  readonly description?: string;
  /** overrides the config's fairness for this property */
  readonly fairness?: FairnessSpec;
}

const extras = (x: LivenessExtras | string | undefined): LivenessExtras => (typeof x === 'string' ? { description: x } : (x ?? {}));

/** ◇p: every fair behaviour eventually reaches a state where `holds`. */
export const eventually = <S>(name: string, holds: (s: S) => boolean, x?: LivenessExtras | string) =>
  ({ kind: 'eventually', name, holds, ...extras(x) }) as const;

/** □(p ⇒ ◇q), TLA+'s p ~> q: from every reachable state where `from` holds, every fair continuation reaches `to`. */
export const leadsTo = <S>(name: string, from: (s: S) => boolean, to: (s: S) => boolean, x?: LivenessExtras | string) =>
  ({ kind: 'leadsTo', name, from, to, ...extras(x) }) as const;

/** □◇p: every fair behaviour passes through `holds` infinitely often. */
export const alwaysEventually = <S>(name: string, holds: (s: S) => boolean, x?: LivenessExtras | string) =>
  ({ kind: 'alwaysEventually', name, holds, ...extras(x) }) as const;

/** The built-in property reported for deadlock detection (a reachable state with no successor). */
export const DEADLOCK_PROPERTY = 'deadlock-free';
/** The built-in property of CheckConfig.nonProgress (SPIN's -l): no fair cycle without a progress action. */
export const NON_PROGRESS_PROPERTY = 'no-non-progress-cycle';
