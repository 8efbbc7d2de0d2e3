/** Golden outputs of one small counterexample (fast-check NoRegression style): Markdown, Mermaid, text, SVG. */
import { describe, expect, it } from 'vitest';
import { toMarkdown } from '../../../checker/report/markdown.ts';
import { toMermaid, toSequence } from '../../../checker/report/mermaid.ts';
import { toSvg } from '../../../checker/report/svg.ts';
import { toText } from '../../../checker/report/text.ts';
import { mutexCounterexample } from './helpers.ts';

const ctx = { spec: 'mutex', config: 'check-then-set', itfPath: 'counterexamples/mutex/check-then-set/mutual-exclusion.itf.json' };

describe('counterexample writers (golden)', () => {
  const t = mutexCounterexample();
  it('markdown', async () => {
    await expect(toMarkdown(t, ctx)).toMatchFileSnapshot('./__golden__/mutex-check-then-set.md');
  });
  it('mermaid', async () => {
    await expect(toMermaid(toSequence(t))).toMatchFileSnapshot('./__golden__/mutex-check-then-set.mmd');
  });
  it('text', async () => {
    await expect(toText(t, ctx)).toMatchFileSnapshot('./__golden__/mutex-check-then-set.txt');
  });
  it('svg', async () => {
    await expect(toSvg(toSequence(t))).toMatchFileSnapshot('./__golden__/mutex-check-then-set.svg');
  });
  it('mermaid escapes statement separators and entities', () => {
    const d = { participants: [{ id: 'P0', label: 'cpu0' }], items: [{ kind: 'message' as const, step: 1, from: 'P0', to: 'P0', text: 'a; b #1\nc' }] };
    expect(toMermaid(d)).toContain('P0->>P0: a#59; b #35;1<br/>c');
  });
});
