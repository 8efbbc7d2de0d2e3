/** Action coverage in the report: per spec, and a gap only when a kind fires nowhere in the run. */
import { describe, expect, it } from 'vitest';
import { type ReportRun, specCoverage } from '../../../checker/report/html.ts';

const run = (spec: string, config: string, coverage: Record<string, number>, actionKinds: string[]): ReportRun =>
  ({ spec, config, coverage, actionKinds, rows: [], params: '', bounds: {}, status: 'exhaustive',
     stats: { distinct: 1, transitions: 1, maxDepth: 0, deadlocks: 0, seconds: 0, peakRssMB: 0 } }) as unknown as ReportRun;

describe('specCoverage', () => {
  const kinds = ['a', 'b', 'c', 'd'];
  const runs = [
    run('s1', 'x', { a: 3 }, kinds),
    run('s1', 'y', { a: 1, b: 2, extra: 5 }, kinds),
    run('s2', 'z', { c: 4 }, kinds),
  ];
  const [s1, s2] = specCoverage(runs);
  it('sums over configurations and counts where each kind fired', () => {
    expect(s1!.configs).toBe(2);
    expect(s1!.lines.find((l) => l.kind === 'a')).toMatchObject({ count: 4, configsFired: 2, gap: false });
    expect(s1!.lines.find((l) => l.kind === 'b')).toMatchObject({ count: 2, configsFired: 1, gap: false });
  });
  it('flags only kinds that fired in no configuration of any spec (specs share models)', () => {
    expect(s1!.lines.find((l) => l.kind === 'c')).toMatchObject({ count: 0, gap: false }); // fired in s2
    expect(s1!.lines.find((l) => l.kind === 'd')).toMatchObject({ count: 0, gap: true });
    expect(s2!.lines.filter((l) => l.gap).map((l) => l.kind)).toEqual(['d']);
  });
  it('lists declared kinds in order, then undeclared ones that fired', () => {
    expect(s1!.lines.map((l) => l.kind)).toEqual(['a', 'b', 'c', 'd', 'extra']);
  });
});

describe('report anchors', () => {
  it('differ for runs whose names only concatenate alike', async () => {
    const { anchor } = await import('../../../checker/report/html.ts');
    const a = anchor({ spec: 'a-b', config: 'c' }, { property: 'p' });
    const b = anchor({ spec: 'a', config: 'b-c' }, { property: 'p' });
    const c = anchor({ spec: 'a.b', config: 'c' }, { property: 'p' });
    expect(new Set([a, b, c]).size).toBe(3);
    expect(a).toMatch(/^[A-Za-z0-9._-]+$/);
  });
});
