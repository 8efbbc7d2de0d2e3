/**
 * Every committed counterexample is ITF in the strict sense of test/checker/report/itf-strict.ts
 * (ADR-015 plus the counterexamples README's promises), and the validator rejects each kind of
 * mistake it exists for (so passing means something).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nestVars } from '../../../checker/report/itf-names.ts';
import { itfProblems } from './itf-strict.ts';

const ROOT = join(import.meta.dirname, '../../..');
const DIR = join(ROOT, 'counterexamples');

function itfFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? itfFiles(p) : e.endsWith('.itf.json') ? [p] : [];
  });
}

const files = itfFiles(DIR);

describe('committed .itf.json files', () => {
  it('exist', () => expect(files.length).toBeGreaterThan(0));
  it.each(files.map((f) => [relative(ROOT, f), f]))('%s is strict ITF', (_name, file) => {
    expect(itfProblems(JSON.parse(readFileSync(file, 'utf8')))).toEqual([]);
  });
});

describe('the strict validator', () => {
  const ok = { vars: ['x', 'mbt::actionTaken'], states: [{ x: { '#bigint': '1' }, 'mbt::actionTaken': 'init' }] };
  it('accepts a minimal trace', () => expect(itfProblems(ok)).toEqual([]));
  it.each([
    ['a bare number', { ...ok, states: [{ x: 1, 'mbt::actionTaken': 'init' }] }, /bare JSON number/],
    ['a dotted variable name', { vars: ['mm.pte'], states: [{ 'mm.pte': 'a' }] }, /not an identifier/],
    ['a missing binding', { vars: ['x', 'y'], states: [{ x: true }] }, /does not bind "y"/],
    ['an extra binding', { vars: ['x'], states: [{ x: true, y: true }] }, /binds "y"/],
    ['a malformed bigint', { vars: ['x'], states: [{ x: { '#bigint': '01' } }] }, /not a decimal string/],
    ['an unsorted set', { vars: ['x'], states: [{ x: { '#set': ['b', 'a'] } }] }, /not sorted/],
    ['a bad map pair', { vars: ['x'], states: [{ x: { '#map': [['a']] } }] }, /not a \[key, value\] pair/],
    ['a record field with a dash', { vars: ['x'], states: [{ x: { 'a-b': true } }] }, /record field "a-b"/],
    ['null', { vars: ['x'], states: [{ x: null }] }, /null/],
    ['an unknown top-level key', { ...ok, extra: 1 }, /unknown key "extra"/],
    ['a loop out of range', { ...ok, loop: 3 }, /loop: not a state index/],
  ])('rejects %s', (_what, doc, msg) => {
    expect(itfProblems(doc).join('\n')).toMatch(msg);
  });
});

describe('nestVars: display paths to identifier-named ITF variables', () => {
  it('nests fields and indices, turns numeric strings into #bigint, and keeps identifiers', () => {
    const v = nestVars({ 'mm.pte[0]': 'none', 'mm.pte[1]': 'present', 'frame[2]': 'free', 'child-cpu0.pc': 'idle', active: '3' });
    expect(v).toEqual({
      mm: { pte: { '#map': [[{ '#bigint': '0' }, 'none'], [{ '#bigint': '1' }, 'present']] } },
      frame: { '#map': [[{ '#bigint': '2' }, 'free']] },
      child_cpu0: { pc: 'idle' },
      active: { '#bigint': '3' },
    });
    expect(itfProblems({ vars: Object.keys(v), states: [v] })).toEqual([]);
  });
  it('keeps a flat identifier where a name is both a variable and a prefix', () => {
    const v = nestVars({ x: '1', 'x.y': '2' });
    expect(v).toEqual({ x: { '#bigint': '1' }, x_y: { '#bigint': '2' } });
  });
});
