/**
 * Markdown counterexample (`<property>.md`): a header with the replay command, the initial
 * state, then one numbered row per step (actor, kernel function, only what changed), then the
 * violation in one sentence. Meant to be pasted into a design review as is.
 */
import { violationSentence } from './explain.ts';
import type { PresentedTrace } from './present.ts';
import type { SourceLink } from './view.ts';
import { formatChange, formatItf } from './values.ts';

export interface MarkdownContext {
  readonly spec: string;
  readonly config: string;
  /** path of the ITF file, as the reader should type it in the replay command */
  readonly itfPath?: string;
  /** heading level of the title (1 for a standalone file, deeper when embedded in the report) */
  readonly headingLevel?: number;
}

export function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** ↺ on the steps of a lasso's cycle, ▶ on the request a leadsTo counterexample leaves unanswered. */
function loopMark(t: PresentedTrace, i: number): string {
  const inLoop = t.loopIndex !== undefined && i > t.loopIndex ? ' ↺' : '';
  const trigger = t.triggerIndex !== undefined && i === t.triggerIndex ? ' ▶' : '';
  return inLoop + trigger;
}

export function toMarkdown(t: PresentedTrace, ctx: MarkdownContext): string {
  const h = '#'.repeat(ctx.headingLevel ?? 1);
  const out: string[] = [];
  const verb = t.classification === 'example' ? 'witnessed' : 'violated';
  out.push(`${h} \`${t.property}\` ${verb} in ${ctx.spec} / ${ctx.config}`, '');
  const n = t.steps.length - 1;
  out.push(
    `**${t.propertyKind}** property${t.description ? `: ${t.description}` : ''}. ` +
      `${t.classification === 'example' ? 'Witness' : 'Counterexample'} of ${n} step${n === 1 ? '' : 's'} on model \`${t.modelId}\`.`,
    '',
  );
  const replayCmd = ctx.itfPath ? `npx hmm-check replay ${ctx.itfPath}` : undefined;
  out.push(`Replay: ${replayCmd ? `\`${replayCmd}\` ` : ''}(action path \`${t.replay}\`)`, '');
  const init = t.steps[0];
  if (init) {
    out.push('**Initial state**', '');
    for (const [k, v] of Object.entries(init.vars)) out.push(`- ${k} = ${formatItf(v)}`);
    out.push('');
  }
  const refs = sourceRefs(t);
  const withSource = refs.size > 0;
  out.push(
    `| # | actor | ${cell(t.actionColumn)} |${withSource ? ' source |' : ''} what changed |`,
    `|--:|---|---|${withSource ? '---|' : ''}---|`,
  );
  for (const s of t.steps.slice(1)) {
    const changed = s.changes.length === 0 ? '(nothing)' : s.changes.map(formatChange).join('<br>');
    const note = s.note ? ` — ${s.note}` : '';
    const src = withSource ? ` ${s.source && refs.has(s.source.url) ? refLink(s.source, refs) : ''} |` : '';
    out.push(`| ${s.index}${loopMark(t, s.index)} | ${cell(s.actor)} | ${cell(s.label + note)} |${src} ${cell(changed)} |`);
  }
  out.push('');
  // reference-style links keep the table readable: [do_swap_page] in the cell, the URL once below
  if (withSource) {
    for (const [url, ref] of refs) out.push(`[${ref}]: ${url}`);
    out.push('');
  }
  if (t.loopIndex !== undefined) {
    const n = t.steps.length - 1;
    out.push(
      t.loopIndex === n
        ? `↺ The run stays in the state after step ${n} for ever (no action is enabled).`
        : `↺ Cycle: steps ${t.loopIndex + 1}–${n} (marked ↺) repeat for ever; step ${n} returns to the state after step ${t.loopIndex}.`,
      '',
    );
  }
  out.push(`**${t.classification === 'example' ? 'Witness' : 'Violation'}:** ${violationSentence(t)}.`, '');
  return out.join('\n');
}

/** One reference label per distinct source URL, in order of first use: the link text, made unique. */
function sourceRefs(t: PresentedTrace): Map<string, string> {
  const refs = new Map<string, string>();
  const taken = new Set<string>();
  for (const s of t.steps) {
    if (s.source === undefined || !isWebUrl(s.source.url) || refs.has(s.source.url)) continue;
    const base = refText(s.source.text);
    let ref = base;
    for (let k = 2; taken.has(ref.toLowerCase()); k++) ref = `${base} ${k}`;
    taken.add(ref.toLowerCase());
    refs.set(s.source.url, ref);
  }
  return refs;
}

/** Reference labels may not hold brackets; a backslash would escape them. */
function refText(text: string): string {
  return text.replace(/[[\]\\]/g, '');
}

function refLink(src: SourceLink, refs: Map<string, string>): string {
  const ref = refs.get(src.url)!;
  return ref === refText(src.text) ? `[${cell(ref)}]` : `[${cell(refText(src.text))}][${cell(ref)}]`;
}

/** Source links are http(s) only: a presented trace may come from a results file, and a trace is data. */
export function isWebUrl(url: string): boolean {
  return /^https?:\/\/[^\s<>"]+$/.test(url);
}
