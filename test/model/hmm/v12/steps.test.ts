/**
 * v12 design (model/hmm/v12), one describe per v12 function: "enabled when … / effect …". States
 * are driven through the model's own successors by label, like test/model/hmm/actions.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  createHmmModel, type HmmConfig, PC, PTE_PRESENT, PTE_HMM, PTE_NONE, PF_W, PF_D, PF_HMM_LOCKED, EFAULT, OK, isDevFrame,
} from '../../../../model/hmm/index.ts';
import {
  HMM_PTE_VALID, HMM_PTE_WRITE, HMM_PTE_DIRTY, HMM_PTE_DEV, hmmPteFrame, FAULT_REGISTERED, FAULT_BACKOFF, EACCES, HMM_MUNMAP, HMM_MIGRATE, HMM_FORK, HMM_WRITE_PROTECT, type V12Variant,
} from '../../../../model/hmm/v12/index.ts';

type Model = ReturnType<typeof createHmmModel>;
import { succs, step, stepA, enabled, runUntil } from '../steps/helpers.ts';
import { view } from '../state/view-helper.ts';

const v12 = (cfg: Omit<HmmConfig, 'driver'>, variant: V12Variant = 'v12'): Model =>
  createHmmModel({ driver: 'reference', design: 'v12', v12: variant, ...cfg });

describe('design switch (config.ts design: upstream | v12)', () => {
  it('upstream configs get no v12 words; v12 appends its own', () => {
    const cfg = { pages: 1, frames: 2, dev: [{ ops: [{ op: 'read' as const, page: 0 }] }] };
    const up = createHmmModel({ driver: 'reference', ...cfg });
    const v = v12(cfg);
    expect(up.ctx.L.v12Base).toBe(-1);
    expect(v.ctx.L.v12Base).toBe(up.ctx.L.width);
    expect(v.ctx.L.width).toBeGreaterThan(up.ctx.L.width);
  });
});

describe('device access through hmm_pt → hmm_mirror_fault (HMM_DEVICE_RFAULT/WFAULT)', () => {
  it('a miss faults; the fault registers its range, walks, fills hmm_pt + DMA, then the access succeeds', () => {
    const m = v12({ pages: 1, frames: 2, initial: ['rw'], features: { dma: true }, dev: [{ ops: [{ op: 'read', page: 0 }] }] });
    const L = m.ctx.L;
    let s = m.initialStates()[0]!;
    expect(enabled(m, s, 0)).toEqual(['device_read']);
    s = step(m, s, 0, 'device_read'); // -ENOENT
    expect(view(m, s).actor(0).pc).toBe(PC.hmm_mirror_fault);
    s = step(m, s, 0, 'hmm_mirror_fault');
    expect(view(m, s).v12().actor(0).fault).toBe(FAULT_REGISTERED);
    s = step(m, s, 0, 'hmm_mirror_fault_pmd');
    const u = stepA(m, s, 0, 'hmm_mirror_handle_fault');
    s = u.n;
    const f = view(m, s).mm(0).pte(0).val;
    expect(view(m, s).v12().mirror(0).pt(0)).toBe((f << 4) | HMM_PTE_VALID | HMM_PTE_WRITE);
    expect(view(m, s).v12().mirror(0).dma(0)).toBe(f); // hmm_mirror_dma_map
    expect(view(m, s).v12().actor(0).fault).toBe(0); // unregistered
    s = step(m, s, 0, 'device_read');
    expect(view(m, s).actor(0).result(0).ret).toBe(OK);
  });
  it('a device write sets HMM_PTE_DIRTY (the CPU PTE dirty bit does not see device writes)', () => {
    const m = v12({ pages: 1, frames: 2, initial: ['rw'], dev: [{ ops: [{ op: 'write', page: 0 }] }] });
    const s = runUntil(m, m.initialStates()[0]!, 0, PC.done);
    expect(view(m, s).v12().mirror(0).pt(0) & HMM_PTE_DIRTY).toBe(HMM_PTE_DIRTY);
  });
  it('PROT_NONE VMA → -EFAULT (v11 "Fix PROT_NONE case"); write on a read-only VMA → -EACCES', () => {
    const a = v12({ pages: 1, frames: 2, initial: ['rw'], prot: 'none', dev: [{ ops: [{ op: 'read', page: 0 }] }] });
    expect(view(a, runUntil(a, a.initialStates()[0]!, 0, PC.done)).actor(0).result(0).ret).toBe(EFAULT);
    const b = v12({ pages: 1, frames: 2, initial: ['ro'], prot: 'read', dev: [{ ops: [{ op: 'write', page: 0 }] }] });
    expect(view(b, runUntil(b, b.initialStates()[0]!, 0, PC.done)).actor(0).result(0).ret).toBe(EACCES);
  });
  it('a page the CPU does not map: the fault backs off (unregisters) before handle_mm_fault', () => {
    const m = v12({ pages: 1, frames: 2, dev: [{ ops: [{ op: 'write', page: 0 }] }] });
    const L = m.ctx.L;
    let s = m.initialStates()[0]!;
    s = step(m, s, 0, 'device_write');
    s = step(m, s, 0, 'hmm_mirror_fault');
    s = step(m, s, 0, 'hmm_mm_fault');
    expect(view(m, s).v12().actor(0).fault).toBe(0);
    expect(view(m, s).actor(0).pc).toBe(PC.handle_mm_fault);
    const k = v12({ pages: 1, frames: 2, dev: [{ ops: [{ op: 'write', page: 0 }] }] }, 'faultRangeAcrossFault');
    let t = k.initialStates()[0]!;
    t = step(k, t, 0, 'device_write');
    t = step(k, t, 0, 'hmm_mirror_fault');
    t = step(k, t, 0, 'hmm_mm_fault');
    expect(view(m, t).v12().actor(0).fault).toBe(FAULT_REGISTERED); // the mistake: still registered
  });
});

describe('fault-range tracking (hmm_notifier_invalidate_range_start / hmm_mirror_update / _end)', () => {
  const cfg = { pages: 1, frames: 2, initial: ['zero' as const], cpu: [{ ops: [{ op: 'write' as const, page: 0 }] }], dev: [{ ops: [{ op: 'read' as const, page: 0 }] }] };
  it('an update marks the overlapping registered fault "back off" and waits for it', () => {
    const m = v12(cfg);
    const L = m.ctx.L;
    let s = m.initialStates()[0]!;
    s = step(m, s, 1, 'device_read');
    s = step(m, s, 1, 'hmm_mirror_fault');
    s = step(m, s, 1, 'hmm_mirror_fault_pmd'); // walked the zero page
    s = step(m, s, 0, 'lock_mm_and_find_vma');
    s = step(m, s, 0, 'wp_page_copy');
    const st = stepA(m, s, 0, 'hmm_notifier_invalidate_range_start');
    expect(st.a.info).toBe(HMM_MIGRATE); // CLEAR → HMM_MIGRATE
    s = st.n;
    expect(view(m, s).v12().actor(0).inv).toBe(1);
    expect(view(m, s).v12().actor(1).fault).toBe(FAULT_BACKOFF);
    expect(enabled(m, s, 0)).toEqual([]); // waits for the fault to back off
    expect(enabled(m, s, 1)).toEqual(['hmm_device_fault_end']);
    s = step(m, s, 1, 'hmm_device_fault_end');
    expect(view(m, s).v12().actor(1).fault).toBe(0);
    expect(enabled(m, s, 1)).toEqual([]); // hmm_range_wait: sleeps while the update is registered
    s = step(m, s, 0, 'hmm_mirror_update');
    s = step(m, s, 0, 'wp_page_copy_set_pte');
    s = step(m, s, 0, 'hmm_notifier_invalidate_range_end');
    expect(view(m, s).v12().actor(0).inv).toBe(0);
    expect(enabled(m, s, 1)).toEqual(['hmm_mirror_fault']);
  });
  it('noFaultRange: the fault is never interrupted and fills hmm_pt with the replaced zero page', () => {
    const m = v12(cfg, 'noFaultRange');
    const L = m.ctx.L;
    let s = m.initialStates()[0]!;
    s = step(m, s, 1, 'device_read');
    s = step(m, s, 1, 'hmm_mirror_fault');
    expect(view(m, s).v12().actor(1).fault).toBe(0);
    s = step(m, s, 1, 'hmm_mirror_fault_pmd');
    s = step(m, s, 0, 'lock_mm_and_find_vma');
    s = step(m, s, 0, 'wp_page_copy');
    s = step(m, s, 0, 'hmm_notifier_invalidate_range_start');
    s = step(m, s, 0, 'hmm_mirror_update');
    s = step(m, s, 0, 'wp_page_copy_set_pte');
    s = step(m, s, 1, 'hmm_mirror_handle_fault');
    expect(view(m, s).mm(0).pte(0).kind).toBe(PTE_PRESENT);
    expect(hmmPteFrame(view(m, s).v12().mirror(0).pt(0))).toBe(1); // stale: the zero page
  });
});

describe('hmm_mirror_update by event', () => {
  it('HMM_MUNMAP clears hmm_pt, DMA-unmaps and moves HMM_PTE_DIRTY to the page', () => {
    const m = v12({ pages: 1, frames: 2, features: { dma: true }, cpu: [{ ops: [{ op: 'write', page: 0 }, { op: 'munmap', page: 0 }] }], dev: [{ ops: [{ op: 'write', page: 0 }] }] });
    const L = m.ctx.L;
    let s = m.initialStates()[0]!;
    s = runUntil(m, s, 0, PC.do_vmi_munmap);
    s = runUntil(m, s, 1, PC.done);
    const f = view(m, s).mm(0).pte(0).val;
    expect(view(m, s).v12().mirror(0).pt(0) & HMM_PTE_DIRTY).toBe(HMM_PTE_DIRTY);
    s = step(m, s, 0, 'mmap_write_lock');
    s = step(m, s, 0, 'hmm_notifier_invalidate_range_start');
    const u = stepA(m, s, 0, 'hmm_mirror_update');
    expect(u.a.info).toBe(HMM_MUNMAP);
    expect(view(m, u.n).v12().mirror(0).pt(0)).toBe(0);
    expect(view(m, u.n).v12().mirror(0).dma(0)).toBe(0);
    expect(view(m, u.n).frame(f).dirty).toBe(1);
  });
  it('mprotect(PROT_READ) write-protects (HMM_WRITE_PROTECT); mprotect(PROT_NONE) clears', () => {
    for (const [prot, expectClear] of [['read', false], ['none', true]] as const) {
      const m = v12({ pages: 1, frames: 2, initial: ['rw'], cpu: [{ ops: [{ op: 'mprotect', page: 0, prot }] }], dev: [{ ops: [{ op: 'read', page: 0 }] }] });
      const L = m.ctx.L;
      let s = runUntil(m, m.initialStates()[0]!, 1, PC.done);
      expect(view(m, s).v12().mirror(0).pt(0) & HMM_PTE_WRITE).toBe(HMM_PTE_WRITE);
      s = step(m, s, 0, 'mmap_write_lock');
      s = step(m, s, 0, 'hmm_notifier_invalidate_range_start');
      const u = stepA(m, s, 0, 'hmm_mirror_update');
      expect(u.a.info).toBe(HMM_WRITE_PROTECT);
      if (expectClear) expect(view(m, u.n).v12().mirror(0).pt(0)).toBe(0);
      else expect(view(m, u.n).v12().mirror(0).pt(0) & (HMM_PTE_VALID | HMM_PTE_WRITE)).toBe(HMM_PTE_VALID);
    }
  });
});

describe('migration to device memory: hmm_mirror_migrate → mm_hmm_migrate → copy_to_device → commit', () => {
  it('the CPU PTE becomes a locked special entry, then device memory backs hmm_pt and the system page is freed', () => {
    const m = v12({ pages: 1, frames: 2, devFrames: 1, initial: ['rw'], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }] });
    const L = m.ctx.L;
    let s = m.initialStates()[0]!;
    const f = view(m, s).mm(0).pte(0).val;
    s = step(m, s, 0, 'hmm_mirror_migrate');
    s = step(m, s, 0, 'hmm_notifier_invalidate_range_start');
    s = step(m, s, 0, 'hmm_mirror_update');
    s = step(m, s, 0, 'mm_hmm_migrate');
    expect(view(m, s).mm(0).pte(0).kind).toBe(PTE_HMM);
    expect(view(m, s).mm(0).pte(0).flags & PF_HMM_LOCKED).toBe(PF_HMM_LOCKED);
    s = step(m, s, 0, 'hmm_notifier_invalidate_range_end');
    s = step(m, s, 0, 'copy_to_device');
    s = step(m, s, 0, 'mm_hmm_migrate_cleanup');
    const e = view(m, s).v12().mirror(0).pt(0);
    expect(e & HMM_PTE_DEV).toBe(HMM_PTE_DEV);
    expect(isDevFrame(L, hmmPteFrame(e))).toBe(true);
    expect(view(m, s).mm(0).pte(0).flags & PF_HMM_LOCKED).toBe(0);
    expect(view(m, s).mm(0).pte(0).val).toBe(0); // no struct page: the entry names nothing
    expect(view(m, s).frame(f).refcount).toBe(0);
    expect(view(m, s).actor(0).result(0).ret).toBe(OK);
  });
  it('a page with an extra reference is not migrated (mm_hmm_migrate page check)', () => {
    const m = v12({ pages: 1, frames: 2, devFrames: 1, initial: ['rw'], features: { fork: true }, cpu: [{ ops: [{ op: 'fork' }] }], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }] });
    let s = runUntil(m, m.initialStates()[0]!, 0, PC.done); // fork: the page is COW-shared (mapcount 2)
    s = runUntil(m, s, 1, PC.done);
    expect(view(m, s).mm(0).pte(0).kind).toBe(PTE_PRESENT);
  });
});

describe('CPU fault on the special entry: hmm_handle_cpu_fault → copy_from_device → hmm_mirror_migrate_back → mm_hmm_migrate_back_cleanup', () => {
  const cfg = { pages: 1, frames: 2, devFrames: 1, initial: ['rw' as const], features: { dma: true }, cpu: [{ ops: [{ op: 'read' as const, page: 0 }] }], dev: [{ ops: [{ op: 'migrateToDev' as const, page: 0 }, { op: 'write' as const, page: 0 }] }] };
  it('grabs the entry exclusively, write-protects the device entry, copies, retargets hmm_pt, restores the PTE', () => {
    const m = v12(cfg);
    const L = m.ctx.L;
    let s = runUntil(m, m.initialStates()[0]!, 1, PC.done); // migrate + device write
    const df = hmmPteFrame(view(m, s).v12().mirror(0).pt(0));
    expect(view(m, s).frame(df).version).toBe(2);
    s = step(m, s, 0, 'lock_mm_and_find_vma');
    s = step(m, s, 0, 'hmm_handle_cpu_fault');
    expect(view(m, s).mm(0).pte(0).flags & PF_HMM_LOCKED).toBe(PF_HMM_LOCKED);
    expect(view(m, s).v12().mirror(0).pt(0) & HMM_PTE_WRITE).toBe(0);
    s = step(m, s, 0, 'copy_from_device');
    s = step(m, s, 0, 'hmm_mirror_migrate_back');
    const nf = hmmPteFrame(view(m, s).v12().mirror(0).pt(0));
    expect(isDevFrame(L, nf)).toBe(false);
    expect(view(m, s).v12().mirror(0).dma(0)).toBe(nf);
    expect(view(m, s).frame(df).refcount).toBe(0); // device memory freed
    s = step(m, s, 0, 'mm_hmm_migrate_back_cleanup');
    expect(view(m, s).mm(0).pte(0).kind).toBe(PTE_PRESENT);
    expect(view(m, s).mm(0).pte(0).val).toBe(nf);
    expect(view(m, s).mm(0).pte(0).flags & (PF_W | PF_D)).toBe(PF_W | PF_D);
    expect(view(m, s).frame(nf).version).toBe(2);
  });
  it('a device write faults on the write-protected entry and waits while the special entry is locked', () => {
    const m = v12({ ...cfg, dev: [{ ops: [{ op: 'migrateToDev', page: 0 }, { op: 'write', page: 0 }] }] });
    let s = m.initialStates()[0]!;
    s = runUntil(m, s, 1, PC.dmirror_fault_ioctl);
    s = step(m, s, 0, 'lock_mm_and_find_vma');
    s = step(m, s, 0, 'hmm_handle_cpu_fault');
    s = step(m, s, 1, 'device_write'); // -ENOENT: the entry lost WRITE
    s = step(m, s, 1, 'hmm_mirror_fault');
    expect(enabled(m, s, 1)).toEqual([]); // is_hmm_entry_locked: waits
    s = runUntil(m, s, 0, PC.done);
    expect(enabled(m, s, 1)).toEqual(['hmm_mirror_fault_pmd']);
  });
});

describe('HMM_FORK', () => {
  it('brings device memory back to a system page before copy_page_range shares it', () => {
    const m = v12({ pages: 1, frames: 2, devFrames: 1, initial: ['rw'], features: { fork: true }, cpu: [{ ops: [{ op: 'fork' }] }], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }] });
    const L = m.ctx.L;
    let s = runUntil(m, m.initialStates()[0]!, 1, PC.done);
    expect(view(m, s).mm(0).pte(0).kind).toBe(PTE_HMM);
    s = step(m, s, 0, 'mmap_write_lock');
    s = step(m, s, 0, 'hmm_notifier_invalidate_range_start');
    const u = stepA(m, s, 0, 'hmm_mirror_update');
    expect(u.a.info).toBe(HMM_FORK);
    s = u.n;
    expect(view(m, s).mm(0).pte(0).kind).toBe(PTE_PRESENT);
    expect(view(m, s).v12().mirror(0).pt(0)).toBe(0);
    s = step(m, s, 0, 'copy_page_range');
    expect(view(m, s).mm(1).pte(0).kind).toBe(PTE_PRESENT);
    expect(view(m, s).mm(0).pte(0).flags & PF_W).toBe(0); // COW
    void PTE_NONE;
  });
});

describe('hugetlbfs (v11 "Add support for hugetlbfs") and mm_hmm_migrate page checks', () => {
  it('hmm_mirror_fault mirrors both halves of a huge page as 4 KiB hmm_pt entries', () => {
    const m = v12({ pages: 2, frames: 3, mapping: 'hugetlb', dev: [{ ops: [{ op: 'write', page: 0, npages: 2 }] }] });
    const L = m.ctx.L;
    const s = runUntil(m, m.initialStates()[0]!, 0, PC.done, 200);
    expect(view(m, s).actor(0).result(0).ret).toBe(OK);
    for (const a of [0, 1]) {
      expect(view(m, s).v12().mirror(0).pt(a) & (HMM_PTE_VALID | HMM_PTE_WRITE)).toBe(HMM_PTE_VALID | HMM_PTE_WRITE);
      expect(hmmPteFrame(view(m, s).v12().mirror(0).pt(a))).toBe(view(m, s).mm(0).pte(a).val);
    }
  });
  it('mm_hmm_migrate leaves hugetlbfs pages in place (only private anonymous 4 KiB pages move)', () => {
    const m = v12({ pages: 2, frames: 3, devFrames: 2, mapping: 'hugetlb', initial: ['rw', 'rw'], dev: [{ ops: [{ op: 'migrateToDev', page: 0, npages: 2 }] }] });
    const s = runUntil(m, m.initialStates()[0]!, 0, PC.done);
    expect(view(m, s).mm(0).pte(0).kind).toBe(PTE_PRESENT);
    expect(view(m, s).mm(0).pte(1).kind).toBe(PTE_PRESENT);
  });
});
