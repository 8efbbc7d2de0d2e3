/** The core-mm record is its own configuration key, apart from the driver; nothing unknown passes silently. */
import { describe, expect, it } from 'vitest';
import { createHmmModel, CORE_MM_VARIANTS, DRIVER_VARIANTS, type HmmConfig } from '../../../model/hmm/index.ts';

const base: HmmConfig = { driver: 'reference', pages: 1, frames: 2, initial: ['rw'], prot: 'none', dev: [{ ops: [{ op: 'read', page: 0 }] }] };

function states(cfg: HmmConfig): number {
  const m = createHmmModel(cfg);
  const seen = new Set<string>();
  const q = [...m.initialStates()];
  for (const s of q) m.successors(s, (_a, n) => { const k = n.join(); if (!seen.has(k)) { seen.add(k); q.push(n); } });
  return seen.size;
}

describe('coreMm', () => {
  it('an unknown variant name, an unknown record key, a missing record key are errors naming the fix', () => {
    expect(() => createHmmModel({ ...base, coreMm: 'nope' as never })).toThrow(/coreMm 'nope' is no core-mm variant \(known: upstream, protnoneValid\)/);
    expect(() => createHmmModel({ ...base, coreMm: { ...CORE_MM_VARIANTS.upstream, name: 'x', typo: true } as never })).toThrow(/coreMm record has no key 'typo'/);
    expect(() => createHmmModel({ ...base, coreMm: { name: 'x' } as never })).toThrow(/lacks 'hmmReportsProtnone'/);
  });
  it('the core-mm rule given in the driver record, or the old driver name, says where it belongs', () => {
    expect(() => createHmmModel({ ...base, driver: { ...DRIVER_VARIANTS.reference, name: 'd', hmmReportsProtnone: true } as never })).toThrow(/core-mm behaviour: give it in the coreMm record/);
    expect(() => createHmmModel({ ...base, driver: 'protnoneValid' as never })).toThrow(/is a core-mm variant: give it as coreMm/);
    expect(() => createHmmModel({ ...base, driver: { ...DRIVER_VARIANTS.reference, name: 'd', checkRetry: true } as never })).toThrow(/driver record 'd' has no key 'checkRetry'/);
  });
  it('a user record equal to a variant is that variant; the variant changes the model, upstream does not', () => {
    const named = states({ ...base, coreMm: 'protnoneValid' });
    const record = states({ ...base, coreMm: { name: 'mine', hmmReportsProtnone: true } });
    expect(record).toBe(named);
    expect(states({ ...base, coreMm: 'upstream' })).toBe(states(base));
    // with the protnone PTE reported valid the device maps the page without the fault the
    // upstream walk takes, so the two explorations differ
    expect(named).not.toBe(states(base));
  });
  it('the model id names a core variant after the driver', () => {
    expect(createHmmModel({ ...base, coreMm: 'protnoneValid' }).id).toBe('hmm/upstream@reference+protnoneValid');
    expect(createHmmModel(base).id).toBe('hmm/upstream@reference');
  });
});
