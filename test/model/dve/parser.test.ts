/** Parser: structure, DiVinE precedence, and `file:line:col` errors. */
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../../model/dve/ast.ts';
import { MAX_EXPR_HEIGHT, parseDve } from '../../../model/dve/parser.ts';

const wrap = (guard: string): string => `process P { state s; init s; trans s -> s { guard ${guard}; }; }\nsystem async;`;

/** Fully parenthesised rendering of a parsed expression. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'num':
      return String(e.value);
    case 'name':
      return e.name;
    case 'index':
      return `${e.name}[${show(e.index)}]`;
    case 'dot':
      return `${e.proc}.${e.member}`;
    case 'unary':
      return `(${e.op} ${show(e.arg)})`;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
  }
}

const guardOf = (g: string): string => show(parseDve(wrap(g), 'p.dve').processes[0]!.trans[0]!.guard!);

describe('parseDve', () => {
  it('parses declarations, processes, commit/accept lists and transitions', () => {
    const f = parseDve(
      `byte a[3] = {1, 2, 3}, b;\nconst int N = 4;\nchannel c, d;\nprocess P { byte l = 2; state s, t; init s; commit t; accept s, t;\n trans s -> t { guard b == 0; sync c!b + 1; effect b = 1, a[b] = 2; },\n t -> s { sync d?a[0]; }; }\nsystem async;`,
      'p.dve',
    );
    expect(f.vars.map((v) => [v.isConst, v.type, v.items.map((i) => i.name)])).toEqual([[false, 'byte', ['a', 'b']], [true, 'int', ['N']]]);
    expect(f.channels[0]!.names.map((n) => n.name)).toEqual(['c', 'd']);
    const p = f.processes[0]!;
    expect(p.commit.map((s) => s.name)).toEqual(['t']);
    expect(p.accept.map((s) => s.name)).toEqual(['s', 't']);
    expect(p.trans).toHaveLength(2);
    expect(p.trans[0]!.sync).toMatchObject({ dir: '!', channel: { name: 'c' } });
    expect(show(p.trans[0]!.sync!.value!)).toBe('(b + 1)');
    expect(p.trans[0]!.effects.map((e) => e.target.name)).toEqual(['b', 'a']);
    expect(p.trans[1]!.sync).toMatchObject({ dir: '?', target: { name: 'a' } });
  });

  it('uses DiVinE precedence (README rule 9)', () => {
    expect(guardOf('1 || 0 && 0')).toBe('((1 or 0) and 0)');
    expect(guardOf('a and b or c')).toBe('((a and b) or c)');
    expect(guardOf('1 | 2 & 3 ^ 4')).toBe('(((1 | 2) & 3) ^ 4)');
    expect(guardOf('a == b | c')).toBe('((a == b) | c)');
    expect(guardOf('a < b == c')).toBe('((a < b) == c)');
    expect(guardOf('a << 1 < b')).toBe('((a << 1) < b)');
    expect(guardOf('a + 1 << 2')).toBe('((a + 1) << 2)');
    expect(guardOf('a - b * c % d')).toBe('(a - ((b * c) % d))');
    expect(guardOf('- a * not b')).toBe('((- a) * (not b))');
    expect(guardOf('a imply b or c')).toBe('(a imply (b or c))');
    expect(guardOf('x[i + 1] == P.s')).toBe('(x[(i + 1)] == P.s)');
    expect(guardOf('true and false')).toBe('(1 and 0)');
  });

  it('reports the first error as file:line:col', () => {
    expect(() => parseDve('byte x\nprocess', 'e.dve')).toThrow("e.dve:2:1: expected ';', found 'process'");
    expect(() => parseDve('byte x;', 'e.dve')).toThrow('e.dve:1:8: missing `system async;` declaration at end of file');
    expect(() => parseDve('process P { state s; init s; trans s -> s { guard !x; }; }\nsystem async;', 'e.dve')).toThrow("e.dve:1:51: '!' is not negation in DVE; use 'not'");
    expect(() => parseDve('process P { state s; init s; trans s -> s { effect x = 1; guard y; }; }\nsystem async;', 'e.dve')).toThrow(/e\.dve:1:59: expected '}' \(a transition body is/);
    expect(() => parseDve('byte state;', 'e.dve')).toThrow("e.dve:1:6: expected a variable name, found keyword 'state'");
    expect(() => parseDve('process P { state s; init s; }\nsystem async;\nbyte x;', 'e.dve')).toThrow(/e\.dve:3:1: expected end of file after the system declaration/);
  });

  it('rejects constructs outside the supported subset with a clear message', () => {
    expect(() => parseDve('process P { state s; init s; }\nsystem sync;', 'u.dve')).toThrow('u.dve:2:8: synchronous systems (`system sync`) are not supported; use `system async`');
    expect(() => parseDve('process P { state s; init s; }\nsystem async property P;', 'u.dve')).toThrow('u.dve:2:14: property processes are not supported');
    expect(() => parseDve('channel {byte} c[2];', 'u.dve')).toThrow(/u\.dve:1:9: typed \(buffered\) channels are not supported/);
    expect(() => parseDve('channel c[2];', 'u.dve')).toThrow(/u\.dve:1:10: channel arrays and buffered channels are not supported/);
    expect(() => parseDve('process P { state s; init s; assert s: 1; }', 'u.dve')).toThrow('u.dve:1:30: `assert` is not supported');
    expect(() => parseDve('process P : T { }', 'u.dve')).toThrow('u.dve:1:11: process templates are not supported');
  });

  it('bounds expression nesting so hostile input cannot overflow the stack', () => {
    const deep = `${'('.repeat(MAX_EXPR_HEIGHT + 5)}1${')'.repeat(MAX_EXPR_HEIGHT + 5)}`;
    expect(() => parseDve(wrap(deep), 'd.dve')).toThrow(/d\.dve:1:\d+: expression nested too deeply/);
    const long = Array.from({ length: 5000 }, () => '1').join(' + ');
    expect(() => parseDve(wrap(long), 'd.dve')).toThrow(/d\.dve:1:\d+: expression nested too deeply/);
    const unary = `${'- '.repeat(100_000)}1`;
    expect(() => parseDve(wrap(unary), 'd.dve')).toThrow(/expression nested too deeply/);
  });
});
