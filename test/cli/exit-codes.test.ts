/**
 * Exit codes and bad-input messages of the real CLI: 0 when every verdict matches, 1 when one
 * differs, 2 for bad input with a one-paragraph message naming the file and the fix.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, FIXTURES, MUTEX, tempDir, tsFixture } from './helpers.ts';

const out = (): string[] => ['--out', tempDir(), '--quiet'];

// Mutex check-then-set, by hand: each CPU goes idle → checked (only while the other is not in
// its critical section) → critical → idle, and flag[i] is set exactly while CPU i is critical, so
// the states are the 3 × 3 pairs of program counters, all reachable: 9. Both critical is the
// farthest, 4 steps: (checked, idle), (checked, checked), (critical, checked), (critical,
// critical); successors are emitted CPU 0 first, so BFS reaches it first by 0/0/1/0/1.

describe('hmm-check exit codes', () => {
  it('0: every verdict as expected, one table with the issue columns', () => {
    const r = cli([MUTEX, ...out()]);
    expect(r.code).toBe(0);
    for (const col of ['spec', 'config', 'property', 'expected', 'verdict', 'distinct states', 'depth', 'seconds']) expect(r.stdout).toContain(col);
    expect(r.stdout).toMatch(/mutex\s+check-then-set\s+mutual-exclusion\s+violated\s+violated\s+9\s+4/);
    expect(r.stdout).toContain('Replay: npx hmm-check replay');
  });

  it('1: a verdict differs from its expectation', () => {
    const r = cli([join(FIXTURES, 'wrong-expectation.spec.ts'), ...out()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('expected holds, got violated');
  });

  it('--json prints one object with ok and results in the documented shape', () => {
    const r = cli([MUTEX, '--json', ...out()]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { ok: boolean; results: Record<string, unknown>[] };
    expect(doc.ok).toBe(true);
    const row = doc.results.find((x) => x['config'] === 'check-then-set' && x['property'] === 'mutual-exclusion')!;
    expect(row).toMatchObject({ spec: 'mutex', expected: 'violated', verdict: 'violated', distinctStates: 9, depth: 4, counterexample: '0/0/1/0/1' });
    expect(typeof row['seconds']).toBe('number');
    expect(doc.results.find((x) => x['property'] === 'someone-enters')!['counterexample']).toBeNull();
  });

  it('--config and --property filter the rows', () => {
    const r = cli([MUTEX, '--config', 'peterson', '--property', 'mutual-exclusion', '--json', ...out()]);
    const doc = JSON.parse(r.stdout) as { results: { config: string; property: string }[] };
    expect(doc.results.map((x) => `${x.config}/${x.property}`)).toEqual(['peterson/mutual-exclusion']);
  });

  it('check discovers specs under specs/ and exits 0', () => {
    const r = cli(['check', '--spec', 'mutex', ...out()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('peterson');
  });

  it('2: missing file', () => {
    const r = cli(['does/not/exist.spec.ts', ...out()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot find spec file does\/not\/exist\.spec\.ts.*Fix: check the path/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('2: syntax error names the file and the position', () => {
    const f = tsFixture('syntax-error.spec.ts.txt');
    const r = cli([f, '--no-typecheck', ...out()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('syntax-error.spec.ts does not compile (line 4');
    expect(r.stderr).toContain('Fix:');
  });

  it('2: a type error is caught by tsc before running', () => {
    const f = tsFixture('type-error.spec.ts.txt');
    const r = cli([f, ...out()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/type-error\.spec\.ts does not type-check: .*type-error\.spec\.ts:17:\d+: TS2322/);
    expect(r.stderr).toContain('--no-typecheck');
    // …and with --no-typecheck it runs (tsx strips types)
    expect(cli([f, '--no-typecheck', ...out()]).code).toBe(0);
  });

  it('2: a spec that throws while loading, with the line, no stack unless --debug', () => {
    const f = join(FIXTURES, 'throws.spec.ts');
    const r = cli([f, ...out()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/loading .*throws\.spec\.ts failed: driver table is empty \(at .*throws\.spec\.ts:5/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(cli([f, '--debug', ...out()]).stderr).toMatch(/\n\s+at /);
  });

  it('2: a file that exports no spec', () => {
    const r = cli([join(FIXTURES, 'no-export.spec.ts'), ...out()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no-export\.spec\.ts exports no spec.*defineSpec/);
  });

  it('2: unknown config and unknown property list the known names', () => {
    const c = cli([MUTEX, '--config', 'petersen', ...out()]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/has no config named "petersen".*peterson, check-then-set/);
    const p = cli([MUTEX, '--property', 'mutex', ...out()]);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/has no property named "mutex".*mutual-exclusion/);
  });

  it('2: a nondeterministic model, naming the file and the fix', () => {
    const r = cli([join(FIXTURES, 'nondeterministic.spec.ts'), ...out()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nondeterministic/);
    expect(r.stderr).toContain('nondeterministic.spec.ts');
    expect(r.stderr).toMatch(/Fix: .*successors\(s\)/);
  });

  it('2 with --json: the error object carries no stack trace unless --debug', () => {
    const f = join(FIXTURES, 'nondeterministic.spec.ts');
    const r = cli([f, '--json', ...out()]);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { ok: boolean; error: Record<string, unknown> };
    expect(doc.ok).toBe(false);
    expect(doc.error['message']).toMatch(/nondeterministic/);
    expect(doc.error).not.toHaveProperty('stack');
    const d = JSON.parse(cli([f, '--json', '--debug', ...out()]).stdout) as { error: Record<string, unknown> };
    expect(d.error['stack']).toMatch(/\n\s+at /);
  });

  it('2: bad options', () => {
    expect(cli(['--frobnicate']).code).toBe(2);
    expect(cli([MUTEX, '--max-states', 'lots']).stderr).toContain('--max-states expects a positive whole number');
    expect(cli([MUTEX, '--strategy', 'astar']).stderr).toContain('unknown strategy "astar"');
  });

  it('runs the specs/README.md tutorial spec from a directory outside the repository (imports by package name)', () => {
    const f = tsFixture('outside-user.spec.ts.txt');
    const dir = tempDir();
    const r = cli([f, '--out', dir, '--quiet'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/my-mutex\s+flag-no-turn\s+deadlock-free\s+violated\s+violated/);
    expect(r.stdout).toMatch(/my-mutex\s+peterson\s+flag-held-inside\s+holds\s+holds/);
    const itf = JSON.parse(readFileSync(join(dir, 'my-mutex', 'flag-no-turn', 'deadlock-free.itf.json'), 'utf8')) as { '#meta': { spec: string; replay: string } };
    expect(itf['#meta']).toMatchObject({ spec: 'my-mutex', replay: '0/0/1' });
    // replay runs only code the user names: the spec file outside the repository is passed with --spec
    expect(r.stdout).toContain(`Replay: npx hmm-check replay my-mutex/flag-no-turn/deadlock-free.itf.json --spec ${f}`);
    expect(cli(['replay', join(dir, 'my-mutex', 'flag-no-turn', 'deadlock-free.itf.json'), '--spec', f], dir).code).toBe(0);
  });
});
