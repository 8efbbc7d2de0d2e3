/**
 * Identifier-safe ITF variables from a view's display variables. Quint and Apalache name state
 * variables and record fields with identifiers; display names such as `mm.pte[0]`, `frame[2]`
 * or `child-cpu0.pc` are paths. They are nested here: `a.b` becomes field `b` of record `a`,
 * `a[i]` entry i of a `#map` keyed by `{"#bigint": i}` (indices need not start at 0: frames 0 and
 * 1 are reserved in HMM), and any character an identifier cannot hold becomes `_`. A path whose
 * prefix is also a variable of its own (`x` and `x.y`) cannot nest and keeps a flat name
 * (`x_y`). Numeric strings ("0", "12") become `#bigint`, booleans stay booleans.
 */
import type { ItfValue } from './view.ts';

export const ITF_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `child-cpu0` → `child_cpu0`, `0abc` → `_0abc`: letters, digits and `_`, not starting with a digit. */
export function identifier(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(s) || s === '' ? `_${s}` : s;
}

type Segment = { readonly field: string } | { readonly index: number };

/** `mm.pte[0]` → [field mm, field pte, index 0]; undefined when the name is no such path. */
export function parsePath(name: string): Segment[] | undefined {
  const out: Segment[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\./g;
  let m: RegExpExecArray | null;
  let expectField = true;
  let consumed = 0;
  while ((m = re.exec(name)) !== null) {
    consumed += m[0].length;
    if (m[0] === '.') {
      if (expectField) return undefined;
      expectField = true;
    } else if (m[2] !== undefined) {
      if (out.length === 0) return undefined;
      out.push({ index: Number(m[2]) });
      expectField = false;
    } else {
      if (!expectField) return undefined;
      out.push({ field: m[1]! });
      expectField = false;
    }
  }
  return consumed === name.length && !expectField && out.length > 0 ? out : undefined;
}

/** A display value as ITF data: "12" → #bigint, other strings and structured values as they are. */
export function itfScalar(v: ItfValue): ItfValue {
  return typeof v === 'string' && /^-?\d+$/.test(v) ? { '#bigint': String(BigInt(v)) } : v;
}

type Tree = { kind: 'leaf'; value: ItfValue } | { kind: 'record'; fields: Map<string, Tree> } | { kind: 'map'; entries: Map<number, Tree> };

function toValue(t: Tree): ItfValue {
  if (t.kind === 'leaf') return t.value;
  if (t.kind === 'record') {
    const out: Record<string, ItfValue> = {};
    for (const [k, v] of t.fields) out[identifier(k)] = toValue(v);
    return out;
  }
  const keys = [...t.entries.keys()].sort((a, b) => a - b);
  return { '#map': keys.map((k) => [{ '#bigint': String(k) }, toValue(t.entries.get(k)!)] as const) };
}

/** Nests display variables into identifier-named ITF variables (see the file comment). */
export function nestVars(vars: Readonly<Record<string, ItfValue>>): Record<string, ItfValue> {
  const roots = new Map<string, Tree>();
  const flat: [string, ItfValue][] = [];
  for (const [name, raw] of Object.entries(vars)) {
    const value = itfScalar(raw);
    const path = parsePath(name);
    if (path === undefined || !('field' in path[0]!)) {
      flat.push([name, value]);
      continue;
    }
    let ok = true;
    const first = path[0] as { field: string };
    let node: Tree | undefined = roots.get(first.field);
    const make = (seg: Segment | undefined): Tree =>
      seg === undefined ? { kind: 'leaf', value } : 'field' in seg ? { kind: 'record', fields: new Map() } : { kind: 'map', entries: new Map() };
    if (node === undefined) {
      node = make(path[1]);
      roots.set(first.field, node);
    } else if (path.length === 1 || node.kind === 'leaf') ok = false;
    for (let i = 1; ok && i < path.length; i++) {
      const seg = path[i]!;
      const next = path[i + 1];
      if (node!.kind === 'record' && 'field' in seg) {
        let child = node!.fields.get(seg.field);
        if (child === undefined) node!.fields.set(seg.field, (child = make(next)));
        else if (next === undefined || child.kind === 'leaf' || (child.kind === 'record') !== ('field' in next)) ok = false;
        node = child;
      } else if (node!.kind === 'map' && 'index' in seg) {
        let child = node!.entries.get(seg.index);
        if (child === undefined) node!.entries.set(seg.index, (child = make(next)));
        else if (next === undefined || child.kind === 'leaf' || (child.kind === 'record') !== ('field' in next)) ok = false;
        node = child;
      } else ok = false;
    }
    if (!ok) flat.push([name, value]);
  }
  const out = Object.create(null) as Record<string, ItfValue>;
  for (const [k, t] of roots) out[identifier(k)] = toValue(t);
  for (const [k, v] of flat) {
    let name = identifier(k);
    while (name in out) name = `${name}_`;
    out[name] = v;
  }
  return out;
}
