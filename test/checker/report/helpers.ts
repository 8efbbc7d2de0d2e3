/** The mutex example's counterexample, checked and presented: the input of the writer tests. */
import { check } from '../../../checker/check.ts';
import { viewFor } from '../../../checker/spec.ts';
import { type PresentedTrace, presentTrace, resolveView } from '../../../checker/report/present.ts';
import { spec } from '../../../specs/examples/mutex.spec.ts';

export function mutexCounterexample(): PresentedTrace {
  const cfg = spec.configs['check-then-set']!;
  const model = spec.createModel(cfg.params, 'check-then-set');
  const r = check(model, spec.properties(cfg.params));
  const o = r.properties.find((p) => p.name === 'mutual-exclusion')!;
  const prop = spec.properties(cfg.params).find((p) => p.name === 'mutual-exclusion')!;
  return presentTrace(o.trace!, resolveView(viewFor(spec, cfg.params)), 'always', prop.description);
}
