// Follows: Linux v6.19 — mm/mremap.c
/**
 * mm/mremap.c: mremap (move_page_tables under an UNMAP invalidation, MREMAP_DONTUNMAP).
 */
import { EV_UNMAP, PAGE_WORDS, PC, PG_LASTW, PG_VMA, PTE_NONE, VM_EXISTS, pgOff } from './layout.ts';
import { type Ctx, type Emit, type GuardFn, act, finishRequest, flushTlb, mmOf, nextState } from './ctx.ts';
import { hugeSpan, splitHuge } from './huge_memory.ts';
import { writeLockAndInvalidate } from './mmap.ts';
import { mmapWriteFree } from './mmap_lock.ts';
import { endInv } from './mmu_notifier.ts';
import { setPte } from './pgtable.ts';

// mremap(old, n, n, MREMAP_MAYMOVE | MREMAP_FIXED [| MREMAP_DONTUNMAP], new): mmap_write_lock,
// then move_page_tables under an MMU_NOTIFY_UNMAP invalidation of the old range. The destination
// must be a hole (MREMAP_FIXED's do_munmap of a populated destination is not modelled: -EINVAL).
/** waits for mmap_write_lock */
export const guardMremapLock: GuardFn = (c, s, t) => mmapWriteFree(c, s, mmOf(c, t));
export function stepMremapLock(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  const n = nextState(c, s);
  const r = c.reqs[t]![s[b + 1]!]!;
  const a0 = r.page;
  const cnt = r.npages;
  let ok = r.to + cnt <= L.pages && (r.to >= a0 + cnt || r.to + cnt <= a0);
  for (let i = 0; ok && i < cnt; i++) {
    if ((n[pgOff(L, m, a0 + i) + PG_VMA]! & VM_EXISTS) === 0) ok = false;
    if ((n[pgOff(L, m, r.to + i) + PG_VMA]! & VM_EXISTS) !== 0) ok = false;
  }
  if (!ok) {
    finishRequest(c, n, t, -22); // -EINVAL
    emit(act('mmap_write_lock', t, a0, -22), n);
    return;
  }
  writeLockAndInvalidate(c, n, t, m, a0, cnt, EV_UNMAP, PC.move_page_tables, PC.mmap_write_unlock, emit);
}

// move_page_tables: every PTE (present, zero, swap, device-private, ...) moves with its rmap and
// its contents to the new address; a PMD moves whole only to a PMD-aligned destination
// (move_pgt_entry), else it is split; the old range is flushed and becomes a hole (or an empty
// VMA with MREMAP_DONTUNMAP).
export function stepMovePageTables(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  const r = c.reqs[t]![s[b + 1]!]!;
  const n = nextState(c, s);
  const [sa, sn] = hugeSpan(c, n, m, r.page, r.npages);
  if (sa !== r.page || sn !== r.npages || ((r.to - r.page) & 1) !== 0) splitHuge(c, n, m, r.page, r.npages);
  for (let i = 0; i < r.npages; i++) {
    const o = pgOff(L, m, r.page + i);
    const d = pgOff(L, m, r.to + i);
    for (let k = 0; k < PAGE_WORDS; k++) n[d + k] = n[o + k]!;
    setPte(c, n, m, r.page + i, PTE_NONE, 0, 0);
    n[o + PG_LASTW] = 0;
    if (!r.dontUnmap) n[o + PG_VMA] = 0;
  }
  flushTlb(c, n, m, r.page, r.npages);
  endInv(c, n, t, m);
  emit(act('move_page_tables', t, r.page, r.to), n);
}
