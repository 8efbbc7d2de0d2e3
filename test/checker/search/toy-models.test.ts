/** Golden counts of toy models; each number's derivation is in the fixture's header comment. */
import { describe, expect, it } from 'vitest';
import { always, alwaysStep, check, sometimes } from '../../../checker/index.ts';
import { dieHard, type Jugs } from '../../fixtures/models/die-hard.ts';
import { gridModel, gridX, gridY, type GridState } from '../../fixtures/models/grid.ts';

describe('grid(n): (n+1)^2 states, 2n(n+1) transitions, 2n levels, 1 deadlock (hand derivation)', () => {
  for (const strategy of ['bfs', 'dfs'] as const) {
    for (const n of [1, 4, 30]) {
      it(`${strategy}, n=${n}`, () => {
        const r = check(gridModel(n), [], { strategy, deadlock: 'count' });
        expect(r.status).toBe('exhaustive');
        expect(r.stats.distinct).toBe((n + 1) ** 2);
        expect(r.stats.transitions).toBe(2 * n * (n + 1));
        expect(r.stats.deadlocks).toBe(1);
        // BFS levels are exact; DFS reports its deepest path, which here is also 2n (every path to (n,n) has length 2n)
        expect(r.stats.maxDepth).toBe(2 * n);
      });
    }
  }
  it('packed BFS gives the same counts and the same shortest counterexample as object BFS', () => {
    const props = [always<GridState>('diagonal-bound', (s) => gridX(s) + gridY(s) < 7)];
    const a = check(gridModel(5), props, { deadlock: 'count' });
    const b = check(gridModel(5, true), props as never, { deadlock: 'count' });
    expect(b.stats.distinct).toBe(a.stats.distinct);
    expect(b.stats.transitions).toBe(a.stats.transitions);
    expect(b.stats.maxDepth).toBe(a.stats.maxDepth);
    expect(b.properties[0]!.trace!.replay).toBe(a.properties[0]!.trace!.replay);
    expect(a.properties[0]!.trace!.steps.length - 1).toBe(7); // x + y = 7 is first reached after 7 steps
  });
  it('packed BFS runs step properties and coverage with the actions expandActions names, as object BFS does', () => {
    // a step property: no incY from a state with x = 3 and y = 2 (first reached at depth 5, so the
    // shortest violation is 6 steps: 5 to (3, 2), then incY)
    const props = [alwaysStep<GridState, 'incX' | 'incY'>('no-incY-at-3-2', (s, a) => !(a === 'incY' && gridX(s) === 3 && gridY(s) === 2))];
    const coverage = { coverage: (a: 'incX' | 'incY') => a };
    const a = check(gridModel(5), props, { deadlock: 'count' }, coverage);
    // the packed model, counting its expandActions calls (so the test fails if the object path ran)
    const g = gridModel(5, true);
    let calls = 0;
    const expandActions = g.packed!.expandActions!;
    const counted = { ...g, packed: { ...g.packed!, expandActions: (...args: Parameters<typeof expandActions>) => (calls++, expandActions(...args)) } };
    const b = check(counted, props as never, { deadlock: 'count' }, coverage as never);
    expect(calls).toBeGreaterThan(0);
    expect(b.properties[0]!.verdict).toBe('violated');
    expect(b.properties[0]!.trace!.replay).toBe(a.properties[0]!.trace!.replay);
    expect(b.properties[0]!.trace!.steps.length - 1).toBe(6);
    // the run stops at the violation: both engines have expanded the same states by then
    expect((b.stats as { coverage?: unknown }).coverage).toEqual((a.stats as { coverage?: unknown }).coverage);
    // exhaustive with a step property that holds: each kind fires n(n+1) = 30 times in the 6×6
    // lattice (hand count: one incX from every state with x < 5, and likewise incY)
    const monotone = [alwaysStep<GridState, 'incX' | 'incY'>('monotone', (s, _a, t) => gridX(t) + gridY(t) === gridX(s) + gridY(s) + 1)];
    const c = check(gridModel(5, true), monotone as never, { deadlock: 'count' }, coverage as never);
    expect(c.status).toBe('exhaustive');
    expect(c.properties[0]!.verdict).toBe('holds');
    expect((c.stats as { coverage?: unknown }).coverage).toEqual({ incX: 30, incY: 30 });
  });
});

describe('die hard (hand derivation in the fixture)', () => {
  const bigHasFour = always<Jugs>('big-not-4', (s) => s.big !== 4);
  it('BFS: 16 states, 96 transitions, no deadlock, shortest solution 6 steps', () => {
    const r = check(dieHard, [bigHasFour]);
    const cex = r.properties.find((p) => p.name === 'big-not-4')!;
    expect(cex.verdict).toBe('violated');
    expect(cex.trace!.steps.map((s) => s.action ?? 'init')).toEqual([
      'init', 'fillBig', 'bigToSmall', 'emptySmall', 'bigToSmall', 'fillBig', 'bigToSmall',
    ]);
    expect(cex.trace!.steps.at(-1)!.state).toEqual({ small: 3, big: 4 });
    const full = check(dieHard, []);
    expect(full.stats.distinct).toBe(16);
    expect(full.stats.transitions).toBe(96);
    expect(full.properties).toEqual([
      { name: 'deadlock-free', kind: 'deadlock', verdict: 'holds', detail: 'holds (exhaustive)' },
    ]);
  });
  it('DFS finds a (not necessarily shortest) solution that replays', () => {
    const r = check(dieHard, [bigHasFour], { strategy: 'dfs' });
    const t = r.properties[0]!.trace!;
    expect(t.steps.at(-1)!.state.big).toBe(4);
    expect(t.steps.length - 1).toBeGreaterThanOrEqual(6);
  });
  it('an unreachable witness is reported as violated (vacuity caught) only after an exhaustive search', () => {
    const r = check(dieHard, [sometimes<Jugs>('six-gallons', (s) => s.small + s.big === 9)]);
    expect(r.properties[0]).toMatchObject({ verdict: 'violated', detail: expect.stringContaining('no example') });
    const cut = check(dieHard, [sometimes<Jugs>('six-gallons', (s) => s.small + s.big === 9)], { maxStates: 5 });
    expect(cut.status).toBe('incomplete');
    expect(cut.incompleteReason).toBe('maxStates');
    expect(cut.properties[0]!.verdict).toBe('incomplete');
  });
});
