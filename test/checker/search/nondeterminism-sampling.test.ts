/**
 * Issue 15, item 4: nondeterminism is sampled across the whole search (the first expansions,
 * the first few at every depth, and seeded random gaps), so a model that turns nondeterministic
 * deep down is reported every time, by every strategy, and never passes as "holds".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../../../checker/check.ts';
import { ReplayMismatchError } from '../../../checker/errors.ts';
import type { Model } from '../../../checker/model.ts';
import { always } from '../../../checker/property.ts';
import { NONDETERMINISM_SAMPLE, NondeterminismSampler, SAMPLE_GAP, SAMPLES_PER_DEPTH } from '../../../checker/search/nondeterminism.ts';
import { dgraphModel } from '../../fixtures/models/dgraph.ts';

type S = { readonly d: number; readonly i: number };

/**
 * `width` states per level, `levels` levels: (d, i) → (d+1, i) and (d+1, (i+1) % width). From depth
 * `from` on, a coin (or a hidden counter) adds an edge to (d+1, 0): successors then depend on
 * history, not on the state. With width 10 the first 64 expansions end near depth 6.
 */
function layered(width: number, levels: number, from: number, coin: () => boolean): Model<S, string> {
  return {
    id: `layered-${width}x${levels}@${from}`,
    initialStates: () => [{ d: 0, i: 0 }],
    successors(s, emit) {
      if (s.d >= levels) return;
      emit('stay', { d: s.d + 1, i: s.i });
      emit('shift', { d: s.d + 1, i: (s.i + 1) % width });
      if (s.d >= from && coin()) emit('glitch', { d: s.d + 1, i: 0 });
    },
    isTerminal: (s) => s.d >= levels,
    codec: { encode: (s, w) => { w.push(s.d); w.push(s.i); } },
  };
}

const holds = always<S>('holds', () => true);

describe('a model nondeterministic only past depth 14', () => {
  for (const strategy of ['bfs', 'dfs'] as const) {
    it(`${strategy}: reported in every one of 10 runs (Math.random coin)`, () => {
      for (let run = 0; run < 10; run++) {
        expect(() => check(layered(10, 40, 15, () => Math.random() < 0.5), [holds], { strategy })).toThrow(ReplayMismatchError);
      }
    });
  }

  it('any depth, width and strategy: reported (a hidden counter flips every call)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 60 }), fc.constantFrom('bfs' as const, 'dfs' as const), (width, from, strategy) => {
        let calls = 0;
        const m = layered(width, from + 3, from, () => ++calls % 2 === 0);
        expect(() => check(m, [holds], { strategy })).toThrow(ReplayMismatchError);
      }),
      { numRuns: 80 },
    );
  });

  it('deterministic models are never accused (random graphs)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }).chain((n) => fc.array(fc.array(fc.nat(n - 1), { maxLength: 4 }), { minLength: n, maxLength: n })), fc.constantFrom('bfs' as const, 'dfs' as const), (edges, strategy) => {
        const r = check(dgraphModel({ nodes: edges.length, initial: [0], edges }), [], { strategy, deadlock: 'count' });
        expect(r.status).toBe('exhaustive');
      }),
      { numRuns: 100 },
    );
  });
});

describe('packed models are sampled too', () => {
  it('a packed expand that turns nondeterministic at depth 20 is reported', () => {
    let calls = 0;
    // one word: a counter 0..40; past 20 every other call adds a jump by 2
    const packed = {
      width: 1,
      initial: (i: number, out: Int32Array) => (i < 0 ? 1 : ((out[0] = 0), 1)),
      expand(src: Int32Array, off: number, sink: { next: Int32Array; emit(k: number): void }) {
        const n = src[off]!;
        if (n >= 40) return;
        sink.next[0] = n + 1;
        sink.emit(0);
        if (n >= 20 && ++calls % 2 === 0) {
          sink.next[0] = Math.min(40, n + 2);
          sink.emit(1);
        }
      },
    };
    const model: Model<Int32Array, number> = {
      id: 'packed-counter',
      initialStates: () => [Int32Array.of(0)],
      successors() {},
      isTerminal: (s) => s[0]! >= 40,
      codec: { encode: (s, w) => w.push(s[0]!) },
      packed,
    };
    expect(() => check(model, [], { strategy: 'bfs' })).toThrow(ReplayMismatchError);
  });
});

describe('NondeterminismSampler', () => {
  it('is the same on every run (fixed seed) and covers the start and every depth', () => {
    const a = new NondeterminismSampler();
    const b = new NondeterminismSampler();
    const depths = Array.from({ length: 20_000 }, (_, k) => Math.floor(Math.sqrt(k)));
    const ta = depths.map((d) => a.take(d));
    const tb = depths.map((d) => b.take(d));
    expect(ta).toEqual(tb);
    expect(ta.slice(0, NONDETERMINISM_SAMPLE).every(Boolean)).toBe(true);
    // the first SAMPLES_PER_DEPTH expansions at each depth are all taken
    const firstAt = new Map<number, number>();
    depths.forEach((d, k) => {
      const n = firstAt.get(d) ?? 0;
      if (n < SAMPLES_PER_DEPTH) expect(ta[k]).toBe(true);
      firstAt.set(d, n + 1);
    });
  });

  it('samples about one state in SAMPLE_GAP / 2 past the start (gaps uniform in 1..SAMPLE_GAP)', () => {
    const s = new NondeterminismSampler();
    const n = 1_000_000;
    let taken = 0;
    for (let k = 0; k < n; k++) if (s.take(0)) taken++;
    // expected n / mean gap = n / ((SAMPLE_GAP + 1) / 2) ≈ 3,899 plus the first 64; ±10%
    const expected = n / ((SAMPLE_GAP + 1) / 2);
    expect(taken).toBeGreaterThan(expected * 0.9);
    expect(taken).toBeLessThan(expected * 1.1 + NONDETERMINISM_SAMPLE);
  });
});
