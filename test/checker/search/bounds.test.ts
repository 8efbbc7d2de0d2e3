/** Bounds and interruption never produce "holds": the run says incomplete and what it explored. */
import { describe, expect, it } from 'vitest';
import { always, check, type CheckEvent } from '../../../checker/index.ts';
import { gridModel } from '../../fixtures/models/grid.ts';

const never = always<{ x: number; y: number }>('x-below-1000', (s) => s.x < 1000);

describe('bounds', () => {
  for (const strategy of ['bfs', 'dfs'] as const) {
    it(`${strategy}: maxStates stops with incomplete, never holds`, () => {
      const r = check(gridModel(100), [never], { strategy, maxStates: 500, deadlock: 'count' });
      expect(r.status).toBe('incomplete');
      expect(r.incompleteReason).toBe('maxStates');
      expect(r.stats.distinct).toBe(500);
      expect(r.properties.map((p) => p.verdict)).toEqual(['incomplete']);
      expect(r.ok).toBe(false);
    });
    it(`${strategy}: maxDepth cuts the search`, () => {
      const r = check(gridModel(100), [never], { strategy, maxDepth: 10 });
      expect(r.status).toBe('incomplete');
      expect(r.incompleteReason).toBe('maxDepth');
      expect(r.stats.maxDepth).toBe(10);
      if (strategy === 'bfs') expect(r.stats.distinct).toBe(66); // points with x + y ≤ 10: 11·12/2
    });
  }
  it('a violation found before a bound still counts as violated', () => {
    const r = check(gridModel(100), [always<{ x: number; y: number }>('x-below-3', (s) => s.x < 3)], { maxStates: 50, stopWhen: 'first' });
    expect(r.properties[0]!.verdict).toBe('violated');
  });
  it('an abort flag ends the run as interrupted and reports what was explored', () => {
    const flag = { aborted: false };
    const events: CheckEvent[] = [];
    const r = check(gridModel(400), [never], { progressMs: 1 }, {
      signal: flag,
      reporter: { onEvent: (e) => { events.push(e); if (e.code === 'check.progress') flag.aborted = true; } },
    });
    expect(r.status).toBe('incomplete');
    expect(r.incompleteReason).toBe('interrupted');
    expect(r.stats.distinct).toBeGreaterThan(0);
    expect(r.stats.distinct).toBeLessThan(401 * 401);
    expect(events.at(-1)).toMatchObject({ code: 'check.finished', status: 'incomplete' });
  });
});
