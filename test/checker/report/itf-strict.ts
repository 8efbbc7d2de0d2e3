/**
 * A strict reader of the Informal Trace Format (Apalache ADR-015,
 * https://apalache-mc.org/docs/adr/015adr-trace.html), stricter than the replay parser: it
 * checks everything the ADR fixes and everything the counterexamples README promises on top.
 *
 * ADR-015: the top level is an object with `vars` (a list of distinct variable names), `states`
 * (a list of objects binding every variable, plus an optional `#meta`), optional `#meta`,
 * `params` and `loop` (an index into `states`). Values are booleans, strings, lists, and objects:
 * `{"#bigint": "<decimal>"}`, `{"#tup": [...]}`, `{"#set": [...]}`, `{"#map": [[k, v], ...]}`,
 * `{"#unserializable": "..."}`, or records (objects whose fields are not `#`-keys).
 * Our README adds: integers are always `#bigint` (never JSON numbers), no `null`, variable names
 * and record fields are identifiers (Quint's), `mbt::actionTaken` is the only exception and is
 * bound to a string, and sets are sorted and duplicate-free.
 */
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ACTION_TAKEN = 'mbt::actionTaken';
const TOP = new Set(['#meta', 'params', 'vars', 'states', 'loop']);

export function itfProblems(doc: unknown): string[] {
  const out: string[] = [];
  const fail = (where: string, what: string): void => {
    out.push(`${where}: ${what}`);
  };
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return ['top level: not an object'];
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d)) if (!TOP.has(k)) fail('top level', `unknown key "${k}"`);
  if (d['#meta'] !== undefined && (d['#meta'] === null || typeof d['#meta'] !== 'object' || Array.isArray(d['#meta']))) fail('#meta', 'not an object');
  if (d['params'] !== undefined && !(Array.isArray(d['params']) && d['params'].every((p) => typeof p === 'string'))) fail('params', 'not a list of strings');
  const vars = d['vars'];
  if (!Array.isArray(vars) || !vars.every((v) => typeof v === 'string')) return [...out, 'vars: not a list of strings'];
  if (new Set(vars).size !== vars.length) fail('vars', 'duplicate names');
  for (const v of vars) if (v !== ACTION_TAKEN && !IDENT.test(v)) fail('vars', `"${v}" is not an identifier`);
  const states = d['states'];
  if (!Array.isArray(states) || states.length === 0) return [...out, 'states: not a non-empty list'];
  if (d['loop'] !== undefined && !(Number.isInteger(d['loop']) && (d['loop'] as number) >= 0 && (d['loop'] as number) < states.length)) fail('loop', 'not a state index');
  states.forEach((s, i) => {
    const where = `states[${i}]`;
    if (s === null || typeof s !== 'object' || Array.isArray(s)) return fail(where, 'not an object');
    const st = s as Record<string, unknown>;
    for (const k of Object.keys(st)) if (k !== '#meta' && !vars.includes(k)) fail(where, `binds "${k}", which is not in vars`);
    for (const v of vars) {
      if (!(v in st)) fail(where, `does not bind "${v}"`);
      else if (v === ACTION_TAKEN) {
        if (typeof st[v] !== 'string') fail(`${where}.${v}`, 'not a string');
      } else value(st[v], `${where}.${v}`, fail);
    }
  });
  return out;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

function value(v: unknown, where: string, fail: (where: string, what: string) => void): void {
  if (typeof v === 'boolean' || typeof v === 'string') return;
  if (typeof v === 'number') return fail(where, `bare JSON number ${v} (integers are {"#bigint": "…"})`);
  if (v === null) return fail(where, 'null');
  if (Array.isArray(v)) return v.forEach((x, i) => value(x, `${where}[${i}]`, fail));
  if (typeof v !== 'object') return fail(where, `a ${typeof v}`);
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  const special = keys.filter((k) => k.startsWith('#'));
  if (special.length === 0) {
    for (const k of keys) {
      if (!IDENT.test(k)) fail(where, `record field "${k}" is not an identifier`);
      value(o[k], `${where}.${k}`, fail);
    }
    return;
  }
  if (keys.length !== 1) return fail(where, `mixes ${special.join(', ')} with other keys`);
  const [k] = special;
  const x = o[k!];
  switch (k) {
    case '#bigint':
      if (typeof x !== 'string' || !/^-?(0|[1-9]\d*)$/.test(x)) fail(where, `#bigint ${JSON.stringify(x)} is not a decimal string`);
      return;
    case '#tup':
      if (!Array.isArray(x)) return fail(where, '#tup is not a list');
      return x.forEach((y, i) => value(y, `${where}.#tup[${i}]`, fail));
    case '#set': {
      if (!Array.isArray(x)) return fail(where, '#set is not a list');
      x.forEach((y, i) => value(y, `${where}.#set[${i}]`, fail));
      const c = x.map(canonical);
      if (new Set(c).size !== c.length) fail(where, '#set has duplicates');
      if (c.some((y, i) => i > 0 && c[i - 1]! > y)) fail(where, '#set is not sorted');
      return;
    }
    case '#map': {
      if (!Array.isArray(x)) return fail(where, '#map is not a list');
      const ks: string[] = [];
      x.forEach((pair, i) => {
        if (!Array.isArray(pair) || pair.length !== 2) return fail(`${where}.#map[${i}]`, 'not a [key, value] pair');
        value(pair[0], `${where}.#map[${i}][0]`, fail);
        value(pair[1], `${where}.#map[${i}][1]`, fail);
        ks.push(canonical(pair[0]));
      });
      if (new Set(ks).size !== ks.length) fail(where, '#map has duplicate keys');
      return;
    }
    case '#unserializable':
      if (typeof x !== 'string') fail(where, '#unserializable is not a string');
      return;
    default:
      fail(where, `unknown ITF key ${k}`);
  }
}
