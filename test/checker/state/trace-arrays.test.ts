import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TraceArrays } from '../../../checker/state/trace-arrays.ts';

describe('TraceArrays', () => {
  it('pushPairs records the same parents and actions as pushing each pair (across chunk ends and action widening)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -5, max: 1 << 21 }), fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 70_000 }))), { maxLength: 200 }), fc.integer({ min: 0, max: (1 << 20) + 50 }), (pairs, before) => {
        const one = new TraceArrays();
        const bulk = new TraceArrays();
        // (a start near the first chunk's end puts the pairs across it)
        for (let i = 0; i < before; i++) {
          one.push(i - 1, 0);
          bulk.push(i - 1, 0);
        }
        for (const [p, a] of pairs) one.push(p, a);
        bulk.pushPairs(Int32Array.from(pairs.flat()));
        expect(bulk.size).toBe(one.size);
        for (let id = before; id < one.size; id++) {
          expect(bulk.parentOf(id)).toBe(one.parentOf(id));
          expect(bulk.actionOf(id)).toBe(one.actionOf(id));
        }
        expect(bulk.bytes()).toBe(one.bytes());
      }),
      { numRuns: 30 },
    );
  });
});
