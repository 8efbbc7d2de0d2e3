/**
 * Every action label the model can emit (ACTION_KINDS) must be named — as a whole word — in at
 * least one describe/it title of the per-action unit tests: test/model/hmm/steps/*.test.ts,
 * test/model/hmm/actions.test.ts and test/model/hmm/features.test.ts, plus the v12 design's own
 * per-function suite test/model/hmm/v12/steps.test.ts (its labels are emitted only with
 * `design: 'v12'`). When the model gains labels, this test fails and lists the untested ones.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ACTION_KINDS } from '../../../../model/hmm/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const hmmTests = join(here, '..');

/**
 * Labels that are genuinely never emitted as a step, with the reason. Keep this short: a label
 * listed here must not be emittable.
 */
const UNREACHABLE: Readonly<Record<string, string>> = {
  // (none at the moment; blocking such as migration_entry_wait is no label at all: a waiting
  // actor simply has no enabled step, which the blocking tests in fault.test.ts and
  // device-fault.test.ts check)
};

function testFiles(): string[] {
  const steps = readdirSync(here).filter((f) => f.endsWith('.test.ts') && f !== 'coverage.test.ts').map((f) => join(here, f));
  return [...steps, join(hmmTests, 'actions.test.ts'), join(hmmTests, 'features.test.ts'), join(hmmTests, 'v12', 'steps.test.ts')];
}

/** the string literal titles of describe(...) / it(...) calls */
function titles(text: string): string[] {
  const out: string[] = [];
  const re = /\b(?:describe|it)(?:\.each\([^)]*\))?\(\s*(['"`])((?:\\.|(?!\1)[\s\S])*)\1/g;
  for (const m of text.matchAll(re)) out.push(m[2]!.replace(/\\(.)/g, '$1'));
  return out;
}

const named = (label: string, all: readonly string[]): boolean => {
  const re = new RegExp(`(?<![A-Za-z0-9_])${label}(?![A-Za-z0-9_])`);
  return all.some((t) => re.test(t));
};

describe('coverage of ACTION_KINDS by per-action unit-test titles', () => {
  const all = testFiles().flatMap((f) => titles(readFileSync(f, 'utf8')));

  it('reads the test files and finds their titles', () => {
    expect(all.length).toBeGreaterThan(200);
    expect(named('hmm_range_fault', all)).toBe(true);
    expect(named('hmm_range', ['hmm_range_fault'])).toBe(false); // whole-word matching
  });

  it('every label is named in some describe/it title (missing labels are listed)', () => {
    const missing = ACTION_KINDS.filter((k) => !(k in UNREACHABLE) && !named(k, all));
    expect(missing, `ACTION_KINDS labels without a unit test named after them: ${missing.join(', ')}`).toEqual([]);
  });

  it('the allow-list only holds labels that exist and are not covered anyway', () => {
    for (const k of Object.keys(UNREACHABLE)) {
      expect((ACTION_KINDS as readonly string[]).includes(k)).toBe(true);
      expect(named(k, all)).toBe(false);
    }
  });
});
