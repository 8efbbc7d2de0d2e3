/**
 * An HMM liveness check whose graph is built on worker threads that rebuild the spec through the
 * CLI's model source (cli/search-model.ts): the workers name each edge by the actor, kind and
 * progress functions the source rebuilds, and the run reports exactly what one worker reports
 * (a broken variant: lassos with real cycles, and non-progress cycles).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/index.ts';
import { resolveView } from '../../checker/report/present.ts';
import { viewFor } from '../../checker/spec.ts';
import { loadSpecFile, propertiesOf } from '../../cli/load.ts';
import { searchModelSource } from '../../cli/search-model.ts';
import { spec } from '../../specs/hmm/reference.spec.ts';
import { observable } from '../checker/search/parallel/observable.ts';

const FILE = fileURLToPath(new URL('../../specs/hmm/reference.spec.ts', import.meta.url));
const CONFIG = 'liveness-swap-page-ref-without-lock';

describe('HMM liveness on worker threads rebuilt from the CLI source', () => {
  it(`${CONFIG}: the same verdicts, lassos and counts as one worker`, async () => {
    const loaded = (await loadSpecFile(FILE))[0]!;
    const cfg = spec.configs[CONFIG]!;
    const model = spec.createModel(cfg.params, CONFIG) as Parameters<typeof check>[0];
    expect((model as { packed?: { expandActions?: unknown } }).packed?.expandActions).toBeDefined();
    const props = propertiesOf(loaded, CONFIG) as Parameters<typeof check>[1];
    const view = resolveView(viewFor(spec, cfg.params));
    const options = { actorOf: (a: unknown) => view.actor(a as never), actionKindOf: (a: unknown) => view.kind(a as never), isProgress: spec.progress as (a: unknown) => boolean };
    const one = observable(check(model, props, cfg.check ?? {}, options)) as { properties: { verdict: string; replay?: string }[] };
    expect(one.properties.filter((p) => p.verdict === 'violated' && /~./.test(p.replay ?? '')).length).toBeGreaterThan(1);
    const source = searchModelSource({ source: { kind: 'spec', file: FILE, exportName: loaded.exportName }, config: CONFIG });
    expect(observable(check(model, props, cfg.check ?? {}, { ...options, parallel: { workers: 2, source, threadsAfterMs: 0 } }))).toEqual(one);
  }, 180_000);
});
