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
import { leadingWordOffsets, placements, sizeOf } from '../state/struct.ts';
import { V12, V12_ACTOR, V12_MIRROR } from '../state/schema.ts';

export const HMM_PTE_VALID = 1;
export const HMM_PTE_WRITE = 2;
export const HMM_PTE_DIRTY = 4;
/** the entry names device memory (migrated; no struct page), not a DMA address of system RAM */
export const HMM_PTE_DEV = 8;
export const hmmPteFrame = (e: number): number => e >> 4;

export const FAULT_NONE = 0;
export const FAULT_REGISTERED = 1;
export const FAULT_BACKOFF = 2;

/** words of the v12 section (schema.ts V12) */
export function v12WordCount(devices: number, pages: number, actors: number): number {
  return sizeOf(V12, { devices, pages, actors });
}

/** the part of Layout these helpers need (structural, so layout.ts need not be imported) */
interface V12L {
  readonly v12Base: number;
  readonly pages: number;
  readonly actors: readonly unknown[];
}

// offsets generated from schema.ts V12 once at load (hot path: no placements() per call). Every
// offset is linear in the page count, so two evaluations give it for any.
const V12_HEAD = leadingWordOffsets(V12);
const ACT = leadingWordOffsets(V12_ACTOR);
const ACTOR_WORDS = sizeOf(V12_ACTOR, {});
const ACTORS_AT = placements(V12, { actors: 0, devices: 0, pages: 0 }).actor!.offset;
const linearInPages = (f: (pages: number) => number): { readonly at0: number; readonly perPage: number } =>
  ({ at0: f(0), perPage: f(1) - f(0) });
const MIRROR_WORDS = linearInPages((pages) => sizeOf(V12_MIRROR, { pages }));
const MIRROR_PT = linearInPages((pages) => placements(V12_MIRROR, { pages }).pt!.offset);
const MIRROR_DMA = linearInPages((pages) => placements(V12_MIRROR, { pages }).dma!.offset);
const at = (x: { readonly at0: number; readonly perPage: number }, pages: number): number => x.at0 + x.perPage * pages;
const mirrorAt = (L: V12L, d: number): number => L.v12Base + ACTORS_AT + ACTOR_WORDS * L.actors.length + d * at(MIRROR_WORDS, L.pages);

export const ghostForkBackOff = (L: V12L): number => L.v12Base + V12_HEAD.ghostForkBackOff;
export const invOff = (L: V12L, t: number): number => L.v12Base + ACTORS_AT + ACTOR_WORDS * t + ACT.inv;
export const faultOff = (L: V12L, t: number): number => L.v12Base + ACTORS_AT + ACTOR_WORDS * t + ACT.fault;
export const mirrorOff = (L: V12L, d: number, a: number): number => mirrorAt(L, d) + at(MIRROR_PT, L.pages) + a;
export const mdmaOff = (L: V12L, d: number, a: number): number => mirrorAt(L, d) + at(MIRROR_DMA, L.pages) + a;
