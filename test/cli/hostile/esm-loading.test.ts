/**
 * Issue 15, item 3: a spec outside the repository and the local helpers it imports load as ES
 * modules wherever they sit: with no package.json above them, or under a `"type": "commonjs"`
 * one. Before, tsx compiled the helper as CommonJS, `require('hmm-check')` failed, and the run
 * died with an unhandled rejection and a stack trace.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.ts';

const HELPER = `import { always } from 'hmm-check';
export const small = always<{ n: number }>('small', (s) => s.n < 5, 'n stays below 5');
`;

// A counter 0 → 1 → 2 → 3 that stops at 3: 4 states, depth 3, 'small' holds.
const SPEC = `import { defineSpec, type Model } from 'hmm-check';
import { small } from './lib/helper.ts';
type S = { n: number };
const model: Model<S, string> = {
  id: 'counter',
  initialStates: () => [{ n: 0 }],
  successors(s, emit) { if (s.n < 3) emit('inc', { n: s.n + 1 }); },
  isTerminal: (s) => s.n === 3,
  codec: { encode(s, w) { w.push(s.n); } },
};
export const spec = defineSpec({
  id: 'counter',
  configs: { up: { params: {}, expect: { small: 'holds', 'deadlock-free': 'holds' } } },
  createModel: () => model,
  properties: () => [small],
});
`;

function specDir(packageJson: string | null): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'lib'));
  writeFileSync(join(dir, 'lib', 'helper.ts'), HELPER);
  writeFileSync(join(dir, 'counter.spec.ts'), SPEC);
  if (packageJson !== null) writeFileSync(join(dir, 'package.json'), packageJson);
  return dir;
}

describe('specs and their helpers load as ES modules anywhere', () => {
  for (const [what, pkg] of [
    ['no package.json above it', null],
    ['a "type": "commonjs" package.json', '{ "type": "commonjs" }'],
    ['a package.json without "type"', '{ "name": "mine" }'],
  ] as const) {
    it(`with ${what}`, () => {
      const dir = specDir(pkg);
      const r = cli([join(dir, 'counter.spec.ts'), '--json', '--quiet', '--out', join(dir, 'out')], dir);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout) as { checks: { distinctStates: number; maxDepth: number }[]; results: { property: string; verdict: string }[] };
      expect(doc.checks[0]!.distinctStates).toBe(4);
      expect(doc.checks[0]!.maxDepth).toBe(3);
      expect(doc.results.map((x) => `${x.property}:${x.verdict}`).sort()).toEqual(['deadlock-free:holds', 'small:holds']);
    });
  }
});
