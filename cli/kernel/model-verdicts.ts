/**
 * The model's side of each selftest: test/conformance runs every hmm-tests.c test against the
 * model, one vitest case per test and fixture variant, titled "#N fixture.test [fixture_variant]".
 * The kernel's harness names the same test "fixture.fixture_variant.test". Running the suite here
 * (about 20 s) gives today's verdicts rather than a table that may have gone stale.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type ModelVerdict = 'pass' | 'fail' | 'skip' | 'not modelled';

/** "#12 hmm.migrate [hmm_device_private]" → "hmm.hmm_device_private.migrate" */
export function kernelNameOf(vitestTitle: string): string | null {
  const m = /^#\d+ (\w+)\.(\w+) \[(\w+)\]/.exec(vitestTitle);
  return m ? `${m[1]}.${m[3]}.${m[2]}` : null;
}

export function verdictsFromVitestJson(json: string): Map<string, ModelVerdict> {
  const doc = JSON.parse(json) as { testResults?: { assertionResults?: { title: string; status: string }[] }[] };
  const map = new Map<string, ModelVerdict>();
  for (const file of doc.testResults ?? []) {
    for (const a of file.assertionResults ?? []) {
      const name = kernelNameOf(a.title);
      if (name === null) continue;
      map.set(name, a.status === 'passed' ? 'pass' : a.status === 'failed' ? 'fail' : 'skip');
    }
  }
  return map;
}

export function runModelConformance(repoRoot: string): Map<string, ModelVerdict> {
  const dir = mkdtempSync(join(tmpdir(), 'hmm-check-conformance-'));
  try {
    const out = join(dir, 'vitest.json');
    spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/conformance', '--reporter=json', `--outputFile=${out}`], { cwd: repoRoot, encoding: 'utf8' });
    return verdictsFromVitestJson(readFileSync(out, 'utf8'));
  } catch {
    return new Map();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
