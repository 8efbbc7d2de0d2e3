/**
 * The counterexamples committed under counterexamples/ are evidence: each must still replay to
 * its violation against the current specs (TLC's _TTraceTest). Regenerate with `npm run check`.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayTrace } from '../../../cli/commands/replay.ts';
import { ROOT } from '../../cli/helpers.ts';

function traces(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.itf.json')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

const files = traces(join(ROOT, 'counterexamples'));

describe('committed counterexamples replay', () => {
  it('there is at least one', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  it.each(files.map((f) => [relative(ROOT, f), f]))('%s still reaches its violation', async (_name, f) => {
    const o = await replayTrace(f, { specs: [], configs: [], properties: [], typecheck: false });
    expect(o.message).toContain('still violated');
    expect(o.ok).toBe(true);
  });
});
