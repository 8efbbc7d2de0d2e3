/**
 * The L4–L6 variants (specs/hmm/liveness-patches.ts) fail with a real cycle, not a stuck state: the
 * lasso's loop has steps, it replays, and the actor the bug concerns moves in it. (Every verdict of
 * these configurations and of their unpatched twins is checked by verdicts.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { check, replay, viewFor, NON_PROGRESS_PROPERTY } from '../../../checker/index.ts';
import { spec } from '../../../specs/hmm/reference.spec.ts';

// [config, property, the actor that must take steps in the cycle]
const CASES: [string, string, string][] = [
  ['liveness-swap-page-ref-without-lock', 'L4-cpu-fault-completes.cpu0', 'cpu1'], // the other fault's reference
  ['liveness-evict-vs-ref-without-lock', 'L5-eviction-completes.dev0.t1', 'dev0.t1'], // eviction retried for ever
  ['liveness-exclusive-read-keeps-entry', 'L6-exclusive-restored.cpu0', 'cpu0'], // the load refaults
];

describe('L4–L6 broken variants: lassos with a real cycle', () => {
  for (const [config, property, mover] of CASES) {
    it(`${config} → ${property}`, () => {
      const cfg = spec.configs[config]!;
      const view = viewFor(spec, cfg.params)!;
      const model = spec.createModel(cfg.params, config);
      const r = check(model, spec.properties(cfg.params), { ...cfg.check }, { actorOf: view.actor!, isProgress: spec.progress! });
      for (const name of [property, NON_PROGRESS_PROPERTY]) {
        const o = r.properties.find((p) => p.name === name)!;
        expect(o.verdict, name).toBe('violated');
        const loop = o.trace!.loopIndex!;
        const steps = o.trace!.steps;
        expect(loop).toBeLessThan(steps.length - 1); // a cycle, not a stutter
        const movers = new Set(steps.slice(loop + 1).map((st) => view.actor!(st.action!)));
        expect([...movers]).toContain(mover);
        const again = replay(spec.createModel(cfg.params, config), o.trace!.replay, spec.properties(cfg.params), spec.progress!);
        expect(again.demonstrated).toContain(name);
      }
    }, 120_000);
  }
});
