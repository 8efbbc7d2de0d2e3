/**
 * The rmap walk across mms (a fork child mirrored by its own fd), the pin checks of reclaim, NUMA
 * hinting, KSM and fork, the hardware dirty bit, and MADV_DONTNEED. Each exhaustive case below
 * failed before the fix it names (a reviewer's reproduction, kept as the regression): the oracle
 * is a plain Map-keyed BFS, independent of the checker's store.
 */
import { describe, expect, it } from 'vitest';
import {
  PC, PTE_PRESENT, PTE_NONE, PTE_SWAP, PTE_MIGRATION, PF_W, PF_D, PF_PROTNONE, VM_EXISTS, EV_CLEAR, R_I_EV, R_I_A,
  type HmmConfig, type HmmState,
} from './internals.ts';
import { invariants, s6DirtyNotLost } from '../../../../specs/hmm/properties.ts';
import { model, init, step, steps, succs, enabled, runTo, pte, frame, dpt, reg, pc, gseq, active } from './helpers.ts';

/** every reachable state: all invariants and S6 on every edge; no deadlock. Returns the states. */
function explore(cfg: HmmConfig): HmmState[] {
  const m = model(cfg);
  const invs = invariants(m.ctx);
  const seen = new Map<string, HmmState>();
  const q = [init(m)];
  seen.set(q[0]!.join(','), q[0]!);
  for (let i = 0; i < q.length; i++) {
    const s = q[i]!;
    for (const inv of invs) expect([inv.name, inv.holds(s)]).toEqual([inv.name, true]);
    const out = succs(m, s);
    if (out.length === 0) expect(m.isTerminal(s)).toBe(true);
    for (const { a, n } of out) {
      expect([a.kind, s6DirtyNotLost(m.ctx, s, a, n)]).toEqual([a.kind, true]);
      const k = n.join(',');
      if (!seen.has(k)) {
        seen.set(k, n);
        q.push(n);
      }
    }
  }
  return q;
}

describe('rmap_walk_anon: try_to_unmap_one invalidates each mirrored mm on its own (mm/rmap.c)', () => {
  // reclaim of a COW page shared by parent and child, the child mirrored by device 0
  const cfg: HmmConfig = {
    driver: 'reference', pages: 1, frames: 3, initial: ['rw'], deviceMm: [1], features: { fork: true, reclaim: true },
    cpu: [{ ops: [{ op: 'fork' }] }, { mm: 1, ops: [{ op: 'read', page: 0 }] }], dev: [{ ops: [{ op: 'read', page: 0 }] }],
  };

  it('enabled when the folio is still mapped in another mirrored mm; effect: a CLEAR invalidation of that mm', () => {
    const m = model(cfg);
    let s = init(m);
    // mm 0 has no subscriber: fork's PROTECTION_PAGE invalidation has no notifier steps
    s = steps(m, s, 0, ['mmap_write_lock', 'copy_page_range', 'mmap_write_unlock']);
    s = steps(m, s, 2, ['ret_from_fork', 'driver_device_read', 'mmu_interval_read_begin', 'mmap_read_lock', 'hmm_range_fault',
      'mutex_lock', 'mmu_interval_read_retry', 'driver_update_device_pt']);
    expect(dpt(m, s, 0, 0)).not.toBe(0);
    s = steps(m, s, 3, ['try_to_unmap', 'try_to_unmap_one']); // mm 0 has no subscriber: no notifier steps
    expect(pte(m, s, 0, 0).kind).toBe(PTE_SWAP);
    expect(pte(m, s, 1, 0).kind).toBe(PTE_PRESENT); // the child's mapping waits for its own invalidation
    expect(enabled(m, s, 3)).toEqual(['rmap_walk_anon']);
    s = step(m, s, 3, 'rmap_walk_anon');
    expect(reg(m, s, 3, R_I_EV)).toBe(EV_CLEAR);
    expect(reg(m, s, 3, R_I_A)).toBe(0);
    s = step(m, s, 3, 'mmu_notifier_invalidate_range_start');
    expect(gseq(m, s, 1)).toBe(1);
    expect(active(m, s, 1)).toBe(1);
    expect(active(m, s, 0)).toBe(0);
    s = step(m, s, 3, 'driver_invalidate');
    expect(dpt(m, s, 0, 0)).toBe(0);
    s = step(m, s, 3, 'try_to_unmap_one');
    expect(pte(m, s, 1, 0).kind).toBe(PTE_SWAP);
    s = step(m, s, 3, 'mmu_notifier_invalidate_range_end');
    expect(pc(m, s, 3)).toBe(PC.background_folio_unlock);
  });

  it('every interleaving keeps S1–S11 (was: S3, the frame freed while device 0 still mapped it)', () => {
    expect(explore(cfg).length).toBeGreaterThan(100);
  });

  it('try_to_migrate (migrate_device_unmap) reaches the child mirror the same way: migrate to device and back', () => {
    explore({
      driver: 'reference', pages: 1, frames: 3, devFrames: 1, devices: 2, initial: ['rw'], deviceMm: [0, 1], features: { fork: true },
      cpu: [{ ops: [{ op: 'fork' }] }],
      dev: [{ device: 0, ops: [{ op: 'migrateToDev', page: 0 }] }, { device: 1, ops: [{ op: 'read', page: 0 }] }],
    });
  });

  it("ret_from_fork: the child's device thread (its fd opened after fork) waits for the child mm", () => {
    const m = model(cfg);
    expect(enabled(m, init(m), 2)).toEqual([]);
  });
});

describe('try_to_unmap_one refuses a page pinned after try_to_unmap chose it (folio_try_share_anon_rmap_pte)', () => {
  it('effect: the PTE stays; the folio is unlocked and put back', () => {
    const m = model({ driver: 'reference', pages: 1, frames: 2, initial: ['rw'], features: { reclaim: true }, cpu: [{ ops: [{ op: 'pin', page: 0 }] }] });
    let s = step(m, init(m), 1, 'try_to_unmap');
    s = steps(m, s, 0, ['mmap_read_lock', 'pin_user_pages']); // the pin completes while reclaim holds the folio lock
    expect(frame(m, s, 2).pin).toBe(1);
    s = steps(m, s, 1, ['mmu_notifier_invalidate_range_start', 'driver_invalidate', 'try_to_unmap_one']);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_PRESENT);
    s = steps(m, s, 1, ['mmu_notifier_invalidate_range_end', 'folio_unlock']);
    expect(frame(m, s, 2).lock).toBe(0);
  });
  it('every interleaving of pin/unpin with reclaim keeps S4 (was: the pinned page swapped out)', () => {
    explore({ driver: 'reference', pages: 1, frames: 3, initial: ['rw'], features: { reclaim: true }, cpu: [{ ops: [{ op: 'pin', page: 0 }, { op: 'unpin', page: 0 }] }] });
  });
});

describe('change_prot_numa skips maybe-pinned COW pages; do_wp_page reuses an exclusive pinned page', () => {
  it('enabled when unpinned: change_prot_numa is not offered for a pinned page', () => {
    const m = model({ driver: 'reference', pages: 1, frames: 3, initial: ['rw'], features: { numa: true }, cpu: [{ ops: [{ op: 'pin', page: 0 }, { op: 'write', page: 0 }] }] });
    expect(enabled(m, init(m), 1)).toContain('change_prot_numa');
    const s = steps(m, init(m), 0, ['mmap_read_lock', 'pin_user_pages']);
    expect(frame(m, s, 2).pin).toBe(1);
    expect(enabled(m, s, 1)).not.toContain('change_prot_numa');
  });
  it('pin, write, unpin under NUMA hinting and migration keeps S4 (was: the pinned page copied by a write fault)', () => {
    explore({ driver: 'reference', pages: 1, frames: 3, initial: ['rw'], features: { numa: true, numaMigrate: true }, cpu: [{ ops: [{ op: 'pin', page: 0 }, { op: 'write', page: 0 }, { op: 'unpin', page: 0 }] }] });
  });
  it('pin, mprotect(read), mprotect(rw), write: the write reuses the pinned page (PageAnonExclusive)', () => {
    const states = explore({ driver: 'reference', pages: 1, frames: 3, initial: ['rw'], cpu: [{ ops: [{ op: 'pin', page: 0 }, { op: 'mprotect', page: 0, prot: 'read' }, { op: 'mprotect', page: 0, prot: 'rw' }, { op: 'write', page: 0 }] }] });
    const m = model({ driver: 'reference', pages: 1, frames: 3, initial: ['rw'], cpu: [{ ops: [{ op: 'pin', page: 0 }] }] });
    const last = states[states.length - 1]!;
    expect(pte(m, last, 0, 0).val).toBe(2); // still the pinned frame
  });
});

describe('write_protect_page is only tried on anonymous pages (try_to_merge_one_page: !PageAnon → out)', () => {
  for (const mapping of ['shared', 'file'] as const) {
    it(`${mapping}: ksmd offers no write_protect_page`, () => {
      const m = model({ driver: 'reference', pages: 1, frames: 2, mapping, initial: ['rwZeroed'], features: { ksm: true, ksmZeroPages: true }, cpu: [{ ops: [{ op: 'write', page: 0 }] }] });
      const s = init(m);
      expect(pte(m, s, 0, 0).kind).toBe(PTE_PRESENT);
      expect(pte(m, s, 0, 0).flags & PF_W).toBe(PF_W);
      expect(enabled(m, s, 1)).not.toContain('write_protect_page');
      expect(enabled(m, step(m, s, 0, 'cpu_access'), 1)).not.toContain('write_protect_page');
    });
  }
});

describe('copy_present_page: the child copy of a pinned page is writable only in a writable VMA (maybe_mkwrite)', () => {
  it('pin, mprotect(read), fork: the child PTE is read-only and dirty', () => {
    const m = model({ driver: 'reference', pages: 1, frames: 3, initial: ['rw'], features: { fork: true }, cpu: [{ ops: [{ op: 'pin', page: 0 }, { op: 'mprotect', page: 0, prot: 'read' }, { op: 'fork' }] }] });
    let s = runTo(m, init(m), 0, 'copy_page_range');
    s = step(m, s, 0, 'copy_page_range');
    const child = pte(m, s, 1, 0);
    expect(child.kind).toBe(PTE_PRESENT);
    expect(child.flags & PF_W).toBe(0);
    expect(child.flags & PF_D).toBe(PF_D);
  });
});

describe('cpu_access: a store through a TLB entry filled by a load sets the PTE dirty bit', () => {
  it('swap-in on a read (writable, clean PTE), then a write through the TLB: PTE dirty', () => {
    const m = model({ driver: 'reference', pages: 1, frames: 2, initial: ['swap'], cpu: [{ ops: [{ op: 'read', page: 0 }, { op: 'write', page: 0 }] }] });
    let s = runTo(m, init(m), 0, 'cpu_access');
    s = step(m, s, 0, 'cpu_access'); // the read fills the TLB from the clean writable PTE
    expect(pte(m, s, 0, 0).flags & (PF_W | PF_D)).toBe(PF_W);
    s = step(m, s, 0, 'cpu_access'); // the write hits the TLB
    expect(pte(m, s, 0, 0).flags & PF_D).toBe(PF_D);
  });
});

describe('zap_page_range_single (madvise MADV_DONTNEED): PTEs zapped under mmap_read_lock, the VMA stays', () => {
  const cfg: HmmConfig = { driver: 'reference', pages: 1, frames: 2, initial: ['rw'], cpu: [{ ops: [{ op: 'madvDontneed', page: 0 }, { op: 'read', page: 0 }] }], dev: [{ ops: [{ op: 'read', page: 0 }] }] };
  it('enabled inside its MMU_NOTIFY_CLEAR invalidation; effect: PTE none, VMA kept, page freed at unlock', () => {
    const m = model(cfg);
    let s = steps(m, init(m), 0, ['mmap_read_lock', 'mmu_notifier_invalidate_range_start', 'driver_invalidate']);
    expect(enabled(m, s, 0)).toEqual(['zap_page_range_single']);
    s = step(m, s, 0, 'zap_page_range_single');
    expect(pte(m, s, 0, 0).kind).toBe(PTE_NONE);
    expect(pte(m, s, 0, 0).vma & VM_EXISTS).toBe(VM_EXISTS);
    expect(frame(m, s, 2).ref).toBe(1); // in the mmu_gather until tlb_finish_mmu
    s = steps(m, s, 0, ['mmu_notifier_invalidate_range_end', 'mmap_read_unlock']);
    expect(frame(m, s, 2).ref).toBe(0);
  });
  it('zaps a migration entry left by migrate_vma_collect (should_zap_folio)', () => {
    const m = model({ ...cfg, devFrames: 1, dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }] });
    let s = steps(m, init(m), 0, ['mmap_read_lock', 'mmu_notifier_invalidate_range_start', 'driver_invalidate']);
    s = runTo(m, s, 1, 'mmu_notifier_invalidate_range_end');
    expect(pte(m, s, 0, 0).kind).toBe(PTE_MIGRATION);
    s = step(m, s, 0, 'zap_page_range_single');
    expect(pte(m, s, 0, 0).kind).toBe(PTE_NONE);
  });
  it('with a device read racing it, every invariant holds, and the zap is reached with the VMA kept', () => {
    const states = explore(cfg);
    const m = model(cfg);
    const zapped = states.filter((s) => pte(m, s, 0, 0).kind === PTE_NONE && (pte(m, s, 0, 0).vma & VM_EXISTS) !== 0);
    expect(zapped.length).toBeGreaterThan(0);
    for (const s of states) expect(pte(m, s, 0, 0).flags & PF_PROTNONE).toBe(0);
  });
});

describe('change_prot_numa on a non-present entry (change_pte_range: "just be safe and disable write")', () => {
  const cfg: HmmConfig = {
    driver: 'dmirror', pages: 1, frames: 2, devFrames: 1, initial: ['rw'], features: { numa: true },
    dev: [{ ops: [{ op: 'migrateToDev', page: 0 }, { op: 'write', page: 0 }] }],
  };
  it('enabled when a writable device-private entry is mapped; effect: a PROTECTION_VMA invalidation, then read-only', () => {
    const m = model(cfg);
    let s = runTo(m, init(m), 0, 'dmirror_do_write'); // migrated: a writable device-private entry
    const e = pte(m, s, 0, 0);
    expect(e.flags & PF_W).toBe(PF_W);
    expect(enabled(m, s, 1)).toContain('change_prot_numa');
    s = steps(m, s, 1, ['change_prot_numa', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate', 'change_prot_numa_set']);
    expect(pte(m, s, 0, 0).kind).toBe(e.kind);
    expect(pte(m, s, 0, 0).flags & PF_W).toBe(0);
    expect(enabled(m, s, 1)).not.toContain('change_prot_numa'); // nothing writable left to scan
  });
});

describe('try_to_unmap_one: the MADV_FREE page check discards a lazyfree folio nobody redirtied (mm/rmap.c)', () => {
  const cfg = (driver: HmmConfig['driver'], cpuOps: NonNullable<HmmConfig['cpu']>): HmmConfig => ({
    driver, pages: 1, frames: 2, initial: ['rw'], features: { reclaim: true }, cpu: cpuOps, dev: [{ ops: [{ op: 'write', page: 0 }] }],
  });
  const MADV = ['mmap_read_lock', 'mmu_notifier_invalidate_range_start', 'driver_invalidate', 'madvise_free_pte_range', 'mmu_notifier_invalidate_range_end', 'mmap_read_unlock'];
  const DEV_WRITE = ['driver_device_write', 'mmu_interval_read_begin', 'mmap_read_lock', 'hmm_range_fault', 'mutex_lock', 'mmu_interval_read_retry', 'driver_update_device_pt', 'driver_device_write'];
  const RECLAIM = ['try_to_unmap', 'mmu_notifier_invalidate_range_start', 'driver_invalidate', 'try_to_unmap_one'];

  it('madvise_free_pte_range marks the folio lazyfree; with no later write, reclaim discards it (PTE none, zero on read)', () => {
    const m = model(cfg('reference', [{ ops: [{ op: 'madvFree', page: 0 }, { op: 'read', page: 0 }] }]));
    let s = steps(m, init(m), 0, MADV);
    expect(frame(m, s, 2).dirty).toBe(0);
    s = steps(m, s, 2, RECLAIM);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_NONE);
    expect(pte(m, s, 0, 0).lastw).toBe(0); // the user gave the contents up
  });
  it('a CPU write after MADV_FREE dirties the PTE: the folio is swapped out, not discarded', () => {
    const m = model(cfg('reference', [{ ops: [{ op: 'madvFree', page: 0 }, { op: 'write', page: 0 }] }]));
    let s = steps(m, init(m), 0, [...MADV, 'cpu_access']);
    s = steps(m, s, 2, RECLAIM);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_SWAP);
  });
  it('a device write after MADV_FREE dirties nothing: the discard loses it (FINDINGS F7)', () => {
    const m = model(cfg('reference', [{ ops: [{ op: 'madvFree', page: 0 }] }]));
    let s = steps(m, init(m), 0, MADV);
    s = steps(m, s, 1, DEV_WRITE);
    expect(frame(m, s, 2).ver).toBe(2);
    expect(frame(m, s, 2).dirty).toBe(0);
    s = steps(m, s, 2, RECLAIM);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_NONE);
    expect(pte(m, s, 0, 0).lastw).toBe(2); // written, and gone
  });
  it('dirtiesOnInvalidate: the callback marks the written page dirty, so reclaim swaps it out', () => {
    const m = model(cfg('dirtyOnInvalidate', [{ ops: [{ op: 'madvFree', page: 0 }] }]));
    let s = steps(m, init(m), 0, MADV);
    s = steps(m, s, 1, DEV_WRITE);
    s = steps(m, s, 2, RECLAIM.slice(0, 3));
    expect(frame(m, s, 2).dirty).toBe(1);
    s = step(m, s, 2, 'try_to_unmap_one');
    expect(pte(m, s, 0, 0).kind).toBe(PTE_SWAP);
    expect(pte(m, s, 0, 0).val).toBe(2);
  });
});

describe('rmap_walk_anon for migrate_device_unmap: one invalidation per folio and VMA (try_to_migrate_one)', () => {
  it('two pages shared with a mirrored fork child, both migrated by the parent: every invariant holds (was: S1, the second page never invalidated in the child)', () => {
    for (const driver of ['reference', 'dmirror'] as const) {
      const states = explore({
        driver, pages: 2, frames: 4, devFrames: 2, devices: 2, initial: ['rw', 'rw'], deviceMm: [0, 1], features: { fork: true },
        cpu: [{ ops: [{ op: 'fork' }] }],
        dev: [{ device: 1, ops: [{ op: 'read', page: 0, npages: 2 }] }, { device: 0, ops: [{ op: 'migrateToDev', page: 0, npages: 2 }] }],
      });
      expect(states.length).toBeGreaterThan(1000);
    }
  });
});

describe('change_prot_numa_set re-checks under the PTL what the scan chose (change_pte_range)', () => {
  it('a migration entry that became a device-coherent PTE meanwhile is never made protnone', () => {
    const m = model({
      driver: 'reference', pages: 1, frames: 2, devFrames: 1, initial: ['rw'], deviceMemory: 'coherent', features: { numa: true },
      cpu: [{ ops: [{ op: 'read', page: 0 }] }], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }, { op: 'write', page: 0 }] }],
    });
    const seen = new Set<string>();
    const q = [init(m)];
    let coherentMapped = 0;
    for (let i = 0; i < q.length; i++) {
      const e = pte(m, q[i]!, 0, 0);
      if (e.kind === PTE_PRESENT && e.val >= 2 + m.ctx.L.sysFrames) {
        coherentMapped++;
        expect(e.flags & PF_PROTNONE).toBe(0);
      }
      for (const { n } of succs(m, q[i]!)) {
        const k = n.join(',');
        if (!seen.has(k)) {
          seen.add(k);
          q.push(n);
        }
      }
    }
    expect(coherentMapped).toBeGreaterThan(0);
  });
});
