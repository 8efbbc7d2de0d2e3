// Follows: Linux v6.19 — arch/x86/mm/fault.c
/**
 * arch/x86/mm/fault.c and the MMU: a CPU load/store through the TLB or the hardware walker, and
 * do_user_addr_fault (lock_mm_and_find_vma → handle_mm_fault → mmap_read_unlock).
 */
import {
  F_VER, OK, PC, PF_D, PF_PROTNONE, PF_W, PG_FLAGS, PG_KIND, PG_LASTW, PG_VAL, PG_VMA, PTE_NONE, PTE_PRESENT,
  PTE_ZERO, R_A, R_PC, R_WRITE, VM_EXISTS, VM_FAULT_SIGSEGV, VM_READ, VM_WRITE, ZERO_FRAME, frOff, pgOff, tlbOff,
} from './layout.ts';
import { type Ctx, type Emit, type GuardFn, act, finishRequest, frameVer, mmOf, recordData, nextState } from './ctx.ts';
import { beginHmf, takeHmfRc } from './handle_mm_fault.ts';
import { inAnyGather } from './mmu_gather.ts';
import { mmapReadFree, mmapReadLock, mmapReadUnlock } from './mmap_lock.ts';

/** a store by a CPU or the device to virtual page (m, a) landing in frame f */
export function storeTo(c: Ctx, s: Int32Array, m: number, a: number, f: number): void {
  const o = pgOff(c.L, m, a);
  if (s[o + PG_KIND] === PTE_NONE) {
    // racing munmap: the store lands in a page that is already unmapped (lost by design)
    if (f !== ZERO_FRAME && f !== 0) s[frOff(c.L, f) + F_VER]!++;
    return;
  }
  const v = s[o + PG_LASTW]! + 1;
  s[o + PG_LASTW] = v;
  if (f !== ZERO_FRAME && f !== 0) s[frOff(c.L, f) + F_VER] = v;
}

/** frame f was zapped and sits in a CPU thread's mmu_gather: freed after that zap's TLB flush */
const awaitsFlushAndFree = (c: Ctx, s: Int32Array, f: number): boolean => f !== ZERO_FRAME && inAnyGather(c, s, f);

// ---- CPU thread -----------------------------------------------------------------------------

// A load/store: TLB hit, else the hardware page walk (fills the TLB), else a page fault
// (arch fault handler → lock_mm_and_find_vma → handle_mm_fault).
// The way the MMU takes an access: a TLB hit, the hardware walk of a present PTE, a read of the
// zero page, else a page fault. The guard and the step share it, so they cannot disagree.
const TLB_HIT = 0;
const HW_WALK = 1;
const ZERO_READ = 2;
const PAGE_FAULT = 3;
function accessPath(c: Ctx, s: Int32Array, t: number): number {
  const L = c.L;
  const b = L.actors[t]!.base;
  const a = s[b + R_A]!;
  const w = s[b + R_WRITE] === 1;
  const tlb = s[tlbOff(L, t, a)]!;
  if (tlb !== 0 && (!w || (tlb & 1) === 1)) return TLB_HIT;
  const o = pgOff(L, mmOf(c, t), a);
  const kind = s[o + PG_KIND]!;
  const fl = s[o + PG_FLAGS]!;
  if (kind === PTE_PRESENT && (fl & PF_PROTNONE) === 0 && (!w || (fl & PF_W) !== 0)) return HW_WALK;
  if (kind === PTE_ZERO && !w) return ZERO_READ;
  return PAGE_FAULT;
}

/** a TLB hit or a hardware walk never waits; a page fault waits for mmap_read_lock (lock_mm_and_find_vma) */
export const guardCpuAccess: GuardFn = (c, s, t) => accessPath(c, s, t) !== PAGE_FAULT || mmapReadFree(c, s, mmOf(c, t));
export function stepCpuAccess(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  const a = s[b + R_A]!;
  const w = s[b + R_WRITE] === 1;
  const o = pgOff(L, m, a);
  switch (accessPath(c, s, t)) {
    case TLB_HIT: {
      const tlb = s[tlbOff(L, t, a)]!;
      const n = nextState(c, s);
      if (w) {
        // a TLB entry filled by a load has D clear: the store makes the MMU set the PTE's dirty bit
        // (only where the PTE still maps that frame writable; through a stale entry the store
        // reaches the frame and nothing records it — which is why PTE removals flush before freeing)
        if (n[o + PG_KIND] === PTE_PRESENT && n[o + PG_VAL] === tlb >> 1 && (n[o + PG_FLAGS]! & PF_W) !== 0) n[o + PG_FLAGS] = n[o + PG_FLAGS]! | PF_D;
      }
      access(c, n, t, m, a, tlb >> 1, w);
      emit(act('cpu_access', t, a, w ? 1 : 0), n);
      return;
    }
    case HW_WALK: {
      const fl = s[o + PG_FLAGS]!;
      const n = nextState(c, s);
      const f = s[o + PG_VAL]!;
      n[tlbOff(L, t, a)] = (f << 1) | ((fl & PF_W) !== 0 ? 1 : 0);
      if (w) n[o + PG_FLAGS] = fl | PF_D;
      access(c, n, t, m, a, f, w);
      emit(act('cpu_access', t, a, w ? 1 : 0), n);
      return;
    }
    case ZERO_READ: {
      const n = nextState(c, s);
      n[tlbOff(L, t, a)] = ZERO_FRAME << 1;
      access(c, n, t, m, a, ZERO_FRAME, false);
      emit(act('cpu_access', t, a, 0), n);
      return;
    }
  }
  // page fault: lock_mm_and_find_vma (sleeps while a writer holds mmap_lock: the guard)
  const n = nextState(c, s);
  const vma = s[o + PG_VMA]!;
  if ((vma & VM_EXISTS) === 0 || (vma & VM_READ) === 0 || (w && (vma & VM_WRITE) === 0)) {
    finishRequest(c, n, t, VM_FAULT_SIGSEGV); // access_error → SIGSEGV
    emit(act('lock_mm_and_find_vma', t, a, VM_FAULT_SIGSEGV), n);
    return;
  }
  mmapReadLock(c, n, t, m);
  beginHmf(c, n, t, a, w, PC.do_user_addr_fault_unlock);
  emit(act('lock_mm_and_find_vma', t, a, 0), n);
}

function access(c: Ctx, n: Int32Array, t: number, m: number, a: number, f: number, w: boolean): void {
  if (w && awaitsFlushAndFree(c, n, f)) {
    // a store through a TLB entry a zap (MADV_DONTNEED, munmap, the OOM reaper) has not flushed
    // yet: it races the zap, which the user asked for, and lands in a page that is gone from the
    // address whatever the PTE holds now (none, or refilled by another thread's fault) — lost by
    // design, so it is not "the last value written" there
    n[frOff(c.L, f) + F_VER]!++;
  } else if (w) storeTo(c, n, m, a, f);
  else recordData(c, n, t, a, frameVer(c, n, f));
  finishRequest(c, n, t, OK);
}

// mmap_read_unlock after handle_mm_fault; retry the access or deliver the signal.
export function stepCpuFaultDone(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const b = c.L.actors[t]!.base;
  const n = nextState(c, s);
  const rc = takeHmfRc(n, b);
  mmapReadUnlock(c, n, t, mmOf(c, t));
  if (rc === 0) n[b + R_PC] = PC.cpu_access;
  else finishRequest(c, n, t, rc);
  emit(act('mmap_read_unlock', t, s[b + R_A]!, rc), n);
}
