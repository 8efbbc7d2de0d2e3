/**
 * Mermaid sequence diagram (`<property>.mmd`) of a counterexample: the spec's participants
 * (CPU threads, device, driver, core-mm for HMM) as lifelines, one arrow per step from
 * `TraceView.arrow`, the view's notes, and a closing note naming the violation.
 *
 * The diagram is first built as plain data (SequenceDiagram) so the HTML report can draw the
 * same diagram as inline SVG (svg.ts) without shipping Mermaid's 3 MB browser bundle.
 */
import { violationSentence } from './explain.ts';
import type { PresentedTrace } from './present.ts';
import { formatChange } from './values.ts';

export interface SeqParticipant {
  /** Mermaid-safe alias: P0, P1, … */
  readonly id: string;
  readonly label: string;
}

export type SeqItem =
  | { readonly kind: 'message'; readonly step: number; readonly from: string; readonly to: string; readonly text: string }
  | { readonly kind: 'note'; readonly over: readonly string[]; readonly text: string; readonly tone: 'info' | 'violation' };

export interface SequenceDiagram {
  readonly participants: readonly SeqParticipant[];
  readonly items: readonly SeqItem[];
}

/** At most this many changed variables are shown in the closing note. */
const MAX_CHANGES_IN_NOTE = 4;

export function toSequence(t: PresentedTrace): SequenceDiagram {
  const participants = t.participants.map((label, i) => ({ id: `P${i}`, label }));
  const idOf = new Map(participants.map((p) => [p.label, p.id]));
  const id = (label: string): string => idOf.get(label) ?? participants[0]?.id ?? 'P0';
  const items: SeqItem[] = [];
  for (const s of t.steps.slice(1)) {
    if (!s.arrow) continue;
    if (t.loopIndex !== undefined && s.index === t.loopIndex + 1) {
      items.push({ kind: 'note', over: [id(s.arrow.from)], text: `↺ cycle begins: steps ${s.index}…${t.steps.length - 1} repeat for ever`, tone: 'info' });
    }
    const inLoop = t.loopIndex !== undefined && s.index > t.loopIndex;
    items.push({ kind: 'message', step: s.index, from: id(s.arrow.from), to: id(s.arrow.to), text: inLoop ? `↺ ${s.arrow.text}` : s.arrow.text });
    if (s.note) items.push({ kind: 'note', over: [id(s.arrow.from)], text: s.note, tone: 'info' });
  }
  if (t.loopIndex !== undefined && t.loopIndex === t.steps.length - 1 && participants.length > 0) {
    items.push({ kind: 'note', over: [participants[0]!.id], text: '↺ stuck here for ever (no action enabled)', tone: 'info' });
  }
  const last = t.steps[t.steps.length - 1];
  const changes = last ? last.changes.slice(0, MAX_CHANGES_IN_NOTE).map(formatChange) : [];
  if (last && last.changes.length > MAX_CHANGES_IN_NOTE) changes.push('…');
  const span = participants.length === 0 ? [] : participants.length === 1 ? [participants[0]!.id] : [participants[0]!.id, participants[participants.length - 1]!.id];
  items.push({
    kind: 'note',
    over: span.length > 0 ? span : ['P0'],
    text: [`${t.classification === 'example' ? '✓' : '✗'} ${violationSentence(t)}`, ...changes].join('\n'),
    tone: t.classification === 'example' ? 'info' : 'violation',
  });
  return { participants: participants.length > 0 ? participants : [{ id: 'P0', label: 'system' }], items };
}

/**
 * Mermaid text escapes: `;` ends a statement and `#` starts an entity, so both are written as
 * entity codes; line breaks inside a message or note are `<br/>`.
 */
export function mermaidText(s: string): string {
  return s.replace(/[#;]/g, (c) => (c === '#' ? '#35;' : '#59;')).replace(/\r?\n/g, '<br/>');
}

function participantLabel(s: string): string {
  // Participant display names may not contain the `as` keyword boundary issues or quotes.
  return mermaidText(s).replace(/"/g, "'");
}

export function toMermaid(d: SequenceDiagram): string {
  const out: string[] = ['sequenceDiagram', '  autonumber'];
  for (const p of d.participants) out.push(`  participant ${p.id} as ${participantLabel(p.label)}`);
  for (const it of d.items) {
    if (it.kind === 'message') out.push(`  ${it.from}->>${it.to}: ${mermaidText(it.text)}`);
    else out.push(`  Note over ${it.over.join(',')}: ${mermaidText(it.text)}`);
  }
  return `${out.join('\n')}\n`;
}
