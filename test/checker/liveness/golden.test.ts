/**
 * Liveness verdicts on models small enough to derive by hand; each expectation says why.
 */
import { describe, expect, it } from 'vitest';
import {
  alwaysEventually, check, eventually, leadsTo, replay, sometimes, sometimesAll, type FairnessSpec, type Model,
} from '../../../checker/index.ts';
import { spec as mutex } from '../../../specs/examples/mutex.spec.ts';

type Act = { readonly actor: string; readonly kind: string };
/** An explicit graph: state = node, edges [target, actor] in emission order. */
function graph(edges: readonly (readonly [number, string])[][], initial: readonly number[] = [0]): Model<number, Act> {
  return {
    id: 'hand',
    initialStates: () => initial,
    successors(s, emit) {
      for (const [t, actor] of edges[s]!) emit({ actor, kind: 'step' }, t);
    },
    codec: { encode: (s, w) => w.push(s) },
  };
}
const verdict = (m: Model<number, Act>, goal: (s: number) => boolean, fairness: FairnessSpec) =>
  check(m, [eventually<number>('ev', goal)], { deadlock: 'count', fairness }, { actorOf: (a) => a.actor }).properties[0]!;

describe('weak versus strong fairness (hand-derived)', () => {
  // 0 ⇄ 1 by actor B; from 0 only, actor A steps to 2 (the goal). A is enabled in 0, disabled in
  // 1: the cycle 0→1→0 never leaves A continuously enabled, so weak fairness allows it; A is
  // enabled infinitely often on it, so strong fairness forbids it.
  const m = graph([[[1, 'B'], [2, 'A']], [[0, 'B']], []]);
  it('no fairness: violated by the cycle 0→1→0', () => {
    const o = verdict(m, (s) => s === 2, {});
    expect(o.verdict).toBe('violated');
    expect(o.trace!.replay).toBe('0~0/0');
    expect(o.trace!.loopIndex).toBe(0);
  });
  it('weak fairness on A: still violated (A is disabled in state 1)', () => {
    expect(verdict(m, (s) => s === 2, { A: 'weak' }).verdict).toBe('violated');
  });
  it('strong fairness on A: holds', () => {
    expect(verdict(m, (s) => s === 2, { A: 'strong' }).verdict).toBe('holds');
  });
  it('weak fairness on B alone changes nothing (B is taken on the cycle)', () => {
    expect(verdict(m, (s) => s === 2, { B: 'weak' }).verdict).toBe('violated');
  });
});

describe('a state without successors stutters for ever', () => {
  // 0 → 1 → (stuck); the goal 2 is unreachable from 1: every behaviour ends stuck in 1.
  const m = graph([[[1, 'A'], [2, 'A']], [], []]);
  it('eventually is violated by a lasso whose loop is the stuck state', () => {
    const o = verdict(m, (s) => s === 2, { '*': 'strong' });
    expect(o.verdict).toBe('violated');
    expect(o.trace!.replay).toBe('0/0~');
    expect(o.trace!.loopIndex).toBe(1);
    expect(o.detail).toBe('lasso: 1 steps, then stuck for ever');
  });
  it('the token replays and demonstrates the property; the same path without "~" does not', () => {
    const p = eventually<number>('ev', (s) => s === 2);
    expect(replay(m, '0/0~', [p]).demonstrated).toEqual(['ev']);
    expect(replay(m, '0/0', [p]).demonstrated).toEqual(['deadlock-free']);
  });
});

describe('leadsTo and alwaysEventually (hand-derived)', () => {
  // A request (state 1) is answered in 2 unless actor C loops 1→3→1 for ever.
  const m = graph([[[1, 'A']], [[2, 'A'], [3, 'C']], [[0, 'A']], [[1, 'C']]]);
  const p = leadsTo<number>('req', (s) => s === 1, (s) => s === 2);
  const run = (fairness: FairnessSpec) => check(m, [p], { fairness }, { actorOf: (a) => a.actor }).properties[0]!;
  it('without fairness C can starve A: violated, the loop avoids 2', () => {
    const o = run({});
    expect(o.verdict).toBe('violated');
    expect(o.trace!.triggerIndex).toBe(1);
    expect(o.trace!.replay).toBe('0/0~1/0');
  });
  // A is enabled in 1 but not in 3: weak fairness does not force it, strong does.
  it('weak on A: violated; strong on A: holds', () => {
    expect(run({ A: 'weak' }).verdict).toBe('violated');
    expect(run({ A: 'strong' }).verdict).toBe('holds');
  });
  it('□◇(state 0): violated by the same C loop, holds under strong fairness for A', () => {
    const ae = alwaysEventually<number>('back', (s) => s === 0);
    expect(check(m, [ae], {}, { actorOf: (a) => a.actor }).properties[0]!.verdict).toBe('violated');
    expect(check(m, [ae], { fairness: { A: 'strong' } }, { actorOf: (a) => a.actor }).properties[0]!.verdict).toBe('holds');
  });
});

describe("Peterson's algorithm (specs/examples/mutex.spec.ts)", () => {
  const cfg = mutex.configs['peterson']!;
  const model = mutex.createModel(cfg.params, 'peterson');
  const opts = { actorOf: (a: { cpu: number }) => `cpu${a.cpu}`, knownActors: ['cpu0', 'cpu1'] };
  // Once cpu0 has raised its flag, cpu1 can enter at most once more and then waits for cpu0
  // (turn = 0 and flag[0]): cpu1 cannot run for ever alone, so cpu0 enters with no fairness at all.
  it('a raised flag leads to the critical section, with no fairness', () => {
    const p = leadsTo<{ pc: readonly string[] }>('cpu0-enters', (s) => s.pc[0] !== 'idle', (s) => s.pc[0] === 'critical');
    expect(check(model, [p as never], {}, opts as never).properties[0]!.verdict).toBe('holds');
  });
  // But cpu0 may simply never try: cpu1 cycles idle → critical → idle for ever while cpu0 is idle.
  // Weak fairness for cpu0 (its raiseFlag is always enabled in idle) forbids that.
  it('cpu0 eventually enters: violated without fairness, holds when cpu0 is weakly fair', () => {
    const p = alwaysEventually<{ pc: readonly string[] }>('cpu0-enters-io', (s) => s.pc[0] === 'critical');
    const none = check(model, [p as never], {}, opts as never).properties[0]!;
    expect(none.verdict).toBe('violated');
    expect(none.trace!.steps.slice(none.trace!.loopIndex! + 1).every((s) => (s.action as { cpu: number }).cpu === 1)).toBe(true);
    expect(check(model, [p as never], { fairness: { cpu0: 'weak' } }, opts as never).properties[0]!.verdict).toBe('holds');
  });
  it('fairness naming an actor the model lacks is refused before the search', () => {
    const p = alwaysEventually<{ pc: readonly string[] }>('x', () => true);
    expect(() => check(model, [p as never], { fairness: { cpu7: 'weak' } }, opts as never)).toThrow(/actor "cpu7", which the model does not have \(its actors: cpu0, cpu1\)/);
  });
});

describe('non-progress cycles (SPIN -l)', () => {
  // 0 →(A, progress) 1 →(B) 0, and B can also spin 1 → 1: the self-loop takes no progress action.
  const m = graph([[[1, 'A']], [[0, 'B'], [1, 'B']]]);
  const opts = { actorOf: (a: Act) => a.actor, isProgress: (a: Act) => a.actor === 'A' };
  const npc = (fairness: FairnessSpec) =>
    check(m, [], { nonProgress: true, deadlock: 'count', fairness }, opts).properties.find((p) => p.name === 'no-non-progress-cycle')!;
  it('reported with or without fairness: the spin never visits a state where A is enabled', () => {
    const none = npc({});
    expect(none.verdict).toBe('violated');
    expect(none.trace!.replay).toBe('0/0~1');
    // A is only enabled in state 0, which the spin 1 → 1 never visits: weak and strong allow it
    expect(npc({ A: 'strong' }).verdict).toBe('violated');
    // with B fair nothing changes either; the cycle is real
    expect(npc({ B: 'weak' }).verdict).toBe('violated');
  });
  it('holds when the only cycle takes a progress action', () => {
    const ok = graph([[[1, 'A']], [[0, 'B']]]);
    expect(check(ok, [], { nonProgress: true, deadlock: 'count' }, opts).properties[0]!.verdict).toBe('holds');
  });
});

describe('a failed sometimes says what never happened', () => {
  // 0 → 1 → 2 by actor A; x = state, and "x is 5 and x is even" is never true; kind 'jump' never fires.
  const m = graph([[[1, 'A']], [[2, 'A']], []]);
  it('names the conjuncts never true and the declared action kinds never fired', () => {
    const w = sometimesAll<number>('five-and-even', { 'x == 5': (s) => s === 5, 'x even': (s) => s % 2 === 0 });
    const o = check(m, [w, sometimes<number>('plain', (s) => s === 9)], { deadlock: 'count' }, {
      actionKindOf: (a) => a.kind,
      actionKinds: ['step', 'jump'],
    }).properties;
    expect(o[0]!.verdict).toBe('violated');
    expect(o[0]!.neverTrue).toEqual(['x == 5']);
    expect(o[0]!.neverFired).toEqual(['jump']);
    expect(o[0]!.detail).toBe('no example found (exhaustive): the property is unreachable; never true: x == 5; action kinds that never fired: jump');
    expect(o[1]!.neverTrue).toBeUndefined();
  });
});
