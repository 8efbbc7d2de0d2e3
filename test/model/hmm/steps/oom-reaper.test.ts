/**
 * The oom_reaper (mm/oom_kill.c oom_reap_task → oom_reap_task_mm → __oom_reap_task_mm), played
 * by a CPU thread whose request is 'oomReap': mmap_read_trylock, MMF_UNSTABLE, the non-blockable
 * MMU_NOTIFY_UNMAP invalidation (mm/mmu_notifier.c mmu_notifier_invalidate_range_start_nonblock),
 * unmap_page_range, tlb_finish_mmu; retries after -EAGAIN.
 */
import { describe, expect, it } from 'vitest';
import {
  PC, PTE_NONE, PTE_PRESENT, PTE_DEVPRIV, PF_W, PF_D, VM_EXISTS, EV_UNMAP, EV_NONBLOCK, EAGAIN, EFAULT, OK,
  VM_FAULT_SIGBUS, R_I_EV, R_I_A, R_I_N, R_RC, firstDevFrame, sleepsInNonblockable, type HmmConfig,
} from './internals.ts';
import {
  model, init, step, steps, stepA, enabled, runUntil, runTo, trace, pte, frame, result, readers, writer, reg, pc, dpt, devLock,
  gseq, active, tlb,
} from './helpers.ts';

const REAP = { ops: [{ op: 'oomReap' as const }] };
/** the reaper is CPU thread 0 */
const cfg = (c: Partial<HmmConfig> = {}): HmmConfig => ({
  driver: 'dmirror', pages: 1, frames: 2, initial: ['rw'], cpu: [REAP], dev: [{ ops: [{ op: 'read', page: 0 }] }], ...c,
});
const unstable = (m: ReturnType<typeof model>, s: Int32Array): number => s[m.ctx.L.gUnstable]!;

describe('mmap_read_trylock (mm/oom_kill.c oom_reap_task_mm)', () => {
  it('effect mmap_lock for read, MMF_UNSTABLE set, a non-blockable MMU_NOTIFY_UNMAP invalidation over the whole VMA', () => {
    const m = model(cfg({ pages: 2, initial: ['rw', 'none'] }));
    expect(unstable(m, init(m))).toBe(0);
    const x = stepA(m, init(m), 0, 'mmap_read_trylock');
    expect(x.a.info).toBe(OK);
    expect(readers(m, x.n)).toBe(1);
    expect(unstable(m, x.n)).toBe(1);
    expect(reg(m, x.n, 0, R_I_EV)).toBe(EV_UNMAP | EV_NONBLOCK);
    expect([reg(m, x.n, 0, R_I_A), reg(m, x.n, 0, R_I_N)]).toEqual([0, 2]);
    expect(pc(m, x.n, 0)).toBe(PC.mn_itree_inv_start_range);
  });
  it('effect fails while a writer holds mmap_lock: the attempt is counted (faults), MMF_UNSTABLE not set, retried; after budgets.oomReap attempts it gives up with -EAGAIN', () => {
    for (const budget of [undefined, 3]) {
      const m = model(cfg({ budgets: budget === undefined ? {} : { oomReap: budget }, dev: [], cpu: [REAP, { ops: [{ op: 'mprotect', page: 0, prot: 'read' }] }] }));
      let s = step(m, init(m), 1, 'mmap_write_lock');
      expect(writer(m, s)).toBe(2);
      const tries = budget ?? 2;
      for (let i = 1; i <= tries; i++) {
        const x = stepA(m, s, 0, 'mmap_read_trylock');
        expect(x.a.info).toBe(EAGAIN);
        s = x.n;
        expect(unstable(m, s)).toBe(0);
        expect(readers(m, s)).toBe(0);
        if (i < tries) {
          expect(pc(m, s, 0)).toBe(PC.oom_reap_task_mm);
          expect(enabled(m, s, 0)).toEqual(['mmap_read_trylock']);
        }
      }
      expect(pc(m, s, 0)).toBe(PC.done);
      expect(result(m, s, 0)).toMatchObject({ ret: EAGAIN, faults: tries });
      expect(EAGAIN).toBe(-11);
      expect(pte(m, s, 0, 0).kind).toBe(PTE_PRESENT);
    }
  });
  it('effect a MAP_SHARED file VMA, a MAP_SHARED|MAP_ANONYMOUS one (shmem vm_ops: not vma_is_anonymous) and a hugetlb VMA are skipped: MMF_UNSTABLE set, no invalidation, nothing zapped', () => {
    for (const mapping of ['file', 'shared', 'hugetlb'] as const) {
      const m = model(cfg({ pages: 2, initial: ['rw', 'rw'], mapping, dev: [] }));
      const x = stepA(m, init(m), 0, 'mmap_read_trylock');
      expect(unstable(m, x.n)).toBe(1);
      expect(pc(m, x.n, 0)).toBe(PC.oom_reap_task);
      expect([gseq(m, x.n), active(m, x.n)]).toEqual([0, 0]);
      const s = step(m, x.n, 0, 'oom_reap_task');
      expect(result(m, s, 0).ret).toBe(0);
      expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2 });
      expect(frame(m, s, 2)).toMatchObject({ ref: 1, map: 1 });
    }
  });
  it('effect the writer gone, a retry succeeds', () => {
    const m = model(cfg({ dev: [], cpu: [REAP, { ops: [{ op: 'mprotect', page: 0, prot: 'read' }] }] }));
    let s = step(m, init(m), 1, 'mmap_write_lock');
    s = step(m, s, 0, 'mmap_read_trylock');
    s = runUntil(m, s, 1, PC.done);
    const x = stepA(m, s, 0, 'mmap_read_trylock');
    expect(x.a.info).toBe(OK);
    s = runUntil(m, x.n, 0, PC.done);
    expect(result(m, s, 0)).toMatchObject({ ret: 0, faults: 1 });
    expect(pte(m, s, 0, 0).kind).toBe(PTE_NONE);
  });
});

describe('unmap_page_range (mm/memory.c, from __oom_reap_task_mm)', () => {
  it('effect after the callback erased the mirror: every PTE zapped, the VMA kept, pages moved to the mmu_gather (not freed yet, TLB still stale)', () => {
    const m = model(cfg({ cpu: [REAP, { ops: [{ op: 'read', page: 0 }] }] })); // reaper 0, reader 1, dev 2
    let s = step(m, init(m), 1, 'cpu_access');
    s = runUntil(m, s, 2, PC.done);
    expect(dpt(m, s, 0, 0)).not.toBe(0);
    s = steps(m, s, 0, ['mmap_read_trylock', 'mmu_notifier_invalidate_range_start']);
    expect([gseq(m, s), active(m, s)]).toEqual([1, 1]);
    s = step(m, s, 0, 'dmirror_interval_invalidate');
    expect(dpt(m, s, 0, 0)).toBe(0);
    s = step(m, s, 0, 'unmap_page_range');
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_NONE, val: 0 });
    expect(pte(m, s, 0, 0).vma & VM_EXISTS).toBe(VM_EXISTS);
    expect(frame(m, s, 2)).toMatchObject({ map: 0, ref: 1, dirty: 1 });
    expect(tlb(m, s, 1, 0)).not.toBe(0);
    expect(pc(m, s, 0)).toBe(PC.mn_itree_inv_end);
    s = step(m, s, 0, 'mmu_notifier_invalidate_range_end');
    expect([gseq(m, s), active(m, s)]).toEqual([0, 0]);
    expect(pc(m, s, 0)).toBe(PC.oom_reap_task);
  });
  it('effect a device-private entry is zapped and its device page freed at once', () => {
    const m = model(cfg({ devFrames: 1, dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }] }));
    let s = runUntil(m, init(m), 1, PC.done);
    const df = firstDevFrame(m.ctx.L, 0);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_DEVPRIV, val: df });
    s = steps(m, s, 0, ['mmap_read_trylock', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate', 'unmap_page_range']);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_NONE);
    expect(frame(m, s, df)).toMatchObject({ ref: 0, map: 0 });
    expect(dpt(m, s, 0, 0)).toBe(0);
  });
});

describe('oom_reap_task (mm/oom_kill.c: tlb_finish_mmu, mmap_read_unlock, retry or done)', () => {
  it('effect the TLB is flushed, then the gathered pages are freed; mmap_lock released; the request returns 0', () => {
    const m = model(cfg({ dev: [], cpu: [REAP, { ops: [{ op: 'read', page: 0 }] }] }));
    let s = step(m, init(m), 1, 'cpu_access');
    s = runTo(m, s, 0, 'oom_reap_task');
    expect(frame(m, s, 2).ref).toBe(1);
    expect(tlb(m, s, 1, 0)).not.toBe(0);
    const x = stepA(m, s, 0, 'oom_reap_task');
    expect(x.a.info).toBe(OK);
    expect(frame(m, x.n, 2)).toMatchObject({ ref: 0, map: 0 });
    expect(tlb(m, x.n, 1, 0)).toBe(0);
    expect(readers(m, x.n)).toBe(0);
    expect(result(m, x.n, 0)).toMatchObject({ ret: 0, faults: 0 });
    expect(unstable(m, x.n)).toBe(1);
  });
});

describe('mmu_notifier_invalidate_range_start_nonblock (mm/mmu_notifier.c mn_itree_invalidate → out_would_block)', () => {
  /** reaper 0; device thread 1 holds dmirror->mutex (between mutex_lock and read_retry) */
  const held = (driver: HmmConfig['driver'] = 'dmirror') => {
    const m = model(cfg({ driver }));
    let s = runUntil(m, init(m), 1, PC.mmu_interval_read_retry);
    expect(devLock(m, s, 0)).toBe(2);
    s = steps(m, s, 0, ['mmap_read_trylock', 'mmu_notifier_invalidate_range_start']);
    return { m, s };
  };
  it('enabled when the callback\'s mutex_trylock fails: effect -EAGAIN, mn_itree_inv_end (seq even again, active 0), no PTE changed, no range_end', () => {
    const { m, s } = held();
    expect(enabled(m, s, 0)).toEqual(['mmu_notifier_invalidate_range_start_nonblock']);
    const x = stepA(m, s, 0, 'mmu_notifier_invalidate_range_start_nonblock');
    expect(x.a.info).toBe(0); // the device whose callback returned false
    expect([gseq(m, x.n), active(m, x.n)]).toEqual([0, 0]);
    expect(pte(m, x.n, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: PF_W | PF_D });
    expect(frame(m, x.n, 2)).toMatchObject({ ref: 1, map: 1 });
    expect(reg(m, x.n, 0, R_RC)).toBe(EAGAIN);
    expect(pc(m, x.n, 0)).toBe(PC.oom_reap_task);
    expect(unstable(m, x.n)).toBe(1); // MMF_UNSTABLE stays set
    expect(devLock(m, x.n, 0)).toBe(2);
  });
  it('then oom_reap_task effect -EAGAIN: mmap_lock released, the attempt counted, back to mmap_read_trylock; the retry reaps once the mutex is free', () => {
    const { m, s: s0 } = held();
    let s = step(m, s0, 0, 'mmu_notifier_invalidate_range_start_nonblock');
    const x = stepA(m, s, 0, 'oom_reap_task');
    expect(x.a.info).toBe(EAGAIN);
    expect(readers(m, x.n)).toBe(0);
    expect(pc(m, x.n, 0)).toBe(PC.oom_reap_task_mm);
    s = runUntil(m, x.n, 1, PC.done); // the device thread finishes and maps the page
    expect(dpt(m, s, 0, 0)).not.toBe(0);
    const t = trace(m, s, 0, PC.done);
    expect(t.kinds).toEqual(['mmap_read_trylock', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate', 'unmap_page_range',
      'mmu_notifier_invalidate_range_end', 'oom_reap_task']);
    expect(result(m, t.s, 0)).toMatchObject({ ret: 0, faults: 1 });
    expect(pte(m, t.s, 0, 0).kind).toBe(PTE_NONE);
    expect(dpt(m, t.s, 0, 0)).toBe(0);
    expect(frame(m, t.s, 2).ref).toBe(0);
  });
  it('not enabled for the sleepsWhenNonblockable driver: the reaper\'s callback has no enabled step while the lock is held, and sleepsInNonblockable() is true', () => {
    const { m, s } = held('sleepsWhenNonblockable');
    expect(pc(m, s, 0)).toBe(PC.mn_itree_invalidate);
    expect(enabled(m, s, 0)).toEqual([]);
    expect(sleepsInNonblockable(m.ctx, s)).toBe(true);
    const d = held();
    expect(sleepsInNonblockable(d.m.ctx, d.s)).toBe(false); // dmirror returns false instead
    const free = runUntil(m, s, 1, PC.done);
    expect(enabled(m, free, 0)).toEqual(['driver_invalidate']);
    expect(sleepsInNonblockable(m.ctx, free)).toBe(false);
  });
});

describe('do_anonymous_page after the reap (check_stable_address_space: MMF_UNSTABLE → VM_FAULT_SIGBUS)', () => {
  it('effect a CPU read fault on the reaped anonymous page gets VM_FAULT_SIGBUS', () => {
    const m = model(cfg({ dev: [], cpu: [REAP, { ops: [{ op: 'read', page: 0 }] }] }));
    let s = runUntil(m, init(m), 0, PC.done);
    s = step(m, s, 1, 'lock_mm_and_find_vma');
    const x = stepA(m, s, 1, 'do_anonymous_page');
    expect(x.a.info).toBe(VM_FAULT_SIGBUS);
    expect(pte(m, x.n, 0, 0).kind).toBe(PTE_NONE);
    s = runUntil(m, x.n, 1, PC.done);
    expect(result(m, s, 1).ret).toBe(VM_FAULT_SIGBUS);
  });
  it('effect a device fault (hmm_range_fault → handle_mm_fault) on the reaped page: VM_FAULT_SIGBUS → hmm_vma_fault -EFAULT, the ioctl returns -EFAULT', () => {
    const m = model(cfg());
    let s = runUntil(m, init(m), 0, PC.done);
    const t = trace(m, s, 1, PC.done);
    const i = t.kinds.indexOf('do_anonymous_page');
    expect(i).toBeGreaterThan(0);
    expect(t.acts[i]!.info).toBe(VM_FAULT_SIGBUS);
    expect(t.acts[i + 1]).toMatchObject({ kind: 'hmm_vma_fault', info: EFAULT });
    s = t.s;
    expect(result(m, s, 1).ret).toBe(EFAULT);
    expect(dpt(m, s, 0, 0)).toBe(0);
    expect(readers(m, s)).toBe(0);
  });
});
