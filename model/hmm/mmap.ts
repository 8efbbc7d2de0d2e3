// Follows: Linux v6.19 — mm/mmap.c, mm/vma.c
/**
 * mm/mmap.c: munmap / exit_mmap (mmap_write_lock, then unmap_region under an UNMAP/RELEASE invalidation).
 */
import { EV_RELEASE, EV_UNMAP, MM_WRITER, PC, R_A, R_MMAP, R_N, mmOff } from './layout.ts';
import { type Ctx, type Emit, type GuardFn, act, mmOf, nextState } from './ctx.ts';
import { hugeSpan } from './huge_memory.ts';
import { mmapWriteFree } from './mmap_lock.ts';
import { beginInv } from './mmu_notifier.ts';

/**
 * The opening of munmap, mprotect and mremap: mmap_write_lock, then
 * mmu_notifier_invalidate_range_start over [a0, a0 + cnt) widened to whole huge pages, emitted as
 * one `mmap_write_lock` step carrying the event.
 */
export function writeLockAndInvalidate(
  c: Ctx, n: Int32Array, t: number, m: number, a0: number, cnt: number, ev: number, nextPc: number, endPc: number, emit: Emit,
): void {
  n[mmOff(c.L, m) + MM_WRITER] = t + 1;
  n[c.L.actors[t]!.base + R_MMAP] = 2;
  const [ia, inum] = hugeSpan(c, n, m, a0, cnt);
  beginInv(c, n, t, m, ev, ia, inum, 0, nextPc, endPc);
  emit(act('mmap_write_lock', t, a0, ev), n);
}

// munmap()/exit_mmap(): mmap_write_lock, then unmap_region → unmap_vmas under an UNMAP/RELEASE
// invalidation (mn_itree_release for exit), then tlb_finish_mmu.
/** waits for mmap_write_lock */
export const guardMunmapLock: GuardFn = (c, s, t) => mmapWriteFree(c, s, mmOf(c, t));
export function stepMunmapLock(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = c.L.actors[t]!.base;
  const m = mmOf(c, t);
  const n = nextState(c, s);
  const exit = c.reqs[t]![s[b + 1]!]!.op === 'exit';
  writeLockAndInvalidate(c, n, t, m, s[b + R_A]!, s[b + R_N]!, exit ? EV_RELEASE : EV_UNMAP, PC.zap_pte_range, PC.tlb_finish_mmu, emit);
}
