/** `--json` results[] and the report's rows are one record (cli/output/verdict-record.ts) in both. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonDocument } from '../../../cli/output/json.ts';
import { toReportRun } from '../../../cli/commands/report.ts';
import type { JobResult, RowResult } from '../../../cli/job.ts';
import { mutexCounterexample } from '../../checker/report/helpers.ts';

const cwd = process.cwd();
const violated: RowResult = {
  property: 'mutual-exclusion', kind: 'always', description: 'at most one in CS', expected: 'violated', verdict: 'violated', match: true,
  detail: 'violated after 4 steps', counterexample: '0/0/1/0/1',
  files: { itf: join(cwd, 'cx', 'm.itf.json'), md: join(cwd, 'cx', 'm.md'), mmd: join(cwd, 'cx', 'm.mmd') },
  trace: mutexCounterexample(),
};
const holds: RowResult = { property: 'deadlock-free', kind: 'deadlock', expected: 'holds', verdict: 'holds', match: true, detail: '', counterexample: null, files: null };
const job = {
  spec: 'mutex', config: 'check-then-set', file: join(cwd, 'specs', 'examples', 'mutex.spec.ts'), exportName: 'spec', modelId: 'mutex@check-then-set',
  params: '{}', status: 'exhaustive', rows: [violated, holds],
  checkConfig: { strategy: 'bfs', maxStates: Infinity, maxDepth: Infinity, timeoutMs: Infinity, deadlock: true },
  stats: { elapsedMs: 12, distinct: 9, transitions: 16, deadlocks: 0, maxDepth: 4, peakRssBytes: 1, bytesPerState: 1, collisionProbability: 0 },
} as unknown as JobResult;

const RECORD_KEYS = ['property', 'kind', 'description', 'expected', 'verdict', 'match', 'counterexample', 'files', 'detail'];
const pick = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(RECORD_KEYS.filter((k) => k in o).map((k) => [k, o[k]]));

describe('one verdict record', () => {
  const json = (jsonDocument('check', 'ok', [job]) as { results: Record<string, unknown>[] }).results;
  const report = toReportRun(job).rows as unknown as Record<string, unknown>[];
  it('is the same in --json and in the report, files shown relative to the working directory', () => {
    expect(json.map(pick)).toEqual(report.map(pick));
    expect(json[0]).toMatchObject({ counterexample: '0/0/1/0/1', files: { itf: join('cx', 'm.itf.json') }, description: 'at most one in CS' });
    expect('description' in json[1]!).toBe(false);
  });
  it('--json adds the check around it, the report the trace', () => {
    expect(Object.keys(json[0]!).filter((k) => !RECORD_KEYS.includes(k)).sort()).toEqual(['config', 'depth', 'distinctStates', 'seconds', 'spec']);
    expect(Object.keys(report[0]!).filter((k) => !RECORD_KEYS.includes(k))).toEqual(['trace']);
    expect(Object.keys(report[1]!).filter((k) => !RECORD_KEYS.includes(k))).toEqual([]);
  });
});
