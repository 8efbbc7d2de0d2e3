/** A lasso in every writer: the cycle is marked, and the sentence says which steps repeat. */
import { describe, expect, it } from 'vitest';
import { check, eventually, type Model } from '../../../checker/index.ts';
import { toHtml } from '../../../checker/report/html.ts';
import { toItfTrace } from '../../../checker/report/itf.ts';
import { toMarkdown } from '../../../checker/report/markdown.ts';
import { toMermaid, toSequence } from '../../../checker/report/mermaid.ts';
import { presentTrace, resolveView } from '../../../checker/report/present.ts';
import { toText } from '../../../checker/report/text.ts';

// 0 → 1 → 2 → 1 …: state 3 (the goal) is never reached; the loop is steps 2…3.
const model: Model<number, string> = {
  id: 'ring',
  initialStates: () => [0],
  successors(s, emit) {
    emit('next', s === 2 ? 1 : s + 1);
  },
  codec: { encode: (s, w) => w.push(s) },
};

describe('lasso rendering', () => {
  const o = check(model, [eventually<number>('reaches-3', (s) => s === 3)], { deadlock: 'count' }).properties[0]!;
  const t = presentTrace(o.trace!, resolveView(undefined), 'eventually');
  it('the engine returns stem 0→1, cycle 1→2→1', () => {
    expect(o.trace!.replay).toBe('0/0~0/0');
    expect(t.loopIndex).toBe(1);
  });
  it('ITF: loop is the index of the state the last one repeats', () => {
    const itf = toItfTrace(t, { spec: 's', config: 'c', specFile: 's.ts', generatedBy: 'test' });
    expect(itf.loop).toBe(1);
    expect(itf.states).toHaveLength(4);
  });
  it('Markdown and text mark the cycle steps; the sentence names them', () => {
    const md = toMarkdown(t, { spec: 's', config: 'c', itfPath: 'x.itf.json' });
    expect(md).toContain('| 2 ↺ |');
    expect(md).toContain('| 3 ↺ |');
    expect(md).not.toContain('| 1 ↺ |');
    expect(md).toContain('steps 2…3 repeat for ever (step 3 returns to the state after step 1) and reaches-3 never holds');
    expect(toText(t, { spec: 's', config: 'c' })).toContain('3↺');
  });
  it('Mermaid notes where the cycle begins', () => {
    expect(toMermaid(toSequence(t))).toContain('↺ cycle begins: steps 2…3 repeat for ever');
  });
  it('HTML shades the cycle rows', () => {
    const html = toHtml({
      tool: { name: 'hmm-check', version: '0', commit: 'x', dirty: false },
      generatedAt: 'now',
      runtime: 'node',
      runs: [{
        spec: 's', config: 'c', file: 's.ts', modelId: 'ring', params: '{}', bounds: {}, status: 'exhaustive',
        stats: { distinct: 3, transitions: 3, maxDepth: 2, deadlocks: 0, seconds: 0, peakRssMB: 0 },
        rows: [{ property: 'reaches-3', kind: 'eventually', expected: 'violated', verdict: 'violated', match: true, detail: o.detail, counterexample: o.trace!.replay, files: null, trace: t }],
      }],
    });
    expect(html.match(/<tr class="loop">/g)).toHaveLength(2);
    expect(html).toContain('Cycle (shaded): steps 2–3 repeat for ever');
  });
});
