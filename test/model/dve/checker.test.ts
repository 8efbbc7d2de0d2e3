/** Checker: name resolution, typing, constants and initialisers, with `file:line:col` rejections. */
import { describe, expect, it } from 'vitest';
import { checkDve } from '../../../model/dve/checker.ts';
import { DveError } from '../../../model/dve/errors.ts';
import { parseDve } from '../../../model/dve/parser.ts';

const check = (src: string) => checkDve(parseDve(src, 'c.dve'));
/** 1-based line and column of the first occurrence of `needle` (which must be unique enough). */
function positionOf(src: string, needle: string): [number, number] {
  const i = src.indexOf(needle);
  if (i < 0) throw new Error(`needle ${needle} not in source`);
  const before = src.slice(0, i).split('\n');
  return [before.length, before[before.length - 1]!.length + 1];
}

const proc = (body: string, globals = ''): string => `${globals}\nprocess P { ${body} }\nsystem async;`;

describe('checkDve accepts and resolves', () => {
  it('folds constants into sizes and initialisers, truncating to the declared type', () => {
    const sys = check(proc('state s; init s;', 'const byte N = 2 + 1;\nconst int M = 0 - 2;\nbyte a[N] = {N, M, 300};\nint b = 70000;'));
    expect(sys.vars.map((v) => [v.name, v.length, v.init])).toEqual([['a', 3, [3, 254, 44]], ['b', undefined, [4464]]]);
  });

  it('zero-fills arrays and short initialiser lists', () => {
    const sys = check(proc('state s; init s;', 'byte a[4] = {7}, b[2];'));
    expect(sys.vars.map((v) => v.init)).toEqual([[7, 0, 0, 0], [0, 0]]);
  });

  it('gives locals their own slots and lets them shadow globals', () => {
    const sys = check(`byte x = 1;\nprocess P { byte x = 2; state s; init s; trans s -> s { effect x = 3; }; }\nprocess Q { state s; init s; trans s -> s { effect x = 4; }; }\nsystem async;`);
    expect(sys.vars.map((v) => [v.name, v.owner, v.init[0]])).toEqual([['x', -1, 1], ['x', 0, 2]]);
    const [p, q] = sys.processes;
    expect(p!.transitions[0]!.effects[0]!.target).toMatchObject({ k: 'var', v: { owner: 0 } });
    expect(q!.transitions[0]!.effects[0]!.target).toMatchObject({ k: 'var', v: { owner: -1 } });
  });

  it('rejects committed states (they would change the interleaving silently), pointing at the declaration', () => {
    expect(() => check(`process P { state a, b; init a; commit b;\n trans a -> b {}; }\nsystem async;`)).toThrow(/c.dve:1:40: committed states are not supported/);
  });

  it('records accept states, transition positions and P.s references', () => {
    const sys = check(`process P { state a, b, c; init b; accept b;\n trans a -> b { guard Q.z; }, b -> c {}; }\nprocess Q { state z; init z; }\nsystem async;`);
    const p = sys.processes[0]!;
    expect([p.init, p.commit, p.accept]).toEqual([1, [], [1]]);
    expect(p.transitions.map((t) => [t.index, t.from, t.to, t.pos.line])).toEqual([[0, 0, 1, 2], [1, 1, 2, 2]]);
    expect(p.transitions[0]!.guard).toEqual({ k: 'inState', proc: 1, state: 0 });
  });

  it('keeps short-circuit folding faithful and leaves constant division by zero to runtime', () => {
    const sys = check(proc('state s; init s; trans s -> s { guard 0 and x[9]; }, s -> s { guard 1 or x[9]; }, s -> s { guard x[0] == 1 / 0; };', 'byte x[2];'));
    const [t0, t1, t2] = sys.processes[0]!.transitions;
    expect(t0!.guard).toEqual({ k: 'const', value: 0 });
    expect(t1!.guard).toEqual({ k: 'const', value: 1 });
    expect(t2!.guard).toMatchObject({ k: 'binary', op: '==', right: { k: 'binary', op: '/' } });
  });
});

describe('checkDve rejects', () => {
  // [name, source, needle, reason]: the error must point at the first character of `needle`.
  const cases: [string, string, string, string | RegExp][] = [
    ['unknown variable', proc('state s; init s; trans s -> s { guard y == 0; };'), 'y ==', "unknown name 'y'"],
    ['unknown assignment target', proc('state s; init s; trans s -> s { effect y = 0; };'), 'y =', "unknown variable 'y'"],
    ['unknown state', proc('state s; init t;'), 't;', "unknown state 't' in process 'P'"],
    ['unknown transition target', proc('state s; init s; trans s -> u {};'), 'u {', "unknown state 'u' in process 'P'"],
    ['unknown commit state', proc('state s; init s; commit u;'), 'u;', "unknown state 'u' in process 'P'"],
    ['unknown process in P.s', proc('state s; init s; trans s -> s { guard Q.s; };'), 'Q.s', "unknown process 'Q'"],
    ['unknown state in P.s', proc('state s; init s; trans s -> s { guard P.t; };'), 'P.t', "process 'P' has no state 't'"],
    ['assignment to a constant', proc('state s; init s; trans s -> s { effect N = 1; };', 'const byte N = 1;'), 'N = 1; }', "cannot assign to constant 'N'"],
    ['array without index', proc('state s; init s; trans s -> s { guard a == 0; };', 'byte a[2];'), 'a ==', "array 'a' cannot be used without an index"],
    ['assigning a whole array', proc('state s; init s; trans s -> s { effect a = 0; };', 'byte a[2];'), 'a = 0', "array 'a' must be indexed"],
    ['indexing a scalar', proc('state s; init s; trans s -> s { guard x[0]; };', 'byte x;'), 'x[0]', "'x' is not an array"],
    ['indexed assignment to a scalar', proc('state s; init s; trans s -> s { effect x[0] = 1; };', 'byte x;'), 'x[0]', "'x' is not an array"],
    ['channel as a value', proc('state s; init s; trans s -> s { guard c; };', 'channel c;'), 'c; }', "channel 'c' cannot be used as a value"],
    ['sync on a variable', proc('state s; init s; trans s -> s { sync x!; };', 'byte x;'), 'x!', "'x' is not a channel"],
    ['sync on an unknown channel', proc('state s; init s; trans s -> s { sync c!; };'), 'c!', "unknown channel 'c'"],
    ['channel used with and without value', proc('state s; init s; trans s -> s { sync c!1; }, s -> s { sync c?; };', 'channel c;'), 'sync c?', /^channel 'c' is used without a value here but with one at c\.dve:2:\d+$/],
    ['duplicate global', 'byte x;\nint x;\nprocess P { state s; init s; }\nsystem async;', 'x;\nprocess', "'x' is already declared at c.dve:1:6"],
    ['duplicate local', proc('byte y, y; state s; init s;'), 'y; state', /^'y' is already declared at c\.dve:2:\d+$/],
    ['variable named like a channel', proc('state s; init s;', 'byte c;\nchannel c;'), 'c;\nprocess', "'c' is already declared at c.dve:1:6"],
    ['duplicate process', 'process P { state s; init s; }\nprocess P { state s; init s; }\nsystem async;', 'process P { state s; init s; }\nsystem', "duplicate process 'P'"],
    ['duplicate state', proc('state s, s; init s;'), 's; init', "duplicate state 's' in process 'P'"],
    ['initialiser longer than the array', proc('state s; init s;', 'byte a[2] = {1, 2, 3};'), '{1', "initialiser of 'a' has 3 values but the array has 2 elements"],
    ['array size zero', proc('state s; init s;', 'byte a[0];'), '0]', 'array size 0 is out of range (1..65536)'],
    ['huge array', proc('state s; init s;', 'byte a[100000];'), '100000', 'array size 100000 is out of range (1..65536)'],
    ['array size from a variable', proc('state s; init s;', 'byte n = 2;\nbyte a[n];'), 'n];', "variable 'n' cannot be used in a constant expression"],
    ['initialiser from a variable', proc('state s; init s;', 'byte n = 2;\nbyte m = n + 1;'), 'n + 1', "variable 'n' cannot be used in a constant expression"],
    ['division by zero in a constant', proc('state s; init s;', 'byte m = 1 / 0;'), '/ 0', 'division by zero in a constant expression'],
    // 2147483647 * 2147483647 already exceeds 2^53, so the first product is reported.
    ['overflowing constant', proc('state s; init s;', 'int m = 2147483647 * 2147483647 * 2147483647;'), '* 2147483647 *', 'constant expression overflows'],
    ['list initialiser on a scalar', proc('state s; init s;', 'byte x = {1};'), '{1}', "scalar 'x' cannot have a { ... } initialiser"],
    ['scalar initialiser on an array', proc('state s; init s;', 'byte a[2] = 1;'), '1;', "array 'a' needs a { ... } initialiser"],
    ['constant without a value', proc('state s; init s;', 'const byte N;'), 'N;', "constant 'N' needs an initialiser"],
    ['constant arrays', proc('state s; init s;', 'const byte N[2] = {1, 2};'), 'N[2]', 'constant arrays are not supported'],
    ['no processes', 'byte x;\nsystem async;', 'system', 'the system has no processes'],
  ];
  it.each(cases)('%s', (_name, src, needle, reason) => {
    let thrown: unknown;
    try {
      check(src);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(DveError);
    const err = thrown as DveError;
    expect([err.line, err.col]).toEqual(positionOf(src, needle));
    expect(err.message).toBe(`c.dve:${err.line}:${err.col}: ${err.reason}`);
    if (typeof reason === 'string') expect(err.reason).toBe(reason);
    else expect(err.reason).toMatch(reason);
  });
});
