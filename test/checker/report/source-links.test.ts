/** Step source links in the Markdown counterexample and the HTML report (a trace is data: http(s) only). */
import { describe, expect, it } from 'vitest';
import { toMarkdown } from '../../../checker/report/markdown.ts';
import { sourceCell } from '../../../checker/report/html.ts';
import type { PresentedTrace } from '../../../checker/report/present.ts';
import type { SourceLink } from '../../../checker/report/view.ts';
import { mutexCounterexample } from './helpers.ts';

const A: SourceLink = { text: 'enter', url: 'https://example.org/ident/enter', title: 'src: enter' };
const B: SourceLink = { text: 'mm/x.c', url: 'https://example.org/source/mm/x.c' };
const EVIL: SourceLink = { text: 'evil', url: 'javascript:alert(1)' };

function withSources(t: PresentedTrace, pick: (i: number) => SourceLink | undefined): PresentedTrace {
  return { ...t, steps: t.steps.map((s, i) => (i === 0 || pick(i) === undefined ? s : { ...s, source: pick(i)! })) };
}

describe('Markdown source column', () => {
  const t = mutexCounterexample();
  it('is absent when no step has a source (the view has no hook)', () => {
    expect(toMarkdown(t, { spec: 's', config: 'c' })).not.toContain('| source |');
  });
  it('links each step by a short reference, each URL defined once below the table', () => {
    const md = toMarkdown(withSources(t, (i) => (i % 2 === 1 ? A : B)), { spec: 's', config: 'c' });
    expect(md).toContain('| # | actor | action | source | what changed |');
    const rows = md.split('\n').filter((l) => /^\| \d/.test(l));
    expect(rows.length).toBe(t.steps.length - 1);
    expect(rows.every((r) => r.includes('| [enter] |') || r.includes('| [mm/x.c] |'))).toBe(true);
    expect(md.split('\n').filter((l) => l.startsWith('[enter]: ') || l.startsWith('[mm/x.c]: '))).toEqual([
      `[enter]: ${A.url}`, ...(t.steps.length > 2 ? [`[mm/x.c]: ${B.url}`] : []),
    ]);
  });
  it('two URLs with the same text get distinct references', () => {
    const other: SourceLink = { text: 'enter', url: 'https://example.org/v2/enter' };
    const md = toMarkdown(withSources(t, (i) => (i === 1 ? A : i === 2 ? other : undefined)), { spec: 's', config: 'c' });
    expect(md).toContain(`[enter]: ${A.url}`);
    expect(md).toContain(`[enter 2]: ${other.url}`);
    expect(md).toContain('| [enter][enter 2] |');
  });
  it('never links a non-http URL', () => {
    const md = toMarkdown(withSources(t, () => EVIL), { spec: 's', config: 'c' });
    expect(md).not.toContain('javascript:');
    expect(md).not.toContain('| source |');
  });
});

describe('HTML source cell', () => {
  it('is a link with the title, escaped', () => {
    expect(sourceCell(A)).toBe('<a class="src" href="https://example.org/ident/enter" title="src: enter"><code>enter</code></a>');
    expect(sourceCell({ text: '<b>', url: 'https://e.org/?a=1&b=2' })).toBe('<a class="src" href="https://e.org/?a=1&amp;b=2"><code>&lt;b&gt;</code></a>');
  });
  it('is empty for no source or a non-http URL', () => {
    expect(sourceCell(undefined)).toBe('');
    expect(sourceCell(EVIL)).toBe('');
  });
});
