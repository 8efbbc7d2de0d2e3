/**
 * Turns an engine Trace plus the spec's TraceView into plain, serialisable data (a
 * PresentedTrace) that every writer consumes: text, Markdown, Mermaid, SVG and ITF. Doing the
 * view calls once here keeps the writers pure functions of data, which is what the golden tests
 * pin, and lets a worker thread hand the result to the main thread.
 */
import type { Trace } from '../trace.ts';
import { type Change, defaultVars, diffVars, formatItf, toItf } from './values.ts';
import { identifier, nestVars } from './itf-names.ts';

/** A view's own ITF variables, with names made identifier-safe should it slip. */
function identifierNames(v: Record<string, ItfValue>): Record<string, ItfValue> {
  const out = Object.create(null) as Record<string, ItfValue>;
  for (const [k, x] of Object.entries(v)) out[identifier(k)] = x;
  return out;
}
import type { Explanation, ItfValue, SourceLink, TraceArrow, TraceView } from './view.ts';

export type PresentedKind = 'always' | 'sometimes' | 'alwaysStep' | 'deadlock' | 'eventually' | 'leadsTo' | 'alwaysEventually' | 'nonProgress';

export interface PresentedStep {
  readonly index: number;
  /** undefined for the initial state */
  readonly actionIndex?: number;
  readonly actor: string;
  /** the view's label, or "(initial state)" */
  readonly label: string;
  /** coverage bucket / ITF mbt::actionTaken ("init" for the initial state) */
  readonly kind: string;
  readonly arrow?: TraceArrow;
  readonly note?: string;
  /** the step's function in the source the model follows (the view's `source` hook) */
  readonly source?: SourceLink;
  readonly vars: Readonly<Record<string, ItfValue>>;
  /** the state as ITF variables (identifier names, structured values): what .itf.json records */
  readonly itf: Readonly<Record<string, ItfValue>>;
  /** versus the previous step's vars (empty for the initial state) */
  readonly changes: readonly Change[];
}

export interface PresentedTrace {
  readonly modelId: string;
  readonly property: string;
  readonly propertyKind: PresentedKind;
  readonly description?: string;
  readonly classification: 'counterexample' | 'example';
  readonly replay: string;
  /** lassos: the step whose state the last step returns to; steps loopIndex+1 … last repeat forever */
  readonly loopIndex?: number;
  /** leadsTo lassos: the step that made the request that is never answered */
  readonly triggerIndex?: number;
  /** declared participants first (view order), then any other actor in order of appearance */
  readonly participants: readonly string[];
  /** heading of the action column ("action", or the view's, e.g. "kernel function") */
  readonly actionColumn: string;
  readonly steps: readonly PresentedStep[];
  /** the view's explanation of the violation, with the step that last changed each variable it names */
  readonly explanation?: string;
}

export const INITIAL_LABEL = '(initial state)';

/** A complete view with the defaults filled in; works for any plain-data model. */
export interface ResolvedView<S, A> {
  vars(s: S): Record<string, ItfValue>;
  itfVars(s: S): Record<string, ItfValue>;
  label(a: A): string;
  actor(a: A): string;
  kind(a: A): string;
  arrow(a: A, before: S, after: S): TraceArrow;
  note(a: A, before: S, after: S): string | undefined;
  source(a: A, before: S): SourceLink | undefined;
  readonly participants: readonly string[];
  readonly actionKinds?: readonly string[];
  readonly actionColumn: string;
  explain(property: string, s: S, before: S | undefined, action: A | undefined): Explanation | undefined;
  readonly legend: readonly (readonly [string, string])[];
}

const ACTOR_FIELDS = ['actor', 'process', 'proc', 'thread', 'cpu', 'dev'] as const;

export function defaultLabel(a: unknown): string {
  if (typeof a === 'string') return a;
  if (a !== null && typeof a === 'object' && 'kind' in a && typeof a.kind === 'string') {
    const rest = Object.entries(a).filter(([k, v]) => k !== 'kind' && v !== undefined);
    return rest.length === 0 ? a.kind : `${a.kind}(${rest.map(([k, v]) => `${k}=${formatItf(toItf(v))}`).join(', ')})`;
  }
  return formatItf(toItf(a));
}

function defaultActor(a: unknown): string {
  if (a !== null && typeof a === 'object') {
    for (const f of ACTOR_FIELDS) {
      const v = (a as Record<string, unknown>)[f];
      if (typeof v === 'string') return v;
      if (typeof v === 'number') return `${f}${v}`;
    }
  }
  return 'system';
}

function defaultKind(a: unknown, label: (a: never) => string): string {
  if (a !== null && typeof a === 'object' && 'kind' in a && typeof a.kind === 'string') return a.kind;
  return label(a as never);
}

export function resolveView<S, A>(view: TraceView<S, A> | undefined): ResolvedView<S, A> {
  const label = view ? (a: A) => view.label(a) : (a: A) => defaultLabel(a);
  const actor = view?.actor ? (a: A) => view.actor!(a) : (a: A) => defaultActor(a);
  const vars = view ? (s: S) => view.vars(s) : (s: S) => defaultVars(s);
  return {
    vars,
    itfVars: view?.itf ? (s) => identifierNames(view.itf!(s)) : (s) => nestVars(vars(s)),
    label,
    actor,
    kind: view?.actionKind ? (a) => view.actionKind!(a) : (a) => defaultKind(a, label as (a: never) => string),
    arrow: view?.arrow
      ? (a, b, t) => view.arrow!(a, b, t)
      : (a) => {
          const who = actor(a);
          return { from: who, to: who, text: label(a) };
        },
    note: view?.note ? (a, b, t) => view.note!(a, b, t) : () => undefined,
    source: view?.source ? (a, b) => view.source!(a, b) : () => undefined,
    participants: view?.participants ?? [],
    actionColumn: view?.actionColumn ?? 'action',
    explain: view?.explain ? (p, st, b, a) => view.explain!(p, st, b, a) : () => undefined,
    legend: view?.legend ?? [],
    ...(view?.actionKinds === undefined ? {} : { actionKinds: view.actionKinds }),
  };
}

export function presentTrace<S, A>(
  trace: Trace<S, A>,
  view: ResolvedView<S, A>,
  propertyKind: PresentedKind,
  description?: string,
): PresentedTrace {
  const steps: PresentedStep[] = [];
  const participants = [...view.participants];
  const seen = new Set(participants);
  const addParticipant = (p: string): void => {
    if (!seen.has(p)) {
      seen.add(p);
      participants.push(p);
    }
  };
  let prev: Record<string, ItfValue> | undefined;
  let prevState: S | undefined;
  for (const st of trace.steps) {
    const vars = view.vars(st.state);
    if (st.action === undefined || prevState === undefined) {
      steps.push({ index: st.index, actor: '—', label: INITIAL_LABEL, kind: 'init', vars, itf: view.itfVars(st.state), changes: [] });
    } else {
      const a = st.action;
      const actor = view.actor(a);
      const arrow = view.arrow(a, prevState, st.state);
      addParticipant(arrow.from);
      addParticipant(arrow.to);
      const note = view.note(a, prevState, st.state);
      const source = view.source(a, prevState);
      steps.push({
        index: st.index,
        ...(st.actionIndex === undefined ? {} : { actionIndex: st.actionIndex }),
        actor,
        label: view.label(a),
        kind: view.kind(a),
        arrow,
        ...(note === undefined ? {} : { note }),
        ...(source === undefined ? {} : { source }),
        vars,
        itf: view.itfVars(st.state),
        changes: diffVars(prev ?? {}, vars),
      });
    }
    prev = vars;
    prevState = st.state;
  }
  const last = trace.steps[trace.steps.length - 1];
  const beforeLast = trace.steps[trace.steps.length - 2];
  const explanation = last && trace.classification === 'counterexample'
    ? explained(view.explain(trace.property, last.state, beforeLast?.state, last.action), steps)
    : undefined;
  return {
    modelId: trace.modelId,
    property: trace.property,
    propertyKind,
    ...(description === undefined ? {} : { description }),
    classification: trace.classification,
    replay: trace.replay,
    ...(trace.loopIndex === undefined ? {} : { loopIndex: trace.loopIndex }),
    ...(trace.triggerIndex === undefined ? {} : { triggerIndex: trace.triggerIndex }),
    participants,
    actionColumn: view.actionColumn,
    steps,
    ...(explanation === undefined ? {} : { explanation }),
  };
}

/** The step that last changed `name` (or a part of it: `frame[4].ref` counts for `frame[4]`), 0 when none did. */
export function lastChanged(name: string, steps: readonly PresentedStep[]): number {
  for (let i = steps.length - 1; i > 0; i--) {
    if (steps[i]!.changes.some((c) => c.path === name || c.path.startsWith(`${name}.`) || c.path.startsWith(`${name}[`))) return steps[i]!.index;
  }
  return 0;
}

function explained(e: Explanation | undefined, steps: readonly PresentedStep[]): string | undefined {
  if (e === undefined || e.text === '') return undefined;
  const when = (e.vars ?? []).map((v) => {
    const k = lastChanged(v, steps);
    return k === 0 ? `${v} as in the initial state` : `${v} set at step ${k}`;
  });
  return when.length === 0 ? e.text : `${e.text} (${when.join('; ')})`;
}
