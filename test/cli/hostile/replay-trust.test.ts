/**
 * Issue 15, item 5: a trace is data. Replay never imports the file its "#meta" names; it runs the
 * spec the user names with --spec or one of this repository's specs with the recorded id; a
 * wrong spec name is an error, not the first export; and any edit to the recorded actions
 * (index, label, actor, kind) or states makes the replay fail instead of passing as ✓.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckerError } from '../../../checker/errors.ts';
import { replayTrace } from '../../../cli/commands/replay.ts';
import { cli, MUTEX, ROOT, tempDir } from '../helpers.ts';

const COMMITTED = join(ROOT, 'counterexamples', 'mutex', 'check-then-set', 'mutual-exclusion.itf.json');
const ORIGINAL = readFileSync(COMMITTED, 'utf8');
const opts = { specs: [], configs: [], properties: [], typecheck: false } as const;

type Doc = { '#meta': Record<string, unknown>; vars: string[]; states: Record<string, unknown>[] };
const parsed = (): Doc => JSON.parse(ORIGINAL) as Doc;

function write(doc: Doc | string, dir = tempDir()): string {
  const f = join(dir, 'trace.itf.json');
  writeFileSync(f, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return f;
}

/** A spec module that, when imported, leaves a canary file: proof that it was executed. */
function evilSpec(dir: string): { file: string; canary: string } {
  const canary = join(dir, 'pwned');
  const file = join(dir, 'evil.spec.ts');
  writeFileSync(file, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(canary)}, 'ran');\nexport const spec = { id: 'mutex', configs: {}, createModel() {}, properties() { return []; } };\n`);
  return { file, canary };
}

describe('replay never runs the file a trace names', () => {
  it('a trace naming a foreign spec file replays with the repository spec of its id; the file is never imported', () => {
    const dir = tempDir();
    const { file, canary } = evilSpec(dir);
    const doc = parsed();
    doc['#meta']['specFile'] = file;
    const r = cli(['replay', write(doc, dir)]);
    expect(r.code).toBe(0);
    expect(existsSync(canary)).toBe(false);
  });

  it('a trace recorded for a spec this repository does not have: exit 2, asks for --spec, imports nothing', () => {
    const dir = tempDir();
    const { file, canary } = evilSpec(dir);
    const doc = parsed();
    doc['#meta']['specFile'] = file;
    doc['#meta']['spec'] = 'evil';
    const r = cli(['replay', write(doc, dir)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/recorded for spec "evil".*--spec FILE/);
    expect(existsSync(canary)).toBe(false);
  });

  it('a wrong spec name is an error, never the first export', () => {
    const doc = parsed();
    doc['#meta']['spec'] = 'not-mutex';
    const r = cli(['replay', write(doc), '--spec', MUTEX, '--no-typecheck']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/recorded for spec "not-mutex", which .*mutex\.spec\.ts does not have/);
    const token = cli(['replay', MUTEX, '--spec', 'not-mutex', '--config', 'check-then-set', '--path', '0/0/1/0/1', '--no-typecheck']);
    expect(token.code).toBe(2);
    expect(token.stderr).toMatch(/has no spec with id "not-mutex"/);
  });

  it('--spec ID must agree with the recorded id', () => {
    const r = cli(['replay', write(parsed()), '--spec', 'hmm-reference']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('recorded for spec "mutex", not "hmm-reference"');
  });
});

describe('every recorded action is checked', () => {
  it('the unedited trace replays (so each edit below fails for itself)', async () => {
    expect((await replayTrace(write(parsed()), opts)).ok).toBe(true);
  });

  it('any edit of an action index, label, actor or kind fails the replay', async () => {
    const n = parsed().states.length;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: n - 1 }),
        fc.constantFrom('actionIndex', 'action', 'actor', 'mbt::actionTaken', 'index'),
        fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: -2, max: 9 })),
        async (i, field, value) => {
          const doc = parsed();
          const st = doc.states[i]!;
          const meta = st['#meta'] as Record<string, unknown>;
          const before = field === 'mbt::actionTaken' ? st[field] : meta[field];
          fc.pre(before !== value);
          if (field === 'mbt::actionTaken') st[field] = value;
          else meta[field] = value;
          const o = await replayTrace(write(doc), opts);
          expect(o.ok).toBe(false);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('byte mutants of a trace: ok only when everything replay checks is unchanged; otherwise a mismatch or a clean error', async () => {
    const projection = (d: Doc): unknown => ({
      meta: ['spec', 'config', 'property', 'replay', 'source'].map((k) => d['#meta']?.[k]),
      vars: d.vars,
      states: d.states,
    });
    const want = projection(parsed());
    await fc.assert(
      fc.asyncProperty(fc.nat(ORIGINAL.length - 1), fc.integer({ min: 32, max: 126 }), async (at, byte) => {
        const text = ORIGINAL.slice(0, at) + String.fromCharCode(byte) + ORIGINAL.slice(at + 1);
        let o;
        try {
          o = await replayTrace(write(text), opts);
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(CheckerError);
          return;
        }
        if (o.ok) expect(projection(JSON.parse(text) as Doc)).toEqual(want);
      }),
      { numRuns: 60 },
    );
  });
});
