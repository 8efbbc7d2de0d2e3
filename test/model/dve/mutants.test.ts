/**
 * Issue 15, item 7 (generated input): byte mutants of a valid DVE model either compile or are
 * rejected with a DveError carrying a position; a compiled mutant runs or fails with a clean
 * model error. Never a RangeError from a stack overflow, a TypeError from the generator, a hang.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { check } from '../../../checker/index.ts';
import { ModelContractError } from '../../../checker/errors.ts';
import { DveError } from '../../../model/dve/index.ts';
import { compile } from './helpers.ts';

const MODEL = `byte buf[3] = {0, 1, 2};
int c = 1, x1;
channel ch;
process a1 {
  state Q, R, S;
  init Q;
  trans
    Q -> R { guard c < 20 && buf[c % 3] != 7; effect x1 = c, buf[x1 % 3] = 1; },
    R -> S { sync ch!; effect x1 = x1 + c; },
    S -> Q { effect c = x1 / 2 + 1; };
}
process a2 {
  byte seen;
  state W, Z;
  init W;
  trans
    W -> Z { sync ch?; effect seen = seen + 1; },
    Z -> W { guard seen < 5; };
}
system async;
`;

const mutation = fc.oneof(
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('{', '}', '(', ')', ';', ',', '[', ']', '->', '-', '/', '%', '0', '99999999999', 'guard', 'effect', 'sync', 'x1', '\u0000', '\u00e9', '"', '`', '$') }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(src: string, ms: readonly Mutation[]): string {
  let s = src;
  for (const m of ms) {
    const at = m.at % (s.length + 1);
    if (m.op === 'replace') s = s.slice(0, at) + String.fromCharCode(m.byte) + s.slice(at + 1);
    else if (m.op === 'insert') s = s.slice(0, at) + m.text + s.slice(at);
    else s = s.slice(0, at) + s.slice(at + m.len);
  }
  return s;
}

it('the unmutated model compiles and is explored', () => {
  const r = check(compile(MODEL).model, [], { deadlock: 'count' });
  expect(r.status).toBe('exhaustive');
});

it('byte mutants: a DveError with a position, or a model that runs or fails cleanly', () => {
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
      const src = mutate(MODEL, ms);
      let c;
      try {
        c = compile(src);
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(DveError);
        expect((e as Error).message).toMatch(/^test\.dve:\d+:\d+: /);
        return;
      }
      try {
        check(c.model, [], { deadlock: 'count', maxStates: 5000 });
      } catch (e) {
        // a runtime fault of the model (division by zero, index out of range) is the model's, named as such
        expect(e, String(e)).toBeInstanceOf(ModelContractError);
      }
    }),
    { numRuns: 300 },
  );
});
