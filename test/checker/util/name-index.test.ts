import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NameIndex } from '../../../checker/util/name-index.ts';

describe('NameIndex', () => {
  it('numbers names in the order first seen, as a list of the distinct names would', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', '', 'a b'), { maxLength: 60 }), (seen) => {
        const index = new NameIndex();
        const oracle: string[] = [];
        for (const name of seen) {
          if (!oracle.includes(name)) oracle.push(name);
          expect(index.indexOf(name)).toBe(oracle.indexOf(name));
        }
        expect(index.names).toEqual(oracle);
      }),
    );
  });
});
