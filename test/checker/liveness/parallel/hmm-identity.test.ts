/**
 * Issue 14, liveness on the HMM models: every configuration of the HMM specs that checks liveness
 * (L1–L7, non-progress cycles; upstream and v12 designs, their broken variants) reports with 1, 2
 * and 4 partitions what one worker reports: verdicts, lasso stems and cycles, counts. The HMM
 * packed form names actions with expandActions, so the partitions name each edge by its actor,
 * kind and progress bit; one worker runs the object model: this also holds the two against each
 * other. Partitions in this thread (the code the worker threads run).
 */
import { describe, expect, it } from 'vitest';
import { check, type Property } from '../../../../checker/index.ts';
import { resolveView } from '../../../../checker/report/present.ts';
import { viewFor } from '../../../../checker/spec.ts';
import { spec as reference } from '../../../../specs/hmm/reference.spec.ts';
import { spec as dmirror } from '../../../../specs/hmm/dmirror.spec.ts';
import { spec as v12 } from '../../../../specs/v12/v12.spec.ts';
import { observable } from '../../search/parallel/observable.ts';

const unused = { module: 'unused:in-process', args: null };
const LIVE = new Set(['eventually', 'leadsTo', 'alwaysEventually']);

describe('HMM liveness: 1, 2 and 4 partitions report exactly what one worker reports', () => {
  const seen = { configs: 0, partitioned: 0, violated: 0, lassoCycles: 0 };
  for (const sp of [reference, dmirror, v12] as const) {
    it(sp.id, () => {
      for (const [name, cfg] of Object.entries(sp.configs)) {
        const props = (sp.properties as (p: unknown) => Property<unknown, unknown>[])(cfg.params).filter((p) => LIVE.has(p.kind));
        const own = (cfg.check ?? {}) as { nonProgress?: boolean };
        if (props.length === 0 && !own.nonProgress) continue;
        const model = (sp.createModel as (p: unknown, n: string) => Parameters<typeof check>[0])(cfg.params, name);
        const view = resolveView(viewFor(sp as Parameters<typeof viewFor>[0], cfg.params));
        const options = {
          actorOf: (a: unknown) => view.actor(a),
          actionKindOf: (a: unknown) => view.kind(a),
          ...(sp.progress === undefined ? {} : { isProgress: sp.progress as (a: unknown) => boolean }),
        };
        const one = observable(check(model, props, cfg.check ?? {}, options)) as { properties: { verdict: string; replay?: string }[] };
        for (const workers of [1, 2, 4]) {
          const many = observable(check(model, props, cfg.check ?? {}, { ...options, parallel: { workers, source: unused, inProcess: true } }));
          expect(many, `${name} ×${workers}`).toEqual(one);
        }
        seen.configs++;
        if ((model as { packed?: { expandActions?: unknown } }).packed?.expandActions !== undefined) seen.partitioned++;
        for (const p of one.properties) {
          if (p.verdict === 'violated') seen.violated++;
          // a lasso's replay has a cycle part after '~' with steps
          if (p.replay && /~./.test(p.replay)) seen.lassoCycles++;
        }
      }
    }, 600_000);
  }
  it('compared the liveness configurations, partitioned, with lassos among them', () => {
    expect(seen.configs).toBeGreaterThan(10);
    expect(seen.partitioned).toBeGreaterThan(10);
    expect(seen.violated).toBeGreaterThan(5);
    expect(seen.lassoCycles).toBeGreaterThan(3);
    console.log(JSON.stringify(seen));
  });
});
