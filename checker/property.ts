/**
 * Named properties (Stateright's Property, TLC's INVARIANT / ACTION_CONSTRAINT / witness).
 *
 * - always:     an invariant, checked on every reachable state.
 * - sometimes:  a reachability witness; exhaustively unreachable ⇒ reported as violated, so a
 *               spec whose interesting path is dead cannot pass vacuously.
 * - alwaysStep: a property of every transition (before, action, after), including transitions
 *               into states already visited.
 */
export type Property<S, A> =
  | { readonly kind: 'always'; readonly name: string; readonly description?: string; readonly holds: (s: S) => boolean }
  | { readonly kind: 'sometimes'; readonly name: string; readonly description?: string; readonly holds: (s: S) => boolean }
  | {
      readonly kind: 'alwaysStep';
      readonly name: string;
      readonly description?: string;
      readonly holds: (s: S, a: A, t: S) => boolean;
    };

export type PropertyKind = Property<unknown, unknown>['kind'] | 'deadlock';

export const always = <S>(name: string, holds: (s: S) => boolean, description?: string) =>
  ({ kind: 'always', name, holds, ...(description === undefined ? {} : { description }) }) as const;

export const sometimes = <S>(name: string, holds: (s: S) => boolean, description?: string) =>
  ({ kind: 'sometimes', name, holds, ...(description === undefined ? {} : { description }) }) as const;

export const alwaysStep = <S, A>(name: string, holds: (s: S, a: A, t: S) => boolean, description?: string) =>
  ({ kind: 'alwaysStep', name, holds, ...(description === undefined ? {} : { description }) }) as const;

/** The built-in property reported for deadlock detection (a reachable state with no successor). */
export const DEADLOCK_PROPERTY = 'deadlock-free';
