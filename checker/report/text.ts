/**
 * Console text of a counterexample, in fast-check's style: a headline, the replay token, then a
 * table of steps (actor, action, what changed) and the violation in one sentence.
 *
 *   ✗ always "mutual-exclusion" violated: counterexample, 4 steps
 *   { spec: "mutex", config: "broken", property: "mutual-exclusion", path: "0/0/1/0/1" }
 *     #  actor  action      what changed
 *     0  —      (initial)   pc: [idle, idle] …
 */
import { headline, violationSentence } from './explain.ts';
import type { PresentedTrace } from './present.ts';
import { formatChange, formatItf } from './values.ts';

export interface TextContext {
  readonly spec: string;
  readonly config: string;
  readonly itfPath?: string;
  /** cap on the "what changed" column width (characters) */
  readonly width?: number;
}

export function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function toText(t: PresentedTrace, ctx: TextContext): string {
  const mark = t.classification === 'example' ? '✓' : '✗';
  const out: string[] = [`${mark} ${headline(t)} — ${t.modelId}`];
  out.push(`{ spec: ${JSON.stringify(ctx.spec)}, config: ${JSON.stringify(ctx.config)}, property: ${JSON.stringify(t.property)}, path: ${JSON.stringify(t.replay)} }`);
  const rows: [string, string, string, string][] = [['#', 'actor', t.actionColumn, 'what changed']];
  for (const s of t.steps) {
    const changed =
      s.index === 0 || s.actionIndex === undefined
        ? Object.entries(s.vars).map(([k, v]) => `${k}=${formatItf(v)}`).join(' ')
        : s.changes.length === 0
          ? '(nothing)'
          : s.changes.map(formatChange).join('; ');
    const loop = t.loopIndex !== undefined && s.index > t.loopIndex ? '↺' : '';
    rows.push([`${s.index}${loop}`, s.actor, s.label, changed]);
  }
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const w2 = Math.min(48, Math.max(...rows.map((r) => r[2].length)));
  const max = ctx.width ?? 160;
  for (const r of rows) {
    let line = `  ${pad(r[0], w0)}  ${pad(r[1], w1)}  ${pad(r[2], w2)}  ${r[3]}`;
    if (line.length > max) line = `${line.slice(0, max - 1)}…`;
    out.push(line.trimEnd());
  }
  out.push(`${t.classification === 'example' ? 'Witness' : 'Violation'}: ${violationSentence(t)}.`);
  if (ctx.itfPath) out.push(`Replay: npx hmm-check replay ${ctx.itfPath}`);
  return out.join('\n');
}
