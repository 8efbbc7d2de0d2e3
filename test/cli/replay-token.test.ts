/** `hmm-check replay SPEC --config C --path P`: the printed replay token is accepted back (issue 2). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, MUTEX } from './helpers.ts';

// the token recorded with the committed mutex counterexample (its ITF #meta.replay)
const itf = JSON.parse(readFileSync(join(import.meta.dirname, '../../counterexamples/mutex/check-then-set/mutual-exclusion.itf.json'), 'utf8')) as {
  '#meta': { replay: string };
};
const TOKEN = itf['#meta'].replay;

describe('replay by token', () => {
  it('follows the path, prints the trace, exit 0 when it shows the property', () => {
    const r = cli(['replay', MUTEX, '--config', 'check-then-set', '--path', TOKEN, '--property', 'mutual-exclusion']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`path: "${TOKEN}"`);
    expect(r.stdout).toContain('✓ the path demonstrates mutual-exclusion');
  });
  it('exit 1 when the path is followed but shows another property or none', () => {
    const r = cli(['replay', MUTEX, '--config', 'check-then-set', '--path', '0', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, outcome: 'mismatch', exitCode: 1, replay: { steps: 0, demonstrated: [], path: '0', property: null } });
  });
  it('exit 1 and the step where a path cannot be followed', () => {
    const r = cli(['replay', MUTEX, '--config', 'check-then-set', '--path', '0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/99']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/diverged at step \d+: the path takes transition #99/);
  });
  it('exit 2 for a malformed path or a missing config, naming the fix', () => {
    const bad = cli(['replay', MUTEX, '--config', 'check-then-set', '--path', '0/x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--path expects an action-index path/);
    const noCfg = cli(['replay', MUTEX, '--path', TOKEN]);
    expect(noCfg.code).toBe(2);
    expect(noCfg.stderr).toMatch(/pass --config with one of: peterson, check-then-set/);
  });
});
