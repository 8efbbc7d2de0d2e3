/**
 * A level's rows spread over the workers' buffers (checker/search/parallel/shared-level.ts): read
 * from any row on, they are the rows written, in order — narrow rows copied, wide rows coded with
 * restart points — against a plain array of the rows as the oracle.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LevelReader, LevelWriter, newLevelBuffers } from '../../../../checker/search/parallel/shared-level.ts';

describe('shared level rows', () => {
  it('reading from any row gives the rows written, across workers and restart points', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(3, 16, 17, 40),
        fc.array(fc.nat({ max: 300 }), { minLength: 1, maxLength: 4 }),
        fc.integer(),
        fc.nat(),
        (width, counts, seed, startPick) => {
          let s = seed >>> 0;
          const rnd = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
          const buffers = counts.map(() => newLevelBuffers());
          const all: Int32Array[] = [];
          counts.forEach((n, q) => {
            const w = new LevelWriter(width, buffers[q]!);
            const row = new Int32Array(width);
            for (let k = 0; k < n; k++) {
              // neighbours differ in a few words, some by large amounts (as successive states do)
              for (let c = rnd() % 4; c >= 0; c--) row[rnd() % width] = (rnd() % 3 === 0 ? rnd() : rnd() % 9) | 0;
              w.push(row, 0);
              all.push(row.slice());
            }
          });
          const total = all.length;
          const from = total === 0 ? 0 : startPick % total;
          const r = new LevelReader(width, buffers, counts, from);
          const out = new Int32Array(width);
          for (let i = from; i < total; i++) {
            r.next(out);
            expect([...out]).toEqual([...all[i]!]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
