/**
 * v12 expected verdicts: the correct design holds every property on every shared workload (and so
 * does upstream, side by side); each broken v12 variant violates exactly its properties with a
 * short counterexample whose last step is the culprit; the report section renders.
 */
import { describe, expect, it } from 'vitest';
import { check, viewFor, type TraceView } from '../../../checker/index.ts';
import { spec as v12Spec } from '../../../specs/v12/v12.spec.ts';
import { spec as compareSpec } from '../../../specs/compare/v12-vs-upstream.spec.ts';
import { V12_PROPERTY_NAMES as P, v12Invariants } from '../../../specs/v12/properties.ts';
import { renderV12VsUpstream, type SectionRun } from '../../../specs/compare/report-section.ts';
import { MISTAKES } from '../../../specs/compare/mechanisms.ts';
import { WORKLOAD_NAMES } from '../../../specs/compare/workloads.ts';
import { createHmmModel, makeCtx, type HmmState } from '../../../model/hmm/index.ts';

const runs: SectionRun[] = [];

for (const sp of [compareSpec, v12Spec] as const) {
  describe(`${sp.id}: every config meets its expectations`, () => {
    for (const [name, cfg] of Object.entries(sp.configs)) {
      it(name, () => {
        // fairness (liveness configs) names actors as the spec's view does, as the CLI passes them
        const view = viewFor(sp as never, cfg.params as never) as TraceView<unknown, unknown>;
        // the config's own check options (liveness configs add non-progress cycles and fairness)
        const progress = (sp as { progress?: unknown }).progress;
        const r = check(sp.createModel(cfg.params as never, name), sp.properties(cfg.params as never), { strategy: 'bfs', ...cfg.check, deadlock: 'violation' }, { actorOf: view.actor!, ...(progress ? { isProgress: progress } : {}) } as never);
        expect(r.status).toBe('exhaustive');
        const got = Object.fromEntries(r.properties.map((p) => [p.name, p.verdict]));
        expect(got).toEqual(cfg.expect);
        runs.push({
          spec: sp.id, config: name, stats: { distinct: r.stats.distinct },
          rows: r.properties.map((p) => ({ property: p.name, verdict: p.verdict, expected: cfg.expect[p.name]!, ...(p.trace ? { trace: { steps: p.trace.steps } } : {}) })),
        });
      });
    }
  });
}

describe('v12 broken variants violate their property with a short trace', () => {
  // [config, property, max trace length, kind of the violating step]
  const cases: [string, string, number, string][] = [
    ['no-fault-range', P.s1, 10, 'hmm_mirror_handle_fault'], // fills hmm_pt with the replaced zero page
    ['no-fault-range', P.s10, 5, 'hmm_mirror_handle_fault'],
    ['no-fault-range-migrate', P.s5, 12, 'hmm_mirror_handle_fault'], // overwrites the device-memory entry: data lost
    ['munmap-no-dma-unmap', P.s3dma, 12, 'zap_pte_range'],
    ['munmap-no-dma-unmap', P.s3free, 14, 'tlb_finish_mmu'],
    ['no-dirty-transfer', P.s6, 12, 'hmm_mirror_update'],
    ['prot-none-as-write-protect', P.s2, 8, 'change_pte_range'],
    ['copy-back-while-device-writes', P.s5, 13, 'mm_hmm_migrate_back_cleanup'],
    ['fault-range-across-fault', 'deadlock-free', 8, 'hmm_notifier_invalidate_range_start'],
    ['pin-on-fault', P.s4, 6, 'hmm_mirror_handle_fault'],
  ];
  for (const [config, prop, maxLen, last] of cases) {
    it(`${config} → ${prop}`, () => {
      const cfg = v12Spec.configs[config]!;
      const r = check(v12Spec.createModel(cfg.params, config), v12Spec.properties(cfg.params), { strategy: 'bfs', deadlock: 'violation' });
      const o = r.properties.find((p) => p.name === prop)!;
      expect(o.verdict).toBe('violated');
      expect(o.trace!.steps.length - 1).toBeLessThanOrEqual(maxLen);
      const kinds = o.trace!.steps.map((st) => st.action?.kind);
      expect(kinds[kinds.length - 1]).toBe(last);
    });
  }
});

describe('v12 invariants on random walks (correct design, every shared workload)', () => {
  it('hold after every step', () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (const w of WORKLOAD_NAMES) {
      const cfg = compareSpec.configs[`v12-${w}`]!.params.model;
      const m = createHmmModel(cfg);
      const inv = v12Invariants(makeCtx(cfg));
      for (let walk = 0; walk < 30; walk++) {
        let s = m.initialStates()[0]!;
        for (let d = 0; d < 60; d++) {
          const next: HmmState[] = [];
          m.successors(s, (_a, n) => next.push(n));
          if (next.length === 0) break;
          s = next[rnd(next.length)]!;
          for (const i of inv) expect(i.holds(s), `${w}: ${i.name}`).toBe(true);
        }
      }
    }
  });
});

describe('report section "v12 vs upstream"', () => {
  it('renders every workload, property family and mistake with verdicts and state counts', () => {
    const md = renderV12VsUpstream(runs);
    expect(md).toContain('## v12 vs upstream');
    for (const w of WORKLOAD_NAMES) expect(md).toContain(`### ${w}`);
    for (const m of MISTAKES.filter((x) => x.spec !== 'hmm-reference')) expect(md).toContain(`${m.spec}/${m.config}`);
    for (const line of md.split('\n').filter((l) => l.includes('hmm-v12/'))) expect(line).not.toContain('not run');
    expect(md).toMatch(/\| fault-vs-cow \| [\d,]+ \| ✓ /);
    expect(renderV12VsUpstream([])).toBe('');
  });
});
