/**
 * What CI relies on: one JSON shape (schemaVersion 1) whatever the number of checks, exit codes
 * that tell "a verdict differs" (1) from "a bound left it undecided" (3), JUnit XML, "did you
 * mean" for typos, per-command help, and no escape codes where the terminal cannot take them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cli, FIXTURES, MUTEX, tempDir } from './helpers.ts';

const TOP_KEYS = ['schemaVersion', 'tool', 'command', 'outcome', 'exitCode', 'ok', 'interrupted', 'summary', 'checks', 'results', 'error'].sort();

/** Two processes that hand a token once, then both stop: 3 states, one of them a deadlock. */
const TINY_DVE = `byte x = 0;
process P { state a, b; init a; trans a -> b { guard x == 0; effect x = 1; }; }
process Q { state a, b; init a; trans a -> b { guard x == 1; effect x = 2; }; }
system async;
`;

describe('--json: one shape', () => {
  it('has the same top-level keys for one check, several checks and bad input, and exitCode matches the process', () => {
    const dir = tempDir();
    const dve = join(dir, 'tiny.dve');
    writeFileSync(dve, TINY_DVE);
    const one = cli([dve, '--json', '--quiet', '--out', join(dir, 'cx')]);
    const two = cli([MUTEX, '--json', '--quiet', '--out', join(dir, 'cx')]);
    const bad = cli([join(dir, 'missing.spec.ts'), '--json', '--quiet']);
    for (const r of [one, two, bad]) {
      const doc = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(Object.keys(doc).sort()).toEqual(TOP_KEYS);
      expect(doc['schemaVersion']).toBe(1);
      expect(doc['tool']).toEqual({ name: 'hmm-check', version: JSON.parse(readFileSync(join(BIN, '..', '..', 'package.json'), 'utf8')).version });
      expect(doc['exitCode']).toBe(r.code);
    }
    expect((JSON.parse(one.stdout) as { checks: unknown[] }).checks).toHaveLength(1);
    // the mutex spec has two configurations (peterson, check-then-set)
    expect((JSON.parse(two.stdout) as { checks: unknown[] }).checks).toHaveLength(2);
    const b = JSON.parse(bad.stdout) as { outcome: string; checks: unknown[]; error: { message: string } };
    expect(b).toMatchObject({ outcome: 'bad-input', checks: [] });
    expect(b.error.message).toMatch(/cannot find spec file/);
  });
});

describe('replay --json: check\'s shape plus `replay`', () => {
  const COMMITTED = join(BIN, '..', '..', 'counterexamples', 'mutex', 'check-then-set', 'mutual-exclusion.itf.json');
  const keys = [...TOP_KEYS, 'replay'].sort();
  it('a trace that still fails: outcome ok, exit 0, one verdict as expected, what was replayed', () => {
    const r = cli(['replay', COMMITTED, '--json']);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(doc).sort()).toEqual(keys);
    expect(doc).toMatchObject({ schemaVersion: 1, command: 'replay', outcome: 'ok', exitCode: 0, ok: true, checks: [], results: [], error: null });
    expect(r.code).toBe(0);
    expect(doc['summary']).toEqual({ checks: 0, verdicts: 1, asExpected: 1, differ: 0, undecided: 0 });
    expect(doc['replay']).toMatchObject({ spec: 'mutex', config: 'check-then-set', property: 'mutual-exclusion' });
    expect((doc['replay'] as { message: string }).message).toContain('still violated');
  });
  it('a token that shows nothing, and bad input, keep the same keys and exit codes 1 and 2', () => {
    const none = cli(['replay', MUTEX, '--config', 'check-then-set', '--path', '0', '--json']);
    const bad = cli(['replay', join(tempDir(), 'missing.itf.json'), '--json']);
    for (const [r, code, outcome] of [[none, 1, 'mismatch'], [bad, 2, 'bad-input']] as const) {
      const doc = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(Object.keys(doc).sort()).toEqual(keys);
      expect(r.code).toBe(code);
      expect(doc).toMatchObject({ outcome, exitCode: code });
    }
    expect(JSON.parse(none.stdout)).toMatchObject({ summary: { verdicts: 1, differ: 1 }, replay: { path: '0', demonstrated: [] } });
    expect(JSON.parse(bad.stdout)).toMatchObject({ summary: { verdicts: 0 }, replay: null, error: { message: expect.stringMatching(/missing\.itf\.json/) } });
  });
});

describe('exit codes: incomplete is not "differs"', () => {
  it('3: a state bound leaves every verdict undecided (mutex has 20 and 9 states, so 3 cuts both)', () => {
    const r = cli([MUTEX, '--max-states', '3', '--json', '--quiet', '--out', tempDir()]);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout) as { outcome: string; summary: Record<string, number> };
    expect(doc.outcome).toBe('incomplete');
    // 2 configurations × 3 properties (mutual-exclusion, someone-enters, deadlock-free)
    expect(doc.summary).toEqual({ checks: 2, verdicts: 6, asExpected: 0, differ: 0, undecided: 6 });
  });

  it('1: a decided verdict differs; the same run bounded generously still says 1', () => {
    const f = join(FIXTURES, 'wrong-expectation.spec.ts');
    expect(cli([f, '--quiet', '--out', tempDir()]).code).toBe(1);
    expect(cli([f, '--quiet', '--max-states', '1000', '--out', tempDir()]).code).toBe(1);
  });

  it('the README documents every code the CLI uses', () => {
    const readme = readFileSync(join(BIN, '..', '..', 'README.md'), 'utf8');
    for (const code of ['0', '1', '2', '3', '130']) expect(readme).toMatch(new RegExp(`\\|\\s*${code}\\s*\\|`));
  });
});

describe('--junit FILE', () => {
  it('one testcase per verdict; a differing verdict is a failure naming the counterexample file', () => {
    const dir = tempDir();
    const xml = join(dir, 'junit.xml');
    const r = cli([join(FIXTURES, 'wrong-expectation.spec.ts'), '--junit', xml, '--quiet', '--out', join(dir, 'cx')]);
    expect(r.code).toBe(1);
    const text = readFileSync(xml, 'utf8');
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    // wrong-expectation has one config (check-then-set) with mutual-exclusion, someone-enters, deadlock-free
    expect(text.match(/<testcase /g)).toHaveLength(3);
    expect(text).toMatch(/<testsuites name="hmm-check" tests="3" failures="1" errors="0"/);
    expect(text).toMatch(/<failure type="verdict-differs" message="expected holds, got violated: counterexample [^"]*mutex-wrong\/check-then-set\/mutual-exclusion\.itf\.json/);
    expect(balanced(text)).toBe(true);
  });

  it('an undecided verdict is an error of type incomplete, not a pass', () => {
    const dir = tempDir();
    const xml = join(dir, 'junit.xml');
    expect(cli([MUTEX, '--max-states', '3', '--junit', xml, '--quiet', '--out', join(dir, 'cx')]).code).toBe(3);
    const text = readFileSync(xml, 'utf8');
    expect(text).toMatch(/<testsuites name="hmm-check" tests="6" failures="0" errors="6"/);
    expect(text.match(/<error type="incomplete"/g)).toHaveLength(6);
    expect(balanced(text)).toBe(true);
  });
});

/** Every opening tag has its closing tag, in order (a small well-formedness check). */
function balanced(xml: string): boolean {
  const stack: string[] = [];
  for (const m of xml.replace(/<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([A-Za-z-]+)[^>]*?(\/?)>/g)) {
    if (m[3] === '/') continue;
    if (m[1] === '/') {
      if (stack.pop() !== m[2]) return false;
    } else stack.push(m[2]!);
  }
  return stack.length === 0;
}

describe('typos and help', () => {
  it('suggests the nearest option and command', () => {
    const r = cli([MUTEX, '--jsno']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--jsno' (did you mean --json?)");
    expect(cli([MUTEX, '--max-state', '5']).stderr).toContain('did you mean --max-states?');
    const c = cli(['chek']);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('unknown command "chek" (did you mean "check"?)');
    // no guess when nothing is close
    expect(cli([MUTEX, '--zzzzzzzz']).stderr).not.toContain('did you mean');
  });

  it('each command has its own --help', () => {
    const report = cli(['report', '--help']);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/^Usage: hmm-check report/);
    expect(report.stdout).toContain('--from RESULTS.json');
    expect(cli(['replay', '--help']).stdout).toMatch(/^Usage: hmm-check replay/);
    expect(cli(['check', '--help']).stdout).toMatch(/^Usage: hmm-check check/);
    expect(cli(['help', 'replay']).stdout).toMatch(/^Usage: hmm-check replay/);
    expect(cli(['--help']).stdout).toContain('hmm-check COMMAND --help');
  });
});

describe('progress output', () => {
  const run = (term: string): string => {
    // `script` gives the CLI a real terminal; TERM says what that terminal can do
    const r = spawnSync('script', ['-qec', `"${process.execPath}" "${BIN}" "${join(FIXTURES, 'big.spec.ts')}" --no-typecheck --max-states 600000 --out "${tempDir()}"`, '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, TERM: term },
      timeout: 60_000,
    });
    expect(r.status).toBe(3); // script -e passes on the CLI's exit code: the bound makes it incomplete
    return r.stdout;
  };

  it('redraws with escape codes on a capable TTY (states/s, queue and time left under --max-states), none when TERM=dumb', () => {
    const tty = run('xterm');
    expect(tty).toContain('\x1b[2K');
    expect(tty).toMatch(/[\d,]+ states · queue [\d,]+ · [\d,]+ states\/s · depth \d+ · ≤ \d+s left/);
    const dumb = run('dumb');
    expect(dumb).not.toContain('\x1b');
    expect(dumb).toContain('[1/1] checking big / cube');
  });

  it('prints plain progress lines inside one long check when not a TTY', () => {
    const r = spawnSync(process.execPath, [BIN, join(FIXTURES, 'big.spec.ts'), '--no-typecheck', '--timeout', '2', '--out', tempDir()], {
      encoding: 'utf8',
      env: { ...process.env, HMM_CHECK_PROGRESS_MS: '500' },
      timeout: 60_000,
    });
    expect(r.status).toBe(3);
    expect(r.stderr).not.toContain('\x1b');
    expect(r.stderr).toMatch(/ {2}… [\d,]+ states · queue [\d,]+ · [\d,]+ states\/s · depth \d+ · ≤ \d+s left, [\d,]+ transitions/);
  });
});
