/** The flags search worker threads start with (the process's own, without those that load modules into every thread), and the check of what they rebuilt. */
import { describe, expect, it } from 'vitest';
import { ModelContractError } from '../../../../checker/errors.ts';
import { assertSameModel, withoutLoaders } from '../../../../checker/search/parallel/pool.ts';

describe('withoutLoaders', () => {
  it('drops --import/--require/--loader in both spellings and keeps the rest in order', () => {
    expect(withoutLoaders(['--import', 'tsx', '--max-old-space-size=4096', '--import=x.mjs', '-r', 'a.cjs', '--require=b', '--loader', 'l.mjs', '--experimental-loader=m', '--expose-gc', '--cpu-prof'])).toEqual(['--max-old-space-size=4096', '--expose-gc', '--cpu-prof']);
    expect(withoutLoaders([])).toEqual([]);
  });
});

describe('assertSameModel', () => {
  it('accepts workers that rebuilt the same model, and names the first that did not', () => {
    expect(() => assertSameModel([{ modelId: 'm', width: 4 }, { modelId: 'm', width: 4 }], 'm', 4)).not.toThrow();
    expect(() => assertSameModel([{ modelId: 'm', width: 4 }, { modelId: 'm', width: 5 }], 'm', 4)).toThrow(ModelContractError);
    expect(() => assertSameModel([{ modelId: 'other', width: 4 }], 'm', 4)).toThrow(/^model m: a search worker rebuilt it as other with 4-word states \(here 4\)$/);
  });
});
