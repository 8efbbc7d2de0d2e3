/**
 * Issue 15, item 7: the DVE front-end honours its stated limit of 200,000 transitions (the code
 * generator no longer spreads a process's lines into push(), which overflowed the stack at a few
 * thousand), and names that collide (a process named like a global, globals named like
 * Object.prototype members) keep every variable in the rendered state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DveError, dveVars } from '../../../model/dve/index.ts';
import { MAX_TRANSITIONS } from '../../../model/dve/checker.ts';
import { compile, countStates } from './helpers.ts';

/** One process, states a and b: n - 1 self-loops a -> a and one a -> b. */
const loops = (n: number): string =>
  `process P{state a,b;init a;trans ${Array.from({ length: n }, (_, i) => (i === n - 1 ? 'a->b{}' : 'a->a{}')).join(',')};}\nsystem async;\n`;

describe('transition limit', () => {
  it('2,000 transitions in one process compile (this overflowed the generator stack)', () => {
    // by hand: states a and b; a emits all 2,000 transitions, b none (a deadlock), one level
    expect(countStates(compile(loops(2000)))).toEqual({ states: 2, transitions: 2000, levels: 1, deadlocks: 1 });
  });

  it(`exactly ${MAX_TRANSITIONS.toLocaleString('en')} transitions compile and run; one more is a DveError with a position`, () => {
    expect(MAX_TRANSITIONS).toBe(200_000);
    expect(countStates(compile(loops(MAX_TRANSITIONS)))).toEqual({ states: 2, transitions: MAX_TRANSITIONS, levels: 1, deadlocks: 1 });
    let err: unknown;
    try {
      compile(loops(MAX_TRANSITIONS + 1));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DveError);
    expect((err as Error).message).toMatch(/test\.dve:1:\d+: more than 200000 transitions/);
  }, 600_000);
});

describe('names in rendered states', () => {
  it('a process named like a global keeps the global; its control state is Process.state', () => {
    const c = compile('byte x = 7, __proto__ = 5, constructor = 6;\nprocess x { byte y = 1; state a, b; init a; trans a -> b { effect x = 3, __proto__ = 1, constructor = 2; }; }\nsystem async;');
    const s0 = c.model.initialStates()[0]!;
    expect(Object.entries(dveVars(c, s0))).toEqual([['x', 7], ['__proto__', 5], ['constructor', 6], ['x.y', 1], ['x.state', 'a']]);
  });

  const ident = fc.constantFrom('x', 'y', 'P', 'Q', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', 'length', 'a1');

  it('every global, local and process appears under its own key (any names)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(ident, { minLength: 1, maxLength: 4 }), fc.uniqueArray(ident, { minLength: 1, maxLength: 3 }), fc.uniqueArray(ident, { maxLength: 2 }), (globals, procs, locals) => {
        // a process may not share a name with a local of its own in DVE; keep locals distinct from both
        const own = locals.filter((l) => !procs.includes(l));
        const src = `byte ${globals.map((g, i) => `${g} = ${i + 1}`).join(', ')};\n${procs
          .map((p) => `process ${p} { ${own.length > 0 ? `byte ${own.join(', ')};` : ''} state s; init s; }`)
          .join('\n')}\nsystem async;`;
        let c;
        try {
          c = compile(src);
        } catch (e) {
          // the language may reject a name clash; then cleanly, with a position
          expect(e).toBeInstanceOf(DveError);
          return;
        }
        const vars = dveVars(c, c.model.initialStates()[0]!);
        // naive oracle: one key per global, per process local, and per process
        expect(Object.keys(vars)).toHaveLength(globals.length + procs.length * own.length + procs.length);
        globals.forEach((g, i) => expect(vars[g]).toBe(i + 1));
        for (const p of procs) expect(vars[globals.includes(p) ? `${p}.state` : p]).toBe('s');
      }),
      { numRuns: 200 },
    );
  });
});
