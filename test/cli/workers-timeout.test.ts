/**
 * --timeout with worker threads, from the command line: exit 3 (incomplete), the check's reason
 * 'timeout' and the same summary as with one thread. BEEM at.4 (6,597,245 states) runs for
 * several seconds on either path; with two workers the run searches 2 s on one thread, hands its
 * search to the workers at that level's end (milliseconds on at.4) and meets the 4 s bound there.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EXIT_INCOMPLETE } from '../../cli/exit-codes.ts';
import { BEEM } from '../model/dve/helpers.ts';
import { BIN, tempDir } from './helpers.ts';

const AT4 = `${BEEM}dve/at.4.dve`;

function run(workers: number, timeoutS: number) {
  const r = spawnSync(process.execPath, [BIN, AT4, '--workers', String(workers), '--timeout', String(timeoutS), '--json', '--out', tempDir(), '--no-typecheck'], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', HMM_CHECK_PROGRESS_MS: '200' },
    timeout: 120_000,
  });
  const seconds = r.stderr.split('\n').filter((l) => l.startsWith('  … ')).map((l) => Number(/, ([\d.]+)s$/.exec(l)![1]!));
  const doc = JSON.parse(r.stdout) as { outcome: string; exitCode: number; checks: Record<string, unknown>[] };
  return { code: r.status, stderr: r.stderr, doc, seconds };
}

describe('--timeout with two worker threads', () => {
  it('exit 3, incomplete (timeout), as with one thread', () => {
    const one = run(1, 1);
    const two = run(2, 4);
    // the search went on past the 2 s trial: on the workers, which took it over at that level's end
    expect(Math.max(...two.seconds)).toBeGreaterThan(2.5);
    for (const r of [one, two]) {
      expect(r.code).toBe(EXIT_INCOMPLETE);
      expect(r.doc).toMatchObject({ outcome: 'incomplete', exitCode: EXIT_INCOMPLETE });
      expect(r.doc.checks[0]).toMatchObject({ status: 'incomplete', incompleteReason: 'timeout' });
      expect(r.stderr).toMatch(/^ {2}incomplete: [\d,]+ states, depth \d+, [\d.]+s$/m);
      expect(r.stderr).not.toMatch(/error/i);
    }
  }, 240_000);
});
