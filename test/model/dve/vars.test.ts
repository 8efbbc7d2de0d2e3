/** dveVars: named rendering of a packed state for counterexample views. */
import { expect, it } from 'vitest';
import { dveVars } from '../../../model/dve/index.ts';
import { compile } from './helpers.ts';

it('renders globals, Process.local names, arrays and control-state names', () => {
  const c = compile('byte g[2] = {1, 2};\nint n = 0 - 7;\nprocess Left { byte k = 4; state idle, busy; init busy; }\nprocess Right { int m[2] = {300, 0 - 300}; state z; init z; }\nsystem async;');
  const v = dveVars(c, c.model.initialStates()[0]!);
  expect(v).toEqual({ g: [1, 2], n: -7, 'Left.k': 4, 'Right.m': [300, -300], Left: 'busy', Right: 'z' });
  expect(Object.keys(v)).toEqual(['g', 'n', 'Left.k', 'Right.m', 'Left', 'Right']);
});

it('keeps hostile names as plain keys (null prototype, no __proto__ setter)', () => {
  const c = compile('byte __proto__ = 5, constructor = 6, toString = 7;\nprocess hasOwnProperty { state valueOf; init valueOf; }\nsystem async;');
  const v = dveVars(c, c.model.initialStates()[0]!);
  expect(Object.getPrototypeOf(v)).toBeNull();
  expect(Object.keys(v)).toEqual(['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
  expect(v['__proto__']).toBe(5);
  expect(v.constructor).toBe(6);
  expect(v.hasOwnProperty).toBe('valueOf');
});
