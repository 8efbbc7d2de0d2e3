/**
 * The compiled model: the object path (`successors`) and the packed path (`packed.expand`) must
 * describe the same transition system in the same emission order; plus the codec, initial states,
 * action descriptors and rendezvous channels (README "Not needed here" rule), on hand-derived cases.
 */
import { describe, expect, it } from 'vitest';
import type { Model } from '../../../checker/model.ts';
import { DveError, dveVars, loadDve } from '../../../model/dve/index.ts';
import { UNPACK_LIMIT } from '../../../model/dve/codegen.ts';
import type { CompiledDve } from '../../../model/dve/index.ts';
import { BEEM, compile, countStates, objectSuccessors, packedSuccessors } from './helpers.ts';

/** Walks up to `limit` states breadth-first via the object path, comparing both paths at each state. */
function comparePaths(c: CompiledDve, limit: number): number {
  const seen = new Set<string>();
  const queue: Int32Array[] = [...c.model.initialStates()];
  for (const s of queue) seen.add(s.join());
  let compared = 0;
  for (let i = 0; i < queue.length && compared < limit; i++) {
    const s = queue[i]!;
    const objs = objectSuccessors(c, s);
    const packed = packedSuccessors(c, s);
    expect(packed.map((p) => p.k)).toEqual(objs.map((_, k) => k));
    expect(packed.map((p) => p.next)).toEqual(objs.map((o) => o.next));
    compared++;
    for (const o of objs) {
      const key = o.next.join();
      if (!seen.has(key)) {
        seen.add(key);
        queue.push(Int32Array.from(o.next));
      }
    }
  }
  return compared;
}

describe('object and packed paths agree', () => {
  it.each(['at.1', 'telephony.2', 'peterson.1', 'hanoi.1', 'rushhour.1', 'adding.1'])('%s (first 3,000 states)', (name) => {
    const c = loadDve(`${BEEM}dve/${name}.dve`);
    expect(comparePaths(c, 3000)).toBeGreaterThan(500);
  });

  it.each(['gear.1', 'sokoban.1'])('more/%s (first 3,000 states)', (name) => {
    const c = loadDve(`${BEEM}more/${name}.dve`);
    expect(comparePaths(c, 3000)).toBeGreaterThan(500);
  });

  it('on a state wider than the unpacking limit', () => {
    // a[i] = 1, i = i + 1 while i < 300: states i = 0..300, one transition each except i = 300.
    const c = compile('byte a[300]; int i;\nprocess P { state s; init s; trans s -> s { guard i < 300; effect a[i] = 1, a[i] = a[i] + a[0], i = i + 1; }; }\nsystem async;');
    expect(c.layout.width).toBeGreaterThan(UNPACK_LIMIT);
    expect(comparePaths(c, 400)).toBe(301);
    expect(countStates(c)).toEqual({ states: 301, transitions: 300, levels: 300, deadlocks: 1 });
    // After the first step a[0] = 1 + 1; after the second a[1] = 1 + a[0] = 3.
    const two = c.model.initialStates()[0]!;
    let s = two;
    for (let k = 0; k < 2; k++) c.model.successors(s, (_a, n) => { s = n; });
    expect((dveVars(c, s).a as number[]).slice(0, 3)).toEqual([2, 3, 0]);
  });
});

describe('model surface', () => {
  it('satisfies the engine\'s Model interface structurally (model/ never imports checker/)', () => {
    const m: Model<Int32Array, unknown> = compile('process P { state s; init s; }\nsystem async;').model;
    expect(m.packed?.width).toBe(1);
  });

  const c = compile('byte x = 3;\nprocess P { byte l = 9; state s, t; init t; trans t -> s { effect x = l; }; }\nprocess Q { state a; init a; }\nsystem async;', 'dir/surface.dve');

  it('has one initial state, matching packed.initial, and a stable id', () => {
    const [init] = c.model.initialStates();
    const out = new Int32Array(c.model.packed.width);
    expect(c.model.packed.initial(-1, out)).toBe(1);
    c.model.packed.initial(0, out);
    expect(Array.from(out)).toEqual(Array.from(init!));
    expect(dveVars(c, init!)).toEqual({ x: 3, 'P.l': 9, P: 't', Q: 'a' });
    expect(c.model.id).toBe('dve/surface');
    expect(() => c.model.packed.initial(1, out)).toThrow(RangeError);
  });

  it('encodes a state as its words and decodes it back', () => {
    const init = c.model.initialStates()[0]!;
    const words: number[] = [];
    c.model.codec.encode(init, { push: (v) => words.push(v) });
    expect(words).toEqual(Array.from(init));
    let i = 0;
    expect(Array.from(c.model.codec.decode!({ next: () => words[i++]! }))).toEqual(words);
  });

  it('describes actions by process, transition index, label and line', () => {
    const actions: unknown[] = [];
    c.model.successors(c.model.initialStates()[0]!, (a) => actions.push(a));
    expect(actions).toEqual([{ process: 'P', transition: 0, label: 't -> s', line: 2 }]);
  });

  it('returns a fresh successor array each time from the object path', () => {
    const succ: Int32Array[] = [];
    const init = c.model.initialStates()[0]!;
    c.model.successors(init, (_a, n) => succ.push(n));
    c.model.successors(init, (_a, n) => succ.push(n));
    expect(succ[0]).not.toBe(succ[1]);
    expect(succ[0]).toEqual(succ[1]);
  });
});

describe('rendezvous channels (DiVinE 2: sender and receiver step together)', () => {
  it('stores the sent value, then runs the receiver\'s effects, then the sender\'s', () => {
    // One joint step: v = 7 (sent value, source state), receiver x = v = 7, sender x = x + 1 = 8.
    // 2 states, 1 transition, 1 level, the final state deadlocks.
    const c = compile('channel c;\nbyte x;\nprocess S { state a, b; init a; trans a -> b { sync c!7; effect x = x + 1; }; }\nprocess R { byte v; state a, b; init a; trans a -> b { sync c?v; effect x = v; }; }\nsystem async;');
    expect(countStates(c)).toEqual({ states: 2, transitions: 1, levels: 1, deadlocks: 1 });
    const actions: unknown[] = [];
    const next: Int32Array[] = [];
    c.model.successors(c.model.initialStates()[0]!, (a, n) => {
      actions.push(a);
      next.push(n);
    });
    expect(actions).toEqual([{ process: 'S', transition: 0, label: 'a -> b', line: 3, partner: { process: 'R', transition: 0, label: 'a -> b', line: 4 } }]);
    expect(dveVars(c, next[0]!)).toEqual({ x: 8, S: 'b', R: 'b', 'R.v': 7 });
  });

  it('the sent value is evaluated in the source state and truncated to the receiving variable', () => {
    const c = compile('channel c;\nbyte x = 250;\nprocess S { state a, b; init a; trans a -> b { sync c!x + 10; effect x = 0; }; }\nprocess R { byte v; int w; state a, b; init a; trans a -> b { sync c?v; effect w = v; }; }\nsystem async;');
    const [only] = packedSuccessors(c, c.model.initialStates()[0]!);
    // 250 + 10 = 260 stored in a byte: 4.
    expect(dveVars(c, only!.next)).toMatchObject({ x: 0, 'R.v': 4, 'R.w': 4 });
  });

  it('pairs a sender with every enabled receiver of other processes, in process then transition order', () => {
    // S can send to R1 (two receive transitions, one disabled by its guard) and to R2.
    const c = compile(
      'channel c;\nbyte g;\nprocess R1 { state a, b, d; init a; trans a -> b { sync c?; }, a -> d { guard g == 1; sync c?; }, a -> d { sync c?; }; }\nprocess S { state a, b; init a; trans a -> b { sync c!; }, a -> a { sync c?; }; }\nprocess R2 { state a, b; init a; trans a -> b { sync c?; }; }\nsystem async;',
    );
    const objs = objectSuccessors(c, c.model.initialStates()[0]!);
    expect(objs.map((o) => o.action)).toEqual(['S#0 & R1#0', 'S#0 & R1#2', 'S#0 & R2#0']);
    expect(packedSuccessors(c, c.model.initialStates()[0]!).map((p) => p.next)).toEqual(objs.map((o) => o.next));
  });

  it('a process does not synchronise with itself, and unmatched sends and receives never fire', () => {
    const c = compile('channel c, d;\nprocess P { state a, b; init a; trans a -> b { sync c!; }, a -> b { sync c?; }, a -> b { sync d!; }; }\nsystem async;');
    expect(countStates(c)).toEqual({ states: 1, transitions: 0, levels: 0, deadlocks: 1 });
  });

  it('gear.1 (beem/more) loads and is explored without error', () => {
    const c = loadDve(`${BEEM}more/gear.1.dve`);
    expect(c.system.channels.length).toBe(15);
    const r = countStates(c);
    expect(r.states).toBeGreaterThan(1);
  });
});

it('rejects an unsupported file with a DveError naming file:line:col', () => {
  expect(() => compile('process P { state s; init s; }\nsystem sync;', 'sync.dve')).toThrow(DveError);
  expect(() => compile('process P { state s; init s; }\nsystem sync;', 'sync.dve')).toThrow(/^sync\.dve:2:8: /);
});
