/** ITF writer and reader: values, round trip, and "write → read → replay reaches the violation". */
import { viewFor } from '../../../checker/spec.ts';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatItfJson, ItfFormatError, itfToJs, parseItf, stateVars, toItfTrace } from '../../../checker/report/itf.ts';
import { canonicalJson, diffVars, formatItf, toItf } from '../../../checker/report/values.ts';
import { replay } from '../../../checker/trace/replay-api.ts';
import { posixRelative } from '../../../cli/paths.ts';
import { replayTrace } from '../../../cli/commands/replay.ts';
import { spec } from '../../../specs/examples/mutex.spec.ts';
import { MUTEX, tempDir } from '../../cli/helpers.ts';
import { mutexCounterexample } from './helpers.ts';

const META = { spec: 'mutex', config: 'check-then-set', specFile: 'mutex.spec.ts', generatedBy: 'hmm-check test' };

describe('ITF values', () => {
  it('integers are #bigint, sets sorted, maps sorted by key, records keep field order', () => {
    expect(toItf(3)).toEqual({ '#bigint': '3' });
    expect(toItf(-1n)).toEqual({ '#bigint': '-1' });
    expect(toItf(new Set([3, 1, 2]))).toEqual({ '#set': [{ '#bigint': '1' }, { '#bigint': '2' }, { '#bigint': '3' }] });
    expect(toItf(new Map([['b', 1], ['a', 2]]))).toEqual({ '#map': [['a', { '#bigint': '2' }], ['b', { '#bigint': '1' }]] });
    expect(Object.keys(toItf({ z: 1, a: true }) as object)).toEqual(['z', 'a']);
    expect(toItf(Int32Array.of(1, 2))).toEqual([{ '#bigint': '1' }, { '#bigint': '2' }]);
    expect(toItf(0.5)).toEqual({ '#unserializable': '0.5' });
    expect(itfToJs(toItf({ s: new Set([1]), n: 2, big: 2n ** 70n }) )).toEqual({ s: new Set([1]), n: 2, big: 2n ** 70n });
  });

  it('formats compactly and diffs by leaf path', () => {
    expect(formatItf(toItf({ pc: ['idle', 'critical'], seq: 2 }))).toBe('{ pc: [idle, critical], seq: 2 }');
    expect(formatItf({ tag: 'Some', value: { '#bigint': '4' } })).toBe('Some(4)');
    const before = { faults: toItf([{ pc: 'idle', seq: 0 }, { pc: 'idle', seq: 0 }]) };
    const after = { faults: toItf([{ pc: 'idle', seq: 0 }, { pc: 'readBegun', seq: 2 }]) };
    expect(diffVars(before, after).map((c) => c.path)).toEqual(['faults[1].pc', 'faults[1].seq']);
  });
});

describe('ITF trace', () => {
  it('writes valid ITF: vars, #bigint integers, mbt::actionTaken, replay token in #meta', () => {
    const doc = toItfTrace(mutexCounterexample(), META);
    const text = formatItfJson(doc);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(doc.vars).toEqual(['pc', 'flag', 'turn', 'mbt::actionTaken']);
    expect(doc['#meta']).toMatchObject({ format: 'ITF', replay: '0/0/1/0/1', property: 'mutual-exclusion', spec: 'mutex', config: 'check-then-set' });
    expect(doc.states[0]!['mbt::actionTaken']).toBe('init');
    expect(doc.states[4]!['mbt::actionTaken']).toBe('enter');
    expect(doc.states[0]!['turn']).toEqual({ '#bigint': '0' });
  });

  it('round trip: write, read, replay the path, and reach the violation with the same states', () => {
    const text = formatItfJson(toItfTrace(mutexCounterexample(), META));
    const back = parseItf(text, 'x.itf.json');
    const cfg = spec.configs['check-then-set']!;
    const model = spec.createModel(cfg.params, 'check-then-set');
    const r = replay(model, String((back['#meta'] as { replay: string }).replay), spec.properties(cfg.params));
    expect(r.demonstrated).toContain('mutual-exclusion');
    r.steps.forEach((s, i) => {
      expect(canonicalJson(viewFor(spec, cfg.params)!.vars(s.state))).toBe(canonicalJson(stateVars(back.states[i]!, back.vars.filter((v) => v !== 'mbt::actionTaken'))));
    });
  });

  it('`replay` accepts the file it wrote and rejects one whose states were edited', async () => {
    const dir = join(tempDir(), 'mutex', 'check-then-set');
    mkdirSync(dir, { recursive: true });
    const doc = toItfTrace(mutexCounterexample(), { ...META, specFile: posixRelative(dir, MUTEX) });
    const good = join(dir, 'good.itf.json');
    writeFileSync(good, formatItfJson(doc));
    const opts = { specs: [], configs: [], properties: [], typecheck: false };
    await expect(replayTrace(good, opts)).resolves.toMatchObject({ ok: true, property: 'mutual-exclusion' });
    const edited = JSON.parse(formatItfJson(doc)) as { states: Record<string, unknown>[] };
    edited.states[2]!['flag'] = [true, false];
    const bad = join(dir, 'bad.itf.json');
    writeFileSync(bad, JSON.stringify(edited));
    const o = await replayTrace(bad, opts);
    expect(o.ok).toBe(false);
    expect(o.message).toMatch(/step 2 reaches a different state than recorded \(flag\[0\]: true → false\)/);
  });

  it('rejects malformed files with the file name and the fix', () => {
    expect(() => parseItf('{', 'a.itf.json')).toThrow(ItfFormatError);
    expect(() => parseItf('{"vars":["x"],"states":[{}]}', 'b.itf.json')).toThrow(/b\.itf\.json is not an ITF trace: state 0 has no value for variable "x"/);
    expect(() => parseItf('{"vars":[],"states":[],"loop":3}', 'c.itf.json')).toThrow(/"loop" must be a state index/);
  });
});
