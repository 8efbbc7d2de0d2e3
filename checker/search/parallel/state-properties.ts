/** The properties a partition evaluates: the state properties (always, sometimes), picked by name so every thread has the same list in the same order. */
import { ConfigError } from '../../errors.ts';
import type { Property } from '../../property.ts';

export type StateProperty = Extract<Property<unknown, unknown>, { kind: 'always' | 'sometimes' }>;

export function isStateProperty<S, A>(p: Property<S, A>): boolean {
  return p.kind === 'always' || p.kind === 'sometimes';
}

export function pickStateProperties(all: readonly Property<unknown, unknown>[], names: readonly string[], modelId: string): StateProperty[] {
  const byName = new Map(all.map((p) => [p.name, p]));
  return names.map((n) => {
    const p = byName.get(n);
    if (p === undefined || !isStateProperty(p)) {
      throw new ConfigError(`model ${modelId}: a search worker rebuilt the spec without the state property "${n}"`, 'the spec must define the same properties every time it is loaded; run with --workers 1 to check without worker threads');
    }
    return p as StateProperty;
  });
}
