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

describe('VisitedStore.adoptSorted (a partition taking over its share of a search)', () => {
  it('holds exactly the fingerprints given, in table order or not, and goes on inserting as a store built by inserts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), { maxLength: 3000 }),
        // a few low words shared (runs of equal sort keys), and a filter as a partition's share is
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        (raw, share, shuffled) => {
          const pairs = raw.filter(([h, l]) => h !== 0 || l !== 0).map(([h, l], i) => [h, i % 5 === 0 ? 77 : l] as const);
          const source = new VisitedStore();
          for (const [h, l] of pairs) source.insert(h, l, 0, 0);
          const all = source.fingerprints();
          const kept: number[] = [];
          for (let i = 0; i < all.length; i += 2) if (((all[i]! & 3) >>> 0) !== share) kept.push(all[i]!, all[i + 1]!);
          const given = Int32Array.from(shuffled ? kept.slice().reverse() : kept);
          // (reversed pairs: hi and lo swap places pairwise, so reverse again per pair)
          if (shuffled) for (let i = 0; i < given.length; i += 2) [given[i], given[i + 1]] = [given[i + 1]!, given[i]!];
          const s = new VisitedStore({ trace: false });
          s.adoptSorted(given);
          const oracle = new Set<string>();
          for (let i = 0; i < kept.length; i += 2) oracle.add(`${kept[i]}:${kept[i + 1]}`);
          expect(s.size).toBe(oracle.size);
          for (const [h, l] of pairs) expect(s.has(h, l)).toBe(oracle.has(`${h | 0}:${l | 0}`));
          expect([...chunkPairs(s.fingerprints())].sort()).toEqual([...oracle].sort());
          // then inserts: the others are new exactly once, the adopted ones are duplicates
          for (const [h, l] of pairs) {
            const k = `${h | 0}:${l | 0}`;
            expect(s.insert(h, l, 0, 0) >= 0).toBe(!oracle.has(k));
            oracle.add(k);
          }
          expect(s.size).toBe(oracle.size);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('builds 600k fingerprints at no more bytes than inserting them', () => {
    const source = new VisitedStore({ trace: false });
    let x = 99;
    const rnd = () => (x = (Math.imul(x, 1103515245) + 12345) | 0);
    for (let i = 0; i < 600_000; i++) source.insert(rnd() | 1, rnd(), 0, 0);
    const s = new VisitedStore({ trace: false });
    s.adoptSorted(source.fingerprints());
    expect(s.size).toBe(source.size);
    expect(s.bytes()).toBeLessThanOrEqual(source.bytes());
  });
});

function* chunkPairs(a: Int32Array): Generator<string> {
  for (let i = 0; i < a.length; i += 2) yield `${a[i]}:${a[i + 1]}`;
}

describe('VisitedStore.releaseSegments (a search handed to worker threads moves its table)', () => {
  it('hands out every fingerprint inserted exactly once, (0, 0) for the empty slots, and keeps the parent links', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), { maxLength: 4000 }), (raw) => {
        const s = new VisitedStore();
        const oracle = new Map<string, number>();
        for (const [h, l] of raw) {
          if (h === 0 && l === 0) continue;
          const id = s.insert(h, l, oracle.size - 1, 3);
          if (id >= 0) oracle.set(`${h}:${l}`, id);
        }
        const handed: string[] = [];
        for (const seg of s.releaseSegments()) for (const p of chunkPairs(seg)) if (p !== '0:0') handed.push(p);
        expect(handed.sort()).toEqual([...oracle.keys()].sort());
        for (const id of oracle.values()) expect(s.parentOf(id)).toBe(id - 1);
        expect(s.releaseSegments()).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});
