/**
 * The packed form (model/hmm/packed.ts) must be the object form's transition system: same initial
 * state, and from every state the same transitions in the same order — the same actions and the
 * same successor vectors — even though its successors are built in reused buffers. Checked over
 * the first states (object BFS order) of every configuration the HMM specs check, both drivers,
 * v12 and the selftest scenarios (whose models start after a prefix).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spec as reference } from '../../../specs/hmm/reference.spec.ts';
import { spec as dmirror } from '../../../specs/hmm/dmirror.spec.ts';
import { spec as v12 } from '../../../specs/v12/v12.spec.ts';
import { spec as selftests } from '../../../specs/conformance/selftests.spec.ts';
import type { HmmAction, HmmModel, HmmState } from '../../../model/hmm/index.ts';

const PER_CONFIG = 1500;

interface Step { readonly action: HmmAction; readonly next: readonly number[] }

function objectSteps(m: HmmModel, s: HmmState): Step[] {
  const out: Step[] = [];
  m.successors(s, (action, n) => out.push({ action, next: [...n] }));
  return out;
}

function packedSteps(m: HmmModel, s: HmmState): { withActions: Step[]; plain: (readonly number[])[]; indices: number[] } {
  const W = m.packed.width;
  // the source at an offset inside a larger buffer, as the engine's level queue holds it
  const src = new Int32Array(3 * W);
  src.set(s, W);
  const next = new Int32Array(W);
  const withActions: Step[] = [];
  const indices: number[] = [];
  m.packed.expandActions(src, W, { next, emit: (k, a) => { indices.push(k); withActions.push({ action: a as HmmAction, next: [...next] }); } });
  const plain: (readonly number[])[] = [];
  m.packed.expand(src, W, { next, emit: () => plain.push([...next]) });
  return { withActions, plain, indices };
}

/** the first differences between the two forms, over the first PER_CONFIG states */
function differences(m: HmmModel): string[] {
  const bad: string[] = [];
  const init = new Int32Array(m.packed.width);
  expect(m.packed.initial(-1, init)).toBe(m.initialStates().length);
  m.packed.initial(0, init);
  if ([...init].join() !== [...m.initialStates()[0]!].join()) bad.push('initial state differs');
  const seen = new Set<string>();
  const queue: HmmState[] = [...m.initialStates()];
  for (let i = 0; i < queue.length && seen.size < PER_CONFIG && bad.length < 3; i++) {
    const s = queue[i]!;
    const obj = objectSteps(m, s);
    const { withActions, plain, indices } = packedSteps(m, s);
    if (JSON.stringify(obj) !== JSON.stringify(withActions)) bad.push(`state #${i}: expandActions differs from successors`);
    if (JSON.stringify(obj.map((o) => o.next)) !== JSON.stringify(plain)) bad.push(`state #${i}: expand differs from successors`);
    if (indices.some((k, j) => k !== j)) bad.push(`state #${i}: action indices are not emission positions`);
    for (const o of obj) {
      const k = o.next.join(',');
      if (!seen.has(k)) {
        seen.add(k);
        queue.push(Int32Array.from(o.next));
      }
    }
  }
  return bad;
}

describe('the packed form of every HMM configuration is its object form', () => {
  for (const sp of [reference, dmirror, v12, selftests] as const) {
    it(sp.id, () => {
      const bad: string[] = [];
      for (const [name, cfg] of Object.entries(sp.configs)) {
        const m = (sp.createModel as (p: unknown, n: string) => HmmModel | { packed?: unknown })(cfg.params, name);
        // a spec's own wrapper (the liveness variants) drops the packed form: the engine then runs the object path
        if (!('ctx' in m) || m.packed === undefined) continue;
        for (const b of differences(m)) bad.push(`${name}: ${b}`);
      }
      expect(bad).toEqual([]);
    });
  }
});

describe('step files build successors with nextState', () => {
  it('no step file copies a state with s.slice() (the packed path would allocate per transition)', () => {
    const root = join(import.meta.dirname, '../../../model/hmm');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && f !== 'ctx.ts');
    const offenders = files.filter((f) => /\b[a-z]\w*\.slice\(\)/.test(readFileSync(join(root, f), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')));
    expect(files.length).toBeGreaterThan(30);
    expect(offenders).toEqual([]);
  });
});
