/**
 * fast-check random walks over the HMM model: apply random enabled actions and check every
 * state invariant after each step (reference and dmirror drivers, scenarios without known
 * violations), plus model contract checks (determinism of successors, terminal ⇔ no actor busy).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHmmModel, type HmmAction, type HmmState, type HmmConfig } from '../../../model/hmm/index.ts';
import { invariants, s6DirtyNotLost, s10ProtocolDiscipline } from '../../../specs/hmm/properties.ts';
import { SCENARIOS, type ScenarioName } from '../../../specs/hmm/configs.ts';

const CLEAN: readonly [HmmConfig['driver'], ScenarioName][] = [
  ['reference', 'faultVsMunmap'], ['reference', 'forkDevicePrivate'], ['reference', 'reclaimKsm'],
  ['reference', 'twoDevices'], ['reference', 'exclusive'], ['reference', 'migrateVsDeviceWrite'],
  ['dmirror', 'faultVsMunmap'], ['dmirror', 'reclaimKsm'], ['dmirror', 'exclusive'], ['dmirror', 'faultVsNuma'],
  ['reference', 'compactionVsDevice'], ['reference', 'numaMigrateVsDevice'], ['reference', 'pinVsCompactionNuma'],
  ['reference', 'ksmZeroVsDevice'], ['reference', 'oomReapVsDeviceFault'], ['dmirror', 'pinVsKsm'],
  ['dmirror', 'oomReapVsDeviceFault'], ['reference', 'forkChildMirrorVsReclaim'], ['dmirror', 'forkChildMirrorVsReclaim'],
  ['reference', 'forkChildMirrorVsMigrate'], ['reference', 'thpBackground'], ['reference', 'madvFreeVsDevice'],
];

describe('random walks keep every invariant', () => {
  for (const [driver, sc] of CLEAN) {
    it(`${driver} / ${sc}`, () => {
      const cfg = { driver, ...SCENARIOS[sc] } as HmmConfig;
      const m = createHmmModel(cfg);
      const invs = invariants(m.ctx);
      fc.assert(
        fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 80 }), (choices) => {
          let s = m.initialStates()[0]!;
          for (const ch of choices) {
            const out: { a: HmmAction; n: HmmState }[] = [];
            m.successors(s, (a, n) => out.push({ a, n }));
            if (out.length === 0) {
              expect(m.isTerminal(s)).toBe(true); // no deadlock on this walk
              return;
            }
            const { a, n } = out[ch % out.length]!;
            if (driver === 'reference') expect(s10ProtocolDiscipline(m.ctx, s, a, n)).toBe(true);
            expect(s6DirtyNotLost(m.ctx, s, a, n)).toBe(true);
            for (const inv of invs) expect([inv.name, inv.holds(n)]).toEqual([inv.name, true]);
            // successors are deterministic
            const again: HmmAction[] = [];
            m.successors(s, (a2) => again.push(a2));
            expect(again.length).toBe(out.length);
            s = n;
          }
        }),
        { numRuns: 60, seed: 42 },
      );
    });
  }
});
