/**
 * include/linux/mmap_lock.h: mmap_read_lock / mmap_write_lock as state words (readers, writer).
 */
import { MM_READERS, MM_WRITER, OK, R_A, R_MMAP, mmOff } from './layout.ts';
import { type Ctx, type Emit, act, finishRequest, mmOf, nextState } from './ctx.ts';

export const mmapReadFree = (c: Ctx, s: Int32Array, m: number): boolean => s[mmOff(c.L, m) + MM_WRITER] === 0;

export const mmapWriteFree = (c: Ctx, s: Int32Array, m: number): boolean =>
  s[mmOff(c.L, m) + MM_WRITER] === 0 && s[mmOff(c.L, m) + MM_READERS] === 0;

export function mmapReadLock(c: Ctx, s: Int32Array, t: number, m: number): void {
  s[mmOff(c.L, m) + MM_READERS]!++;
  s[c.L.actors[t]!.base + R_MMAP] = 1;
}

export function mmapReadUnlock(c: Ctx, s: Int32Array, t: number, m: number): void {
  s[mmOff(c.L, m) + MM_READERS]!--;
  s[c.L.actors[t]!.base + R_MMAP] = 0;
}


// ---- huge entries (PMD THP / hugetlb) in the scaled model: an aligned pair of pages ----------

// mmap_write_unlock (end of mprotect / fork; fork also releases the child's mmap_lock).
export function stepUnlockWrite(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const m = mmOf(c, t);
  const n = nextState(c, s);
  n[mmOff(L, m) + MM_WRITER] = 0;
  if (L.mms > 1 && n[mmOff(L, 1) + MM_WRITER] === t + 1) n[mmOff(L, 1) + MM_WRITER] = 0;
  n[L.actors[t]!.base + R_MMAP] = 0;
  finishRequest(c, n, t, OK);
  emit(act('mmap_write_unlock', t, s[L.actors[t]!.base + R_A]!), n);
}
