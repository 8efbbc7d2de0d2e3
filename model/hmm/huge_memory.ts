// Follows: Linux v6.19 — mm/huge_memory.c
/**
 * mm/huge_memory.c: the span a huge entry covers and split_huge_pmd (2-page huge units).
 */
import { PF_HUGE, PG_FLAGS, pgOff } from './layout.ts';
import type { Ctx } from './ctx.ts';

/** The range [a, a+n) widened to whole huge entries it partially covers (split_huge_pmd's range). */
export function hugeSpan(c: Ctx, s: Int32Array, m: number, a: number, n: number): [number, number] {
  let lo = a;
  let hi = a + n;
  if ((a & 1) === 1 && (s[pgOff(c.L, m, a) + PG_FLAGS]! & PF_HUGE) !== 0) lo = a - 1;
  if ((hi & 1) === 1 && hi < c.L.pages && (s[pgOff(c.L, m, hi - 1) + PG_FLAGS]! & PF_HUGE) !== 0) hi++;
  return [lo, hi - lo];
}

/**
 * A range walk over [a, a+n) that only partly covers a huge entry splits it first (change_pmd_range,
 * zap_pmd_range / madvise_free_huge_pmd fall back to split_huge_pmd); a whole entry stays huge.
 */
export function splitPartialHuge(c: Ctx, s: Int32Array, m: number, a: number, n: number): void {
  const hi = a + n;
  const partial = ((a & 1) === 1 && (s[pgOff(c.L, m, a) + PG_FLAGS]! & PF_HUGE) !== 0)
    || ((hi & 1) === 1 && hi < c.L.pages && (s[pgOff(c.L, m, hi - 1) + PG_FLAGS]! & PF_HUGE) !== 0);
  if (partial) splitHuge(c, s, m, a, n);
}

/**
 * __split_huge_pmd_locked: every huge entry overlapping [a, a+n) becomes two PTEs mapping the same
 * pages (the split's own MMU_NOTIFY_CLEAR invalidation is folded into the caller's, whose range
 * hugeSpan() widened to the whole entry).
 */
export function splitHuge(c: Ctx, s: Int32Array, m: number, a: number, n: number): void {
  for (let i = a; i < a + n; i++) {
    const o = pgOff(c.L, m, i);
    if ((s[o + PG_FLAGS]! & PF_HUGE) === 0) continue;
    s[o + PG_FLAGS] = s[o + PG_FLAGS]! & ~PF_HUGE;
    const p = pgOff(c.L, m, i ^ 1);
    if ((i ^ 1) < c.L.pages) s[p + PG_FLAGS] = s[p + PG_FLAGS]! & ~PF_HUGE;
  }
}
