// Follows: Linux v6.19 — include/linux/pgtable.h
/**
 * include/linux/pgtable.h: setting a page-table entry (set_pte_at / pte_clear), with the rmap bookkeeping of the
 * model (mapcount is kept by the callers).
 */
import { PG_FLAGS, PG_KIND, PG_VAL, pgOff } from './layout.ts';
import type { Ctx } from './ctx.ts';

export function setPte(c: Ctx, s: Int32Array, m: number, a: number, kind: number, val: number, flags: number): void {
  const o = pgOff(c.L, m, a);
  s[o + PG_KIND] = kind;
  s[o + PG_VAL] = val;
  s[o + PG_FLAGS] = flags;
}
