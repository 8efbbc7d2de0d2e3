/**
 * The patch API (model/hmm/patch.ts, api.ts): what a reviewer writes in a spec file reaches the
 * model, and anything a patch cannot mean is an error instead of a silently unpatched run.
 */
import { describe, expect, it } from 'vitest';
import { createHmmModel, kernel as k, type HmmConfig, type HmmPatch } from '../../../model/hmm/index.ts';
import { init, succs, step, steps, stepA } from './steps/helpers.ts';

const base: HmmConfig = {
  driver: 'reference', pages: 1, frames: 2, devFrames: 1, initial: ['rw'],
  cpu: [{ ops: [{ op: 'read', page: 0 }] }],
};
const withPatch = (patch: HmmPatch, cfg: Partial<HmmConfig> = {}): HmmConfig => ({ ...base, ...cfg, patch });

describe('bad patches and configurations are errors', () => {
  const bad: [string, () => unknown, RegExp][] = [
    ['an unknown config key', () => createHmmModel({ ...base, maxstates: 3 } as unknown as HmmConfig), /has no key 'maxstates'/],
    ['an unknown feature', () => createHmmModel({ ...base, features: { forkk: true } } as unknown as HmmConfig), /features has no key 'forkk'/],
    ['an unknown patch key', () => createHmmModel(withPatch({ name: 'x', step: {} } as unknown as HmmPatch)), /patch has no key 'step'/],
    ['a body for no label', () => createHmmModel(withPatch({ name: 'x', steps: { no_such: () => {} } })), /no label 'no_such'/],
    ['a wrap of a label the design lacks', () => createHmmModel(withPatch({ name: 'x', steps: { hmm_mirror_update: { wrap: (o) => o } } })), /no step 'hmm_mirror_update'/],
    ['an added label that exists', () => createHmmModel(withPatch({ name: 'x', labels: [{ name: 'cpu_access', file: '', fn: '', emits: [], body: () => {} }] })), /already exists/],
    ['a field of no scope', () => createHmmModel(withPatch({ name: 'x', fields: { f: { scope: 'page' as 'mm' } } })), /scope must be/],
    ['a request op nobody defines', () => createHmmModel({ ...base, cpu: [{ ops: [{ op: 'mlock', page: 0 }] }] }), /'mlock' is neither built in/],
    ['a request starting at no label', () => createHmmModel(withPatch({ name: 'x', requests: { mlock: { actor: 'cpu', start: 'nowhere' } } }, { cpu: [{ ops: [{ op: 'mlock' }] }] })), /no label of the program/],
    ['an unknown ops key', () => createHmmModel(withPatch({ name: 'x', ops: { invalidat: () => () => null } } as unknown as HmmPatch)), /patch.ops has no key 'invalidat'/],
    ['a guard for no label', () => createHmmModel(withPatch({ name: 'x', guards: { no_such: () => true } })), /patch.guards.no_such: no label 'no_such'/],
    ['a guard for done', () => createHmmModel(withPatch({ name: 'x', guards: { done: () => true } })), /patch.guards.done: no label 'done'/],
    ['a guard that is no function', () => createHmmModel(withPatch({ name: 'x', guards: { cpu_access: true } } as unknown as HmmPatch)), /patch.guards.cpu_access must be a guard/],
    ['an invalidate guard that is no function', () => createHmmModel(withPatch({ name: 'x', ops: { invalidateGuard: 1 } } as unknown as HmmPatch)), /invalidateGuard must be a function/],
  ];
  for (const [what, f, msg] of bad) it(what, () => expect(f).toThrow(msg));
});

describe('a patch changes the model', () => {
  it('replaces a step body', () => {
    const m = createHmmModel(withPatch({ name: 'no-access', steps: { cpu_access: () => {} } }));
    expect(succs(m, init(m))).toEqual([]); // the only thread can no longer step
  });

  it('wraps a step: the original runs, the wrapper edits its successors', () => {
    const m = createHmmModel(withPatch({
      name: 'dirty-reads', fields: { reads: { scope: 'global' } },
      steps: { cpu_access: { wrap: (orig) => (c, s, t, emit) => orig(c, s, t, (a, n) => { k.writeField(c, n, 'reads', 0, 7); emit(a, n); }) } },
    }));
    const n = step(m, init(m), 0, 'cpu_access');
    expect(k.readField(m.ctx, n, 'reads')).toBe(7);
    expect(m.id).toContain('+dirty-reads');
  });

  it('adds a label a step can jump to, and a request that starts there', () => {
    const m = createHmmModel(withPatch({
      name: 'mlock', fields: { locked: { scope: 'mm', init: 0 } },
      labels: [{
        name: 'sys_mlock', file: 'mm/mlock.c', fn: 'do_mlock', emits: ['do_mlock'],
        body: (c, s, t, emit) => {
          const n = s.slice();
          k.writeField(c, n, 'locked', k.mmOf(c, t), 1);
          k.finishRequest(c, n, t, 0);
          emit(k.act('do_mlock', t, 0), n);
        },
      }],
      requests: { mlock: { actor: 'cpu', start: 'sys_mlock' } },
    }, { cpu: [{ ops: [{ op: 'mlock', page: 0 }, { op: 'read', page: 0 }] }] }));
    const s0 = init(m);
    expect(k.labelOf(m.ctx, s0, 0)).toBe('sys_mlock');
    const s1 = steps(m, s0, 0, ['do_mlock']);
    expect(k.readField(m.ctx, s1, 'locked', 0)).toBe(1);
    expect(k.labelOf(m.ctx, s1, 0)).toBe('cpu_access');
  });

  it('per-frame fields start at their init and are reset to it when the frame is freed', () => {
    const cfg = withPatch({
      name: 'mark', fields: { mark: { scope: 'frame', init: 5 } },
      steps: { zap_pte_range: { wrap: (orig) => (c, s, t, emit) => orig(c, s, t, (a, n) => { k.writeField(c, n, 'mark', 2, 9); emit(a, n); }) } },
    }, { cpu: [{ ops: [{ op: 'munmap', page: 0 }] }] });
    const m = createHmmModel(cfg);
    let s = init(m);
    expect(k.readField(m.ctx, s, 'mark', 2)).toBe(5);
    s = steps(m, s, 0, ['mmap_write_lock', 'mmu_notifier_invalidate_range_start', 'driver_invalidate', 'zap_pte_range']);
    expect(k.readField(m.ctx, s, 'mark', 2)).toBe(9); // frame 2 (page 0) is in the mmu_gather, not yet free
    s = steps(m, s, 0, ['mmu_notifier_invalidate_range_end', 'tlb_finish_mmu']);
    expect(k.folio(m.ctx, s, 2).refcount).toBe(0);
    expect(k.readField(m.ctx, s, 'mark', 2)).toBe(5);
  });

  it('wraps the driver invalidate callback\'s guard (a lock it sleeps on)', () => {
    const cfg = (held: number): HmmConfig => withPatch({
      name: 'cb-sleeps', fields: { held: { scope: 'device', init: held } },
      ops: { invalidateGuard: (orig) => (c, s, t, d) => k.readField(c, s, 'held', d) === 0 && orig(c, s, t, d) },
    }, { cpu: [{ ops: [{ op: 'munmap', page: 0 }] }] });
    const m = createHmmModel(cfg(1));
    const s = steps(m, init(m), 0, ['mmap_write_lock', 'mmu_notifier_invalidate_range_start']);
    expect(succs(m, s)).toEqual([]); // the callback sleeps: no step
    expect(k.actorEnabled(m.ctx, s, 0)).toBe(false);
    const free = createHmmModel(cfg(0));
    const s0 = steps(free, init(free), 0, ['mmap_write_lock', 'mmu_notifier_invalidate_range_start']);
    expect(succs(free, s0).map((x) => x.a.kind)).toEqual(['driver_invalidate']);
  });

  it('an invalidate callback that returns no state while its guard holds is an error, not a silent block', () => {
    const m = createHmmModel(withPatch({ name: 'null-cb', ops: { invalidate: () => () => null } }, { cpu: [{ ops: [{ op: 'munmap', page: 0 }] }] }));
    const s = steps(m, init(m), 0, ['mmap_write_lock', 'mmu_notifier_invalidate_range_start']);
    expect(() => succs(m, s)).toThrow(/returned no state although its guard held.*invalidateGuard/);
  });
});

describe('patch.guards: a step\'s guard apart from its body', () => {
  // thread 0 unmaps page 0 (mmap_write_lock held from its first step to its last), thread 1 reads
  // it (not yet mapped: a page fault, which needs mmap_read_lock)
  const race: Partial<HmmConfig> = {
    initial: ['none'], cpu: [{ ops: [{ op: 'munmap', page: 0 }] }, { ops: [{ op: 'read', page: 0 }] }],
  };
  const locked = (m: ReturnType<typeof createHmmModel>): Int32Array => step(m, init(m), 0, 'mmap_write_lock');
  const kinds = (m: ReturnType<typeof createHmmModel>, s: Int32Array, t: number): string[] =>
    succs(m, s).filter((x) => x.a.actor === t).map((x) => x.a.kind);

  it('unpatched, the reader waits for the writer', () => {
    const m = createHmmModel({ ...base, ...race });
    expect(kinds(m, locked(m), 1)).toEqual([]);
    expect(k.actorEnabled(m.ctx, locked(m), 1)).toBe(false);
    expect(k.actorEnabled(m.ctx, locked(m), 0)).toBe(true);
  });

  it('replaces a guard: the fault no longer waits for mmap_lock, the body is unchanged', () => {
    const m = createHmmModel(withPatch({ name: 'no-wait', guards: { cpu_access: () => true } }, race));
    expect(kinds(m, locked(m), 1)).toEqual(['lock_mm_and_find_vma']);
    expect(k.actorEnabled(m.ctx, locked(m), 1)).toBe(true);
  });

  it('wraps a guard: the original is passed in', () => {
    let calls = 0;
    const m = createHmmModel(withPatch({
      name: 'thread-1-never', guards: { cpu_access: { wrap: (orig) => (c, s, t) => { calls++; return t !== 1 && orig(c, s, t); } } },
    }, race));
    expect(kinds(m, init(m), 1)).toEqual([]); // the wrapper refuses thread 1 even with mmap_lock free
    expect(calls).toBeGreaterThan(0);
    const same = createHmmModel(withPatch({ name: 'identity', guards: { cpu_access: { wrap: (orig) => orig } } }, race));
    const plain = createHmmModel({ ...base, ...race });
    expect(kinds(same, locked(same), 1)).toEqual(kinds(plain, locked(plain), 1));
    expect(kinds(same, init(same), 1)).toEqual(kinds(plain, init(plain), 1));
  });

  it('a replaced body keeps its label\'s guard', () => {
    const m = createHmmModel(withPatch({
      name: 'new-body', steps: { cpu_access: (c, s, t, emit) => emit(k.act('cpu_access', t, 0), s.slice()) },
    }, race));
    expect(kinds(m, locked(m), 1)).toEqual([]); // still waits for mmap_lock
    expect(kinds(m, init(m), 1)).toEqual(['cpu_access']);
  });

  it('an added label takes its own guard', () => {
    const m = createHmmModel(withPatch({
      name: 'added', fields: { go: { scope: 'global' } },
      labels: [{ name: 'gated', file: 'mm/memory.c', fn: 'x', emits: ['gated'], guard: (c, s) => k.readField(c, s, 'go', 0) === 1, body: () => {} }],
    }));
    expect(m.ctx.prog.guards[m.ctx.prog.pc.gated!]!(m.ctx, init(m), 0)).toBe(false);
  });
});

describe('DriverBehaviour.ownMigrateSetsSeq (FINDINGS F2 fix candidates)', () => {
  const cfg = (own?: 'unlocked' | 'locked'): HmmConfig => ({
    driver: { ...{ name: 'f2', prefix: 'dmirror', checksRetry: true, retryUnderLock: true, skipOwnMigrate: true, eraseWithoutLockInDevmemFault: true, dmaMapOnFault: false, dmaUnmapInInvalidate: false }, ...(own === undefined ? {} : { ownMigrateSetsSeq: own }) },
    pages: 1, frames: 2, devFrames: 1, initial: ['rw'], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }],
  });
  const afterCallback = (c: HmmConfig): Int32Array => {
    const m = createHmmModel(c);
    return steps(m, init(m), 0, ['migrate_vma_setup', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate']);
  };
  it('unset: the early return skips mmu_interval_set_seq (lib/test_hmm.c)', () => {
    const c = cfg();
    const s = afterCallback(c);
    const m = createHmmModel(c);
    expect(k.invalidation(m.ctx, s, 0).event).toBe('MMU_NOTIFY_MIGRATE');
    expect(stepA(m, s, 0, 'migrate_vma_collect_pmd')).toBeDefined();
    expect(s[m.ctx.L.devBase + 1]).toBe(0); // interval seq not set
  });
  for (const own of ['unlocked', 'locked'] as const) {
    it(`${own}: the early return sets the seq`, () => {
      const c = cfg(own);
      const s = afterCallback(c);
      expect(s[createHmmModel(c).ctx.L.devBase + 1]).toBe(1);
    });
  }
});
