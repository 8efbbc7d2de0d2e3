/**
 * shared/beem/more: BEEM instances without published counts (README: do not pin their numbers).
 * Each must load and compile, and a bounded BFS over its first states must run without a runtime
 * error. gear.1 uses rendezvous channels, which we implement per the README's DiVinE 2 rule.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { check } from '../../../checker/index.ts';
import { loadDve } from '../../../model/dve/index.ts';
import { BEEM } from './helpers.ts';

const files = readdirSync(`${BEEM}more`).filter((f) => f.endsWith('.dve')).sort();

describe('beem/more instances load, compile and explore', () => {
  it('finds the 19 files', () => {
    expect(files).toHaveLength(19);
  });

  it.each(files)('%s', (file) => {
    const c = loadDve(`${BEEM}more/${file}`);
    expect(c.model.packed.width).toBeGreaterThan(0);
    const r = check(c.model, [], { strategy: 'bfs', deadlock: 'count', maxStates: 20_000 });
    expect(['exhaustive', 'incomplete']).toContain(r.status);
    expect(r.stats.distinct).toBeGreaterThan(1);
  });
});
