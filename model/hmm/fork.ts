// Follows: Linux v6.19 — kernel/fork.c, mm/mmap.c, arch/x86/kernel/process.c
/**
 * kernel/fork.c: dup_mmap (copy_page_range under a PROTECTION_PAGE invalidation of the parent) and ret_from_fork.
 */
import { EV_PROTECTION_PAGE, MM_EXISTS, MM_WRITER, PC, R_MMAP, R_PC, mmOff } from './layout.ts';
import { type Ctx, type Emit, type GuardFn, act, finishRequest, mmOf, nextState } from './ctx.ts';
import { finishRequestStart } from './gup.ts';
import { mmapWriteFree } from './mmap_lock.ts';
import { beginInv } from './mmu_notifier.ts';

/** the model makes one fork, of mm 0 */
const forkRefused = (c: Ctx, s: Int32Array, t: number): boolean => mmOf(c, t) !== 0 || c.L.mms < 2 || s[mmOff(c.L, 1) + MM_EXISTS] === 1;

// fork() → dup_mmap: mmap_write_lock(parent), create the child mm (its lock held too), then
// copy_page_range under a PROTECTION_PAGE invalidation of the parent (is_cow_mapping).
/** a fork the model cannot make fails at once; otherwise dup_mmap waits for mmap_write_lock */
export const guardForkLock: GuardFn = (c, s, t) => forkRefused(c, s, t) || mmapWriteFree(c, s, 0);
export function stepForkLock(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  if (forkRefused(c, s, t)) {
    const n = nextState(c, s);
    finishRequest(c, n, t, EINVALFORK);
    emit(act('mmap_write_lock', t, 0, EINVALFORK), n);
    return;
  }
  const n = nextState(c, s);
  n[mmOff(L, 0) + MM_WRITER] = t + 1;
  n[mmOff(L, 1) + MM_WRITER] = t + 1;
  n[mmOff(L, 1) + MM_EXISTS] = 1;
  n[L.actors[t]!.base + R_MMAP] = 2;
  beginInv(c, n, t, 0, EV_PROTECTION_PAGE, 0, L.pages, 0, PC.copy_page_range, PC.mmap_write_unlock);
  emit(act('mmap_write_lock', t, 0, EV_PROTECTION_PAGE), n);
}

const EINVALFORK = -11; // EAGAIN: model supports a single fork

// The child's thread returns from fork once the child mm exists and dup_mmap released it.
/** waits until the child mm exists and dup_mmap has released it */
export const guardRetFromFork: GuardFn = (c, s) => c.L.mms >= 2 && s[mmOff(c.L, 1) + MM_EXISTS] === 1 && s[mmOff(c.L, 1) + MM_WRITER] === 0;
export function stepRetFromFork(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const n = nextState(c, s);
  const b = L.actors[t]!.base;
  n[b + R_PC] = PC.cpu_access;
  const req = n[b + 1]!;
  // re-derive the start pc of the first request
  finishRequestStart(c, n, t, req);
  emit(act('ret_from_fork', t, 0), n);
}
