/**
 * Liveness from the command line: `hmm-check MODEL.dve --leads-to P Q --fairness F`, the lasso in
 * every output format, replay of a lasso, and bad input (exit 2, one paragraph).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './helpers.ts';

// P alternates a ⇄ b; Q toggles x for ever. Without fairness Q may run alone, so P.a never
// leads to P.b (the loop is Q's two steps); under weak fairness P, enabled in a for ever, must move.
const SPIN = 'byte x;\nprocess P { state a, b; init a; trans a -> b { }, b -> a { }; }\nprocess Q { state q; init q; trans q -> q { effect x = 1 - x; }; }\nsystem async;\n';

function model(): { dir: string; file: string } {
  const dir = tempDir();
  const file = join(dir, 'spin.dve');
  writeFileSync(file, SPIN);
  return { dir, file };
}

describe('hmm-check MODEL.dve --leads-to P Q', () => {
  it('no fairness: violated, a lasso in ITF (loop), Markdown and Mermaid, and it replays', () => {
    const { dir, file } = model();
    const out = join(dir, 'cx');
    const r = cli([file, '--leads-to', 'P.a', 'P.b', '--out', out, '--json'], dir);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { results: { property: string; kind: string; verdict: string; counterexample: string }[] };
    expect(j.results).toHaveLength(1);
    expect(j.results[0]).toMatchObject({ property: 'leads-to', kind: 'leadsTo', verdict: 'violated', counterexample: '0~1/1' });
    const base = join(out, 'spin', 'default', 'leads-to');
    const itf = JSON.parse(readFileSync(`${base}.itf.json`, 'utf8')) as { loop: number; states: unknown[] };
    expect(itf.loop).toBe(0);
    expect(itf.states).toHaveLength(3);
    const md = readFileSync(`${base}.md`, 'utf8');
    expect(md).toContain('| 1 ↺ | Q |');
    expect(md).toContain('↺ Cycle: steps 1–2 (marked ↺) repeat for ever; step 2 returns to the state after step 0.');
    expect(readFileSync(`${base}.mmd`, 'utf8')).toContain('Note over P1: ↺ cycle begins: steps 1…2 repeat for ever');
    // a trace is data: replay loads the model the user names (--spec), never the file the trace names
    const rep = cli(['replay', '--spec', file, `${base}.itf.json`], dir);
    expect(rep.code).toBe(0);
    expect(rep.stdout).toContain('"leads-to" is still violated at step 2');
  });

  it('weak fairness: holds', () => {
    const { dir, file } = model();
    const r = cli([file, '--leads-to', 'P.a', 'P.b', '--fairness', 'weak', '--json', '--out', join(dir, 'cx')], dir);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { results: { verdict: string }[] }).results[0]!.verdict).toBe('holds');
  });

  it.each([
    [['--leads-to', 'P.c', 'P.b'], "process 'P' has no state or scalar variable 'c' (states: a, b)"],
    [['--leads-to', 'y == 1', 'P.b'], "unknown name 'y' (globals: x;"],
    [['--leads-to', 'P.a'], '--leads-to expects two expressions, P and Q'],
    [['--leads-to', 'P.a', 'P.b', '--fairness', 'sometimes'], 'unknown fairness "sometimes"'],
    [['--fairness', 'weak'], '--fairness applies to --leads-to'],
  ])('bad input %j: exit 2, one paragraph', (args, message) => {
    const { dir, file } = model();
    const r = cli([file, ...args, '--quiet'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('a spec whose fairness names an actor the model lacks', () => {
  it('exit 2, one paragraph naming the actor and the actors it has', () => {
    const dir = tempDir();
    const file = join(dir, 'bad-fairness.spec.ts');
    const root = join(import.meta.dirname, '..', '..');
    writeFileSync(
      file,
      [
        `import { alwaysEventually, defineSpec } from '${join(root, 'checker', 'index.ts')}';`,
        `import { spec as mutex, type MutexState } from '${join(root, 'specs', 'examples', 'mutex.spec.ts')}';`,
        'export const spec = defineSpec({',
        "  ...mutex, id: 'bad-fairness',",
        "  configs: { peterson: { ...mutex.configs['peterson']!, check: { fairness: { cpu9: 'weak' } }, expect: {} } },",
        "  properties: () => [alwaysEventually<MutexState>('cpu0-enters', (s) => s.pc[0] === 'critical')],",
        '});',
        '',
      ].join('\n'),
    );
    const r = cli([file, '--quiet', '--no-typecheck', '--out', join(dir, 'cx')], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fairness names actor "cpu9", which the model does not have');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
