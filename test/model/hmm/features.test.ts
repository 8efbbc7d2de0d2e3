/**
 * Unit tests of the model features the conformance suite needs (issue 3): user-defined driver
 * records, the snapshot's temporary interval notifier, per-mm notifier state for a child mirror,
 * HMM_DMIRROR_RELEASE, huge entries and their split, MAP_SHARED, mremap. Each drives the model's
 * own successors by label.
 */
import { describe, expect, it } from 'vitest';
import {
  createHmmModel, type HmmAction, type HmmState, type HmmConfig, DRIVER_VARIANTS, PC, PTE_PRESENT, PTE_DEVPRIV, PTE_NONE, PF_HUGE, PF_W, VM_EXISTS, firstDevFrame,
} from '../../../model/hmm/index.ts';
import { Session } from '../../../model/hmm/selftest/index.ts';
import { view } from './state/view-helper.ts';

type M = ReturnType<typeof createHmmModel>;
const succs = (m: M, s: HmmState): { a: HmmAction; n: HmmState }[] => {
  const out: { a: HmmAction; n: HmmState }[] = [];
  m.successors(s, (a, n) => out.push({ a, n }));
  return out;
};
function step(m: M, s: HmmState, actor: number, kind: string): HmmState {
  const x = succs(m, s).find((e) => e.a.actor === actor && e.a.kind === kind);
  if (x === undefined) throw new Error(`${kind} by ${actor} not enabled: ${succs(m, s).map((e) => `${e.a.actor}:${e.a.kind}`).join(', ')}`);
  return x.n;
}
const kinds = (m: M, s: HmmState, actor: number): string[] => succs(m, s).filter((e) => e.a.actor === actor).map((e) => e.a.kind);

describe('HmmConfig.driver: a variant name or a full DriverBehaviour record', () => {
  it('a record defined outside model/ drives the model and names it', () => {
    const mine = { ...DRIVER_VARIANTS.dmirror, name: 'dmirror-set-seq-first', skipOwnMigrate: false };
    const cfg: HmmConfig = { driver: mine, pages: 1, frames: 2, devFrames: 1, initial: ['rw'], dev: [{ ops: [{ op: 'migrateToDev' }] }] };
    const m = createHmmModel(cfg);
    expect(m.id).toBe('hmm/upstream@dmirror-set-seq-first');
    expect(m.ctx.beh).toBe(mine);
    let s = m.initialStates()[0]!;
    s = step(m, s, 0, 'migrate_vma_setup');
    s = step(m, s, 0, 'mmu_notifier_invalidate_range_start');
    // no MIGRATE/owner early return: the callback now takes the mutex and sets the seq
    const n = step(m, s, 0, 'dmirror_interval_invalidate');
    expect(view(m, n).device(0).sseq).toBe(1);
    // the stock dmirror record returns early: sseq untouched
    const d = createHmmModel({ ...cfg, driver: 'dmirror' });
    let t = d.initialStates()[0]!;
    for (const k of ['migrate_vma_setup', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate']) t = step(d, t, 0, k);
    expect(view(m, t).device(0).sseq).toBe(0);
    expect(createHmmModel({ ...cfg, driver: 'dmirror' }).id).toBe('hmm/upstream@dmirror');
  });
});

describe('dmirror_range_snapshot: mmu_interval_notifier_insert / dmirror_snapshot_invalidate', () => {
  it('an invalidation between hmm_range_fault and the retry check bumps only the snapshot seq → retry', () => {
    const m = createHmmModel({
      driver: 'dmirror', pages: 1, frames: 2, initial: ['zero'],
      cpu: [{ ops: [{ op: 'write', page: 0 }] }], dev: [{ ops: [{ op: 'snapshot', page: 0 }] }],
    });
    const L = m.ctx.L;
    let s = m.initialStates()[0]!;
    s = step(m, s, 1, 'mmu_interval_notifier_insert');
    expect(view(m, s).actor(1).snapshot).toBe(1);
    s = step(m, s, 1, 'mmu_interval_read_begin');
    s = step(m, s, 1, 'mmap_read_lock');
    s = step(m, s, 1, 'hmm_range_fault');
    // the CPU's write: COW of the zero page under a CLEAR invalidation
    s = step(m, s, 0, 'lock_mm_and_find_vma');
    s = step(m, s, 0, 'wp_page_copy');
    s = step(m, s, 0, 'mmu_notifier_invalidate_range_start');
    s = step(m, s, 0, 'dmirror_interval_invalidate');
    s = step(m, s, 0, 'dmirror_snapshot_invalidate');
    expect(view(m, s).actor(1).snapshot).toBe(2); // sseq == the mm's invalidate_seq
    s = step(m, s, 1, 'mutex_lock');
    const retry = succs(m, s).find((e) => e.a.actor === 1)!;
    expect(retry.a).toMatchObject({ kind: 'mmu_interval_read_retry', info: 1 });
    // mmu_interval_read_begin sleeps until the epoch ends
    expect(kinds(m, retry.n, 1)).toEqual([]);
  });

  it('mmu_interval_notifier_remove waits for the invalidation epoch to end', () => {
    const m = createHmmModel({
      driver: 'dmirror', pages: 1, frames: 2, initial: ['rw'],
      cpu: [{ ops: [{ op: 'mprotect', page: 0, prot: 'read' }] }], dev: [{ ops: [{ op: 'snapshot', page: 0 }] }],
    });
    let s = m.initialStates()[0]!;
    for (const k of ['mmu_interval_notifier_insert', 'mmu_interval_read_begin', 'mmap_read_lock', 'hmm_range_fault', 'mutex_lock',
      'mmu_interval_read_retry', 'dmirror_mkentry']) s = step(m, s, 1, k);
    s = step(m, s, 0, 'mmap_write_lock');
    s = step(m, s, 0, 'mmu_notifier_invalidate_range_start');
    expect(view(m, s).notifier(0).seqOdd).toBe(1);
    expect(kinds(m, s, 1)).toEqual([]);
  });
});

describe('a child mirror (deviceMm): per-mm invalidate_seq', () => {
  it('an invalidation of the child mm calls only the child fd and leaves mm 0 even', () => {
    const m = createHmmModel({
      driver: 'dmirror', pages: 1, frames: 3, devices: 2, deviceMm: [0, 1], initial: ['rw'], features: { fork: true },
      cpu: [{ ops: [{ op: 'fork' }] }, { mm: 1, ops: [{ op: 'write', page: 0 }] }],
    });
    const L = m.ctx.L;
    let s = m.initialStates()[0]!;
    for (const k of ['mmap_write_lock', 'mmu_notifier_invalidate_range_start', 'dmirror_interval_invalidate', 'copy_page_range',
      'mmu_notifier_invalidate_range_end', 'mmap_write_unlock']) s = step(m, s, 0, k);
    s = step(m, s, 1, 'ret_from_fork');
    s = step(m, s, 1, 'lock_mm_and_find_vma');
    s = step(m, s, 1, 'wp_page_copy'); // COW in the child
    s = step(m, s, 1, 'mmu_notifier_invalidate_range_start');
    expect(view(m, s).notifier(1).seqOdd).toBe(1);
    expect(view(m, s).notifier(0).seqOdd).toBe(0);
    const cb = succs(m, s).find((e) => e.a.actor === 1)!;
    expect(cb.a).toMatchObject({ kind: 'dmirror_interval_invalidate', info: 1 }); // device 1 = the child's fd
  });
});

describe('HMM_DMIRROR_RELEASE: migrate_device_range → dmirror_device_evict_chunk', () => {
  it('every device page goes back to system memory, the mirror entries are erased, device frames are freed', () => {
    const p = new Session({ pages: 2 });
    p.write(0, 2);
    p.dev(0).migrateToDev(0, 2);
    const L = p.model.ctx.L;
    expect(view(p, p.state).mm(0).pte(0).kind).toBe(PTE_DEVPRIV);
    expect(p.dev(0).release().rc).toBe(0);
    expect(p.trace.slice(-8).map((a) => a.kind)).toEqual(expect.arrayContaining(['migrate_device_range', 'dmirror_device_evict_chunk', 'migrate_device_pages', 'migrate_device_finalize']));
    for (let a = 0; a < 2; a++) {
      expect(view(p, p.state).mm(0).pte(a).kind).toBe(PTE_PRESENT);
      expect(view(p, p.state).device(0).pt(a)).toBe(0);
      expect(view(p, p.state).frame(firstDevFrame(L, 0) + a).refcount).toBe(0);
    }
  });
});

describe('huge entries (mapping thp / hugetlb)', () => {
  it('a write fault maps a PMD; a partial munmap splits it (the invalidation covers the whole PMD)', () => {
    const p = new Session({ pages: 2, mapping: 'thp' });
    p.write(0);
    const L = p.model.ctx.L;
    expect(p.trace.map((a) => a.kind)).toContain('do_huge_pmd_anonymous_page');
    expect(view(p, p.state).mm(0).pte(1).flags & (PF_HUGE | PF_W)).toBe(PF_HUGE | PF_W);
    p.dev(0).read(0, 2);
    p.munmap(1, 1);
    expect(view(p, p.state).mm(0).pte(0).flags & PF_HUGE).toBe(0);
    expect(view(p, p.state).device(0).pt(0)).toBe(0); // the split's invalidation erased page 0's entry too
    expect(p.read(0).data).toEqual([1]);
  });

  it('hugetlb is never migrated: MIGRATE_TO_DEV → -EINVAL', () => {
    const p = new Session({ pages: 2, mapping: 'hugetlb' });
    p.write(0, 2);
    expect(p.dev(0).migrateToDev(0, 2).rc).toBe(-22);
  });
});

describe('MAP_SHARED and mremap', () => {
  it('shared pages are collected but not migrated (folio_mapping) and holes are not collected', () => {
    const p = new Session({ pages: 2, mapping: 'shared' });
    p.write(0);
    expect(p.dev(0).migrateToDev(0, 2).rc).toBe(-2);
    expect(view(p, p.state).mm(0).pte(0).kind).toBe(PTE_PRESENT);
    expect(view(p, p.state).mm(0).pte(1).kind).toBe(PTE_NONE);
  });

  it('move_page_tables moves device-private entries to the new address', () => {
    const p = new Session({ pages: 4, initial: ['none', 'hole', 'hole', 'hole'] });
    p.write(0);
    p.dev(0).migrateToDev(0, 1);
    expect(p.mremap(0, 1, 2)).toBe(0);
    const L = p.model.ctx.L;
    expect(view(p, p.state).mm(0).pte(2).kind).toBe(PTE_DEVPRIV);
    expect(view(p, p.state).mm(0).pte(0).vma & VM_EXISTS).toBe(0);
    expect(p.read(2).data).toEqual([1]);
    expect(PC.move_page_tables).toBeGreaterThan(0);
  });
});

describe('HMM_DMIRROR_FLAGS(HMM_DMIRROR_FLAG_FAIL_ALLOC): one forced allocation failure', () => {
  it('MIGRATE_TO_DEV: a 4 KiB source whose device allocation fails is not migrated (read-back -ENOENT)', () => {
    const p = new Session({ pages: 2 });
    p.write(0, 2);
    expect(p.dev(0).flags(1).rc).toBe(0);
    expect(p.dev(0).migrateToDev(0, 2).rc).toBe(-2);
    const L = p.model.ctx.L;
    expect(view(p, p.state).mm(0).pte(0).kind).toBe(PTE_PRESENT); // the first page stayed
    expect(view(p, p.state).mm(0).pte(1).kind).toBe(PTE_DEVPRIV);
    expect(p.dev(0).migrateToDev(0, 2)).toMatchObject({ rc: 0, cpages: 2 }); // one-shot
  });

  it('MIGRATE_TO_SYS: dmirror_migrate_to_system ignores the VM_FAULT_OOM of dmirror_devmem_fault_alloc_and_copy: rc 0, nothing migrated', () => {
    const p = new Session({ pages: 2 });
    p.write(0, 2);
    expect(p.dev(0).migrateToDev(0, 2).rc).toBe(0);
    p.dev(0).flags(1);
    // the first allocation fails and the copy loop stops: no page has a destination
    expect(p.dev(0).migrateToSys(0, 2)).toMatchObject({ rc: 0, cpages: 0 });
    expect(p.dev(0).migrateToSys(0, 2)).toMatchObject({ rc: 0, cpages: 2 });
    expect(p.read(0, 2).data).toEqual([1, 1]);
  });
});

describe('device-coherent memory (deviceMemory: coherent)', () => {
  it('migrated pages are mapped by present PTEs and the CPU accesses them in place', () => {
    const p = new Session({ pages: 1, deviceMemory: 'coherent' });
    p.write(0);
    p.dev(0).migrateToDev(0, 1);
    const L = p.model.ctx.L;
    expect(view(p, p.state).mm(0).pte(0).kind).toBe(PTE_PRESENT);
    expect(view(p, p.state).mm(0).pte(0).val).toBe(firstDevFrame(L, 0)); // the device frame
    expect(p.read(0).data).toEqual([1]);
    expect(p.trace.map((a) => a.kind)).not.toContain('do_swap_page');
    expect(p.dev(0).migrateToSys(0, 1)).toMatchObject({ rc: 0, cpages: 1 });
  });

  it('a FOLL_LONGTERM pin moves the page out first (migrate_device_coherent_folio); get_user_pages does not', () => {
    const p = new Session({ pages: 2, deviceMemory: 'coherent' });
    p.write(0, 2);
    p.dev(0).migrateToDev(0, 2);
    const L = p.model.ctx.L;
    expect(p.gupPut(0)).toBe(0);
    expect(view(p, p.state).mm(0).pte(0).val).toBe(firstDevFrame(L, 0));
    expect(p.pinUnpin(1)).toBe(0);
    expect(p.trace.map((a) => a.kind)).toContain('migrate_device_coherent_folio');
    expect(view(p, p.state).mm(0).pte(1).val < firstDevFrame(L, 0)).toBe(true); // a system frame now
    expect(view(p, p.state).device(0).pt(1)).toBe(0); // the CLEAR invalidation dropped the mirror entry
    expect(p.read(0, 2).data).toEqual([1, 1]);
  });
});

describe('device THP (features.deviceThp, MIGRATE_VMA_SELECT_COMPOUND)', () => {
  const flags = (p: Session, a: number) => view(p, p.state).mm(0).pte(a).flags;
  const kind = (p: Session, a: number) => view(p, p.state).mm(0).pte(a).kind;

  it('a whole THP becomes a device-private PMD and comes back as a THP (do_huge_pmd_device_private)', () => {
    const p = new Session({ pages: 2, mapping: 'thp', features: { deviceThp: true } });
    p.write(0, 2);
    expect(p.dev(0).migrateToDev(0, 2)).toMatchObject({ rc: 0, cpages: 2 });
    for (const a of [0, 1]) {
      expect(kind(p, a)).toBe(PTE_DEVPRIV);
      expect(flags(p, a) & PF_HUGE).toBe(PF_HUGE);
    }
    expect(p.read(1).data).toEqual([1]);
    expect(p.trace.map((x) => x.kind)).toContain('do_huge_pmd_device_private');
    for (const a of [0, 1]) {
      expect(kind(p, a)).toBe(PTE_PRESENT);
      expect(flags(p, a) & PF_HUGE).toBe(PF_HUGE);
    }
  });

  it('FAIL_ALLOC: the compound allocation fails, 4 KiB device pages are used and the THP is split', () => {
    const p = new Session({ pages: 2, mapping: 'thp', features: { deviceThp: true } });
    p.write(0, 2);
    p.dev(0).flags(1);
    expect(p.dev(0).migrateToDev(0, 2)).toMatchObject({ rc: 0, cpages: 2 });
    for (const a of [0, 1]) {
      expect(kind(p, a)).toBe(PTE_DEVPRIV);
      expect(flags(p, a) & PF_HUGE).toBe(0);
    }
  });

  it('a partial migration splits the THP; without deviceThp every migration does', () => {
    const p = new Session({ pages: 2, mapping: 'thp', features: { deviceThp: true } });
    p.write(0, 2);
    p.dev(0).migrateToDev(1, 1);
    expect(flags(p, 0) & PF_HUGE).toBe(0);
    expect(kind(p, 1)).toBe(PTE_DEVPRIV);
    const q = new Session({ pages: 2, mapping: 'thp' });
    q.write(0, 2);
    q.dev(0).migrateToDev(0, 2);
    expect(flags(q, 0) & PF_HUGE).toBe(0);
  });
});
