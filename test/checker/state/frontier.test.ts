/** The compressed BFS level gives back exactly the rows and ids written, in order (naive oracle: the array of rows). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Frontier } from '../../../checker/state/frontier.ts';

const int32 = fc.oneof(fc.integer({ min: -3, max: 300 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));

describe('Frontier', () => {
  it('round-trips any rows (small, large, negative, extreme words; narrow rows kept as they are, wider ones coded), read after write, level after level', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }).chain((w) => fc.tuple(fc.constant(w), fc.array(fc.array(fc.array(int32, { minLength: w, maxLength: w }), { maxLength: 40 }), { minLength: 1, maxLength: 3 }))), ([w, levels]) => {
        const f = new Frontier(w);
        for (const rows of levels) {
          f.reset();
          // rows sit at an offset inside a larger buffer, as the search's batch holds them
          const buf = new Int32Array((rows.length + 1) * w);
          rows.forEach((r, i) => buf.set(r, (i + 1) * w));
          rows.forEach((_r, i) => f.push(buf, (i + 1) * w, 1000 + i));
          expect(f.size).toBe(rows.length);
          const out = new Int32Array(w);
          const back: number[][] = [];
          const ids: number[] = [];
          while (f.hasNext) {
            ids.push(f.next(out));
            back.push([...out]);
          }
          expect(back).toEqual(rows);
          expect(ids).toEqual(rows.map((_r, i) => 1000 + i));
        }
      }),
      { numRuns: 300 },
    );
  });
  it('stores a row that repeats the previous one in one byte, and a row of zeros first in one byte', () => {
    const f = new Frontier(300);
    const row = new Int32Array(300);
    f.push(row, 0, 0);
    expect(f.byteLength).toBe(1); // nothing differs from the initial all-zero row: the end marker only
    row[7] = 5;
    f.push(row, 0, 1); // one change: skip 8, zigzag(5) = 10, end
    expect(f.byteLength).toBe(1 + 3);
    f.push(row, 0, 2);
    expect(f.byteLength).toBe(1 + 3 + 1);
  });
  it('keeps narrow rows (<= 16 words) uncoded: 4 bytes a word', () => {
    const f = new Frontier(4);
    f.push(Int32Array.of(1, 2, 3, 4), 0, 7);
    f.push(Int32Array.of(1, 2, 3, 4), 0, 8);
    expect(f.byteLength).toBe(2 * 4 * 4);
    const out = new Int32Array(4);
    expect([f.next(out), ...out]).toEqual([7, 1, 2, 3, 4]);
  });
  it('grows past its first buffer (64 KiB) without losing rows', () => {
    const w = 50;
    const f = new Frontier(w);
    const n = 4000; // each row differs from the last in every word: > 64 KiB in total
    const row = new Int32Array(w);
    for (let i = 0; i < n; i++) {
      row.fill(i * 1000 + 1);
      f.push(row, 0, i);
    }
    expect(f.byteLength).toBeGreaterThan(1 << 16);
    const out = new Int32Array(w);
    for (let i = 0; i < n; i++) {
      expect(f.next(out)).toBe(i);
      expect(out[0]).toBe(i * 1000 + 1);
      expect(out[w - 1]).toBe(i * 1000 + 1);
    }
    expect(f.hasNext).toBe(false);
  });
});
