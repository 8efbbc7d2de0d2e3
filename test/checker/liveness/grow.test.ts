/**
 * The liveness graph's growing arrays (checker/liveness/grow.ts) against a plain list as the
 * oracle: whatever is pushed and appended comes back in order, room asked for is there, while the array grows in place in
 * its shared buffer and after it moved to a plain array past the buffer's largest size.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Grow } from '../../../checker/liveness/grow.ts';

describe('Grow', () => {
  it('holds what was pushed and appended, in order, in place and past its buffer', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 1, max: 16 }),
        // the largest buffer, in bytes: below the first capacity too (a plain array from the start)
        fc.integer({ min: 1, max: 4096 }),
        // a value pushed, values appended, or room made for a count of values by a factor (the id table's 1.5)
        fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 300 }), fc.record({ room: fc.integer({ min: 0, max: 2000 }), factor: fc.constantFrom(1.5, 2, 3) })), { maxLength: 120 }),
        (wide, cap, maxBytes, ops) => {
          const g = wide ? new Grow(Int32Array, cap, maxBytes) : new Grow(Uint8Array, cap, maxBytes);
          const oracle: number[] = [];
          for (const op of ops) {
            if (typeof op === 'number') {
              g.push(op);
              oracle.push(op);
            } else if (Array.isArray(op)) {
              g.append((wide ? Int32Array.from(op) : Uint8Array.from(op)) as never);
              oracle.push(...op);
            } else {
              g.ensure(op.room, op.factor);
              expect(g.a.length).toBeGreaterThanOrEqual(op.room);
            }
            // in its buffer exactly while the capacity fits the largest buffer (capacities only grow)
            expect(g.a.buffer instanceof SharedArrayBuffer).toBe(g.a.byteLength <= maxBytes);
          }
          expect(g.n).toBe(oracle.length);
          expect([...g.done()]).toEqual(oracle);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('moves to a plain array once the buffer would pass its largest size, keeping every value', () => {
    const g = new Grow(Int32Array, 4, 64);
    for (let i = 0; i < 40; i++) g.push(i * 7);
    expect(g.a.buffer instanceof SharedArrayBuffer).toBe(false);
    expect([...g.done()]).toEqual(Array.from({ length: 40 }, (_, i) => i * 7));
  });
});
