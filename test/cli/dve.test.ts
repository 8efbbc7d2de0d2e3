/** `hmm-check FILE.dve` from the command line: where its counterexamples go. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './helpers.ts';

// One step, then no transition is enabled: one deadlock, so --deadlock writes a counterexample.
const DEADLOCKS = 'byte x;\nprocess P { state a, b; init a; trans a -> b { effect x = 1; }; }\nsystem async;\n';

describe('hmm-check FILE.dve', () => {
  it('a file named ...dve still writes its counterexample inside --out', () => {
    const dir = tempDir();
    const file = join(dir, '...dve');
    writeFileSync(file, DEADLOCKS);
    const out = join(dir, 'out', 'cx');
    const r = cli([file, '--deadlock', '--out', out, '--quiet'], dir);
    expect(r.code).toBe(1);
    // the spec id `..` would have put it at out/default/, outside out/cx/
    expect(existsSync(join(dir, 'out', 'default'))).toBe(false);
    expect(existsSync(join(out, '_..', 'default', 'deadlock-free.itf.json'))).toBe(true);
  });
});

describe('hmm-check FILE.dve: a variable named __proto__', () => {
  it('is bound in every state of the ITF trace, and replay compares it', () => {
    const dir = tempDir();
    const file = join(dir, 'proto.dve');
    writeFileSync(file, 'byte __proto__, x;\nprocess P { state a, b; init a; trans a -> b { effect __proto__ = 7, x = 1; }; }\nsystem async;\n');
    const out = join(dir, 'cx');
    expect(cli([file, '--deadlock', '--out', out, '--quiet'], dir).code).toBe(1);
    const itf = join(out, 'proto', 'default', 'deadlock-free.itf.json');
    const doc = JSON.parse(readFileSync(itf, 'utf8')) as { vars: string[]; states: Record<string, unknown>[] };
    expect(doc.vars).toContain('__proto__');
    // ITF requires every state to bind every variable in `vars`
    expect(doc.states.map((s) => Object.hasOwn(s, '__proto__') ? s['__proto__'] : 'missing')).toEqual([{ '#bigint': '0' }, { '#bigint': '7' }]);
    // a trace is data: the model it replays on is the one named on the command line
    const ok = cli(['replay', itf, '--spec', file], dir);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('replays: 1 step on dve/proto;');
    // a recorded value the model does not reach is a mismatch, not silently skipped
    writeFileSync(itf, readFileSync(itf, 'utf8').replace('"__proto__":{"#bigint":"7"}', '"__proto__":{"#bigint":"8"}'));
    const r = cli(['replay', itf, '--spec', file], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/step 1 reaches a different state than recorded \(__proto__: 8 → 7\)/);
  });
});

describe('hmm-check FILE.dve: bounds, deadlock flags and runtime errors', () => {
  it('a run stopped by a bound is not ok: exit 3 (incomplete, not "differs") and it says the counts are partial', () => {
    const dir = tempDir();
    const file = join(dir, 'ring.dve');
    writeFileSync(file, 'byte x;\nprocess P { state a; init a; trans a -> a { effect x = x + 1; }; }\nsystem async;\n');
    const r = cli([file, '--max-states', '5', '--quiet', '--out', join(dir, 'cx')], dir);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/stopped early \(maxStates\): the counts above are partial/);
  });
  it('--property deadlock-free asks for deadlocks to be checked; --deadlock with --no-deadlock is an error', () => {
    const dir = tempDir();
    const file = join(dir, 'dl.dve');
    writeFileSync(file, DEADLOCKS);
    const r = cli([file, '--property', 'deadlock-free', '--json', '--quiet', '--out', join(dir, 'cx')], dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).results).toMatchObject([{ property: 'deadlock-free', verdict: 'violated' }]);
    const both = cli([file, '--deadlock', '--no-deadlock'], dir);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/contradict/);
  });
  it('a division by zero names the expression to guard, exit 2', () => {
    const dir = tempDir();
    const file = join(dir, 'div.dve');
    writeFileSync(file, 'byte x = 0;\nprocess P { state a; init a; trans a -> a { effect x = 10 / x; }; }\nsystem async;\n');
    const r = cli([file, '--quiet'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/div\.dve:2:\d+: division by zero in process P.*Fix: guard the expression at .*div\.dve:2:\d+/s);
  });
});

describe('hmm-check A.dve B.dve', () => {
  it('refuses two models with the same id (their counterexamples would overwrite each other)', () => {
    const dir = tempDir();
    for (const sub of ['a', 'b']) {
      mkdirSync(join(dir, sub));
      writeFileSync(join(dir, sub, 'm.dve'), DEADLOCKS);
    }
    const r = cli([join(dir, 'a', 'm.dve'), join(dir, 'b', 'm.dve'), '--quiet'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/two specs have the id "m": .*a\/m\.dve and .*b\/m\.dve/);
  });
});
