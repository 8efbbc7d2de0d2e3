/**
 * Syscall paths: munmap/exit (mm/mmap.c, mm/memory.c zap), mprotect (mm/mprotect.c), fork
 * (kernel/fork.c dup_mmap → mm/memory.c copy_page_range), pin_user_pages / get_user_pages
 * (mm/gup.c), mremap (mm/mremap.c), madvise(MADV_FREE) (mm/madvise.c).
 */
import { describe, expect, it } from 'vitest';
import {
  PC, PTE_NONE, PTE_PRESENT, PTE_ZERO, PTE_SWAP, PTE_DEVPRIV, PTE_DEVEXCL, PTE_MIGRATION, PF_W, PF_D, PF_PROTNONE, VM_READ, VM_WRITE,
  VM_EXISTS, EV_UNMAP, EV_RELEASE, EV_PROTECTION_VMA, EV_PROTECTION_PAGE, EV_CLEAR, ENOMEM, EFAULT, R_I_EV, R_I_A, R_I_N,
  R_PINNED, pfnOff, firstDevFrame, type HmmConfig,
} from './internals.ts';
import {
  model, init, step, steps, stepA, enabled, runUntil, runTo, pte, frame, result, readers, writer, mmExists, tlb, reg, pc, dpt,
} from './helpers.ts';

const cfg = (c: Partial<HmmConfig>): HmmConfig => ({ driver: 'dmirror', pages: 1, frames: 2, ...c });

describe('mmap_write_lock (munmap / exit_mmap / mprotect / mremap / fork entry)', () => {
  it('munmap effect: takes mmap_lock for write and starts an MMU_NOTIFY_UNMAP invalidation over the range', () => {
    const m = model(cfg({ pages: 2, initial: ['rw', 'rw'], frames: 2, cpu: [{ ops: [{ op: 'munmap', page: 1 }] }] }));
    const x = stepA(m, init(m), 0, 'mmap_write_lock');
    expect(x.a.info).toBe(EV_UNMAP);
    expect(writer(m, x.n)).toBe(1);
    expect(reg(m, x.n, 0, R_I_A)).toBe(1);
    expect(reg(m, x.n, 0, R_I_N)).toBe(1);
    expect(pc(m, x.n, 0)).toBe(PC.mn_itree_inv_start_range);
  });
  it('exit_mmap effect: the invalidation event is MMU_NOTIFY_RELEASE over every page', () => {
    const m = model(cfg({ pages: 2, initial: ['rw', 'none'], cpu: [{ ops: [{ op: 'exit' }] }] }));
    const x = stepA(m, init(m), 0, 'mmap_write_lock');
    expect(x.a.info).toBe(EV_RELEASE);
    expect(reg(m, x.n, 0, R_I_N)).toBe(2);
  });
  it('not enabled while a reader holds mmap_lock (a device thread inside hmm_range_fault)', () => {
    const m = model(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'munmap', page: 0 }] }], dev: [{ ops: [{ op: 'read', page: 0 }] }] }));
    const s = steps(m, init(m), 1, ['dmirror_do_read', 'mmu_interval_read_begin', 'mmap_read_lock']);
    expect(readers(m, s)).toBe(1);
    expect(enabled(m, s, 0)).toEqual([]);
  });
  it('mprotect effect: vm_flags updated (mprotect_fixup) and an MMU_NOTIFY_PROTECTION_VMA invalidation starts', () => {
    const m = model(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'read' }] }] }));
    const x = stepA(m, init(m), 0, 'mmap_write_lock');
    expect(x.a.info).toBe(EV_PROTECTION_VMA);
    expect(pte(m, x.n, 0, 0).vma & (VM_READ | VM_WRITE)).toBe(VM_READ);
    expect(pte(m, x.n, 0, 0).flags & PF_W).toBe(PF_W); // the PTE itself changes inside the invalidation
  });
  it('mprotect effect on an unmapped range: -ENOMEM, mmap_lock released', () => {
    const m = model(cfg({ initial: ['hole'], cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'read' }] }] }));
    const x = stepA(m, init(m), 0, 'mmap_write_lock');
    expect(x.a.info).toBe(ENOMEM);
    expect(result(m, x.n, 0).ret).toBe(ENOMEM);
    expect(writer(m, x.n)).toBe(0);
  });
  it('fork effect (dup_mmap): both mms write-locked, the child mm exists, MMU_NOTIFY_PROTECTION_PAGE on the parent', () => {
    const m = model(cfg({ initial: ['rw'], features: { fork: true }, cpu: [{ ops: [{ op: 'fork' }] }] }));
    const x = stepA(m, init(m), 0, 'mmap_write_lock');
    expect(x.a.info).toBe(EV_PROTECTION_PAGE);
    expect(writer(m, x.n, 0)).toBe(1);
    expect(writer(m, x.n, 1)).toBe(1);
    expect(mmExists(m, x.n, 1)).toBe(1);
  });
});

describe('zap_pte_range (mm/memory.c, via unmap_vmas)', () => {
  it('effect present page: PTE cleared and VMA gone, rmap removed, the reference moves to the mmu_gather (page not freed yet)', () => {
    const m = model(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'munmap', page: 0 }] }] }));
    const s = steps(m, init(m), 0, ['mmap_write_lock', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate', 'zap_pte_range']);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_NONE, vma: 0 });
    expect(frame(m, s, 2)).toMatchObject({ map: 0, ref: 1 });
    expect(s[pfnOff(m.ctx.L, 0, 0)]).toBe(2); // the mmu_gather (hmm_pfns[] slots) holds frame 2's reference
  });
  it('effect device-private entry: the device page loses its mapping and reference immediately (zap_nonpresent_ptes)', () => {
    const m = model(cfg({ devFrames: 1, initial: ['rw'], cpu: [{ ops: [{ op: 'munmap', page: 0 }] }], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }] }));
    let s = runUntil(m, init(m), 1, PC.done);
    const df = firstDevFrame(m.ctx.L, 0);
    expect(frame(m, s, df).ref).toBe(1);
    s = steps(m, s, 0, ['mmap_write_lock', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate', 'zap_pte_range']);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_NONE);
    expect(frame(m, s, df)).toMatchObject({ ref: 0, map: 0 });
    expect(dpt(m, s, 0, 0)).toBe(0); // the UNMAP callback erased the device entry first
  });
  it('effect device-exclusive entry: the folio loses its mapping and reference', () => {
    const m = model(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'munmap', page: 0 }] }], dev: [{ ops: [{ op: 'exclusive', page: 0 }] }] }));
    let s = runUntil(m, init(m), 1, PC.done);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_DEVEXCL);
    s = steps(m, s, 0, ['mmap_write_lock', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate', 'zap_pte_range']);
    expect(frame(m, s, 2)).toMatchObject({ ref: 0, map: 0 });
  });
});

describe('tlb_finish_mmu (mm/mmu_gather.c)', () => {
  it('effect flushes the TLB first, then frees the gathered pages, drops mmap_lock and returns 0', () => {
    const m = model(cfg({ cpu: [{ ops: [{ op: 'write', page: 0 }, { op: 'munmap', page: 0 }] }] }));
    let s = runUntil(m, init(m), 0, PC.tlb_finish_mmu);
    expect(tlb(m, s, 0, 0)).not.toBe(0); // stale until the flush
    s = step(m, s, 0, 'tlb_finish_mmu');
    expect(tlb(m, s, 0, 0)).toBe(0);
    expect(frame(m, s, 2).ref).toBe(0);
    expect(writer(m, s)).toBe(0);
    expect(result(m, s, 0, 1).ret).toBe(0);
  });
});

describe('change_pte_range (mm/mprotect.c)', () => {
  const run = (c: HmmConfig) => {
    const m = model(c);
    let s = c.dev ? runUntil(m, init(m), 1, PC.done) : init(m);
    s = runTo(m, s, 0, 'change_pte_range');
    return { m, s, n: step(m, s, 0, 'change_pte_range') };
  };
  it('effect PROT_READ: present PTEs lose their write bit; the TLB is flushed before invalidate_range_end', () => {
    const m = model(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'read', page: 0 }, { op: 'mprotect', page: 0, prot: 'read' }] }] }));
    let s = runUntil(m, init(m), 0, PC.do_mprotect_pkey);
    expect(tlb(m, s, 0, 0)).not.toBe(0);
    s = runTo(m, s, 0, 'change_pte_range');
    s = step(m, s, 0, 'change_pte_range');
    expect(pte(m, s, 0, 0).flags & PF_W).toBe(0);
    expect(tlb(m, s, 0, 0)).toBe(0);
    expect(pc(m, s, 0)).toBe(PC.mn_itree_inv_end);
  });
  it('effect PROT_NONE: present PTEs become pte_protnone (not writable)', () => {
    const { m, n } = run(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'none' }] }] }));
    expect(pte(m, n, 0, 0).flags & (PF_PROTNONE | PF_W)).toBe(PF_PROTNONE);
    expect(pte(m, n, 0, 0).kind).toBe(PTE_PRESENT);
  });
  it('effect PROT_READ on a writable device-private entry: make_readable_device_private_entry', () => {
    const { m, n } = run(cfg({ devFrames: 1, initial: ['rw'], cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'read' }] }], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }] }));
    expect(pte(m, n, 0, 0).kind).toBe(PTE_DEVPRIV);
    expect(pte(m, n, 0, 0).flags & PF_W).toBe(0);
  });
  it('effect PROT_READ|PROT_WRITE (no downgrade) still makes a writable device-private entry read-only ("A protection check is difficult so just be safe and disable write")', () => {
    const { m, s, n } = run(cfg({ devFrames: 1, initial: ['rw'], cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'rw' }] }], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }] }));
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_DEVPRIV, flags: PF_W });
    expect(pte(m, n, 0, 0).vma & VM_WRITE).toBe(VM_WRITE);
    expect(pte(m, n, 0, 0)).toMatchObject({ kind: PTE_DEVPRIV, val: firstDevFrame(m.ctx.L, 0), flags: 0 });
  });
  it('effect any mprotect makes a writable device-exclusive entry read-only', () => {
    const { m, s, n } = run(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'rw' }] }], dev: [{ ops: [{ op: 'exclusive', page: 0 }] }] }));
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_DEVEXCL, flags: PF_W });
    expect(pte(m, n, 0, 0)).toMatchObject({ kind: PTE_DEVEXCL, val: 2, flags: 0 });
  });
  it('effect any mprotect makes a writable migration entry read-only; remove_migration_ptes then maps the new page read-only (dirty kept)', () => {
    // kcompactd (actor 1) holds the page as a migration entry while cpu 0 runs mprotect(PROT_READ|PROT_WRITE)
    const m = model(cfg({ initial: ['rw'], features: { compaction: true }, cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'rw' }] }] }));
    let s = steps(m, init(m), 1, ['isolate_migratepages_block', 'migrate_folio_unmap', 'mmu_notifier_invalidate_range_start',
      'dmirror_interval_invalidate', 'try_to_migrate_one', 'mmu_notifier_invalidate_range_end']);
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_MIGRATION, val: 2, flags: PF_W | PF_D });
    s = runTo(m, s, 0, 'change_pte_range');
    s = step(m, s, 0, 'change_pte_range');
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_MIGRATION, val: 2, flags: PF_D });
    s = runUntil(m, s, 0, PC.done);
    s = step(m, s, 1, 'migrate_folio_move');
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 3, flags: PF_D });
  });
});

describe('mmap_write_unlock (end of mprotect / fork / mremap)', () => {
  it('effect mprotect: mmap_lock released, the request returns 0', () => {
    const m = model(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'read' }] }] }));
    let s = runTo(m, init(m), 0, 'mmap_write_unlock');
    expect(writer(m, s)).toBe(1);
    s = step(m, s, 0, 'mmap_write_unlock');
    expect(writer(m, s)).toBe(0);
    expect(result(m, s, 0).ret).toBe(0);
  });
  it('effect fork: both the parent and the child mm are released', () => {
    const m = model(cfg({ initial: ['rw'], features: { fork: true }, cpu: [{ ops: [{ op: 'fork' }] }] }));
    const s = step(m, runTo(m, init(m), 0, 'mmap_write_unlock'), 0, 'mmap_write_unlock');
    expect(writer(m, s, 0)).toBe(0);
    expect(writer(m, s, 1)).toBe(0);
  });
});

describe('copy_page_range (mm/memory.c: copy_present_pte / copy_nonpresent_pte)', () => {
  const fork = (c: Partial<HmmConfig>) => {
    const m = model(cfg({ features: { fork: true }, cpu: [{ ops: [{ op: 'fork' }] }], ...c }));
    const s = runTo(m, c.dev ? runUntil(m, init(m), 1, PC.done) : init(m), 0, 'copy_page_range');
    return { m, s, n: step(m, s, 0, 'copy_page_range') };
  };
  it('effect private anon page (is_cow_mapping): write-protected in parent and child, mapcount and refcount 2', () => {
    const { m, n } = fork({ initial: ['rw'] });
    expect(pte(m, n, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2 });
    expect(pte(m, n, 1, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2 });
    expect(pte(m, n, 0, 0).flags & PF_W).toBe(0);
    expect(pte(m, n, 1, 0).flags & PF_W).toBe(0);
    expect(frame(m, n, 2)).toMatchObject({ ref: 2, map: 2 });
  });
  it('effect MAP_SHARED page: no COW, the child maps the same page with the same rights', () => {
    const { m, n } = fork({ mapping: 'shared', initial: ['rw'] });
    expect(pte(m, n, 0, 0).flags & PF_W).toBe(PF_W);
    expect(pte(m, n, 1, 0).flags & PF_W).toBe(PF_W);
  });
  it('effect a pinned exclusive anon page (folio_try_dup_anon_rmap_pte fails → copy_present_page): the child gets its own writable dirty copy, the parent PTE stays writable', () => {
    const m = model(cfg({ initial: ['rw'], features: { fork: true }, cpu: [{ ops: [{ op: 'pin', page: 0 }, { op: 'fork' }] }] }));
    let s = runTo(m, init(m), 0, 'copy_page_range');
    expect(frame(m, s, 2)).toMatchObject({ ref: 2, map: 1, pin: 1 });
    s = step(m, s, 0, 'copy_page_range');
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_PRESENT, val: 2, flags: PF_W | PF_D });
    expect(pte(m, s, 1, 0)).toMatchObject({ kind: PTE_PRESENT, val: 3, flags: PF_W | PF_D });
    expect(frame(m, s, 2)).toMatchObject({ ref: 2, map: 1, pin: 1 });
    // the copy's PTE is dirty (pte_mkdirty); the new folio itself is not marked dirty, and is on the LRU
    expect(frame(m, s, 3)).toMatchObject({ ref: 1, map: 1, pin: 0, dirty: 0, lru: 1, ver: frame(m, s, 2).ver });
  });
  it('effect zero page and swap entry are copied as they are', () => {
    const { m, n } = fork({ pages: 2, initial: ['zero', 'swap'] });
    expect(pte(m, n, 1, 0).kind).toBe(PTE_ZERO);
    expect(pte(m, n, 1, 1)).toMatchObject({ kind: PTE_SWAP, val: 1 });
  });
  it('effect device-exclusive entry: restored to a present PTE in the parent before copying (try_restore_exclusive_pte)', () => {
    const { m, n } = fork({ initial: ['rw'], dev: [{ ops: [{ op: 'exclusive', page: 0 }] }] });
    expect(pte(m, n, 0, 0).kind).toBe(PTE_PRESENT);
    expect(pte(m, n, 1, 0).kind).toBe(PTE_PRESENT);
  });
  it('effect the TLB of the parent is flushed and the child thread starts only after mmap_write_unlock (ret_from_fork)', () => {
    const m = model(cfg({ initial: ['rw'], features: { fork: true }, cpu: [{ ops: [{ op: 'read', page: 0 }, { op: 'fork' }] }, { mm: 1, ops: [{ op: 'read', page: 0 }] }] }));
    let s = runTo(m, init(m), 0, 'copy_page_range');
    expect(tlb(m, s, 0, 0)).not.toBe(0);
    expect(enabled(m, s, 1)).toEqual([]); // the child mm is still write-locked
    s = step(m, s, 0, 'copy_page_range');
    expect(tlb(m, s, 0, 0)).toBe(0);
  });
});

describe('ret_from_fork (the child thread starts)', () => {
  it('not enabled before fork created the child mm, nor while dup_mmap holds it; enabled after mmap_write_unlock', () => {
    const m = model(cfg({ initial: ['rw'], features: { fork: true }, cpu: [{ ops: [{ op: 'fork' }] }, { mm: 1, ops: [{ op: 'read', page: 0 }] }] }));
    let s = init(m);
    expect(enabled(m, s, 1)).toEqual([]);
    s = runTo(m, s, 0, 'mmap_write_unlock');
    expect(enabled(m, s, 1)).toEqual([]);
    s = step(m, s, 0, 'mmap_write_unlock');
    expect(enabled(m, s, 1)).toEqual(['ret_from_fork']);
    s = step(m, s, 1, 'ret_from_fork');
    expect(pc(m, s, 1)).toBe(PC.cpu_access);
  });
});

describe('pin_user_pages (mm/gup.c, FOLL_WRITE | FOLL_PIN | FOLL_LONGTERM)', () => {
  it('enabled after mmap_read_lock: effect a present writable page gets a pin (refcount + 1, pincount 1)', () => {
    const m = model(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'pin', page: 0 }] }] }));
    let s = step(m, init(m), 0, 'mmap_read_lock');
    expect(readers(m, s)).toBe(1);
    const x = stepA(m, s, 0, 'pin_user_pages');
    s = x.n;
    expect(x.a.info).toBe(0);
    expect(frame(m, s, 2)).toMatchObject({ ref: 2, pin: 1, map: 1 });
    expect(reg(m, s, 0, R_PINNED) & 0xff).toBe(2);
    expect(readers(m, s)).toBe(0);
    expect(result(m, s, 0).ret).toBe(0);
  });
  it('effect pte_none: faultin_page (handle_mm_fault with FAULT_FLAG_WRITE), then follow again and pin', () => {
    const m = model(cfg({ cpu: [{ ops: [{ op: 'pin', page: 0 }] }] }));
    let s = step(m, init(m), 0, 'mmap_read_lock');
    const x = stepA(m, s, 0, 'pin_user_pages');
    expect(x.a.info).toBe(1);
    s = step(m, x.n, 0, 'do_anonymous_page');
    s = step(m, s, 0, 'pin_user_pages');
    expect(frame(m, s, 2)).toMatchObject({ ref: 2, pin: 1 });
  });
  it('effect a VMA without VM_WRITE: -EFAULT (check_vma_flags), nothing pinned', () => {
    const m = model(cfg({ initial: ['ro'], prot: 'read', cpu: [{ ops: [{ op: 'pin', page: 0 }] }] }));
    const x = stepA(m, step(m, init(m), 0, 'mmap_read_lock'), 0, 'pin_user_pages');
    expect(x.a.info).toBe(EFAULT);
    expect(result(m, x.n, 0).ret).toBe(EFAULT);
    expect(frame(m, x.n, 2).pin).toBe(0);
  });
  it('not enabled (mmap_read_lock) while a writer holds mmap_lock', () => {
    const m = model(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'pin', page: 0 }] }, { ops: [{ op: 'mprotect', page: 0, prot: 'read' }] }] }));
    const s = step(m, init(m), 1, 'mmap_write_lock');
    expect(enabled(m, s, 0)).toEqual([]);
  });
});

describe('unpin_user_page (mm/gup.c)', () => {
  it('effect drops the pin and its reference', () => {
    const m = model(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'pin', page: 0 }, { op: 'unpin', page: 0 }] }] }));
    let s = runUntil(m, init(m), 0, PC.unpin_user_page);
    s = step(m, s, 0, 'unpin_user_page');
    expect(frame(m, s, 2)).toMatchObject({ ref: 1, pin: 0, map: 1 });
    expect(result(m, s, 0, 1).ret).toBe(0);
  });
});

describe('get_user_pages (mm/gup.c, FOLL_WRITE without FOLL_PIN/LONGTERM) + put_page', () => {
  it('effect faults the page in writable; no pin is left behind', () => {
    const m = model(cfg({ initial: ['ro'], cpu: [{ ops: [{ op: 'gup', page: 0 }] }] }));
    const s = runUntil(m, init(m), 0, PC.done);
    expect(pte(m, s, 0, 0).flags & PF_W).toBe(PF_W);
    expect(frame(m, s, 2)).toMatchObject({ ref: 1, pin: 0 });
    expect(result(m, s, 0).ret).toBe(0);
  });
});

describe('move_page_tables (mm/mremap.c)', () => {
  const c = (dontUnmap: boolean): HmmConfig => cfg({
    pages: 4, frames: 2, devFrames: 1, initial: ['rw', 'hole', 'hole', 'hole'],
    cpu: [{ ops: [{ op: 'mremap', page: 0, npages: 1, to: 2, dontUnmap }] }], dev: [{ ops: [{ op: 'read', page: 0 }] }],
  });
  it('effect the PTE (frame, flags, rmap) moves to the new address; the old one is a hole; MMU_NOTIFY_UNMAP erased the mirror', () => {
    const m = model(c(false));
    let s = runUntil(m, init(m), 1, PC.done);
    expect(dpt(m, s, 0, 0)).not.toBe(0);
    const before = pte(m, s, 0, 0);
    const x = stepA(m, s, 0, 'mmap_write_lock');
    expect(x.a.info).toBe(EV_UNMAP);
    s = steps(m, x.n, 0, ['mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate', 'move_page_tables']);
    expect(pte(m, s, 0, 2)).toMatchObject({ kind: PTE_PRESENT, val: before.val, flags: before.flags, vma: before.vma });
    expect(pte(m, s, 0, 0)).toMatchObject({ kind: PTE_NONE, vma: 0 });
    expect(frame(m, s, 2)).toMatchObject({ ref: 1, map: 1 });
    expect(dpt(m, s, 0, 0)).toBe(0);
  });
  it('effect MREMAP_DONTUNMAP: the old range keeps an empty VMA', () => {
    const m = model(c(true));
    const s = runUntil(m, runUntil(m, init(m), 1, PC.done), 0, PC.done);
    expect(pte(m, s, 0, 0).kind).toBe(PTE_NONE);
    expect(pte(m, s, 0, 0).vma & VM_EXISTS).toBe(VM_EXISTS);
    expect(result(m, s, 0).ret).toBe(0);
  });
});

describe('madvise_free_pte_range (mm/madvise.c, MADV_FREE)', () => {
  it('enabled after mmap_read_lock (MMU_NOTIFY_CLEAR): effect an exclusive dirty anon page is made clean (PTE and folio)', () => {
    const m = model(cfg({ initial: ['rw'], cpu: [{ ops: [{ op: 'madvFree', page: 0 }] }] }));
    expect(frame(m, init(m), 2).dirty).toBe(1);
    let s = step(m, init(m), 0, 'mmap_read_lock');
    expect(reg(m, s, 0, R_I_EV)).toBe(EV_CLEAR);
    expect(readers(m, s)).toBe(1);
    s = steps(m, s, 0, ['mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate', 'madvise_free_pte_range']);
    expect(pte(m, s, 0, 0).flags & PF_D).toBe(0);
    expect(frame(m, s, 2).dirty).toBe(0);
    s = steps(m, s, 0, ['mmu_notifier_invalidate_range_end', 'mmap_read_unlock']);
    expect(readers(m, s)).toBe(0);
    expect(result(m, s, 0).ret).toBe(0);
  });
  it('effect a dirty folio mapped twice (after fork) is left alone (folio_mapcount != folio_nr_pages)', () => {
    const m = model(cfg({ initial: ['rw'], features: { fork: true }, cpu: [{ ops: [{ op: 'fork' }, { op: 'madvFree', page: 0 }] }] }));
    const s = runUntil(m, init(m), 0, PC.done);
    expect(frame(m, s, 2)).toMatchObject({ map: 2, dirty: 1 });
    expect(pte(m, s, 0, 0).flags & PF_D).toBe(PF_D);
  });
  it('effect a device-private entry is left alone', () => {
    const m = model(cfg({ devFrames: 1, initial: ['rw'], cpu: [{ ops: [{ op: 'madvFree', page: 0 }] }], dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }] }));
    let s = runUntil(m, init(m), 1, PC.done);
    const before = pte(m, s, 0, 0);
    s = runUntil(m, s, 0, PC.done);
    expect(pte(m, s, 0, 0)).toEqual(before);
  });
});
