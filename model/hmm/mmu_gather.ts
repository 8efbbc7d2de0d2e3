/**
 * mm/mmu_gather.c: tlb_finish_mmu — flush the TLB, then free the gathered pages.
 */
import { MM_WRITER, OK, R_A, R_MMAP, R_N, ZERO_FRAME, mmOff, pfnOff, tlbOff } from './layout.ts';
import { type Ctx, type Emit, act, finishRequest, flushTlb, mmOf, putFrame, nextState } from './ctx.ts';

/**
 * The mmu_gather's page list, kept as an ascending set of frame ids in t's hmm_pfns[] slots
 * (unused by a thread that is unmapping; sorted, so the order pages were zapped in is not state;
 * one entry per mapping removed, each holding that mapping's reference). A zap gathers at most one
 * frame per page, so `pages` slots suffice.
 */
export function gatherAdd(c: Ctx, n: Int32Array, t: number, f: number): void {
  if (f === ZERO_FRAME) return;
  let x = f;
  for (let i = 0; i < c.L.pages; i++) {
    const o = pfnOff(c.L, t, i);
    const g = n[o]!;
    if (g === 0) {
      n[o] = x;
      return;
    }
    if (g > x) {
      n[o] = x; // insert, shifting the larger ones up
      x = g;
    }
  }
  throw new Error('hmm model: mmu_gather overflow');
}

// tlb_finish_mmu: flush the TLBs, then free the gathered pages; mmap_write_unlock.
export function stepTlbFinish(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const L = c.L;
  const b = L.actors[t]!.base;
  const m = mmOf(c, t);
  const n = nextState(c, s);
  tlbFinishMmu(c, n, t, m, n[b + R_A]!, n[b + R_N]!);
  n[mmOff(L, m) + MM_WRITER] = 0;
  n[b + R_MMAP] = 0;
  finishRequest(c, n, t, OK);
  emit(act('tlb_finish_mmu', t, s[b + R_A]!), n);
}

/** tlb_finish_mmu: flush the TLBs of [a0, a0 + cnt), then free the pages in t's mmu_gather */
export function tlbFinishMmu(c: Ctx, n: Int32Array, t: number, m: number, a0: number, cnt: number, freesTables = true): void {
  if (freesTables) flushTlb(c, n, m, a0, cnt);
  else flushGathered(c, n, t, m, a0, cnt);
  for (let i = 0; i < c.L.pages; i++) {
    const o = pfnOff(c.L, t, i);
    if (n[o] === 0) break;
    putFrame(c, n, n[o]!);
    n[o] = 0;
  }
}

/**
 * tlb_flush_mmu_tlbonly with only cleared PTEs to answer for (zap_page_range_single,
 * unmap_page_range of the OOM reaper: no page table is freed): zap_present_ptes added the
 * present entries it cleared — the pages now in the gather, and the zero page — to the
 * mmu_gather's range; non-present entries (swap, migration, device) added nothing. A TLB entry
 * naming another frame is not this zap's to flush (munmap and exit_mmap free page tables and
 * flush the whole range).
 */
function flushGathered(c: Ctx, n: Int32Array, t: number, m: number, a0: number, cnt: number): void {
  for (const u of c.cpuActors[m] ?? []) {
    for (let a = a0; a < a0 + cnt; a++) {
      const e = n[tlbOff(c.L, u, a)]!;
      if (e === 0) continue;
      const f = e >> 1;
      if (f === ZERO_FRAME || inGather(c, n, t, f)) n[tlbOff(c.L, u, a)] = 0;
    }
  }
}

function inGather(c: Ctx, n: Int32Array, t: number, f: number): boolean {
  for (let i = 0; i < c.L.pages; i++) {
    const g = n[pfnOff(c.L, t, i)]!;
    if (g === 0) return false;
    if (g === f) return true;
  }
  return false;
}
