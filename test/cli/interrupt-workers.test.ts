/**
 * Ctrl-C during a search on worker threads behaves as with one thread: "interrupted" on stderr
 * with what the check explored, verdicts incomplete ('interrupted'), the same --json document,
 * exit 130, and the process (its worker threads with it) gone within seconds.
 *
 * BEEM at.4 (6,597,245 states) runs for several seconds here on either path. A threaded run
 * searches 2 s on one thread and hands its search to the workers at the end of that level (a few
 * milliseconds on at.4); the progress lines (every 200 ms) carry the search time, so the signal is
 * sent once the search is a second past the trial.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BEEM } from '../model/dve/helpers.ts';
import { BIN, tempDir } from './helpers.ts';

const AT4 = `${BEEM}dve/at.4.dve`;

interface Interrupted {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stderr: string;
  readonly doc: Record<string, unknown>;
  /** the state count of the last progress line before the signal */
  readonly before: number;
  /** most threads the process had while it ran */
  readonly threads: number;
  readonly exitMs: number;
}

const statesOf = (line: string): number => Number(/… ([\d,]+) states/.exec(line)![1]!.replace(/,/g, ''));
const secondsOf = (line: string): number => Number(/, ([\d.]+)s$/.exec(line)![1]!);

/** Runs at.4 with `workers` and sends SIGINT once `ready(progressCounts, progressSeconds)` says so. */
function interrupt(workers: number, ready: (counts: readonly number[], seconds: readonly number[]) => boolean): Promise<Interrupted> {
  const child = spawn(process.execPath, [BIN, AT4, '--workers', String(workers), '--json', '--out', tempDir(), '--no-typecheck'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', HMM_CHECK_PROGRESS_MS: '200' },
  });
  let stdout = '';
  let stderr = '';
  let sentAt = 0;
  let before = 0;
  let threads = 0;
  const task = `/proc/${child.pid}/task`;
  const sample = setInterval(() => {
    if (existsSync(task)) threads = Math.max(threads, readdirSync(task).length);
  }, 50);
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    const lines = stderr.split('\n').filter((l) => l.startsWith('  … '));
    const counts = lines.map(statesOf);
    if (sentAt === 0 && ready(counts, lines.map(secondsOf))) {
      sentAt = Date.now();
      before = counts[counts.length - 1]!;
      child.kill('SIGINT');
    }
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearInterval(sample);
      resolve({ code, signal, stderr, doc: JSON.parse(stdout) as Record<string, unknown>, before, threads, exitMs: Date.now() - sentAt });
    });
  });
}

/** The workers are searching: the search is a second past the 2 s trial, which they took over at its level end. */
const workersSearching = (counts: readonly number[], seconds: readonly number[]): boolean => seconds.length > 0 && seconds[seconds.length - 1]! >= 3 && counts[counts.length - 1]! > 20_000;

/** The --json document with the figures that depend on timing (counts, coverage counts) taken out. */
function shape(doc: Record<string, unknown>): unknown {
  const timed = (k: string, v: unknown): unknown => (typeof v === 'number' ? 'number' : k === 'coverage' ? typeof v : v);
  const checks = (doc['checks'] as Record<string, unknown>[]).map((c) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, timed(k, v)])));
  return { ...doc, checks };
}

describe('SIGINT during a search on two worker threads', () => {
  it('reports what was explored and exits 130, as with one thread', async () => {
    const [one, two] = [await interrupt(1, (c) => c.length > 0 && c[c.length - 1]! > 20_000), await interrupt(2, workersSearching)];
    for (const r of [one, two]) {
      expect(r.signal).toBeNull();
      expect(r.code).toBe(130);
      expect(r.stderr).toMatch(/hmm-check: interrupted; finishing the current check and reporting what it explored/);
      expect(r.stderr).toMatch(/interrupted after 1 of 1 checks; the last check \(at\.4 \/ default\) explored [\d,]+ distinct states/);
      expect(r.stderr).not.toMatch(/error|    at /i);
      const check = (r.doc['checks'] as Record<string, number | string>[])[0]!;
      expect(check).toMatchObject({ status: 'incomplete', incompleteReason: 'interrupted' });
      // what it had explored when the signal came is in the report
      expect(check['distinctStates']).toBeGreaterThanOrEqual(r.before);
      expect(check['distinctStates']).toBeLessThan(6_597_245);
      // the search stops at its next poll, not at the end of the run
      expect(r.exitMs).toBeLessThan(10_000);
    }
    expect(shape(two.doc)).toEqual(shape(one.doc));
    // the two workers and their supervisor ran (and ended with the process)
    expect(two.threads).toBeGreaterThanOrEqual(one.threads + 3);
  }, 240_000);
});
