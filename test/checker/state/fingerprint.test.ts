import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fingerprint, fingerprintFinish, fingerprintSums, fpOut, fpSums, laneA, laneB, SUM_MIN_WIDTH } from '../../../checker/state/fingerprint.ts';

const word = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

describe('fingerprint', () => {
  it('is a pure function of the words (any offset), and never (0, 0)', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 20 }), fc.nat(5), (ws, pad) => {
        const a = Int32Array.from(ws);
        const b = new Int32Array(pad + ws.length);
        b.set(a, pad);
        fingerprint(a, 0, a.length);
        const [h1, l1] = [fpOut.hi, fpOut.lo];
        fingerprint(b, pad, a.length);
        expect([fpOut.hi, fpOut.lo]).toEqual([h1, l1]);
        expect(h1 === 0 && l1 === 0).toBe(false);
      }),
    );
  });

  it('separates vectors that differ in one word or only in length', () => {
    const seen = new Set<string>();
    for (let len = 0; len < 4; len++) {
      for (let v = -50; v < 50; v++) {
        const w = new Int32Array(len + 1);
        w[len] = v;
        fingerprint(w, 0, w.length);
        seen.add(`${fpOut.hi}:${fpOut.lo}`);
      }
    }
    expect(seen.size).toBe(400);
  });

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

  it('each 32-bit lane collides like a uniform hash on state-like inputs (what the collision estimate assumes)', () => {
    // 2^19 structured vectors; the birthday expectation per lane is n(n-1)/2/2^32 = 32 (σ ≈ 5.7).
    // A lane far below is structured (e.g. injective on small domains), far above is weak; both
    // break the estimate. Narrow vectors (the stream form): small integers, packed bytes, one
    // non-zero word. Wide rows (the sum form, whose risk is structure across positions: two changes
    // cancelling): two or three words varying in a row that is otherwise constant. Each generator
    // is injective in i (so the vectors are n distinct ones).
    const cases: [number, (i: number, o: Int32Array) => void][] = [
      [2, (i, o) => { o[0] = i & 1023; o[1] = i >> 10; }],
      [4, (i, o) => { o[0] = (i & 31) | (((i >> 5) & 31) << 8); o[1] = ((i >> 10) & 31) << 16; o[2] = 0; o[3] = (i >> 15) << 24; }],
      [16, (i, o) => { o.fill(0); o[i & 15] = (i >> 4) + 1; }],
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
