/** The flags search worker threads start with: the process's own, without those that load modules into every thread. */
import { describe, expect, it } from 'vitest';
import { withoutLoaders } from '../../../../checker/search/parallel/pool.ts';

describe('withoutLoaders', () => {
  it('drops --import/--require/--loader in both spellings and keeps the rest in order', () => {
    expect(withoutLoaders(['--import', 'tsx', '--max-old-space-size=4096', '--import=x.mjs', '-r', 'a.cjs', '--require=b', '--loader', 'l.mjs', '--experimental-loader=m', '--expose-gc', '--cpu-prof'])).toEqual(['--max-old-space-size=4096', '--expose-gc', '--cpu-prof']);
    expect(withoutLoaders([])).toEqual([]);
  });
});
