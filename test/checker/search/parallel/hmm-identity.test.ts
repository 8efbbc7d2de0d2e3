/**
 * Issue 14 on the HMM models (packed since the HMM packed path): every configuration of the HMM
 * specs — both drivers, v12, the selftest scenarios — with 1, 2 and 4 partitions reports what the
 * single-threaded search reports: status, counts, levels, verdicts, counterexample and witness paths, and the
 * action coverage. Every safety property of the configuration — state properties and the step
 * properties (S6, S10, S12: evaluated by the partition expanding the transition) — and the
 * config's own check settings, capped at 2,000 states so every configuration fits in the suite.
 * Both designs: hash partitions, and workers sharing one fingerprint table.
 * The partitions run in this thread (InProcessPool, the code the worker threads run).
 */
import { describe, expect, it } from 'vitest';
import { check, type Property } from '../../../../checker/index.ts';
import { resolveView } from '../../../../checker/report/present.ts';
import { viewFor } from '../../../../checker/spec.ts';
import { spec as reference } from '../../../../specs/hmm/reference.spec.ts';
import { spec as dmirror } from '../../../../specs/hmm/dmirror.spec.ts';
import { spec as v12 } from '../../../../specs/v12/v12.spec.ts';
import { spec as selftests } from '../../../../specs/conformance/selftests.spec.ts';
import { observable } from './observable.ts';

const CAP = 2000;
/** hash partitions ×1, ×2, ×4; the shared table ×2, ×4; each ×2 after 3 levels on one worker */
const RUNS: readonly (readonly ['partitions' | 'shared-table', number, number?])[] = [['partitions', 1], ['partitions', 2], ['partitions', 4], ['shared-table', 2], ['shared-table', 4], ['partitions', 2, 3], ['shared-table', 2, 3]];
const unused = { module: 'unused:in-process', args: null };

describe('HMM: 1, 2 and 4 partitions report exactly what one worker reports', () => {
  const compared = { configs: 0, violated: 0, exhaustive: 0, stepViolated: 0, withSteps: 0 };
  for (const sp of [reference, dmirror, v12, selftests] as const) {
    it(sp.id, () => {
      for (const [name, cfg] of Object.entries(sp.configs)) {
        const model = (sp.createModel as (p: unknown, n: string) => { packed?: unknown })(cfg.params, name);
        // a spec's own wrapper (the liveness variants) drops the packed form: nothing to partition
        if (model.packed === undefined) continue;
        const props = (sp.properties as (p: unknown) => Property<unknown, unknown>[])(cfg.params).filter((p) => p.kind === 'always' || p.kind === 'sometimes' || p.kind === 'alwaysStep');
        const view = resolveView(viewFor(sp as Parameters<typeof viewFor>[0], cfg.params));
        // as the report counts them: transitions per action kind
        const coverage = (a: unknown): string => view.kind(a);
        // the non-progress-cycle search is the liveness graph's, which partitions do not run
        const { nonProgress: _np, ...own } = (cfg.check ?? {}) as { nonProgress?: boolean; maxStates?: number };
        const config = { ...own, maxStates: Math.min(CAP, own.maxStates ?? CAP) };
        const m = model as Parameters<typeof check>[0];
        const one = observable(check(m, props, config, { coverage })) as { stats: Record<string, number>; status: string; properties: { name: string; verdict: string }[] };
        expect(Object.keys(one.stats['coverage'] ?? {}).length, `${name}: coverage counted`).toBeGreaterThan(0);
        // and one worker's search handed to 2 partitions after 3 levels (handover.test.ts)
        for (const [design, workers, after] of RUNS) {
          const many = observable(check(m, props, config, { coverage, parallel: { workers, source: unused, inProcess: true, design, ...(after === undefined ? {} : { threadsAfterLevels: after }) } })) as typeof one;
          if (props.length === 0 && one.status === 'incomplete') {
            // without properties one worker's state bound lands inside a batch of up to 64 successors
            // (threads.test.ts), so the transitions expanded before it stops, and their coverage, differ
            const same = { transitions: 0, queued: 0, coverage: {} };
            expect({ ...many, stats: { ...many.stats, ...same } }, `${name} ${design} ×${workers}${after === undefined ? '' : ` after ${after} levels`}`).toEqual({ ...one, stats: { ...one.stats, ...same } });
          } else {
            expect(many, `${name} ${design} ×${workers}${after === undefined ? '' : ` after ${after} levels`}`).toEqual(one);
          }
        }
        compared.configs++;
        compared.violated += one.properties.filter((p) => p.verdict === 'violated').length;
        const stepNames = new Set(props.filter((p) => p.kind === 'alwaysStep').map((p) => p.name));
        if (stepNames.size > 0) compared.withSteps++;
        compared.stepViolated += one.properties.filter((p) => stepNames.has(p.name) && p.verdict === 'violated').length;
        if (one.status !== 'incomplete') compared.exhaustive++;
      }
    }, 600_000);
  }
  it('compared many configurations, with violations and complete runs among them', () => {
    expect(compared.configs).toBeGreaterThan(50);
    expect(compared.violated).toBeGreaterThan(10);
    expect(compared.exhaustive).toBeGreaterThan(10);
    // the step properties were compared, violated ones among them
    expect(compared.withSteps).toBeGreaterThan(50);
    expect(compared.stepViolated).toBeGreaterThan(0);
  });
});
