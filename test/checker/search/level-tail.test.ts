/**
 * The guess of how much of a BFS is left (checker/search/level-tail.ts): none while the levels
 * grow; past the largest level, exactly the geometric series' sum when the tail is geometric
 * (a loop summing the levels to come is the oracle); wobbles in the tail do not read as growth;
 * the time left at the search's pace; the liveness trial ended in such a tail.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../checker/config.ts';
import { silentReporter } from '../../../checker/events.ts';
import { SearchControl } from '../../../checker/search/control.ts';
import { msLeft, statesLeft } from '../../../checker/search/level-tail.ts';

describe('statesLeft', () => {
  it('is unknown (Infinity) while the current level is the largest, and 0 when it is empty', () => {
    expect(statesLeft([])).toBe(Infinity);
    expect(statesLeft([1])).toBe(Infinity);
    expect(statesLeft([1, 4, 16, 40])).toBe(Infinity);
    // a level as large as the largest is the largest (the last one counts)
    expect(statesLeft([1, 40, 30, 40])).toBe(Infinity);
    expect(statesLeft([1, 4, 2, 0])).toBe(0);
  });

  it('past the largest level of a geometric tail, the levels still to expand, the current one included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 12 }), fc.double({ min: 0.05, max: 0.95, noNaN: true }), (rise, fall, r) => {
        const peak = 1_000_000;
        const sizes = [...Array.from({ length: rise }, (_, i) => peak / 2 ** (rise - i)), peak, ...Array.from({ length: fall }, (_, i) => peak * r ** (i + 1))];
        const cur = sizes[sizes.length - 1]!;
        let oracle = 0;
        for (let level = cur; level > 1e-9; level *= r) oracle += level;
        expect(statesLeft(sizes)).toBeCloseTo(oracle, 3);
      }),
      { numRuns: 200 },
    );
  });

  it('a wobbling tail (BEEM at.3, twenty levels from its largest) reads as a tail, by the mean ratio since the largest level', () => {
    const at3 = [98792, 98424, 94772, 87768, 77308, 65432, 53196, 39948, 29004, 22476, 17808, 14292, 12684, 13572, 14640, 14700, 13872, 14772, 15696, 14676];
    const left = statesLeft(at3);
    const r = (14676 / 98792) ** (1 / 19);
    expect(left).toBeCloseTo(14676 / (1 - r), 6);
    // this level and those still to come in the real search hold 72,296 states: the guess is
    // over (the safe side: it hands over sooner), within a factor 2.5
    expect(left).toBeGreaterThan(72_296);
    expect(left).toBeLessThan(2.5 * 72_296);
  });
});

describe('msLeft', () => {
  it('is the states left at the pace so far: the states expanded (all found but the current level) per millisecond', () => {
    // 900 found, 100 of them the current level: 800 expanded in 400 ms = 2 per ms; tail [.., 400, 200, 100] → r = 0.5, 200 states left
    expect(msLeft([10, 400, 200, 100], 900, 400)).toBeCloseTo(100, 9);
    expect(msLeft([10, 400], 410, 400)).toBe(Infinity);
    expect(msLeft([10, 400, 0], 410, 400)).toBe(0);
  });
});

describe('SearchControl.levelStarts (a liveness graph trial that may end in the search tail)', () => {
  const control = (untilMs: number, tailMs: number | undefined): SearchControl => {
    const c = new SearchControl(resolveConfig({}), silentReporter, undefined);
    c.trialUntilMs = untilMs;
    c.trialTailMs = tailMs;
    return c;
  };

  it('ends the trial (finish here) when the search is guessed done within the allowance after it', () => {
    // a shrinking tail at any pace is done within an allowance of 10^12 ms
    const c = control(0, 1e12);
    c.levelStarts([1, 8, 4], 13);
    expect(c.trialUntilMs).toBeUndefined();
  });

  it('keeps the trial while the levels grow, without an allowance, or when the guessed end is later', () => {
    const growing = control(0, 1e12);
    growing.levelStarts([1, 8], 9);
    expect(growing.trialUntilMs).toBe(0);
    const none = control(0, undefined);
    none.levelStarts([1, 8, 4], 13);
    expect(none.trialUntilMs).toBe(0);
    // 8 states left of a halving tail at 9 a millisecond: not within 0 ms
    const later = control(0, 0);
    later.levelStarts([1, 8, 4], 13);
    expect(later.trialUntilMs).toBe(0);
  });
});
