/**
 * KSM with use_zero_pages (mm/ksm.c try_to_merge_one_page): write_protect_page (with its
 * refcount check), then — for a zero-filled page only (pages_identical(page, ZERO_PAGE), here
 * contents version 0) — replace_page under its own MMU_NOTIFY_CLEAR invalidation.
 */
import { describe, expect, it } from 'vitest';
import {
  PC, PTE_PRESENT, PTE_ZERO, PF_W, PF_D, ZERO_FRAME, EV_CLEAR, EBUSY, OK, R_I_EV, R_I_A, R_I_N, R_I_AFTER,
  dptFrame, type HmmConfig,
} from './internals.ts';
import {
  model, init, step, steps, stepA, enabled, runUntil, runTo, pte, frame, result, readers, reg, pc, dpt, gseq, active, tlb,
} from './helpers.ts';

const INV = ['mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate'];
const WP = ['write_protect_page', ...INV, 'write_protect_page_set', 'mmu_notifier_invalidate_range_end'];

/** ksmd over a zero-filled writable page; the device thread (actor 0) mirrors it; ksmd is actor 1 */
const zcfg = (c: Partial<HmmConfig> = {}): HmmConfig => ({
  driver: 'dmirror', pages: 1, frames: 2, initial: ['rwZeroed'], features: { ksm: true, ksmZeroPages: true },
  dev: [{ ops: [{ op: 'read', page: 0 }] }], ...c,
});
const DEV = 0;
const BG = 1;

describe('write_protect_page_set (mm/ksm.c) before a use_zero_pages merge', () => {
  it('effect on a zero-filled page (contents version 0): dirty → folio, the PTE made read-only and clean; replace_page is next after range_end', () => {
    const m = model(zcfg());
    let s = runUntil(m, init(m), DEV, PC.done);
    expect(frame(m, s, 2)).toMatchObject({ ver: 0, dirty: 1, ref: 1, map: 1 });
    s = steps(m, s, BG, ['write_protect_page', ...INV]);
    expect(dpt(m, s, 0, 0)).toBe(0); // the CLEAR callback erased the mirror
    const x = stepA(m, s, BG, 'write_protect_page_set');
    expect(x.a.info).toBe(OK);
    expect(pte(m, x.n, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: 0 });
    expect(frame(m, x.n, 2)).toMatchObject({ dirty: 1, ref: 2, map: 1, lock: BG + 1 }); // KSM's reference + lock
    expect(reg(m, x.n, BG, R_I_AFTER)).toBe(PC.replace_page);
    s = step(m, x.n, BG, 'mmu_notifier_invalidate_range_end');
    expect(enabled(m, s, BG)).toEqual(['replace_page']);
  });
  it('effect on a page that is not all zeroes (version 1): no replace_page, folio_unlock ends the attempt with the page read-only', () => {
    const m = model(zcfg({ initial: ['rw'] }));
    const s = steps(m, init(m), BG, WP);
    expect(enabled(m, s, BG)).toEqual(['folio_unlock']);
    const n = step(m, s, BG, 'folio_unlock');
    expect(pte(m, n, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: 0 });
    expect(frame(m, n, 2)).toMatchObject({ ref: 1, map: 1, lock: 0 });
    expect(readers(m, n)).toBe(0);
  });
  it('effect without features.ksmZeroPages: no replace_page even for a zero-filled page', () => {
    const m = model(zcfg({ features: { ksm: true } }));
    const s = steps(m, init(m), BG, WP);
    expect(enabled(m, s, BG)).toEqual(['folio_unlock']);
  });
  it('effect on a pinned page: folio_mapcount + 1 != folio_ref_count → refused (-EBUSY), the PTE stays writable+dirty, no replace_page', () => {
    const m = model(zcfg({ dev: [], cpu: [{ ops: [{ op: 'pin', page: 0 }] }] })); // cpu 0, ksmd 1
    let s = runUntil(m, init(m), 0, PC.done);
    expect(frame(m, s, 2)).toMatchObject({ ref: 2, map: 1, pin: 1 });
    s = steps(m, s, 1, ['write_protect_page', ...INV]);
    const x = stepA(m, s, 1, 'write_protect_page_set');
    expect(x.a.info).toBe(EBUSY);
    expect(pte(m, x.n, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: PF_W | PF_D });
    expect(reg(m, x.n, 1, R_I_AFTER)).toBe(PC.background_folio_unlock);
    s = step(m, x.n, 1, 'mmu_notifier_invalidate_range_end');
    expect(enabled(m, s, 1)).toEqual(['folio_unlock']);
  });
});

describe('replace_page (mm/ksm.c: mmu_notifier_invalidate_range_start(CLEAR, addr, addr + PAGE_SIZE))', () => {
  it('enabled after write_protect_page\'s range_end for a version-0 page: effect a CLEAR invalidation of the page; mmap_lock and the folio lock stay held', () => {
    const m = model(zcfg());
    let s = runUntil(m, init(m), DEV, PC.done);
    s = steps(m, s, BG, WP);
    expect([gseq(m, s), active(m, s)]).toEqual([0, 0]);
    const x = stepA(m, s, BG, 'replace_page');
    expect(reg(m, x.n, BG, R_I_EV)).toBe(EV_CLEAR);
    expect([reg(m, x.n, BG, R_I_A), reg(m, x.n, BG, R_I_N)]).toEqual([0, 1]);
    expect(pc(m, x.n, BG)).toBe(PC.mn_itree_inv_start_range);
    expect(readers(m, x.n)).toBe(1);
    expect(frame(m, x.n, 2).lock).toBe(BG + 1);
    s = step(m, x.n, BG, 'mmu_notifier_invalidate_range_start');
    expect([gseq(m, s), active(m, s)]).toEqual([1, 1]);
  });
  it('effect its callback erases a device entry the device re-established (read-only) after write_protect_page', () => {
    const m = model(zcfg());
    let s = steps(m, init(m), BG, WP);
    expect(dpt(m, s, 0, 0)).toBe(0);
    s = runUntil(m, s, DEV, PC.done); // the device faults the read-only page back in
    expect(dptFrame(dpt(m, s, 0, 0))).toBe(2);
    s = steps(m, s, BG, ['replace_page', ...INV]);
    expect(dpt(m, s, 0, 0)).toBe(0);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2 }); // the PTE changes after the callbacks
  });
});

describe('replace_page_set (mm/ksm.c, inside replace_page\'s invalidation)', () => {
  it('effect pte_same(orig_pte): the PTE becomes the zero page, the page loses its rmap and the mapping\'s reference; folio_unlock drops KSM\'s and frees it', () => {
    const m = model(zcfg({ cpu: [{ ops: [{ op: 'read', page: 0 }] }] })); // cpu 0, dev 1, ksmd 2
    let s = step(m, init(m), 0, 'cpu_access');
    expect(tlb(m, s, 0, 0)).not.toBe(0);
    s = steps(m, s, 2, [...WP, 'replace_page', ...INV]);
    const x = stepA(m, s, 2, 'replace_page_set');
    expect(x.a.info).toBe(OK);
    s = x.n;
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_ZERO, val: ZERO_FRAME });
    expect(pte(m, s, 0, 0).flags & PF_W).toBe(0);
    expect(frame(m, s, 2)).toMatchObject({ map: 0, ref: 1, lock: 3 });
    expect(tlb(m, s, 0, 0)).toBe(0);
    s = step(m, s, 2, 'mmu_notifier_invalidate_range_end');
    expect([gseq(m, s), active(m, s)]).toEqual([0, 0]);
    s = step(m, s, 2, 'folio_unlock');
    expect(frame(m, s, 2)).toMatchObject({ ref: 0, map: 0, lock: 0 });
    expect(readers(m, s)).toBe(0);
    expect(pc(m, s, 2)).toBe(PC.core_mm_background);
    // the device maps the zero page read-only and reads zeroes
    s = runUntil(m, s, 1, PC.done);
    expect(dptFrame(dpt(m, s, 0, 0))).toBe(ZERO_FRAME);
    expect(result(m, s, 1).data[0]).toBe(0);
  });
  it('effect !pte_same (a CPU write fault copied the page since write_protect_page): refused (-EBUSY), the PTE keeps the copy, the old page is freed at folio_unlock', () => {
    const m = model(zcfg({ dev: [], cpu: [{ ops: [{ op: 'write', page: 0 }] }] })); // cpu 0, ksmd 1
    let s = steps(m, init(m), 1, WP);
    expect(pte(m, s, 0, 0).flags).toBe(0);
    s = steps(m, s, 0, ['lock_mm_and_find_vma', 'wp_page_copy']); // refcount 2 (KSM's): no reuse
    s = runTo(m, s, 0, 'mmap_read_unlock');
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 3, flags: PF_W | PF_D });
    s = steps(m, s, 1, ['replace_page', ...INV]);
    const x = stepA(m, s, 1, 'replace_page_set');
    expect(x.a.info).toBe(EBUSY);
    expect(pte(m, x.n, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 3, flags: PF_W | PF_D });
    expect(frame(m, x.n, 2)).toMatchObject({ map: 0, ref: 1 });
    s = steps(m, x.n, 1, ['mmu_notifier_invalidate_range_end', 'folio_unlock']);
    expect(frame(m, s, 2).ref).toBe(0);
    s = runUntil(m, s, 0, PC.done);
    expect(frame(m, s, 3).ver).toBe(1);
  });
});
