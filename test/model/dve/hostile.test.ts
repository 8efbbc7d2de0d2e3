/**
 * DVE files are untrusted. These tests feed hostile input and check that (1) nothing from the file
 * reaches the generated JavaScript except through our own names and checked integers, and (2) every
 * rejection is a clean DveError with a position, never a crash, a hang or a stack overflow.
 */
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { compileDve, DveError, dveVars, loadDve, type CompiledDve } from '../../../model/dve/index.ts';
import { BEEM, countStates } from './helpers.ts';

/** Every identifier the generator may write. Anything else in generated source is an injection. */
const OWN_WORDS = new Set([
  'use', 'strict', 'return', 'function', 'expand', 'src', 'off', 'sink', 'const', 'let', 'nx', 'next', 'k', 'i',
  'switch', 'case', 'break', 'if', 'for', 'true', 'false', 'fail', 'trunc', 'emit',
]);

/** Asserts the generated code is made only of our vocabulary, punctuation and decimal integers. */
function assertOwnVocabulary(c: CompiledDve): void {
  for (const src of [c.packedSource, c.objectSource]) {
    expect(src.startsWith('"use strict";\n')).toBe(true);
    const body = src.slice('"use strict";\n'.length);
    // No quotes, backticks, backslashes, `$`, `#`, `@` or non-ASCII: no strings, templates or escapes.
    expect(body).toMatch(/^[A-Za-z0-9_ \n(){}[\];,.=!<>&|^~+\-*/%?:]*$/);
    expect(body).not.toMatch(/\/\/|\/\*/); // no comments either
    for (const word of body.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
      if (!OWN_WORDS.has(word) && !/^[wctpu]\d+$/.test(word)) throw new Error(`foreign identifier '${word}' in generated code`);
    }
  }
}

const canary = globalThis as { __dvePwned?: unknown };
afterAll(() => {
  expect(canary.__dvePwned).toBeUndefined();
});

describe('generated code contains only our own vocabulary', () => {
  it.each(readdirSync(`${BEEM}dve`).filter((f) => f.endsWith('.dve')).map((f) => `dve/${f}`).concat(readdirSync(`${BEEM}more`).map((f) => `more/${f}`)))('%s', (f) => {
    assertOwnVocabulary(loadDve(`${BEEM}${f}`));
  });
});

describe('hostile names are ordinary names', () => {
  // Names that are special to JavaScript or coincide with the generator's own locals.
  const names = ['constructor', '__proto__', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'this', 'return', 'eval', 'Function',
    'globalThis', 'require', 'module', 'src', 'off', 'sink', 'nx', 'k', 'i', 'w0', 'c0', 't0', 'fail', 'trunc', 'expand', 'undefined', 'NaN'];

  it('as variables, processes and states: behaviour is exactly the hand-derived one', () => {
    // One process per name, each counting its own variable from 0 to 2 and stopping: every process
    // moves independently, so states = 3^27 would be too many; instead each process has a single
    // step guarded on the previous process's variable, making a chain: 28 states, 27 transitions,
    // 27 levels, the last state deadlocks.
    const decl = `byte ${names.join(', ')};`;
    const procs = names.map((n, i) => {
      const guard = i === 0 ? '' : `guard ${names[i - 1]!} == 1; `;
      return `process P_${n} { state ${n}, done; init ${n}; trans ${n} -> done { ${guard}effect ${n} = ${n} + 1; }; }`;
    });
    const c = compileDve(`${decl}\n${procs.join('\n')}\nsystem async;`, 'names.dve');
    assertOwnVocabulary(c);
    expect(countStates(c)).toEqual({ states: 28, transitions: 27, levels: 27, deadlocks: 1 });
  });

  it('__proto__ and constructor work as process and state names in P.s references', () => {
    // __proto__ moves first (constructor -> valueOf); then Q may move: 3 states in a chain.
    const c = compileDve('process __proto__ { state constructor, valueOf; init constructor; trans constructor -> valueOf {}; }\nprocess Q { state a, b; init a; trans a -> b { guard __proto__.valueOf; }; }\nsystem async;', 'p.dve');
    assertOwnVocabulary(c);
    expect(countStates(c)).toEqual({ states: 3, transitions: 2, levels: 2, deadlocks: 1 });
    const vars = dveVars(c, c.model.initialStates()[0]!);
    expect(Object.keys(vars)).toEqual(['__proto__', 'Q']);
    expect(vars['__proto__']).toBe('constructor');
  });

  it('a hostile file name never reaches generated code', () => {
    const file = "evil*/\n');globalThis.__dvePwned=1;//`${x}`.dve";
    const c = compileDve('byte x;\nprocess P { state s; init s; trans s -> s { guard x < 2; effect x = x + 1; }; }\nsystem async;', file);
    assertOwnVocabulary(c);
    expect(countStates(c)).toEqual({ states: 3, transitions: 2, levels: 2, deadlocks: 1 });
  });
});

describe('hostile text is rejected cleanly or ignored', () => {
  it('code in comments is ignored', () => {
    const c = compileDve(
      '// "); globalThis.__dvePwned = 1; ("\n/* `${globalThis.__dvePwned = 2}` */ byte x; /* globalThis.__dvePwned = 3; // */\nprocess P { state s; init s; trans s -> s { guard x == 0; effect x = 1; }; }\nsystem async;',
      'c.dve',
    );
    assertOwnVocabulary(c);
    // x: 0 -> 1, then the guard is false: 2 states, 1 transition, 1 level, 1 deadlock.
    expect(countStates(c)).toEqual({ states: 2, transitions: 1, levels: 1, deadlocks: 1 });
  });

  const rejects: [string, string, RegExp][] = [
    ['a string literal', 'byte x = "1); globalThis.__dvePwned = 1; (";', /^s\.dve:1:10: unexpected character '"'/],
    ['a template literal', 'byte x = `${1}`;', /^s\.dve:1:10: unexpected character '`'/],
    ['a backslash escape', 'byte x\\u0041;', /^s\.dve:1:7: unexpected character '\\'/],
    ['a comment terminator outside a comment', 'byte x; */ process P { state s; init s; }\nsystem async;', /^s\.dve:1:9: expected a declaration .*found '\*'/],
    ['an identifier with $', 'byte $x;', /^s\.dve:1:6: unexpected character '\$'/],
    ['a non-ASCII look-alike identifier', 'byte x\u0430;', /^s\.dve:1:7: unexpected character U\+0430/],
    ['a zero-width joiner', 'byte x\u200d;', /^s\.dve:1:7: unexpected character U\+200D/],
    ['a JS line separator', 'byte x;\u2028', /^s\.dve:1:8: unexpected character U\+2028/],
    ['a NUL byte', 'byte x;\u0000', /^s\.dve:1:8: unexpected character U\+0000/],
    ['a huge literal', 'byte x = 99999999999999999999999999999999;', /^s\.dve:1:10: integer literal 999999999999999999999999\.\.\. is out of range/],
    ['a float literal', 'byte x = 1.5;', /^s\.dve:1:11: expected ';', found '\.'/],
    ['an exponent literal', 'byte x = 1e9;', /^s\.dve:1:10: malformed number '1e'/],
    ['a hex literal', 'byte x = 0x41;', /^s\.dve:1:10: malformed number '0x'/],
    ['a huge array', 'byte x[2147483647];\nprocess P { state s; init s; }\nsystem async;', /^s\.dve:1:8: array size 2147483647 is out of range/],
    ['a state vector over the limit', 'byte a[65536], b[65536];\nprocess P { state s; init s; }\nsystem async;', /^s\.dve:1:16: the state vector would exceed 65536 bytes/],
    ['an unterminated comment', 'byte x; /* never closed', /^s\.dve:1:9: unterminated \/\* comment/],
    ['deep nesting', `byte x = ${'('.repeat(100_000)}1${')'.repeat(100_000)};`, /^s\.dve:1:\d+: expression nested too deeply/],
    ['a long operator chain', `byte x = ${Array.from({ length: 100_000 }, () => '1').join(' * ')};`, /^s\.dve:1:10: expression nested too deeply/],
    ['a very long identifier', `byte ${'a'.repeat(10_000)};`, /^s\.dve:1:6: identifier longer than 256 characters/],
    ['too many states in a process', `process P { state ${Array.from({ length: 65537 }, (_, i) => `s${i}`).join(', ')}; init s0; }\nsystem async;`, /^s\.dve:1:1: process 'P' has more than 65536 states/],
  ];
  it.each(rejects)('%s', (_name, src, message) => {
    let thrown: unknown;
    try {
      compileDve(src, 's.dve');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(DveError);
    expect((thrown as Error).message).toMatch(message);
  });
});
