/** Same spec + config ⇒ byte-identical counterexample files, wherever and whenever they are written. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, MUTEX, ROOT, tempDir } from './helpers.ts';

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

describe('determinism', () => {
  it('two runs write byte-identical counterexample files', () => {
    const a = join(tempDir(), 'counterexamples');
    const b = join(tempDir(), 'counterexamples');
    expect(cli([MUTEX, '--out', a, '--quiet']).code).toBe(0);
    expect(cli([MUTEX, '--out', b, '--quiet', '--in-process']).code).toBe(0);
    const fa = files(a);
    expect([...fa.keys()].sort()).toEqual([
      'mutex/check-then-set/mutual-exclusion.itf.json',
      'mutex/check-then-set/mutual-exclusion.md',
      'mutex/check-then-set/mutual-exclusion.mmd',
    ]);
    expect(files(b)).toEqual(fa);
  });

  it('the committed example counterexamples are what a fresh run writes', () => {
    const out = join(tempDir(), 'counterexamples');
    expect(cli([MUTEX, '--out', out, '--quiet']).code).toBe(0);
    const fresh = files(out);
    // the run must have written the check-then-set counterexample (all three files), or this compares nothing
    expect([...fresh.keys()].sort()).toEqual(['itf.json', 'md', 'mmd'].map((x) => join('mutex', 'check-then-set', `mutual-exclusion.${x}`)));
    const committed = join(ROOT, 'counterexamples');
    for (const [name, content] of fresh) {
      // specFile is relative to the trace file, so it differs between the two trees; all else is equal
      const norm = (s: string): string => s.replace(/"specFile":"[^"]*"/, '"specFile":…');
      expect(norm(readFileSync(join(committed, name), 'utf8'))).toBe(norm(content));
    }
  });
});
