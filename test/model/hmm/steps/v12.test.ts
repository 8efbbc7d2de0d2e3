/**
 * The v12 design (model/hmm/v12; names from the 2015/2016 HMM postings, see v12/README.md): the
 * labels test/model/hmm/v12/steps.test.ts exercises without naming them in a title.
 */
import { describe, expect, it } from 'vitest';
import { PC, PTE_PRESENT, PTE_HMM, PF_HMM_LOCKED, EFAULT, type HmmConfig, mirrorOff, mdmaOff, faultOff, invOff } from './internals.ts';
import {
  HMM_PTE_VALID, HMM_PTE_WRITE, HMM_PTE_DIRTY, HMM_PTE_DEV, hmmPteFrame, FAULT_REGISTERED, FAULT_BACKOFF,
} from '../../../../model/hmm/v12/index.ts';
import { model, init, step, steps, stepA, enabled, runUntil, pte, frame, result, pc, readers } from './helpers.ts';

const v12 = (c: Omit<HmmConfig, 'driver'>) => model({ driver: 'reference', design: 'v12', ...c });

describe('device_read / device_write (v12: the device hardware through hmm_pt)', () => {
  it('device_read effect on a miss: -ENOENT → hmm_mirror_fault; on a valid entry: reads the contents and returns 0', () => {
    const m = v12({ pages: 1, frames: 2, initial: ['rw'], dev: [{ ops: [{ op: 'read', page: 0 }] }] });
    let s = step(m, init(m), 0, 'device_read');
    expect(pc(m, s, 0)).toBe(PC.hmm_mirror_fault);
    s = steps(m, s, 0, ['hmm_mirror_fault', 'hmm_mirror_fault_pmd', 'hmm_mirror_handle_fault']);
    s = step(m, s, 0, 'device_read');
    expect(result(m, s, 0)).toMatchObject({ ret: 0, data: [1] });
  });
  it('device_write effect: the store lands in the page and sets HMM_PTE_DIRTY', () => {
    const m = v12({ pages: 1, frames: 2, initial: ['rw'], dev: [{ ops: [{ op: 'write', page: 0 }] }] });
    const s = runUntil(m, init(m), 0, PC.done);
    expect(s[mirrorOff(m.ctx.L, 0, 0)]! & HMM_PTE_DIRTY).toBe(HMM_PTE_DIRTY);
    expect(frame(m, s, 2).ver).toBe(2);
  });
});

describe('hmm_mirror_fault_pmd / hmm_mirror_handle_fault (v12 device fault)', () => {
  it('hmm_mirror_fault_pmd effect: walks the CPU page table while the fault is registered; hmm_mirror_handle_fault fills hmm_pt, DMA-maps, unregisters', () => {
    const m = v12({ pages: 1, frames: 2, initial: ['rw'], features: { dma: true }, dev: [{ ops: [{ op: 'read', page: 0 }] }] });
    const L = m.ctx.L;
    let s = steps(m, init(m), 0, ['device_read', 'hmm_mirror_fault']);
    expect(s[faultOff(L, 0)]).toBe(FAULT_REGISTERED);
    s = step(m, s, 0, 'hmm_mirror_fault_pmd');
    expect(s[mirrorOff(L, 0, 0)]).toBe(0); // not published before device->update
    s = step(m, s, 0, 'hmm_mirror_handle_fault');
    expect(s[mirrorOff(L, 0, 0)]).toBe((2 << 4) | HMM_PTE_VALID | HMM_PTE_WRITE);
    expect(s[mdmaOff(L, 0, 0)]).toBe(2);
    expect(s[faultOff(L, 0)]).toBe(0);
  });
  it('hmm_mirror_fault_pmd effect on a PROT_NONE VMA: the fault ends with -EFAULT', () => {
    const m = v12({ pages: 1, frames: 2, initial: ['rw'], prot: 'none', dev: [{ ops: [{ op: 'read', page: 0 }] }] });
    const s = runUntil(m, init(m), 0, PC.done);
    expect(result(m, s, 0).ret).toBe(EFAULT);
  });
});

describe('hmm_mm_fault / hmm_mirror_fault_retry (v12: unregister, handle_mm_fault, fault again)', () => {
  it('hmm_mm_fault effect: the fault range is unregistered before handle_mm_fault; hmm_mirror_fault_retry then faults again', () => {
    const m = v12({ pages: 1, frames: 2, dev: [{ ops: [{ op: 'write', page: 0 }] }] });
    const L = m.ctx.L;
    let s = steps(m, init(m), 0, ['device_write', 'hmm_mirror_fault', 'hmm_mm_fault']);
    expect(s[faultOff(L, 0)]).toBe(0);
    expect(pc(m, s, 0)).toBe(PC.handle_mm_fault);
    s = step(m, s, 0, 'do_anonymous_page');
    expect(pte(m, s, 0, 0).kind).toBe(PTE_PRESENT);
    s = step(m, s, 0, 'hmm_mirror_fault_retry');
    expect(enabled(m, s, 0)).toEqual(['hmm_mirror_fault']);
    expect(readers(m, s)).toBe(0);
  });
});

describe('hmm_device_fault_end / hmm_notifier_invalidate_range_end (v12 fault-range tracking)', () => {
  it('hmm_device_fault_end effect: a fault told to back off unregisters; hmm_notifier_invalidate_range_end lets it fault again', () => {
    const m = v12({ pages: 1, frames: 2, initial: ['zero'], cpu: [{ ops: [{ op: 'write', page: 0 }] }], dev: [{ ops: [{ op: 'read', page: 0 }] }] });
    const L = m.ctx.L;
    let s = steps(m, init(m), 1, ['device_read', 'hmm_mirror_fault', 'hmm_mirror_fault_pmd']);
    s = steps(m, s, 0, ['lock_mm_and_find_vma', 'wp_page_copy', 'hmm_notifier_invalidate_range_start']);
    expect(s[faultOff(L, 1)]).toBe(FAULT_BACKOFF);
    s = step(m, s, 1, 'hmm_device_fault_end');
    expect(s[faultOff(L, 1)]).toBe(0);
    s = steps(m, s, 0, ['hmm_mirror_update', 'wp_page_copy_set_pte']);
    expect(s[invOff(L, 0)]).toBe(1);
    const x = stepA(m, s, 0, 'hmm_notifier_invalidate_range_end');
    expect(x.n[invOff(L, 0)]).toBe(0);
    expect(enabled(m, x.n, 1)).toEqual(['hmm_mirror_fault']);
  });
});

describe('mm_hmm_migrate_cleanup (v12 migration commit)', () => {
  it('effect hmm_pt points at device memory, the special entry is unlocked and names no page, the system page is freed', () => {
    const m = v12({ pages: 1, frames: 2, devFrames: 1, initial: ['rw'], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }] });
    const L = m.ctx.L;
    let s = steps(m, init(m), 0, ['hmm_mirror_migrate', 'hmm_notifier_invalidate_range_start', 'hmm_mirror_update', 'mm_hmm_migrate', 'hmm_notifier_invalidate_range_end', 'copy_to_device']);
    expect(pte(m, s, 0, 0).flags & PF_HMM_LOCKED).toBe(PF_HMM_LOCKED);
    s = step(m, s, 0, 'mm_hmm_migrate_cleanup');
    const e = s[mirrorOff(L, 0, 0)]!;
    expect(e & HMM_PTE_DEV).toBe(HMM_PTE_DEV);
    expect(hmmPteFrame(e)).toBeGreaterThan(2);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_HMM, val: 0 });
    expect(pte(m, s, 0, 0).flags & PF_HMM_LOCKED).toBe(0);
    expect(frame(m, s, 2).ref).toBe(0);
  });
});
