/**
 * A level's rows spread over the workers' buffers in segments (checker/search/parallel/shared-level.ts):
 * read from any row on, they are the rows written, in id order — narrow rows copied, wide rows coded
 * with restart points; narrow rows also written a run at a time — against a plain array of the
 * rows as the oracle.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LevelReader, LevelWriter, newLevelBuffers } from '../../../../checker/search/parallel/shared-level.ts';
import { RAW_WIDTH } from '../../../../checker/state/frontier.ts';

describe('shared level rows', () => {
  it('reading from any row gives the rows written, across segments, workers and restart points', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(3, 16, 17, 40),
        fc.integer({ min: 1, max: 4 }),
        // the level's segments in id order: (worker, rows) — a worker's segments in its buffer in the same order
        fc.array(fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 150 })), { minLength: 1, maxLength: 12 }),
        fc.integer(),
        fc.nat(),
        fc.boolean(),
        (width, workers, layout, seed, startPick, inRuns) => {
          let s = seed >>> 0;
          const rnd = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
          const buffers = Array.from({ length: workers }, () => newLevelBuffers());
          const writers = buffers.map((b) => new LevelWriter(width, b));
          const all: Int32Array[] = [];
          const words: number[] = [];
          const row = new Int32Array(width);
          for (const [w0, n] of layout) {
            const w = w0 % workers;
            words.push(w, writers[w]!.startSegment(), n);
            const segment = new Int32Array(n * width);
            for (let k = 0; k < n; k++) {
              // neighbours differ in a few words, some by large amounts (as successive states do)
              for (let c = rnd() % 4; c >= 0; c--) row[rnd() % width] = (rnd() % 3 === 0 ? rnd() : rnd() % 9) | 0;
              segment.set(row, k * width);
              all.push(row.slice());
            }
            // narrow rows a run at a time (runs of 1 to 40 rows) or one by one
            for (let k = 0; k < n; ) {
              const run = inRuns && width <= RAW_WIDTH ? Math.min(n - k, 1 + (rnd() % 40)) : 1;
              if (run > 1) writers[w]!.pushRows(segment, k * width, run);
              else writers[w]!.push(segment, k * width);
              k += run;
            }
          }
          const total = all.length;
          const from = total === 0 ? 0 : startPick % total;
          const r = new LevelReader(width, buffers, { words: Int32Array.from(words), n: layout.length }, from);
          const out = new Int32Array(width);
          for (let i = from; i < total; i++) {
            r.next(out);
            expect([...out]).toEqual([...all[i]!]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('delta-coded rows cannot be written a run at a time', () => {
    const writer = new LevelWriter(RAW_WIDTH + 1, newLevelBuffers());
    expect(() => writer.pushRows(new Int32Array(2 * (RAW_WIDTH + 1)), 0, 2)).toThrow(/delta-coded/);
  });
});
