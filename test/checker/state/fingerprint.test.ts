import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fingerprint, fingerprintFinish, fingerprintSums, fpOut, fpSums, laneA, laneB, SUM_MIN_WIDTH } from '../../../checker/state/fingerprint.ts';

const word = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

describe('fingerprint, sum form (rows of SUM_MIN_WIDTH words and more)', () => {
  it('updated word by word from the parent equals the fingerprint computed from scratch', () => {
    // the oracle is the full computation; the update is what packed-bfs does per successor
    fc.assert(
      fc.property(
        fc.integer({ min: SUM_MIN_WIDTH, max: 80 }).chain((w) => fc.tuple(fc.array(word, { minLength: w, maxLength: w }), fc.array(fc.tuple(fc.nat(w - 1), word), { maxLength: 6 }))),
        ([parentWords, edits]) => {
          const parent = Int32Array.from(parentWords);
          const child = parent.slice();
          for (const [i, v] of edits) child[i] = v;
          fingerprintSums(parent, 0, parent.length);
          let a = fpSums.a;
          let b = fpSums.b;
          for (let i = 0; i < child.length; i++) {
            if (child[i] !== parent[i]) {
              a = (a + laneA(child[i]!, i) - laneA(parent[i]!, i)) | 0;
              b = (b + laneB(child[i]!, i) - laneB(parent[i]!, i)) | 0;
            }
          }
          fingerprintFinish(a, b, child.length);
          const updated = [fpOut.hi, fpOut.lo];
          fingerprint(child, 0, child.length);
          expect(updated).toEqual([fpOut.hi, fpOut.lo]);
        },
      ),
    );
  });

  it('each lane collides like a uniform hash on wide state-like rows (few small words change)', () => {
    // 2^19 rows; birthday expectation per 32-bit lane n(n-1)/2/2^32 = 32 (σ ≈ 5.7). The sum form's
    // risk is structure across positions (two changes cancelling), so the cases vary two or three
    // words of a row that is otherwise constant. Each generator is injective in i (so the rows
    // are n distinct ones): the changed words' positions and values give i back.
    const cases: [number, (i: number, o: Int32Array) => void][] = [
      [17, (i, o) => { o.fill(0); o[i & 15] = (i >> 4) + 1; }],
      [300, (i, o) => { o.fill(7); o[10] = i & 1023; o[150 + ((i >> 10) % 150)] = 100 + (i >> 10); }],
      [64, (i, o) => { o.fill(0); o[3] = i & 127; o[40] = (i >> 7) & 127; o[63] = i >> 14; }],
    ];
    const n = 1 << 19;
    for (const [width, gen] of cases) {
      const w = new Int32Array(width);
      const his = new Set<number>();
      const los = new Set<number>();
      const both = new Set<string>();
      for (let i = 0; i < n; i++) {
        gen(i, w);
        fingerprint(w, 0, width);
        his.add(fpOut.hi);
        los.add(fpOut.lo);
        both.add(`${fpOut.hi}:${fpOut.lo}`);
      }
      const m = n;
      expect(m - both.size).toBe(0);
      const expected = (m * (m - 1)) / 2 / 2 ** 32;
      for (const lane of [his, los]) {
        expect(m - lane.size).toBeGreaterThan(expected - 6 * Math.sqrt(expected));
        expect(m - lane.size).toBeLessThan(expected + 6 * Math.sqrt(expected));
      }
    }
  });

  it('stream and sum forms meet at SUM_MIN_WIDTH: both are pure, never (0, 0), and length-separating', () => {
    const seen = new Set<string>();
    for (let len = SUM_MIN_WIDTH - 3; len < SUM_MIN_WIDTH + 3; len++) {
      for (let v = -20; v < 20; v++) {
        const w = new Int32Array(len);
        w[len - 1] = v;
        fingerprint(w, 0, len);
        expect(fpOut.hi === 0 && fpOut.lo === 0).toBe(false);
        seen.add(`${fpOut.hi}:${fpOut.lo}`);
      }
    }
    expect(seen.size).toBe(6 * 40);
  });
});
