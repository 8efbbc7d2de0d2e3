/**
 * ITF values (Apalache ADR-015) for reporting: converting plain JS state to ITF, printing ITF
 * values compactly for humans, and diffing two states variable by variable ("only what
 * changed" in the Markdown and text reports). Reporting code only, never on the search path.
 */
import type { ItfValue } from './view.ts';

/**
 * Converts a JS value to ITF: integers → `{"#bigint"}`, arrays → lists, Set → `#set` (sorted),
 * Map → `#map` (sorted by key), plain objects → records (field order kept, it is deterministic
 * for models that build states the same way every time).
 */
export function toItf(v: unknown): ItfValue {
  switch (typeof v) {
    case 'boolean':
    case 'string':
      return v;
    case 'bigint':
      return { '#bigint': v.toString() };
    case 'number':
      return Number.isInteger(v) ? { '#bigint': String(v) } : { '#unserializable': String(v) };
    case 'object': {
      if (v === null) return { '#unserializable': 'null' };
      if (Array.isArray(v)) return v.map(toItf);
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
        return Array.from(v as unknown as ArrayLike<number | bigint>, toItf);
      }
      if (v instanceof Set) return { '#set': sortItf([...v].map(toItf)) };
      if (v instanceof Map) {
        const pairs = [...v].map(([k, x]) => [toItf(k), toItf(x)] as const);
        pairs.sort((a, b) => compareKeys(canonicalJson(a[0]), canonicalJson(b[0])));
        return { '#map': pairs };
      }
      const out: Record<string, ItfValue> = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toItf(x);
      return out;
    }
    default:
      return { '#unserializable': String(v) };
  }
}

/** Default `vars` of a state without a view: its fields if it is a record, else one variable `state`. */
export function defaultVars(s: unknown): Record<string, ItfValue> {
  if (s !== null && typeof s === 'object' && !Array.isArray(s) && !(s instanceof Set) && !(s instanceof Map) && !ArrayBuffer.isView(s)) {
    const v = toItf(s);
    return v as Record<string, ItfValue>;
  }
  return { state: toItf(s) };
}

function sortItf(xs: ItfValue[]): ItfValue[] {
  return xs
    .map((x) => [canonicalJson(x), x] as const)
    .sort((a, b) => compareKeys(a[0], b[0]))
    .map(([, x]) => x);
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON with record keys sorted: equal ITF values give equal strings. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function itfEquals(a: ItfValue | undefined, b: ItfValue | undefined): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

type Rec = { readonly [k: string]: ItfValue };

function isRecord(v: ItfValue): v is Rec {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !('#bigint' in v) &&
    !('#set' in v) &&
    !('#map' in v) &&
    !('#tup' in v) &&
    !('#unserializable' in v) &&
    !('tag' in v && 'value' in v && Object.keys(v).length === 2)
  );
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** Compact human form: 3, "a" → a, [1, 2], {1, 2}, Some(3), { pc: idle, seq: 2 }, ⟨1, 2⟩, {1 ↦ 2}. */
export function formatItf(v: ItfValue | undefined): string {
  if (v === undefined) return '—';
  if (typeof v === 'string') return v === '' ? '""' : /[\s,{}[\]()]/.test(v) ? JSON.stringify(v) : v;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(formatItf).join(', ')}]`;
  const o = v as Record<string, unknown>;
  if ('#bigint' in o) return String(o['#bigint']);
  if ('#unserializable' in o) return String(o['#unserializable']);
  if ('#set' in o) return `{${(o['#set'] as ItfValue[]).map(formatItf).join(', ')}}`;
  if ('#tup' in o) return `⟨${(o['#tup'] as ItfValue[]).map(formatItf).join(', ')}⟩`;
  if ('#map' in o) {
    return `{${(o['#map'] as [ItfValue, ItfValue][]).map(([k, x]) => `${formatItf(k)} ↦ ${formatItf(x)}`).join(', ')}}`;
  }
  if ('tag' in o && 'value' in o && Object.keys(o).length === 2) {
    const inner = o['value'] as ItfValue;
    const isUnit = isRecord(inner) && Object.keys(inner).length === 0;
    return isUnit ? String(o['tag']) : `${String(o['tag'])}(${formatItf(inner)})`;
  }
  return `{ ${Object.entries(v as Rec).map(([k, x]) => `${k}: ${formatItf(x)}`).join(', ')} }`;
}

export interface Change {
  /** variable path: `devPte[0]`, `faults[1].pc` */
  readonly path: string;
  readonly before: ItfValue | undefined;
  readonly after: ItfValue | undefined;
}

/**
 * What changed between two states, as leaf paths. Records and equal-length lists are walked
 * into, so a step that moves one thread's program counter shows `faults[1].pc: idle → readBegun`
 * rather than the whole `faults` array; sets and maps are compared whole.
 */
export function diffVars(before: Readonly<Record<string, ItfValue>>, after: Readonly<Record<string, ItfValue>>): Change[] {
  const out: Change[] = [];
  const keys = [...Object.keys(before)];
  for (const k of Object.keys(after)) if (!(k in before)) keys.push(k);
  for (const k of keys) diffValue(k, before[k], after[k], out);
  return out;
}

function diffValue(path: string, a: ItfValue | undefined, b: ItfValue | undefined, out: Change[]): void {
  if (itfEquals(a, b)) return;
  if (a !== undefined && b !== undefined) {
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      for (let i = 0; i < a.length; i++) diffValue(`${path}[${i}]`, a[i], b[i], out);
      return;
    }
    if (isRecord(a) && isRecord(b)) {
      const ra: Rec = a;
      const rb: Rec = b;
      const keys = [...Object.keys(ra)];
      for (const k of Object.keys(rb)) if (!(k in ra)) keys.push(k);
      for (const k of keys) diffValue(IDENT.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`, ra[k], rb[k], out);
      return;
    }
  }
  out.push({ path, before: a, after: b });
}

export function formatChange(c: Change): string {
  return `${c.path}: ${formatItf(c.before)} → ${formatItf(c.after)}`;
}
