/**
 * Every BEEM instance in shared/beem/counts.json with at most 200,000 states, explored with the
 * engine's BFS: states (DiVinE's published count), transitions, BFS levels and deadlocks must all be
 * exact. Provenance of every number: shared/beem/README.md ("How the numbers were established").
 * Larger instances (at.3, at.4, fischer.3, hanoi.2, telephony.3) are covered by `npm run bench:beem`.
 */
import { describe, expect, it } from 'vitest';
import { loadDve } from '../../../model/dve/index.ts';
import { BEEM, beemCounts, countStates } from './helpers.ts';

const counts = beemCounts();
const small = Object.entries(counts).filter(([, c]) => c.states <= 200_000);

describe('BEEM instances with at most 200,000 states match counts.json exactly', () => {
  it('covers the 30 small instances', () => {
    expect(small.length).toBe(30);
  });
  it.each(small)('%s', (name, expected) => {
    const compiled = loadDve(`${BEEM}dve/${name}.dve`);
    expect(countStates(compiled)).toEqual(expected);
  });
});
