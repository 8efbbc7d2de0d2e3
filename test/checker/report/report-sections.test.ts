/**
 * The report's reader-facing sections: each distinct trace once with every property it breaks,
 * findings apart from the broken variants, coverage gaps only on a run of every spec, one legend
 * per distinct glossary, and explanations that name the step that last set each variable.
 */
import { describe, expect, it } from 'vitest';
import { always } from '../../../checker/property.ts';
import { distinctTraces, legends, type ReportData, type ReportRow, type ReportRun, specCoverage, toHtml, toReportMarkdown } from '../../../checker/report/html.ts';
import { lastChanged, presentTrace, resolveView } from '../../../checker/report/present.ts';
import type { TraceView } from '../../../checker/report/view.ts';
import type { ReplayPath, Trace } from '../../../checker/trace.ts';
import { mutexCounterexample } from './helpers.ts';

const trace = mutexCounterexample();
const row = (property: string, replay: string, extra: Partial<ReportRow> = {}): ReportRow => ({
  property, kind: 'always', expected: 'violated', verdict: 'violated', match: true, detail: '', counterexample: replay, files: null,
  trace: { ...trace, property, replay }, ...extra,
});
const run = (spec: string, config: string, rows: ReportRow[], extra: Partial<ReportRun> = {}): ReportRun => ({
  spec, config, file: 'x.spec.ts', modelId: `${spec}@${config}`, params: '{}', bounds: {}, status: 'exhaustive',
  stats: { distinct: 9, transitions: 16, maxDepth: 4, deadlocks: 0, seconds: 0, peakRssMB: 0 }, rows, ...extra,
});
const data = (runs: ReportRun[], extra: Partial<ReportData> = {}): ReportData => ({
  tool: { name: 'hmm-check', version: '0', commit: 'c', dirty: false }, generatedAt: 't', runtime: 'r', runs, ...extra,
});

describe('distinct traces', () => {
  // three violated properties, two of them on the same replay path, in one configuration;
  // the same path in another configuration is another model, hence another trace
  const runs = [run('s', 'a', [row('p1', '0/0/1'), row('p2', '0/0/1'), row('p3', '0/1')]), run('s', 'b', [row('p1', '0/0/1')])];
  it('groups properties by replay path within a configuration', () => {
    const g = distinctTraces(runs);
    expect(g.map((x) => `${x.run.config}:${x.rows.map((r) => r.property).join('+')}`)).toEqual(['a:p1+p2', 'a:p3', 'b:p1']);
  });
  it('draws each trace once, keeping an anchor for every property', () => {
    const html = toHtml(data(runs));
    expect(html.match(/<section class="cx"/g)).toHaveLength(3);
    expect(html.match(/<svg /g)).toHaveLength(3);
    for (const p of ['p1', 'p2', 'p3']) expect(html).toContain(`id="cx.s.a.${p}"`);
    expect(html).toContain('4 violated properties, 3 distinct traces');
    const md = toReportMarkdown(data(runs));
    expect(md.match(/```mermaid/g)).toHaveLength(3);
    expect(md).toContain('The same trace also breaks `p2`');
  });
});

describe('findings first', () => {
  const runs = [
    run('s', 'real', [row('p1', '0/0/1')], { finding: true, description: 'the unmodified driver' }),
    run('s', 'broken', [row('p1', '0/0/1'), row('p2', '0/1')]),
  ];
  it('lists findings before the verdicts, and counts the broken variants apart', () => {
    const html = toHtml(data(runs));
    const findings = html.indexOf('<h2 id="findings">');
    expect(findings).toBeGreaterThan(0);
    expect(findings).toBeLessThan(html.indexOf('<h2 id="verdicts">'));
    const section = html.slice(findings, html.indexOf('<h2 id="verdicts">'));
    expect(section).toContain('the unmodified driver');
    expect(section).not.toContain('<b>s</b> / broken');
    expect(section).toContain('Deliberately broken variants: 1 configuration, 2 violations');
  });
  it('says so when nothing is a finding', () => {
    expect(toHtml(data([runs[1]!]))).toContain('No violation of an unmodified system in this run.');
  });
});

describe('coverage gaps', () => {
  const runs = [run('s', 'a', [], { coverage: { used: 2 }, actionKinds: ['used', 'other-specs-kind'] })];
  it('are flagged on a run of every spec, not on a selection', () => {
    expect(specCoverage(runs)[0]!.lines.find((l) => l.kind === 'other-specs-kind')!.gap).toBe(true);
    expect(specCoverage(runs, true)[0]!.lines.every((l) => !l.gap)).toBe(true);
    expect(toHtml(data(runs))).toContain('1 declared action kind never fired');
    const partial = toHtml(data(runs, { partial: true }));
    expect(partial).not.toContain('never fired:');
    expect(partial).toContain('This report covers part of the specs');
  });
});

describe('legend', () => {
  it('shows each distinct glossary once, naming the specs that share it', () => {
    const legend = [['ref1', 'refcount 1']] as const;
    const runs = [run('s1', 'a', [], { legend }), run('s1', 'b', [], { legend }), run('s2', 'c', [], { legend }), run('s3', 'd', [])];
    expect(legends(runs)).toEqual([{ specs: ['s1', 's2'], entries: legend }]);
    const html = toHtml(data(runs));
    expect(html.match(/<h2 id="legend">/g)).toHaveLength(1);
    expect(html).toContain('<td><code>ref1</code></td><td>refcount 1</td>');
  });
});

describe('explanations', () => {
  // a counter x that steps 0 → 1 → 2 with y set at step 1; the invariant x < 2 breaks at step 2
  type S = { x: number; y: number };
  const steps = [{ index: 0, state: { x: 0, y: 0 } }, { index: 1, action: 'inc', actionIndex: 0, state: { x: 1, y: 5 } }, { index: 2, action: 'inc', actionIndex: 0, state: { x: 2, y: 5 } }];
  const t: Trace<S, string> = { modelId: 'toy', property: 'x-small', classification: 'counterexample', steps, replay: '0/0/0' as ReplayPath };
  const view: TraceView<S, string> = {
    vars: (s) => ({ x: { '#bigint': String(s.x) }, y: { '#bigint': String(s.y) } }),
    label: (a) => a,
    explain: (p, s) => (p === 'x-small' && !always<S>('x-small', (q) => q.x < 2).holds(s) ? { text: `x = ${s.x}`, vars: ['x', 'y'] } : undefined),
  };
  it('names the step that last set each variable', () => {
    const p = presentTrace(t, resolveView(view), 'always');
    expect(lastChanged('x', p.steps)).toBe(2);
    expect(lastChanged('y', p.steps)).toBe(1);
    expect(p.explanation).toBe('x = 2 (x set at step 2; y set at step 1)');
  });
  it('is absent without a hook, and the sentence stays generic', () => {
    expect(presentTrace(t, resolveView({ vars: view.vars, label: view.label }), 'always').explanation).toBeUndefined();
  });
});

describe('readable parameters', () => {
  it('one key: value line per field, nested records one level deep, no JSON quotes', async () => {
    const { readableParams } = await import('../../../checker/report/html.ts');
    expect(readableParams('{"model":{"driver":"reference","pages":1,"cpu":[{"ops":[{"op":"write","page":0}]}]},"witnesses":["wWrite"]}')).toEqual([
      'model.driver: reference',
      'model.pages: 1',
      'model.cpu: [{ ops: [{ op: write, page: 0 }] }]',
      'witnesses: [wWrite]',
    ]);
    expect(readableParams('400')).toEqual(['400']);
  });
});
