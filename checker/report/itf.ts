/**
 * Informal Trace Format (Apalache ADR-015, https://apalache-mc.org/docs/adr/015adr-trace.html),
 * the JSON trace format Quint and Apalache read and write: writer and reader.
 *
 * - Integers are always `{"#bigint": "n"}`, as Quint emits them; sets `#set` (sorted), maps `#map`.
 * - Each state carries `mbt::actionTaken` (Quint's model-based-testing convention: the action kind,
 *   "init" for the initial state) and a `#meta` with its index, the action's label and its action
 *   index (the position in `successors()` order, i.e. the replay path element).
 * - The top-level `#meta` holds the replay token, spec, config, property, and the spec file
 *   relative to the trace file, so `hmm-check replay FILE` needs nothing else.
 * - No timestamps or durations: the same spec and config give byte-identical files.
 */
import { CheckerError } from '../errors.ts';
import type { PresentedTrace } from './present.ts';
import type { ItfValue } from './view.ts';

export const ITF_FORMAT_DESCRIPTION = 'https://apalache-mc.org/docs/adr/015adr-trace.html';
export const ACTION_TAKEN = 'mbt::actionTaken';

export interface ItfTraceMeta {
  readonly format: 'ITF';
  readonly 'format-description': string;
  /** model id, e.g. "hmm/upstream@noRetryCheck" */
  readonly source: string;
  readonly spec: string;
  readonly config: string;
  readonly property: string;
  readonly kind: string;
  readonly description?: string;
  /** action-index path: initial state index, then one index per step */
  readonly replay: string;
  /** the spec module (or .dve file), relative to the directory of this trace file */
  readonly specFile: string;
  /** name of the export holding the spec, when the module has several */
  readonly specExport?: string;
  readonly generatedBy: string;
  /** DVE runs: the leads-to property given on the command line (`--leads-to P Q --fairness F`), so replay can rebuild it */
  readonly dveLeadsTo?: { readonly from: string; readonly to: string; readonly fairness: string };
}

export interface ItfStateMeta {
  readonly index: number;
  readonly action?: string;
  readonly actionIndex?: number;
  readonly actor?: string;
}

export interface ItfState {
  readonly '#meta'?: ItfStateMeta;
  readonly [variable: string]: ItfValue | ItfStateMeta | undefined;
}

export interface ItfTrace {
  readonly '#meta'?: ItfTraceMeta | Readonly<Record<string, unknown>>;
  readonly params?: readonly string[];
  readonly vars: readonly string[];
  readonly states: readonly ItfState[];
  readonly loop?: number;
}

export type ItfMetaInput = Omit<ItfTraceMeta, 'format' | 'format-description' | 'source' | 'property' | 'kind' | 'replay' | 'description'>;

/**
 * ITF requires every state to bind every variable. A view whose `vars` omits some keys in some
 * states (say, frames that exist only once allocated) gets them filled with this marker; better
 * views return a fixed set of variables (a `#map` for dynamic collections).
 */
export const ABSENT: ItfValue = { '#unserializable': 'absent' };

/** Variable names over all states, in order of first appearance. */
export function unionVars(states: readonly Readonly<Record<string, ItfValue>>[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const v of states) {
    for (const k of Object.keys(v)) {
      if (!seen.has(k)) {
        seen.add(k);
        out.push(k);
      }
    }
  }
  return out;
}

/** `vars` restricted and completed to exactly `names` (missing ones as ABSENT), in that order. */
export function completeVars(v: Readonly<Record<string, ItfValue>>, names: readonly string[]): Record<string, ItfValue> {
  // No prototype: a variable named __proto__ (legal in DVE) must stay an own key, not set the prototype.
  const out = Object.create(null) as Record<string, ItfValue>;
  for (const k of names) out[k] = v[k] ?? ABSENT;
  return out;
}

export function toItfTrace(t: PresentedTrace, meta: ItfMetaInput): ItfTrace {
  const vars = unionVars(t.steps.map((s) => s.itf));
  const m: ItfTraceMeta = {
    format: 'ITF',
    'format-description': ITF_FORMAT_DESCRIPTION,
    source: t.modelId,
    spec: meta.spec,
    config: meta.config,
    property: t.property,
    kind: t.propertyKind,
    ...(t.description === undefined ? {} : { description: t.description }),
    replay: t.replay,
    specFile: meta.specFile,
    ...(meta.specExport === undefined ? {} : { specExport: meta.specExport }),
    generatedBy: meta.generatedBy,
    ...(meta.dveLeadsTo === undefined ? {} : { dveLeadsTo: meta.dveLeadsTo }),
  };
  const states: ItfState[] = t.steps.map((s) => {
    const sm: ItfStateMeta = {
      index: s.index,
      ...(s.actionIndex === undefined ? {} : { action: s.label, actionIndex: s.actionIndex, actor: s.actor }),
    };
    return { '#meta': sm, ...completeVars(s.itf, vars), [ACTION_TAKEN]: s.kind };
  });
  return {
    '#meta': m,
    vars: [...vars, ACTION_TAKEN],
    states,
    // The last state equals state `loop`: the steps after `loop` repeat for ever.
    ...(t.loopIndex === undefined ? {} : { loop: t.loopIndex }),
  };
}

/**
 * Serialises with one state per line: valid JSON, readable in a diff, and far shorter than
 * `JSON.stringify(x, null, 2)` (which puts every `#bigint` on three lines).
 */
export function formatItfJson(doc: ItfTrace): string {
  const lines: string[] = ['{'];
  const top: string[] = [];
  if (doc['#meta'] !== undefined) top.push(`  "#meta": ${JSON.stringify(doc['#meta'])}`);
  if (doc.params !== undefined) top.push(`  "params": ${JSON.stringify(doc.params)}`);
  top.push(`  "vars": ${JSON.stringify(doc.vars)}`);
  top.push(`  "states": [\n${doc.states.map((s) => `    ${JSON.stringify(s)}`).join(',\n')}\n  ]`);
  if (doc.loop !== undefined) top.push(`  "loop": ${doc.loop}`);
  lines.push(top.join(',\n'), '}');
  return `${lines.join('\n')}\n`;
}

export class ItfFormatError extends CheckerError {
  override name = 'ItfFormatError';
}

/** Parses and validates an ITF document (any producer: ours, Quint, Apalache). */
export function parseItf(text: string, file: string): ItfTrace {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ItfFormatError(
      `${file} is not valid JSON (${(e as Error).message}), so it cannot be an ITF trace`,
      'pass a .itf.json file written by hmm-check (counterexamples/<spec>/<config>/<property>.itf.json) or by Quint/Apalache',
    );
  }
  const bad = (what: string): never => {
    throw new ItfFormatError(
      `${file} is not an ITF trace: ${what}`,
      `see ${ITF_FORMAT_DESCRIPTION} for the format; regenerate the file with \`npm run check\``,
    );
  };
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) bad('the top level is not a JSON object');
  const d = doc as Record<string, unknown>;
  if (!Array.isArray(d['vars']) || !d['vars'].every((v) => typeof v === 'string')) bad('"vars" must be a list of strings');
  if (!Array.isArray(d['states'])) bad('"states" must be a list');
  const vars = d['vars'] as string[];
  const states = d['states'] as unknown[];
  states.forEach((s, i) => {
    if (s === null || typeof s !== 'object' || Array.isArray(s)) bad(`state ${i} is not an object`);
    for (const v of vars) if (!(v in (s as object))) bad(`state ${i} has no value for variable "${v}"`);
  });
  if (d['loop'] !== undefined && (!Number.isInteger(d['loop']) || (d['loop'] as number) < 0 || (d['loop'] as number) >= states.length)) {
    bad(`"loop" must be a state index between 0 and ${states.length - 1}`);
  }
  if (d['#meta'] !== undefined && (d['#meta'] === null || typeof d['#meta'] !== 'object')) bad('"#meta" must be an object');
  return doc as ItfTrace;
}

/** The value of variable `v` in an ITF state (excluding `#meta`). */
export function stateVars(s: ItfState, vars: readonly string[]): Record<string, ItfValue> {
  const out = Object.create(null) as Record<string, ItfValue>; // see completeVars
  for (const v of vars) if (v !== ACTION_TAKEN) out[v] = s[v] as ItfValue;
  return out;
}

/** Decodes an ITF value to plain JS: bigints within the safe range become numbers. */
export function itfToJs(v: ItfValue): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(itfToJs);
  const o = v as Record<string, unknown>;
  if ('#bigint' in o) {
    const b = BigInt(o['#bigint'] as string);
    return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
  }
  if ('#set' in o) return new Set((o['#set'] as ItfValue[]).map(itfToJs));
  if ('#map' in o) return new Map((o['#map'] as [ItfValue, ItfValue][]).map(([k, x]) => [itfToJs(k), itfToJs(x)]));
  if ('#tup' in o) return (o['#tup'] as ItfValue[]).map(itfToJs);
  if ('#unserializable' in o) return o['#unserializable'];
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = itfToJs(x as ItfValue);
  return out;
}
