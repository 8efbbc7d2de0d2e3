// Follows: Linux v6.19 — mm/memory.c, include/linux/mm.h
/**
 * The calling convention of handle_mm_fault (mm/memory.c, include/linux/mm.h): a caller — the CPU
 * fault entry, GUP, hmm_vma_fault, make_device_exclusive — saves the address, the access and its
 * return label, handle_mm_fault runs as steps of the caller, and the caller takes the VM_FAULT_*
 * result when it resumes.
 */
import { PC, R_H_A, R_H_RC, R_H_RET, R_H_T, R_H_W, R_PC } from './layout.ts';
import type { Ctx } from './ctx.ts';

/** enter handle_mm_fault(vma, addr, write ? FAULT_FLAG_WRITE : 0); caller holds mmap_lock (read) */
export function beginHmf(c: Ctx, n: Int32Array, t: number, a: number, w: boolean, ret: number): void {
  const b = c.L.actors[t]!.base;
  n[b + R_H_A] = a;
  n[b + R_H_W] = w ? 1 : 0;
  n[b + R_H_RET] = ret;
  n[b + R_H_RC] = 0;
  n[b + R_H_T] = 0;
  n[b + R_PC] = PC.handle_mm_fault;
}

/** the caller reads handle_mm_fault's result; the fault registers are cleared (canonical) */
export function takeHmfRc(n: Int32Array, b: number): number {
  const rc = n[b + R_H_RC]!;
  n[b + R_H_A] = 0;
  n[b + R_H_W] = 0;
  n[b + R_H_RET] = 0;
  n[b + R_H_RC] = 0;
  n[b + R_H_T] = 0;
  return rc;
}

export function hmfReturn(n: Int32Array, b: number, rc: number): void {
  n[b + R_PC] = n[b + R_H_RET]!;
  n[b + R_H_RC] = rc;
  n[b + R_H_T] = 0;
}
