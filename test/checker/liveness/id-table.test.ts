/**
 * The liveness graph's fingerprint → id table (checker/liveness/id-table.ts) against a Map as the
 * oracle: ids dense in insertion order, `added` exactly on a first sight, across the table's and
 * the fingerprint array's growth (a small first capacity, many low words alike).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdTable } from '../../../checker/liveness/id-table.ts';

describe('IdTable', () => {
  it('numbers fingerprints densely in insertion order and finds them again', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 40 })), { maxLength: 3000 }),
        (capBits, raw) => {
          const t = new IdTable(1 << capBits);
          const oracle = new Map<string, number>();
          for (const [hi, low] of raw) {
            // (a few hundred distinct fingerprints, each seen several times)
            const h = hi % 300;
            const lo = low * 0x9e3779b1;
            const key = `${h | 0}:${lo | 0}`;
            const id = t.idOf(h, lo | 0);
            const known = oracle.get(key);
            expect(t.added).toBe(known === undefined);
            if (known === undefined) {
              expect(id).toBe(oracle.size);
              oracle.set(key, id);
            } else {
              expect(id).toBe(known);
            }
          }
          expect(t.size).toBe(oracle.size);
          for (const [key, id] of oracle) {
            const [h, lo] = key.split(':').map(Number);
            expect(t.idOf(h!, lo!)).toBe(id);
            expect(t.added).toBe(false);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
