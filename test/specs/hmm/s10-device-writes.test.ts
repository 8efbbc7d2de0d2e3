/**
 * S10 on the device-PT writes that no read_retry guards: dmirror_migrate_finalize_and_map must be
 * justified by the migration (the CPU entry is still its migration entry, or the entry of the page
 * it maps), dmirror_atomic_map by make_device_exclusive (the device-exclusive entry of that page,
 * its folio still locked by the thread). Each case takes a real transition of the model, then
 * tampers with the state before it the way a race would.
 */
import { describe, expect, it } from 'vitest';
import { PTE_NONE, PTE_PRESENT, stateWriter, type HmmConfig } from '../../../model/hmm/index.ts';
import { s10ProtocolDiscipline } from '../../../specs/hmm/properties.ts';
import { model, init, runTo, stepA } from '../../model/hmm/steps/helpers.ts';

const check = (cfg: HmmConfig, kind: string, tamper?: (s: Int32Array, m: ReturnType<typeof model>) => void): boolean => {
  const m = model(cfg);
  const s = runTo(m, init(m), 0, kind).slice();
  tamper?.(s, m);
  const x = stepA(m, s, 0, kind);
  return s10ProtocolDiscipline(m.ctx, s, x.a, x.n);
};

describe('S10: dmirror_migrate_finalize_and_map', () => {
  const cfg: HmmConfig = { driver: 'reference', pages: 1, frames: 2, devFrames: 1, initial: ['rw'], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }] };
  it('holds when the CPU entry is still the migration entry', () => {
    expect(check(cfg, 'dmirror_migrate_finalize_and_map')).toBe(true);
  });
  it('is violated when a zap removed the migration entry before the device is programmed (FINDINGS F5)', () => {
    expect(check(cfg, 'dmirror_migrate_finalize_and_map', (s, m) => { stateWriter(m.ctx).at(s).mm(0).pte(0).kind = PTE_NONE; })).toBe(false);
  });
});

describe('S10: dmirror_atomic_map', () => {
  const cfg: HmmConfig = { driver: 'dmirror', pages: 1, frames: 2, initial: ['rw'], features: { exclusive: true }, dev: [{ ops: [{ op: 'exclusive', page: 0 }] }] };
  it('holds when the CPU entry is the device-exclusive entry and the thread holds the folio lock', () => {
    expect(check(cfg, 'dmirror_atomic_map')).toBe(true);
  });
  it('is violated when the CPU entry was restored to a present PTE meanwhile', () => {
    expect(check(cfg, 'dmirror_atomic_map', (s, m) => { stateWriter(m.ctx).at(s).mm(0).pte(0).kind = PTE_PRESENT; })).toBe(false);
  });
  it('is violated when the thread no longer holds the folio lock (it unlocked before programming)', () => {
    expect(check(cfg, 'dmirror_atomic_map', (s, m) => { stateWriter(m.ctx).at(s).frame(2).lock = 0; })).toBe(false);
  });
});
