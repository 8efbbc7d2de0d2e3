/**
 * Search workers started from one prebuilt JavaScript file (cli/worker-bundle.ts) instead of the
 * TypeScript sources: the same results as one worker, for a DVE model and an HMM spec, in either
 * design; and the cases that must fall back to the sources.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, type Property } from '../../checker/index.ts';
import { PARALLEL_DESIGNS } from '../../checker/search/parallel/index.ts';
import { loadSpecFile, propertiesOf } from '../../cli/load.ts';
import { searchModelSource } from '../../cli/search-model.ts';
import { buildWorkerBundle as workerBundleUncached, workerBundle } from '../../cli/worker-bundle.ts';
import { loadDve } from '../../model/dve/index.ts';
import { observable } from '../checker/search/parallel/observable.ts';
import { BEEM } from '../model/dve/helpers.ts';

describe('workers started from the bundle report what one worker reports', () => {
  it.each(PARALLEL_DESIGNS)('a DVE model (%s)', (design) => {
    const file = resolve(`${BEEM}dve/at.2.dve`);
    const bundle = workerBundle(file);
    expect(bundle).toMatch(/\.mjs$/);
    const model = loadDve(file).model;
    const source = searchModelSource({ source: { kind: 'dve', file, exportName: '' }, config: 'default' });
    const one = check(model, [], { deadlock: 'count' });
    const two = check(model, [], { deadlock: 'count' }, { parallel: { workers: 2, source, threadsAfterMs: 0, design, workerBundle: () => bundle } });
    expect(observable(two)).toEqual(observable(one));
  }, 60_000);

  it.each(PARALLEL_DESIGNS)('an HMM spec with its properties (%s)', async (design) => {
    const file = resolve('specs/hmm/reference.spec.ts');
    const bundle = workerBundle(file);
    expect(bundle).toMatch(/\.mjs$/);
    const [loaded] = await loadSpecFile(file);
    for (const config of ['no-read-retry', 'migrate-and-back']) {
      const cfg = loaded!.spec.configs[config]!;
      const model = loaded!.spec.createModel(cfg.params, config) as Parameters<typeof check>[0];
      const props = propertiesOf(loaded!, config).filter((p) => p.kind === 'always' || p.kind === 'sometimes' || p.kind === 'alwaysStep') as Property<unknown, unknown>[];
      const source = searchModelSource({ source: { kind: 'spec', file, exportName: loaded!.exportName }, config });
      const one = check(model, props, { deadlock: 'count' });
      const two = check(model, props, { deadlock: 'count' }, { parallel: { workers: 2, source, threadsAfterMs: 0, design, workerBundle: () => bundle } });
      expect(observable(two), config).toEqual(observable(one));
    }
  }, 120_000);
});

describe('the bundle is cached and rebuilt when a file it was built from changes', () => {
  it('the same file while nothing changed; rebuilt after a change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bundle-cache-'));
    const f = join(dir, 'tiny.spec.ts');
    writeFileSync(f, "export const a = 1;\n");
    const first = workerBundle(f)!;
    const before = readFileSync(first, 'utf8');
    expect(before).toContain('a = 1');
    // a later process (this one's own memo is per process): same path, same text
    expect(workerBundleUncached(f)).toBe(first);
    writeFileSync(f, "export const a = 22;\n");
    // (size changed: rebuilt)
    expect(readFileSync(workerBundleUncached(f)!, 'utf8')).toContain('a = 22');
  });
});

describe('a spec the bundle cannot hold starts its workers from the sources', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-test-'));
  it('a spec that reads its own import.meta (every module of a bundle would see one URL)', () => {
    const f = join(dir, 'meta.spec.ts');
    writeFileSync(f, "export const here = import.meta.url;\n");
    expect(workerBundle(f)).toBeUndefined();
  });
  it('a spec that does not parse (its error is reported where the sources load it)', () => {
    const f = join(dir, 'broken.spec.ts');
    writeFileSync(f, 'export const x = ;\n');
    expect(workerBundle(f)).toBeUndefined();
  });
});
