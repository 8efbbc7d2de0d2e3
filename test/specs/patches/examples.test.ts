/**
 * The worked patch examples of specs/README.md: each patched configuration violates what
 * its comment says, with the step that breaks it; each unpatched twin holds everything. The
 * trace lengths are the ones the tutorial quotes (shortest, BFS); the last step of each trace is
 * the kernel function the tutorial names as the culprit.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../../checker/index.ts';
import { spec as flush } from '../../../specs/patches/collect-flush-after-unlock.spec.ts';
import { spec as noRef } from '../../../specs/patches/swap-page-no-ref.spec.ts';
import { spec as rwsem } from '../../../specs/patches/invalidate-rwsem.spec.ts';
import { spec as noLock } from '../../../specs/patches/invalidate-without-lock.spec.ts';
import { stateView, type HmmModel } from '../../../model/hmm/index.ts';

const cases = [
  { sp: flush, config: 'dontneed-vs-migrate', property: 's12-tlb-coherent-on-return', steps: 11, last: 'mmap_read_unlock' },
  { sp: noRef, config: 'migrate-and-back', property: 's3-no-use-after-free', steps: 20, last: 'migrate_vma_finalize' },
  { sp: rwsem, config: 'migrate-and-back', property: 'deadlock-free', steps: 3, last: 'mmu_notifier_invalidate_range_start' },
] as const;

describe('worked patch examples', () => {
  for (const { sp, config, property, steps, last } of cases) {
    it(`${sp.id}: ${property} violated in ${steps} steps, ending in ${last}`, () => {
      const cfg = sp.configs[config]!;
      const r = check(sp.createModel(cfg.params, config), sp.properties(cfg.params), { strategy: 'bfs', deadlock: 'violation' });
      expect(r.status).toBe('exhaustive');
      expect(Object.fromEntries(r.properties.map((p) => [p.name, p.verdict]))).toEqual(cfg.expect);
      const o = r.properties.find((p) => p.name === property)!;
      expect(o.trace!.steps.length - 1).toBe(steps);
      expect(o.trace!.steps.at(-1)!.action?.kind).toBe(last);
    });
    it(`${sp.id}: the unpatched twin holds every property`, () => {
      const cfg = sp.configs.unpatched!;
      const r = check(sp.createModel(cfg.params, 'unpatched'), sp.properties(cfg.params), { strategy: 'bfs', deadlock: 'violation' });
      expect(r.properties.every((p) => p.verdict === 'holds')).toBe(true);
      expect(cfg.params.model.patch).toBeUndefined();
    });
  }
});

describe('the guard patch example: the invalidate callback does not wait for the driver lock', () => {
  const cfg = noLock.configs['fault-vs-munmap']!;
  const m = noLock.createModel(cfg.params, 'fault-vs-munmap') as HmmModel;
  const r = check(m, noLock.properties(cfg.params), { strategy: 'bfs', deadlock: 'violation' });

  it('violates S1, S2 and S3 and nothing else', () => {
    expect(r.status).toBe('exhaustive');
    expect(Object.fromEntries(r.properties.map((p) => [p.name, p.verdict]))).toEqual(cfg.expect);
    const twin = noLock.configs.unpatched!;
    const u = check(noLock.createModel(twin.params, 'unpatched'), noLock.properties(twin.params), { strategy: 'bfs', deadlock: 'violation' });
    expect(u.properties.every((p) => p.verdict === 'holds')).toBe(true);
  });

  it('S3: the callback ran while the device thread held the driver lock, then the device mapped the freed page', () => {
    const steps = r.properties.find((p) => p.name === 's3-no-use-after-free')!.trace!.steps;
    const v = stateView(m.ctx, 'test');
    // the patch's only effect: an invalidate callback step taken with the driver lock held
    const racing = steps.findIndex((st, i) => i > 0 && st.action?.kind === 'driver_invalidate' && v.at(steps[i - 1]!.state).device(0).lock !== 0);
    expect(racing).toBeGreaterThan(0);
    // the device thread's update of its page table, under the lock it held all along, is what breaks S3
    expect(steps.at(-1)!.action?.kind).toBe('driver_update_device_pt');
    expect(noLock.configs.unpatched!.params.model.patch).toBeUndefined();
  });
});
