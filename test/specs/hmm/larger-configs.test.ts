/**
 * The larger configurations of specs/hmm (EXPLORATION.md): finding E1's trace, the F1-fixed
 * dmirror cross-check on the small new configs, and property P1 (S6 vs wp_page_copy). Verdicts of
 * every config are already checked by verdicts.test.ts; this file keeps the arguments honest.
 */
import { describe, expect, it } from 'vitest';
import { check, sometimes } from '../../../checker/index.ts';
import {
  stateView, createHmmModel, makeCtx, PTE_PRESENT, type HmmState,
} from '../../../model/hmm/index.ts';
import { DRIVER_VARIANTS, type DriverBehaviour } from '../../../model/hmm/variants.ts';
import type { HmmConfig } from '../../../model/hmm/config.ts';
import { spec as dmirrorSpec } from '../../../specs/hmm/dmirror.spec.ts';
import { SCENARIOS, type ScenarioName } from '../../../specs/hmm/configs.ts';
import { hmmProperties, PROPERTY_NAMES as P } from '../../../specs/hmm/properties.ts';


/** lib/test_hmm.c with F1 fixed: mmu_interval_set_seq (and the erase) before the early return */
const dmirrorF1Fixed: DriverBehaviour = { ...DRIVER_VARIANTS.dmirror, name: 'dmirrorF1Fixed', skipOwnMigrate: false };

describe('E1: F1 through a CPU fault back (dmirror_devmem_fault) racing a device fault', () => {
  it('fault-back-vs-device-read: dmirror_do_fault maps the device page the fault back frees', () => {
    const cfg = dmirrorSpec.configs['fault-back-vs-device-read']!;
    const r = check(dmirrorSpec.createModel(cfg.params, 'fault-back-vs-device-read'), dmirrorSpec.properties(cfg.params), { strategy: 'bfs' });
    expect(r.status).toBe('exhaustive');
    for (const prop of [P.s1, P.s3]) {
      const o = r.properties.find((p) => p.name === prop)!;
      expect(o.verdict).toBe('violated');
      const steps = o.trace!.steps.map((st) => st.action);
      const cpu = 0; // the only CPU thread
      // the migration that dmirror ignores is started by the CPU's page fault, not by an ioctl
      const faultBack = steps.findIndex((a) => a?.kind === 'do_swap_page' && a.actor === cpu && a.info === 1);
      expect(faultBack).toBeGreaterThan(0);
      expect(steps.slice(faultBack).some((a) => a?.kind === 'dmirror_interval_invalidate' && a.actor === cpu)).toBe(true);
      // the device issues its ioctls one after the other: one device thread only
      expect(new Set(steps.filter((a) => a !== undefined && a.actor !== cpu).map((a) => a!.actor)).size).toBe(1);
      expect(steps[steps.length - 1]?.kind).toBe('dmirror_do_fault');
    }
  });
});

describe('dmirror with F1 fixed holds every property in the new configs that violate (small ones)', () => {
  const small: [ScenarioName, readonly ('wWrite' | 'wRead' | 'wMigrate')[]][] = [
    ['faultBackVsDeviceRead', ['wMigrate', 'wRead']],
    ['releaseVsFaultBack', ['wMigrate']],
    ['twoCpuFaultsVsMigrateToSys', ['wMigrate']],
    ['migrateFaultBackRace', ['wWrite', 'wMigrate', 'wRead']],
  ];
  for (const [scenario, witnesses] of small) {
    it(scenario, () => {
      const model = { ...SCENARIOS[scenario], driver: dmirrorF1Fixed } as HmmConfig;
      const r = check(createHmmModel(model, `dmirrorF1Fixed/${scenario}`), hmmProperties(model, witnesses), { strategy: 'bfs', deadlock: 'violation' });
      expect(r.status).toBe('exhaustive');
      for (const p of r.properties) expect([p.name, p.verdict]).toEqual([p.name, 'holds']);
    });
  }
});

describe('P1: S6 does not flag the PTE wp_page_copy replaces by its COW copy', () => {
  it('anonymous write, fork, parent write (COW), child read: S6 holds', () => {
    const model: HmmConfig = {
      driver: 'reference', pages: 1, frames: 3, initial: ['none'], features: { fork: true },
      cpu: [{ ops: [{ op: 'write', page: 0 }, { op: 'fork' }, { op: 'write', page: 0 }] }, { mm: 1, ops: [{ op: 'read', page: 0 }] }],
    };
    const c = makeCtx(model);
    // witness: the parent's COW copy happened (parent and child map different frames at page 0)
    const cowDone = sometimes<HmmState>('cow-done', (s) => {
      const v = stateView(c).at(s);
      const parent = v.mm(0).pte(0);
      const child = v.mm(1).pte(0);
      return parent.kind === PTE_PRESENT && child.kind === PTE_PRESENT && parent.val !== child.val;
    });
    const r = check(createHmmModel(model, 'p1/fork-cow'), [...hmmProperties(model, []), cowDone], { strategy: 'bfs' });
    expect(r.status).toBe('exhaustive');
    for (const p of r.properties) expect([p.name, p.verdict]).toEqual([p.name, 'holds']);
  });
});
