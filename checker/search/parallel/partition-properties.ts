/**
 * The properties a partition evaluates: state properties (always, sometimes) on the states it
 * owns, step properties (alwaysStep) on the transitions it expands. Picked by name so every
 * thread has the same list in the same order.
 */
import { ConfigError } from '../../errors.ts';
import type { Property } from '../../property.ts';

export type StateProperty = Extract<Property<unknown, unknown>, { kind: 'always' | 'sometimes' }>;
export type StepProperty = Extract<Property<unknown, unknown>, { kind: 'alwaysStep' }>;
export type PartitionProperty = StateProperty | StepProperty;

export function isPartitionProperty<S, A>(p: Property<S, A>): boolean {
  return p.kind === 'always' || p.kind === 'sometimes' || p.kind === 'alwaysStep';
}

export function pickPartitionProperties(all: readonly Property<unknown, unknown>[], names: readonly string[], modelId: string): PartitionProperty[] {
  const byName = new Map(all.map((p) => [p.name, p]));
  return names.map((n) => {
    const p = byName.get(n);
    if (p === undefined || !isPartitionProperty(p)) {
      throw new ConfigError(`model ${modelId}: a search worker rebuilt the spec without the property "${n}"`, 'the spec must define the same properties every time it is loaded; run with --workers 1 to check without worker threads');
    }
    return p as PartitionProperty;
  });
}
