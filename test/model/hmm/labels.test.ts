/**
 * labels.ts says which action kinds each labelled step may emit; the coverage report and the
 * patch API trust it. Here every step taken in the first states of every configuration the HMM
 * specs check (both drivers, the v12 design, the selftest scenarios) is held against the label
 * its actor was at: an emitted kind its label does not declare fails the test.
 */
import { describe, expect, it } from 'vitest';
import { spec as reference } from '../../../specs/hmm/reference.spec.ts';
import { spec as dmirror } from '../../../specs/hmm/dmirror.spec.ts';
import { spec as v12 } from '../../../specs/v12/v12.spec.ts';
import { spec as selftests } from '../../../specs/conformance/selftests.spec.ts';
import { createHmmModel, type HmmConfig, type HmmModel, type HmmState, type HmmAction } from '../../../model/hmm/index.ts';
import { R_PC } from '../../../model/hmm/layout.ts';

const PER_CONFIG = 4000;

function undeclared(m: HmmModel): string[] {
  const { L, prog } = m.ctx;
  const seen = new Set<string>();
  const queue: HmmState[] = [...m.initialStates()];
  const bad = new Set<string>();
  for (let i = 0; i < queue.length && seen.size < PER_CONFIG; i++) {
    const s = queue[i]!;
    m.successors(s, (a: HmmAction, n: HmmState) => {
      const pc = s[L.actors[a.actor]!.base + R_PC]!;
      if (!prog.decls[pc]!.emits.includes(a.kind)) bad.add(`${prog.labels[pc]} emitted ${a.kind}`);
      const k = n.join(',');
      if (!seen.has(k)) {
        seen.add(k);
        queue.push(n);
      }
    });
  }
  return [...bad];
}

describe('every emitted action kind is declared by the label its step runs at', () => {
  for (const sp of [reference, dmirror, v12, selftests] as const) {
    it(sp.id, () => {
      const bad: string[] = [];
      for (const [name, cfg] of Object.entries(sp.configs)) {
        // the model itself (a spec may wrap it, e.g. the liveness configurations' broken variants)
        const p = cfg.params as { model: HmmConfig; prefix?: unknown };
        const m = p.prefix === undefined ? createHmmModel(p.model) : (sp.createModel as (q: unknown, n: string) => HmmModel)(cfg.params, name);
        for (const b of undeclared(m)) bad.push(`${name}: ${b}`);
      }
      expect(bad).toEqual([]);
    });
  }
});
