/**
 * Expected verdicts per config: `reference` holds everything, each broken variant violates the
 * property of the rule it breaks (with a short trace), dmirror's findings are reproduced.
 */
import { describe, expect, it } from 'vitest';
import { check, viewFor } from '../../../checker/index.ts';
import { spec as referenceSpec } from '../../../specs/hmm/reference.spec.ts';
import { spec as dmirrorSpec } from '../../../specs/hmm/dmirror.spec.ts';
import { PROPERTY_NAMES as P } from '../../../specs/hmm/properties.ts';

for (const sp of [referenceSpec, dmirrorSpec]) {
  describe(`${sp.id}: every config meets its expectations`, () => {
    for (const [name, cfg] of Object.entries(sp.configs)) {
      if (cfg.benchOnly === true) continue;
      it(name, () => {
        // fairness (liveness configs) names actors as the spec's view does, as the CLI passes them
        const actorOf = viewFor(sp, cfg.params)!.actor!;
        // the config's own check options (liveness configs add non-progress cycles and fairness)
        const r = check(sp.createModel(cfg.params, name), sp.properties(cfg.params), { strategy: 'bfs', ...cfg.check, deadlock: 'violation' }, { actorOf, ...(sp.progress ? { isProgress: sp.progress } : {}) });
        expect(r.status).toBe('exhaustive');
        const got = Object.fromEntries(r.properties.map((p) => [p.name, p.verdict]));
        expect(got).toEqual(cfg.expect);
        // the largest configurations (1.4 M states) take 25-90 s alone and more under load: the
        // assertion is the verdicts, not the time
      }, 600_000);
    }
  });
}

describe('broken variants violate their property with a short trace', () => {
  // [config, property, max trace length, kind of the violating step]
  const cases: [string, string, number, string][] = [
    ['no-read-retry', P.s1, 16, 'driver_update_device_pt'],
    ['retry-before-lock', P.s1, 16, 'driver_update_device_pt'],
    ['dma-no-unmap', P.s3, 18, 'tlb_finish_mmu'], // the page is freed while still DMA-mapped
    ['protnone-valid-prot-none', P.s2, 14, 'driver_update_device_pt'],
    ['protnone-valid-numa', P.s2, 14, 'driver_update_device_pt'],
  ];
  for (const [config, prop, maxLen, last] of cases) {
    it(`${config} → ${prop}`, () => {
      const cfg = referenceSpec.configs[config]!;
      const r = check(referenceSpec.createModel(cfg.params, config), referenceSpec.properties(cfg.params), { strategy: 'bfs' });
      const o = r.properties.find((p) => p.name === prop)!;
      expect(o.verdict).toBe('violated');
      expect(o.trace!.steps.length - 1).toBeLessThanOrEqual(maxLen);
      const kinds = o.trace!.steps.map((st) => st.action?.kind);
      expect(kinds[kinds.length - 1]).toBe(last);
    });
  }
});
