/**
 * Semantics of the generated code (shared/beem/README.md rules 4–9), on small models whose counts
 * and values are derived by hand in the comments. The BEEM files do not exercise truncation or
 * sequential effects (README: "Rules the 35 files do not test"), so these cases carry that weight.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BinaryOp } from '../../../model/dve/ast.ts';
import { generateExpand, lit } from '../../../model/dve/codegen.ts';
import { DveRuntimeError, dveVars } from '../../../model/dve/index.ts';
import { writeField } from '../../../model/dve/layout.ts';
import { applyBinary, truncate } from '../../../model/dve/semantics.ts';
import { compile, countStates, objectSuccessors, packedSuccessors } from './helpers.ts';

/** Runs the only transition enabled in the initial state and returns the successor's variables. */
function step(source: string): Record<string, unknown> {
  const c = compile(source);
  const init = c.model.initialStates()[0]!;
  const succ: Int32Array[] = [];
  c.model.successors(init, (_a, next) => succ.push(next));
  expect(succ).toHaveLength(1);
  return { ...dveVars(c, succ[0]!) };
}

describe('README worked examples', () => {
  it('byte x = 254 with x = x + 1 wraps: 256 states, 256 transitions, 255 levels, 0 deadlocks', () => {
    const c = compile('byte x = 254;\nprocess P { state a; init a; trans a -> a { effect x = x + 1; }; }\nsystem async;');
    expect(countStates(c)).toEqual({ states: 256, transitions: 256, levels: 255, deadlocks: 0 });
  });

  it('int y = 32766 wraps at 16 bits: 65,536 states', () => {
    // README gives 65,536 states. By hand: y visits every 16-bit value once on a single cycle, so
    // each state has one successor (65,536 transitions), the farthest state is 65,535 steps away,
    // and nothing deadlocks.
    const c = compile('int y = 32766;\nprocess P { state a; init a; trans a -> a { effect y = y + 1; }; }\nsystem async;');
    expect(countStates(c)).toEqual({ states: 65536, transitions: 65536, levels: 65535, deadlocks: 0 });
  });

  it('effects are sequential: 2 states, 2 transitions, 1 deadlock', () => {
    // Both transitions lead from (a,0,0) to (b,1,1) under sequential effects; (b,1,1) has no
    // transition. One BFS level. Simultaneous assignment would give (b,1,0) as a third state.
    const c = compile(
      'byte x = 0, y = 0;\nprocess P { state a, b; init a;\n trans a -> b { effect x = x + 1, y = x; }, a -> b { effect y = 1, x = 1; }; }\nsystem async;',
    );
    expect(countStates(c)).toEqual({ states: 2, transitions: 2, levels: 1, deadlocks: 1 });
  });
});

describe('storage and arithmetic', () => {
  it('byte stores v & 255 and int stores a 16-bit signed truncation', () => {
    const vars = step('byte a, b; int c, d;\nprocess P { state s, t; init s; trans s -> t { effect a = 300, b = 0 - 1, c = 40000, d = 0 - 40000; }; }\nsystem async;');
    // 300 & 255 = 44; -1 & 255 = 255; 40000 - 65536 = -25536; -40000 + 65536 = 25536.
    expect(vars).toMatchObject({ a: 44, b: 255, c: -25536, d: 25536 });
  });

  it('intermediate results are not truncated, only stores', () => {
    // (200 + 200) / 2 = 200; truncating 400 to a byte first would give 144 / 2 = 72.
    const vars = step('byte x = 200, y;\nprocess P { state s, t; init s; trans s -> t { effect y = (x + x) / 2; }; }\nsystem async;');
    expect(vars.y).toBe(200);
  });

  it('/ and % truncate toward zero like C', () => {
    const vars = step(
      'int a, b, c, d, e, f;\nprocess P { state s, t; init s; trans s -> t { effect a = (0-7) / 2, b = (0-7) % 2, c = 7 / (0-2), d = 7 % (0-2), e = 7 / 2, f = (0-8) % 4; }; }\nsystem async;',
    );
    expect(vars).toMatchObject({ a: -3, b: -1, c: -3, d: 1, e: 3, f: 0 });
  });

  it('comparisons, not, and, or and imply give 0 or 1', () => {
    const vars = step(
      'byte a, b, c, d, e, f, g;\nprocess P { state s, t; init s; trans s -> t { effect a = 5 > 3, b = not 7, c = 2 and 3, d = 0 or 9, e = 0 imply 0, f = 1 imply 0, g = not 0; }; }\nsystem async;',
    );
    expect(vars).toMatchObject({ a: 1, b: 0, c: 1, d: 1, e: 1, f: 0, g: 1 });
  });

  it('the right operand of and/or/imply is evaluated only when needed', () => {
    // peterson.1's pattern (README rule 7): a[k] with k == 3 is out of range for byte a[3] but is
    // never evaluated because k < 3 is false; likewise for or and imply with a decided left side.
    const vars = step(
      'byte k = 3, a[3], r1, r2, r3;\nprocess P { state s, t; init s; trans s -> t { guard k < 3 && a[k] == 0 || 1; effect r1 = k < 3 and a[k] == 0, r2 = k == 3 or a[k], r3 = k < 3 imply a[k]; }; }\nsystem async;',
    );
    expect(vars).toMatchObject({ r1: 0, r2: 1, r3: 1 });
  });

  it('precedence is DiVinE\'s, not C\'s: and/or share a level, so do | & ^', () => {
    // 1 or 0 and 0 = (1 or 0) and 0 = 0 (C: 1). 1 | 2 & 0 = (1 | 2) & 0 = 0 (C: 1).
    // 2 + 3 * 4 = 14; 1 << 2 + 1 = 1 << 3 = 8; 3 == 3 & 1 = (3 == 3) & 1 = 1; - 2 * 3 = -6;
    // 6 ^ 3 | 8 = (6 ^ 3) | 8 = 5 | 8 = 13.
    const vars = step(
      'int a, b, c, d, e, f, g;\nprocess P { state s, t; init s; trans s -> t { effect a = 1 or 0 and 0, b = 1 | 2 & 0, c = 2 + 3 * 4, d = 1 << 2 + 1, e = 3 == 3 & 1, f = - 2 * 3, g = 6 ^ 3 | 8; }; }\nsystem async;',
    );
    expect(vars).toMatchObject({ a: 0, b: 0, c: 14, d: 8, e: 1, f: -6, g: 13 });
  });

  it('each right-hand side and index sees earlier assignments of the same effect list', () => {
    // i = 2, then a[i] = i + 1 writes a[2] = 3, then b = a[2] + a[i] reads 3 + 3.
    const vars = step('byte i, a[4], b;\nprocess P { state s, t; init s; trans s -> t { effect i = 2, a[i] = i + 1, b = a[2] + a[i]; }; }\nsystem async;');
    expect(vars).toMatchObject({ i: 2, a: [0, 0, 3, 0], b: 6 });
  });

  it('a computed-index write is seen by later constant-index reads and writes in the same word', () => {
    // a[i] = 7 with i = 1, then a[0] = a[1] + 1 = 8, then a[i] = a[0] + a[1] = 15.
    const vars = step('byte i = 1, a[4];\nprocess P { state s, t; init s; trans s -> t { effect a[i] = 7, a[0] = a[1] + 1, a[i] = a[0] + a[1]; }; }\nsystem async;');
    expect(vars).toMatchObject({ a: [8, 15, 0, 0] });
  });

  it('a computed-index read sees an earlier constant-index write to the same array', () => {
    // a[1] = 5, then b = a[i] with i = 1 reads 5, then a[0] = a[i] + 1 = 6.
    const vars = step('byte i = 1, a[3], b;\nprocess P { state s, t; init s; trans s -> t { effect a[1] = 5, b = a[i], a[0] = a[i] + 1; }; }\nsystem async;');
    expect(vars).toMatchObject({ a: [6, 5, 0], b: 5 });
  });

  it('a computed-index read after a write to another variable in the same word', () => {
    // x, i, y and a[0] share word 0. x = 1 dirties that word; y = a[i] with i = 2 must still read 3
    // (this used to abort compilation with "internal error: computed-index read ... in local mode").
    const vars = step('byte x, i = 2, y, a[3] = {1, 2, 3};\nprocess P { state s, t; init s; trans s -> t { effect x = 1, y = a[i]; }; }\nsystem async;');
    expect(vars).toMatchObject({ x: 1, i: 2, y: 3, a: [1, 2, 3] });
  });

  it('int arrays pack two 16-bit signed elements per word', () => {
    const vars = step('int a[3] = { 0 - 5, 300, 0 }, i = 2;\nprocess P { state s, t; init s; trans s -> t { effect a[i] = a[0] * 1000, a[1] = a[1] - 301; }; }\nsystem async;');
    // -5 * 1000 = -5000 fits in 16 bits; 300 - 301 = -1.
    expect(vars).toMatchObject({ a: [-5, -1, -5000], i: 2 });
  });

  it('guards read the source state even when a variable shares a word with the moved control state', () => {
    // x and P's control byte share word 0. The guard x == 0 is read before the effect x = 5.
    const c = compile('byte x;\nprocess P { state s, t, u; init s; trans s -> t { guard x == 0; effect x = 5; }, t -> u { guard x == 5; effect x = x + 1; }; }\nsystem async;');
    expect(countStates(c)).toEqual({ states: 3, transitions: 2, levels: 2, deadlocks: 1 });
  });

  it('P.s tests another process\'s control state', () => {
    // Q can step only after P has moved to t: (s,s) -> (t,s) -> (t,t).
    const c = compile('process P { state s, t; init s; trans s -> t {}; }\nprocess Q { state s, t; init s; trans s -> t { guard P.t; }; }\nsystem async;');
    expect(countStates(c)).toEqual({ states: 3, transitions: 2, levels: 2, deadlocks: 1 });
  });

  it('several enabled transitions of one process are separate successors, in declaration order', () => {
    const c = compile('byte x;\nprocess P { state s; init s; trans s -> s { effect x = 1; }, s -> s { effect x = 2; }, s -> s { guard x == 9; }, s -> s { effect x = 3; }; }\nsystem async;');
    const init = c.model.initialStates()[0]!;
    const objs = objectSuccessors(c, init);
    expect(objs.map((o) => o.action)).toEqual(['P#0', 'P#1', 'P#3']);
    expect(objs.map((o) => dveVars(c, o.next).x)).toEqual([1, 2, 3]);
    expect(packedSuccessors(c, init).map((p) => p.k)).toEqual([0, 1, 2]);
  });

  it('processes with more than 256 control states use 16-bit control slots', () => {
    // A ring of 300 states: 300 states, 300 transitions, 299 levels, no deadlock.
    const names = Array.from({ length: 300 }, (_, i) => `s${i}`);
    const trans = names.map((n, i) => `${n} -> ${names[(i + 1) % 300]!} {}`).join(', ');
    const c = compile(`byte x;\nprocess P { state ${names.join(', ')}; init s0; trans ${trans}; }\nsystem async;`);
    expect(c.layout.control[0]!.kind).toBe('u16');
    expect(countStates(c)).toEqual({ states: 300, transitions: 300, levels: 299, deadlocks: 0 });
  });
});

describe('runtime errors', () => {
  it('division by zero throws a DveRuntimeError naming process, transition and position', () => {
    const c = compile('byte x;\nprocess Div { state s, t; init s; trans\n s -> t { effect x = 5 / x; }; }\nsystem async;', 'div.dve');
    const init = c.model.initialStates()[0]!;
    expect(() => c.model.successors(init, () => {})).toThrow(DveRuntimeError);
    expect(() => packedSuccessors(c, init)).toThrow(/^div\.dve:3:24: division by zero in process Div, transition s -> t \(#0, div\.dve:3:2\)$/);
  });

  it('remainder by zero is an error too', () => {
    const c = compile('byte x;\nprocess P { state s, t; init s; trans s -> t { guard 5 % x == 0; }; }\nsystem async;', 'mod.dve');
    expect(() => packedSuccessors(c, c.model.initialStates()[0]!)).toThrow(/remainder by zero in process P/);
  });

  it('an out-of-range index in a guard or an effect is an error naming the index', () => {
    const guard = compile('byte a[2], i = 2;\nprocess P { state s, t; init s; trans s -> t { guard a[i] == 0; }; }\nsystem async;', 'g.dve');
    expect(() => packedSuccessors(guard, guard.model.initialStates()[0]!)).toThrow(/^g\.dve:2:56: array index 2 out of range in process P, transition s -> t/);
    const effect = compile('byte a[2];\nint i = 0 - 1;\nprocess P { state s, t; init s; trans s -> t { effect a[i] = 1; }; }\nsystem async;', 'e.dve');
    expect(() => packedSuccessors(effect, effect.model.initialStates()[0]!)).toThrow(/array index -1 out of range/);
    const constant = compile('byte a[2];\nprocess P { state s, t; init s; trans s -> t { effect a[2] = 1; }; }\nsystem async;', 'k.dve');
    expect(() => packedSuccessors(constant, constant.model.initialStates()[0]!)).toThrow(/array index 2 out of range/);
  });

  it('surfaces through the engine with the DVE position and transition', () => {
    // x: 2 -> (10/2=5, then 4) -> (10/4=2, then 1) -> (10/1=10, then 9) -> ... until x = 0 divides by zero.
    const c = compile('byte x = 2;\nprocess P { state s; init s; trans s -> s { effect x = 10 / x, x = x - 1; }; }\nsystem async;', 'div.dve');
    expect(() => countStates(c)).toThrow(/div\.dve:2:59: division by zero in process P, transition s -> s/);
  });

  it('a disabled transition\'s bad expression is never evaluated', () => {
    const c = compile('byte x;\nprocess P { state s, t; init s; trans s -> t { guard x == 1 && 5 / x == 5; }, t -> s { effect x = 1 / x; }; }\nsystem async;');
    expect(countStates(c)).toEqual({ states: 1, transitions: 0, levels: 0, deadlocks: 1 });
  });
});

describe('generated arithmetic agrees with semantics.ts on random operands', () => {
  const ops: BinaryOp[] = ['imply', 'or', 'and', '|', '&', '^', '==', '!=', '<', '<=', '>', '>=', '<<', '>>', '+', '-', '*', '/', '%'];
  // One transition per operator, selected by g; x and y are written directly into the state vector.
  const source = `int x, y, r; byte g;\nprocess P { state s; init s; trans\n${ops.map((op, i) => ` s -> s { guard g == ${i}; effect r = x ${op} y; }`).join(',\n')};\n}\nsystem async;`;
  const c = compile(source);

  it('matches for every operator', () => {
    const [xs, ys, , gs] = c.layout.vars;
    fc.assert(
      fc.property(fc.integer({ min: -32768, max: 32767 }), fc.integer({ min: -32768, max: 32767 }), fc.integer({ min: 0, max: ops.length - 1 }), (x, y, g) => {
        const s = c.model.initialStates()[0]!;
        writeField(s, xs!.kind, xs!.byte, x);
        writeField(s, ys!.kind, ys!.byte, y);
        writeField(s, gs!.kind, gs!.byte, g);
        const expected = applyBinary(ops[g]!, x, y);
        if (expected === undefined) {
          expect(() => packedSuccessors(c, s)).toThrow(DveRuntimeError);
          return;
        }
        const succ = packedSuccessors(c, s);
        expect(succ).toHaveLength(1);
        expect(dveVars(c, succ[0]!.next).r).toBe(truncate('int', expected));
      }),
      { numRuns: 3000 },
    );
  });

  it('semantics.ts itself follows C on hand-picked cases', () => {
    expect(applyBinary('/', -7, 2)).toBe(-3);
    expect(applyBinary('%', -7, 2)).toBe(-1);
    expect(applyBinary('%', 7, -2)).toBe(1);
    expect(Object.is(applyBinary('/', -1, 2), 0)).toBe(true);
    expect(applyBinary('/', 1, 0)).toBeUndefined();
    expect(truncate('byte', -1)).toBe(255);
    expect(truncate('int', 32768)).toBe(-32768);
  });
});

describe('lit', () => {
  it('renders safe integers and refuses anything else', () => {
    expect(lit(0)).toBe('0');
    expect(lit(-5)).toBe('(-5)');
    expect(() => lit(1.5)).toThrow();
    expect(() => lit(Number.NaN)).toThrow();
    expect(() => lit(2 ** 60)).toThrow();
  });
});

it('generated source uses only our own names, never the model\'s', () => {
  const c = compile('byte counter = 254;\nprocess Counter { state here; init here; trans here -> here { effect counter = counter + 1; }; }\nsystem async;');
  const src = generateExpand(c.system, c.layout, [{ id: 0, trans: c.system.transitions[0]!, partner: undefined }], 'packed');
  expect(src).not.toMatch(/counter|Counter|here/);
});
