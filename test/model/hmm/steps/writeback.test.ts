/**
 * features.writeback (mm/page-writeback.c, mm/rmap.c): the flusher's writeback_iter locks a dirty
 * page-cache folio of the file mapping, folio_clear_dirty_for_io → folio_mkclean →
 * page_vma_mkclean_one write-protects and cleans its PTE inside an MMU_NOTIFY_PROTECTION_PAGE
 * invalidation (dmirror_interval_invalidate erases the device's entry: the event is not MIGRATE),
 * then the folio is clean and its contents are on disk; the next write fault (wp_page_shared)
 * waits for the folio lock and dirties the folio again.
 */
import { describe, expect, it } from 'vitest';
import {
  EV_PROTECTION_PAGE, F_DIRTY, F_LOCK, PC, PF_D, PF_W, PG_FLAGS, PTE_PRESENT, R_I_EV, frOff, pgOff, wbBudgetOff, wbWrittenOff,
  type HmmConfig,
} from './internals.ts';
import { model, init, steps, step, stepA, runUntil, enabled, pte, frame, dpt, tlb, reg } from './helpers.ts';

// actors: CPU thread 0, device thread 1, the background actor (flusher) 2
const cfg = (c: Partial<HmmConfig> = {}): HmmConfig => ({
  driver: 'dmirror', pages: 1, frames: 2, mapping: 'file', initial: ['rw'], features: { writeback: true },
  cpu: [{ ops: [{ op: 'read', page: 0 }, { op: 'write', page: 0 }] }], dev: [{ ops: [{ op: 'write', page: 0 }] }], ...c,
});
const FR = 2; // the initial page's frame
const written = (m: ReturnType<typeof model>, s: Int32Array): number => s[wbWrittenOff(m.ctx.L, FR)]!;
const START = ['writeback_iter', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate'];

describe('writeback_iter (the flusher picks a dirty page-cache folio)', () => {
  it('effect: locks the dirty folio, takes a reference, spends the budget and starts a PROTECTION_PAGE invalidation', () => {
    const m = model(cfg());
    const s0 = init(m);
    expect(enabled(m, s0, 2)).toEqual(['writeback_iter']);
    const s = step(m, s0, 2, 'writeback_iter');
    expect(frame(m, s, FR)).toMatchObject({ lock: 3, ref: frame(m, s0, FR).ref + 1 });
    expect(s[wbBudgetOff(m.ctx.L)]).toBe(0);
    expect(reg(m, s, 2, R_I_EV)).toBe(EV_PROTECTION_PAGE);
  });
  it('guard: a clean folio (written back, or never dirtied) and a locked one are not picked', () => {
    const m = model(cfg({ initial: ['ro'] }));
    expect(enabled(m, init(m), 2)).toEqual([]);
    const m2 = model(cfg());
    const s = init(m2).slice();
    s[frOff(m2.ctx.L, FR) + F_LOCK] = 1;
    expect(enabled(m2, s, 2)).toEqual([]);
  });
  it('guard: the budget bounds it (budgets.writeback: 0 = no writeback)', () => {
    const m = model(cfg({ budgets: { writeback: 0 } }));
    expect(enabled(m, init(m), 2)).toEqual([]);
  });
  it('a clean page-cache page starts as what is on disk; a dirty one has never been written', () => {
    const ro = model(cfg({ initial: ['ro'] }));
    expect(written(ro, init(ro))).toBe(1 + 1);
    const rw = model(cfg());
    expect(written(rw, init(rw))).toBe(0);
  });
});

describe('page_vma_mkclean_one', () => {
  it('effect: the PTE loses write and dirty, the CPU TLB entry is flushed, the folio stays dirty', () => {
    const m = model(cfg());
    let s = steps(m, init(m), 0, ['cpu_access']); // the CPU's load fills its TLB (writable)
    expect(tlb(m, s, 0, 0)).not.toBe(0);
    s = steps(m, s, 2, [...START, 'page_vma_mkclean_one']);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: FR });
    expect(pte(m, s, 0, 0).flags & (PF_W | PF_D)).toBe(0);
    expect(tlb(m, s, 0, 0)).toBe(0);
    expect(s[frOff(m.ctx.L, FR) + F_DIRTY]).toBe(1);
  });
  it("effect: the device's write mapping is gone — dmirror_interval_invalidate erases it (PROTECTION_PAGE is not MIGRATE)", () => {
    const m = model(cfg());
    let s = runUntil(m, init(m), 1, PC.done); // device WRITE: faults, maps the page writable, writes
    expect(dpt(m, s, 0, 0)).not.toBe(0);
    s = steps(m, s, 2, START);
    expect(dpt(m, s, 0, 0)).toBe(0);
  });
  it('effect: a clean read-only PTE is left as it is (`!pte_dirty && !pte_write`: continue)', () => {
    const m = model(cfg());
    const s = init(m).slice();
    const o = pgOff(m.ctx.L, 0, 0);
    s[o + PG_FLAGS] = s[o + PG_FLAGS]! & ~(PF_W | PF_D); // dirty folio, clean read-only PTE
    const before = pte(m, s, 0, 0);
    const x = stepA(m, steps(m, s, 2, START), 2, 'page_vma_mkclean_one');
    expect(x.a.info).toBe(0);
    expect(pte(m, x.n, 0, 0)).toEqual(before);
  });
});

describe('folio_clear_dirty_for_io', () => {
  it('effect: the folio is clean and its contents version is what is on disk', () => {
    const m = model(cfg());
    let s = runUntil(m, init(m), 1, PC.done); // the device wrote version 2
    expect(frame(m, s, FR).ver).toBe(2);
    s = steps(m, s, 2, [...START, 'page_vma_mkclean_one', 'mmu_notifier_invalidate_range_end', 'folio_clear_dirty_for_io']);
    expect(s[frOff(m.ctx.L, FR) + F_DIRTY]).toBe(0);
    expect(written(m, s)).toBe(2 + 1);
    s = step(m, s, 2, 'folio_unlock');
    expect(frame(m, s, FR).lock).toBe(0);
  });
});

describe('do_wp_page (wp_page_shared) after writeback', () => {
  const cleaned = (m: ReturnType<typeof model>): Int32Array =>
    steps(m, init(m), 2, [...START, 'page_vma_mkclean_one', 'mmu_notifier_invalidate_range_end', 'folio_clear_dirty_for_io']);
  it('effect: a CPU store faults, the PTE becomes writable and dirty and the folio dirty again', () => {
    const m = model(cfg({ cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    let s = step(m, cleaned(m), 2, 'folio_unlock');
    s = runUntil(m, s, 0, PC.done);
    expect(pte(m, s, 0, 0).flags & (PF_W | PF_D)).toBe(PF_W | PF_D);
    expect(s[frOff(m.ctx.L, FR) + F_DIRTY]).toBe(1);
    expect(frame(m, s, FR).ver).toBe(2);
    expect(written(m, s)).toBe(1 + 1);
  });
  it('guard: the fault sleeps in do_page_mkwrite while the flusher holds the folio lock', () => {
    const m = model(cfg({ cpu: [{ ops: [{ op: 'write', page: 0 }] }] }));
    const s = step(m, cleaned(m), 0, 'lock_mm_and_find_vma'); // handle_mm_fault's next step would be do_wp_page
    expect(enabled(m, s, 0)).toEqual([]);
    expect(enabled(m, step(m, s, 2, 'folio_unlock'), 0)).toEqual(['do_wp_page']);
  });
  it('a device WRITE after writeback faults through hmm_range_fault and dirties the folio (no write is lost)', () => {
    const m = model(cfg({ cpu: [{ ops: [] }] }));
    let s = step(m, cleaned(m), 2, 'folio_unlock');
    s = runUntil(m, s, 1, PC.done);
    expect(frame(m, s, FR)).toMatchObject({ dirty: 1, ver: 2 });
    expect(pte(m, s, 0, 0).flags & (PF_W | PF_D)).toBe(PF_W | PF_D);
  });
});

describe('configuration', () => {
  it('without the feature there is no writeback word, and a write fault of a file page leaves PG_dirty as before', () => {
    const off = model(cfg({ features: {}, initial: ['ro'] }));
    const on = model(cfg());
    expect(off.ctx.L.writebackBase).toBe(-1);
    expect(on.ctx.L.width - on.ctx.L.writebackBase).toBe(1 + on.ctx.L.frameCount); // budget + one word per frame, last
    const s = runUntil(off, runUntil(off, init(off), 0, PC.done), 1, PC.done);
    expect(pte(off, s, 0, 0).flags & PF_D).toBe(PF_D);
    expect(s[frOff(off.ctx.L, FR) + F_DIRTY]).toBe(0);
  });
  it("refuses a mapping other than 'file' (shmem and anonymous memory have no folio_mkclean writeback)", () => {
    expect(() => model(cfg({ mapping: 'shared' }))).toThrow(/writeback needs mapping 'file'/);
    expect(() => model(cfg({ mapping: 'anon' }))).toThrow(/writeback needs mapping 'file'/);
  });
});
