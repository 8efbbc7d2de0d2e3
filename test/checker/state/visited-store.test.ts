import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VisitedStore } from '../../../checker/index.ts';

describe('VisitedStore', () => {
  it('inserts once, reports duplicates, and keeps ids dense in insertion order', () => {
    const s = new VisitedStore();
    expect(s.insert(1, 2, -1, 0)).toBe(0);
    expect(s.insert(1, 2, 5, 3)).toBe(-1);
    expect(s.insert(1, 3, 0, 7)).toBe(1);
    expect(s.size).toBe(2);
    expect(s.parentOf(1)).toBe(0);
    expect(s.actionOf(1)).toBe(7);
    expect(s.pathTo(1)).toEqual([0, 7]);
  });

  it('agrees with a Set of strings across many segment resizes (300k inserts drawn from 120k keys)', () => {
    // Keys come from a pool, so most inserts after the first 120k are real repeats; every 7th key
    // shares its low word with its neighbour, which exercises runs of equal sort keys.
    const key = (k: number): [number, number] => {
      let h = Math.imul(k ^ 0x5bd1e995, 0x9e3779b1);
      h ^= h >>> 15;
      const base = k % 7 === 0 ? k - 1 : k;
      let l = Math.imul(base ^ 0x27d4eb2f, 0x85ebca77);
      l ^= l >>> 13;
      return [h | 1, l];
    };
    const s = new VisitedStore();
    const oracle = new Set<string>();
    let x = 12345;
    const rnd = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    let repeats = 0;
    for (let i = 0; i < 300_000; i++) {
      const [hi, lo] = key(rnd() % 120_000);
      const k = `${hi}:${lo}`;
      const fresh = !oracle.has(k);
      if (!fresh) repeats++;
      const id = s.insert(hi, lo, i - 1, i & 0xff);
      expect(id >= 0).toBe(fresh);
      oracle.add(k);
      if (i % 997 === 0) expect(s.has(hi, lo)).toBe(true);
    }
    expect(repeats).toBeGreaterThan(100_000);
    expect(s.size).toBe(oracle.size);
    for (let k = 0; k < 120_000; k += 13) expect(s.has(...key(k))).toBe(oracle.has(key(k).join(':')));
  });

  it('widens action indices beyond 255 and 65535 without losing earlier ones', () => {
    const s = new VisitedStore();
    s.insert(1, 1, -1, 200);
    s.insert(1, 2, 0, 300);
    s.insert(1, 3, 1, 70_000);
    expect([s.actionOf(0), s.actionOf(1), s.actionOf(2)]).toEqual([200, 300, 70_000]);
    expect(s.pathTo(2)).toEqual([0, 300, 70_000]);
  });

  it('stays within 16 bytes per state at scale (segments grow 1.2x at 7/8 load)', () => {
    const s = new VisitedStore();
    let x = 99;
    const rnd = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
    const samples: number[] = [];
    for (let i = 0; i < 2_000_000; i++) {
      s.insert(rnd(), rnd(), i - 1, 0);
      if (i > 200_000 && i % 100_000 === 0) samples.push(s.bytes() / s.size);
    }
    for (const b of samples) expect(b).toBeLessThanOrEqual(16);
  });
});
