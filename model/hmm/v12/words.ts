// Follows: HMM v12 posting (2016-03) — mm/hmm.c, include/linux/hmm.h
/**
 * v12's own state words, appended to the shared layout when `design: 'v12'` (layout.ts calls
 * v12WordCount; nothing here imports layout.ts, so there is no import cycle):
 *
 *   [0]                       ghost: HMM_FORK migrated device memory back (witness only)
 *   per actor t:  inv[t]      struct hmm range list: t's CPU-side update of [R_I_A, +R_I_N) is
 *                             registered (hmm_notifier_invalidate_range_start .. _end)
 *                 fault[t]    struct hmm fault list: 0 = none, 1 = t's device fault on
 *                             [R_A, +R_N) is registered, 2 = registered and told to back off
 *   per mirror d: pt[d][a]    hmm_pt entry: frame << 4 | HMM_PTE_VALID | WRITE | DIRTY | DEV
 *                 dma[d][a]   frame whose DMA mapping the entry's dma_addr_t stands for (0 = none)
 */

export const HMM_PTE_VALID = 1;
export const HMM_PTE_WRITE = 2;
export const HMM_PTE_DIRTY = 4;
/** the entry names device memory (migrated; no struct page), not a DMA address of system RAM */
export const HMM_PTE_DEV = 8;
export const hmmPteFrame = (e: number): number => e >> 4;

export const FAULT_NONE = 0;
export const FAULT_REGISTERED = 1;
export const FAULT_BACKOFF = 2;

export function v12WordCount(devices: number, pages: number, actors: number): number {
  return 1 + 2 * actors + 2 * devices * pages;
}

/** the part of Layout these helpers need (structural, so layout.ts need not be imported) */
interface V12L {
  readonly v12Base: number;
  readonly pages: number;
  readonly actors: readonly unknown[];
}

export const ghostForkBackOff = (L: V12L): number => L.v12Base;
export const invOff = (L: V12L, t: number): number => L.v12Base + 1 + 2 * t;
export const faultOff = (L: V12L, t: number): number => L.v12Base + 2 + 2 * t;
export const mirrorOff = (L: V12L, d: number, a: number): number =>
  L.v12Base + 1 + 2 * L.actors.length + 2 * d * L.pages + a;
export const mdmaOff = (L: V12L, d: number, a: number): number =>
  L.v12Base + 1 + 2 * L.actors.length + 2 * d * L.pages + L.pages + a;
