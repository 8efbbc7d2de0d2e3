/**
 * tools/testing/selftests/vm/hmm-tests.c of the same tree: built static against the tree's
 * `make headers_install`, with the harness's per-test timeout raised for emulation (the harness
 * hard-codes 30 s; under TCG + KASAN a THP test needs longer), and its TAP output parsed.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KernelSetupError } from './errors.ts';
import { gccStatic } from './build.ts';

export type SelftestResult = 'pass' | 'fail' | 'timeout' | 'skip' | 'not-run';

export interface SelftestOutcome {
  readonly name: string;
  readonly result: SelftestResult;
  readonly seconds?: number;
}

export function selftestDir(src: string): string {
  for (const d of ['tools/testing/selftests/mm', 'tools/testing/selftests/vm']) if (existsSync(join(src, d, 'hmm-tests.c'))) return join(src, d);
  throw new KernelSetupError(`${src} has no tools/testing/selftests/{mm,vm}/hmm-tests.c`, 'use a kernel tree from 5.7 or newer (--source DIR)');
}

export function patchHarnessTimeout(harness: string, seconds: number): string {
  const re = /#define TEST_TIMEOUT_DEFAULT \d+/;
  if (!re.test(harness)) throw new KernelSetupError('kselftest_harness.h has no TEST_TIMEOUT_DEFAULT', 'use a tree whose harness has a per-test timeout, or drop --selftest-timeout');
  return harness.replace(re, `#define TEST_TIMEOUT_DEFAULT ${seconds}`);
}

/** Builds hmm-tests into workDir; returns the binary's path. */
export function buildHmmTests(src: string, headers: string, workDir: string, timeoutSeconds: number): string {
  const dir = selftestDir(src);
  const tree = join(workDir, 'selftests');
  mkdirSync(join(tree, 'vm'), { recursive: true });
  copyFileSync(join(dir, 'hmm-tests.c'), join(tree, 'vm', 'hmm-tests.c'));
  const sel = join(src, 'tools', 'testing', 'selftests');
  writeFileSync(join(tree, 'kselftest_harness.h'), patchHarnessTimeout(readFileSync(join(sel, 'kselftest_harness.h'), 'utf8'), timeoutSeconds));
  copyFileSync(join(sel, 'kselftest.h'), join(tree, 'kselftest.h'));
  const bin = join(workDir, 'hmm-tests');
  gccStatic(['-Wall', '-I', src, '-I', join(headers, 'include'), join(tree, 'vm', 'hmm-tests.c'), '-o', bin], 'hmm-tests.c');
  return bin;
}

/**
 * TAP lines of kselftest_harness (6.1): "#  RUN  hmm.hmm_device_private.anon_read ..." starts a
 * test; "ok 3 hmm.hmm_device_private.anon_read" or "not ok 8 …" ends it; a skip prints only
 * "ok 5 # SKIP reason" and a timeout "# anon_write_huge: Test terminated by timeout" first, so
 * both take their name from the RUN line. A skip in FIXTURE_SETUP prints "#      SKIP      …" and
 * then a plain "ok 27 hmm.hmm_device_coherent.open_close": it counts as a skip, not a pass.
 */
export function parseTap(lines: readonly string[]): SelftestOutcome[] {
  const out: SelftestOutcome[] = [];
  let running: string | null = null;
  let timedOut = false;
  let skipped = false;
  for (const raw of lines) {
    const line = raw.trim();
    const run = /^#\s+RUN\s+(\S+)/.exec(line);
    if (run) {
      running = run[1]!;
      timedOut = false;
      skipped = false;
      continue;
    }
    // 6.1's harness prints "ok" for a test whose FIXTURE_SETUP skipped it (SKIP(exit(0), …))
    if (/^#\s+SKIP\s/.test(line)) skipped = true;
    if (/^#\s+\S+: Test terminated by timeout/.test(line)) timedOut = true;
    const m = /^(not )?ok \d+\s*(\S*)\s*(?:#\s*(.*))?$/.exec(line);
    if (!m || running === null) continue;
    const named = m[2] !== undefined && m[2] !== '' && m[2] !== '#' ? m[2] : null;
    const name = named ?? running;
    const skip = skipped || /^SKIP/i.test(m[3] ?? '') || /#\s*SKIP/i.test(line);
    out.push({ name, result: skip ? 'skip' : timedOut ? 'timeout' : m[1] ? 'fail' : 'pass' });
    running = null;
    timedOut = false;
    skipped = false;
  }
  return out;
}

export function countResults(outcomes: readonly SelftestOutcome[]): Record<SelftestResult, number> {
  const c: Record<SelftestResult, number> = { pass: 0, fail: 0, timeout: 0, skip: 0, 'not-run': 0 };
  for (const o of outcomes) c[o.result]++;
  return c;
}
