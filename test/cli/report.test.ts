/** `npm run report`: one self-contained HTML page and a Markdown twin, on the example spec and a DVE model. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, MUTEX, tempDir } from './helpers.ts';

describe('report', () => {
  it('writes HTML (no script, no external resources) and Markdown with all sections', () => {
    const dir = tempDir();
    const r = cli(['report', '--spec', MUTEX, '--report-dir', dir, '--out', join(dir, 'cx'), '--quiet']);
    expect(r.code).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    for (const s of ['Verdicts', 'Configurations, bounds and state counts', 'Action coverage', 'Counterexamples']) {
      expect(html).toContain(s);
      expect(md).toContain(`## ${s}`);
    }
    expect(html).toMatch(/model version \(git\)/);
    expect(html).toContain('<svg');
    // giveTurn only exists in Peterson's algorithm: it fires in one of the two configurations,
    // which is coverage, not a gap (gaps are kinds that fire nowhere: see specCoverage's unit test)
    expect(html).toMatch(/<code>giveTurn<\/code><\/td><td class="num">[\d,]+<\/td><td class="num">1 \/ 2<\/td><td><\/td>/);
    expect(md).toContain('```mermaid');
  });

  it('runs a DVE model: with --deadlock a deadlock is a counterexample with a diagram (exit 1: expected to hold)', () => {
    const dir = tempDir();
    const dve = join(dir, 'tiny.dve');
    writeFileSync(dve, TINY_DVE);
    const r = cli(['report', '--spec', dve, '--deadlock', '--report-dir', dir, '--out', join(dir, 'cx'), '--quiet']);
    expect(r.code).toBe(1);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toMatch(/\| tiny \/ default \|.*\| 3 \|/);
    expect(md).toContain('after step 2 no action is enabled');
    expect(readFileSync(join(dir, 'cx', 'tiny', 'default', 'deadlock-free.mmd'), 'utf8')).toContain('participant P0 as P');
    expect(cli(['replay', join(dir, 'cx', 'tiny', 'default', 'deadlock-free.itf.json'), '--spec', dve]).code).toBe(0);
  });
});

describe('the v12 vs upstream section (issue 5)', () => {
  it('is in both twins when the comparison spec runs', () => {
    const dir = tempDir();
    const r = cli(['report', '--spec', 'hmm-compare', '--config', 'upstream-fault-vs-munmap,v12-fault-vs-munmap', '--report-dir', dir, '--out', join(dir, 'cx'), '--quiet']);
    expect(r.code).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/<section id="section-hmm-compare">\s*<h2>v12 vs upstream<\/h2>/);
    expect(html).toMatch(/<td>fault-vs-munmap<\/td><td class="num">\d+<\/td>/);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('## v12 vs upstream');
  });
  it('is absent when the comparison spec did not run', () => {
    const dir = tempDir();
    expect(cli(['report', '--spec', MUTEX, '--report-dir', dir, '--out', join(dir, 'cx'), '--quiet']).code).toBe(0);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).not.toContain('v12 vs upstream');
  });
});

describe('DVE runs count deadlocks unless asked (BEEM semantics)', () => {
  it('prints the counts as JSON: 3 states, 2 transitions, 2 levels, 1 deadlock (hand-counted from TINY_DVE)', () => {
    const dir = tempDir();
    const dve = join(dir, 'tiny.dve');
    writeFileSync(dve, TINY_DVE);
    const r = cli([dve, '--json', '--quiet', '--out', join(dir, 'cx')]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { ok: boolean; checks: Record<string, unknown>[]; results: unknown[] };
    expect(doc.ok).toBe(true);
    expect(doc.checks).toHaveLength(1);
    const one = doc.checks[0]!;
    expect(one).toMatchObject({ distinctStates: 3, transitions: 2, deadlockStates: 1, maxDepth: 2, status: 'exhaustive' });
    for (const k of ['seconds', 'statesPerSecond', 'peakRssBytes', 'collisionProbability']) expect(typeof one[k]).toBe('number');
    expect(doc['results']).toEqual([]);
  });
});

/** Two processes that hand a token once, then both stop: a deadlock after 2 steps. */
const TINY_DVE = `byte x = 0;
process P {
  state a, b;
  init a;
  trans a -> b { guard x == 0; effect x = 1; };
}
process Q {
  state a, b;
  init a;
  trans a -> b { guard x == 1; effect x = 2; };
}
system async;
`;

describe('report --from RESULTS.json', () => {
  it('builds the report from a saved check --json run without checking again', () => {
    const dir = tempDir();
    const run = cli(['check', '--spec', MUTEX, '--json', '--quiet', '--out', join(dir, 'cx')]);
    expect(run.code).toBe(0);
    // tamper with a figure: a report that re-checked would show 9 again for check-then-set
    const doc = JSON.parse(run.stdout) as { checks: { config: string; distinctStates: number }[] };
    doc.checks.find((c) => c.config === 'check-then-set')!.distinctStates = 12345;
    const results = join(dir, 'results.json');
    writeFileSync(results, JSON.stringify(doc));
    const r = cli(['report', '--from', results, '--report-dir', join(dir, 'rep'), '--quiet']);
    expect(r.code).toBe(0);
    const md = readFileSync(join(dir, 'rep', 'report.md'), 'utf8');
    expect(md).toMatch(/\| mutex \| check-then-set \| `mutual-exclusion` \| always \| violated \| violated \| 12,345 \|/);
    // the counterexample is rebuilt from its replay path: 4 steps, as by hand in exit-codes.test.ts
    expect(md).toContain('the state after step 4 breaks the invariant mutual-exclusion');
    expect(readFileSync(join(dir, 'rep', 'report.html'), 'utf8')).toContain('(not re-checked)');
  });

  it('refuses a file of another shape with one paragraph (exit 2)', () => {
    const dir = tempDir();
    const bad = join(dir, 'old.json');
    writeFileSync(bad, JSON.stringify({ ok: true, results: [] }));
    const r = cli(['report', '--from', bad, '--report-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/old\.json is not a results file of this hmm-check: schemaVersion is undefined.*Fix: write one with `npx hmm-check check --json > results\.json`/);
  });
});
