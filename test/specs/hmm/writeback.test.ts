/**
 * S5 with features.writeback: a folio whose contents differ from what its last writeback wrote
 * must be dirty (PG_dirty or a dirty PTE), or the write is lost (reclaim may drop a clean
 * page-cache folio and the next fault reads the disk). The clause is checked on hand-built states
 * and on the patch configurations, whose S5 violation only this clause sees.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../../checker/index.ts';
import { createHmmModel, stateWriter, PF_D, PF_W, type HmmConfig, type HmmState } from '../../../model/hmm/index.ts';
import { s5NoLostUpdate, PROPERTY_NAMES as P } from '../../../specs/hmm/properties.ts';
import { spec as referenceSpec } from '../../../specs/hmm/reference.spec.ts';
import { spec as dmirrorSpec } from '../../../specs/hmm/dmirror.spec.ts';

const cfg: HmmConfig = {
  driver: 'reference', pages: 1, frames: 2, mapping: 'file', initial: ['rw'], features: { writeback: true },
  dev: [{ ops: [{ op: 'write', page: 0 }] }],
};
const FR = 2;

/** the initial state, written back at version 1, then edited */
function state(edit: (w: ReturnType<typeof stateWriter>) => void): { m: ReturnType<typeof createHmmModel>; s: HmmState } {
  const m = createHmmModel(cfg);
  const s = m.initialStates()[0]!.slice();
  const w = stateWriter(m.ctx, 'test').at(s);
  w.writeback().setWritten(FR, 1 + 1);
  w.frame(FR).dirty = 0;
  w.mm(0).pte(0).flags = 0; // write-protected and clean, as folio_mkclean leaves it
  edit(w);
  return { m, s };
}

describe('S5: no write lost through writeback', () => {
  it('holds while the folio holds what its last writeback wrote', () => {
    const { m, s } = state(() => {});
    expect(s5NoLostUpdate(m.ctx, s)).toBe(true);
  });
  it('is violated by newer contents that nothing records as dirty (the page would be re-read as the old version)', () => {
    const { m, s } = state((w) => { w.frame(FR).version = 2; w.mm(0).pte(0).lastWrite = 2; });
    expect(s5NoLostUpdate(m.ctx, s)).toBe(false);
  });
  it('holds when PG_dirty records the newer contents', () => {
    const { m, s } = state((w) => { w.frame(FR).version = 2; w.mm(0).pte(0).lastWrite = 2; w.frame(FR).dirty = 1; });
    expect(s5NoLostUpdate(m.ctx, s)).toBe(true);
  });
  it('holds when the dirty bit of the PTE mapping the folio records them', () => {
    const { m, s } = state((w) => { w.frame(FR).version = 2; w.mm(0).pte(0).lastWrite = 2; w.mm(0).pte(0).flags = PF_W | PF_D; });
    expect(s5NoLostUpdate(m.ctx, s)).toBe(true);
  });
  it('says nothing of a folio never written back', () => {
    const { m, s } = state((w) => { w.writeback().setWritten(FR, 0); w.frame(FR).version = 2; w.mm(0).pte(0).lastWrite = 2; });
    expect(s5NoLostUpdate(m.ctx, s)).toBe(true);
  });
});

describe('the writeback patches lose a device write after writeback', () => {
  for (const [sp, lastKind] of [[referenceSpec, 'driver_device_write'], [dmirrorSpec, 'dmirror_do_write']] as const) {
    for (const config of ['protection-page-keeps-mapping', 'mkclean-skips-notifier']) {
      it(`${sp.id} ${config}: S5 violated by the device write, in a state the address-level S5 accepts`, () => {
        const c = sp.configs[config]!;
        const model = sp.createModel(c.params, config);
        const r = check(model, sp.properties(c.params), { strategy: 'bfs' });
        const o = r.properties.find((p) => p.name === P.s5)!;
        expect(o.verdict).toBe('violated');
        const steps = o.trace!.steps;
        expect(steps[steps.length - 1]!.action?.kind).toBe(lastKind);
        // the last state: the PTE maps the frame and the address's last write is its contents —
        // only the writeback clause (clean folio, contents newer than the disk) sees the loss
        const last = steps[steps.length - 1]!.state as HmmState;
        const v = stateWriter((model as unknown as ReturnType<typeof createHmmModel>).ctx, 'test').at(last);
        expect(v.frame(FR).version).toBe(v.mm(0).pte(0).lastWrite);
        expect(v.frame(FR).dirty).toBe(0);
        expect(v.frame(FR).version).toBeGreaterThan(v.writeback().written(FR) - 1);
      });
    }
  }
});
