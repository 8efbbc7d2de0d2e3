/**
 * v12 counterexamples as typed ITF, and v12 violation notes that name what breaks.
 *
 * Typed: Quint reads an ITF trace against the types of its variables, so a v12 state must be
 * records, `#bigint` integers and lists of one element type, with strings only where the value
 * is a name (a PTE kind, a program label, a thread) — never a display encoding like "f2 write" —
 * and every state must give each variable the same type. The strict reader of
 * test/checker/report/itf-strict.ts already passes every committed trace (itf-shape.test.ts);
 * this adds the types.
 *
 * Explained: the munmap-no-dma-unmap variant leaves the mirror's DMA mapping in place when munmap
 * frees the page, so the note of v12-s3-dma-unmapped-before-free must name mirror0.dma[0] and the
 * frame freed at the last step; clearing that mapping alone must make the invariant hold.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { presentTrace, resolveView } from '../../../checker/report/present.ts';
import { viewFor } from '../../../checker/spec.ts';
import { parseReplayPath, type ReplayPath } from '../../../checker/trace.ts';
import { replay } from '../../../checker/trace/replay-api.ts';
import { stateWriter, type HmmModel } from '../../../model/hmm/index.ts';
import { spec } from '../../../specs/v12/v12.spec.ts';
import { itfProblems } from '../../checker/report/itf-strict.ts';

const ROOT = join(import.meta.dirname, '../../..');
const DIR = join(ROOT, 'counterexamples', 'hmm-v12');
const files = (function walk(d: string): string[] {
  return readdirSync(d).flatMap((e) => {
    const p = join(d, e);
    return statSync(p).isDirectory() ? walk(p) : e.endsWith('.itf.json') ? [p] : [];
  });
})(DIR);

/** Quint-like type of an ITF value: '?' for the element of an empty list (it takes any type). */
type Ty = 'bool' | 'str' | 'int' | '?' | { list: Ty } | { tup: Ty[] } | { map: [Ty, Ty] } | { rec: Record<string, Ty> };

function unify(a: Ty, b: Ty, where: string): Ty {
  if (a === '?') return b;
  if (b === '?') return a;
  if (typeof a === 'string' || typeof b === 'string') {
    if (a !== b) throw new Error(`${where}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    return a;
  }
  if ('list' in a && 'list' in b) return { list: unify(a.list, b.list, `${where}[]`) };
  if ('tup' in a && 'tup' in b && a.tup.length === b.tup.length) return { tup: a.tup.map((x, i) => unify(x, b.tup[i]!, `${where}.${i}`)) };
  if ('map' in a && 'map' in b) return { map: [unify(a.map[0], b.map[0], `${where} key`), unify(a.map[1], b.map[1], `${where} value`)] };
  if ('rec' in a && 'rec' in b) {
    const ka = Object.keys(a.rec).sort().join();
    if (ka !== Object.keys(b.rec).sort().join()) throw new Error(`${where}: fields {${ka}} vs {${Object.keys(b.rec).sort().join()}}`);
    return { rec: Object.fromEntries(Object.keys(a.rec).map((k) => [k, unify(a.rec[k]!, b.rec[k]!, `${where}.${k}`)])) };
  }
  throw new Error(`${where}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
}

function typeOf(v: unknown, where: string): Ty {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return { list: v.reduce<Ty>((acc, x, i) => unify(acc, typeOf(x, `${where}[${i}]`), `${where}[]`), '?') };
  const o = v as Record<string, unknown>;
  if ('#bigint' in o) return 'int';
  if ('#tup' in o) return { tup: (o['#tup'] as unknown[]).map((x, i) => typeOf(x, `${where}.${i}`)) };
  if ('#map' in o) {
    return { map: (o['#map'] as [unknown, unknown][]).reduce<[Ty, Ty]>(
      (acc, [k, x]) => [unify(acc[0], typeOf(k, `${where} key`), `${where} key`), unify(acc[1], typeOf(x, `${where} value`), `${where} value`)], ['?', '?']) };
  }
  if (Object.keys(o).some((k) => k.startsWith('#'))) throw new Error(`${where}: ${Object.keys(o).join()} has no type here`);
  return { rec: Object.fromEntries(Object.entries(o).map(([k, x]) => [k, typeOf(x, `${where}.${k}`)])) };
}

/** fields holding strings, anywhere in a value */
function stringFields(v: unknown, field: string, out: Set<string>): void {
  if (typeof v === 'string') out.add(field);
  else if (Array.isArray(v)) for (const x of v) stringFields(x, field, out);
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '#bigint') continue;
      if (k === '#map') for (const [a, b] of x as [unknown, unknown][]) { stringFields(a, `${field} key`, out); stringFields(b, field, out); }
      else stringFields(x, k.startsWith('#') ? field : k, out);
    }
  }
}

const NAME_FIELDS = new Set(['kind', 'pc', 'thread', 'locked_by', 'lock_holder', 'mbt::actionTaken']);

describe('committed v12 traces are typed ITF', () => {
  it('exist', () => expect(files.length).toBeGreaterThan(10));
  it.each(files.map((f) => [relative(ROOT, f), f]))('%s', (_name, f) => {
    const doc = JSON.parse(readFileSync(f, 'utf8')) as { vars: string[]; states: Record<string, unknown>[] };
    expect(itfProblems(doc)).toEqual([]);
    expect(doc.vars).toEqual(expect.arrayContaining(['mm', 'frame', 'thread', 'hmm', 'mirror']));
    expect(doc.vars).not.toContain('device');
    const strings = new Set<string>();
    for (const s of doc.states) for (const v of doc.vars) stringFields(s[v], v, strings);
    expect([...strings].filter((x) => !NAME_FIELDS.has(x))).toEqual([]);
    // one type per variable over the whole trace (unify throws, naming where two states differ)
    for (const v of doc.vars) {
      if (v === 'mbt::actionTaken') continue;
      expect(() => doc.states.reduce<Ty>((acc, s, i) => unify(acc, typeOf(s[v], `states[${i}].${v}`), v), '?')).not.toThrow();
    }
  });
});

describe('v12 violation notes name what breaks', () => {
  const config = 'munmap-no-dma-unmap';
  const property = 'v12-s3-dma-unmapped-before-free';
  const itf = JSON.parse(readFileSync(join(DIR, config, `${property}.itf.json`), 'utf8')) as { '#meta': { replay: string } };
  const cfg = spec.configs[config]!;
  const model = spec.createModel(cfg.params, config);
  const steps = replay(model, parseReplayPath(itf['#meta'].replay)).steps;
  const n = steps.length - 1;
  const t = presentTrace({ modelId: model.id, property, classification: 'counterexample', steps, replay: itf['#meta'].replay as ReplayPath }, resolveView(viewFor(spec, cfg.params)), 'always');

  it('names the DMA mapping left behind and the frame freed at the last step', () => {
    expect(t.explanation).toMatch(new RegExp(String.raw`^mirror0\.dma\[0\] = f(\d+), while mm\.pte\[0\] = none and frame\[\1\] = free \(.*frame\[\1\] set at step ${n}\)$`));
  });

  it('the named mapping is the culprit: without it the invariant holds', () => {
    const s3 = spec.properties(cfg.params).find((p) => p.name === property)!;
    const last = steps[n]!.state;
    expect(s3.kind === 'always' && s3.holds(last)).toBe(false);
    const cleared = last.slice();
    stateWriter((model as unknown as HmmModel).ctx).at(cleared).v12().mirror(0).setDma(0, 0);
    expect(s3.kind === 'always' && s3.holds(cleared)).toBe(true);
  });
});
