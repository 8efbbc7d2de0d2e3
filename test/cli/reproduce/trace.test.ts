import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrace, ReproduceError } from '../../../cli/reproduce/trace.ts';
import { ROOT } from '../helpers.ts';

const F2 = 'counterexamples/hmm-dmirror/migrate-vs-device-read/s3-no-use-after-free.itf.json';
const text = readFileSync(join(ROOT, F2), 'utf8');

describe('parseTrace: a counterexample as step actions only', () => {
  it('reads the F2 trace as its .md table lists it (17 steps; step 4 is t1\'s failed dmirror_do_read)', () => {
    const t = parseTrace(text, F2);
    expect(t.spec).toBe('hmm-dmirror');
    expect(t.config).toBe('migrate-vs-device-read');
    expect(t.steps).toHaveLength(17);
    expect(t.steps[0]).toEqual({ index: 1, kind: 'migrate_vma_setup', actor: 'dev0.t0', page: 0, info: '[1]' });
    expect(t.steps[3]).toEqual({ index: 4, kind: 'dmirror_do_read', actor: 'dev0.t1', page: 0, info: '→ -ENOENT' });
    expect(t.steps[16]!.kind).toBe('dmirror_do_fault');
  });

  it('never looks at state values (a trace without open-file records): replacing every one of them changes nothing', () => {
    const doc = JSON.parse(text) as { states: Record<string, unknown>[] };
    for (const s of doc.states) for (const k of Object.keys(s)) if (k !== '#meta' && k !== 'mbt::actionTaken') s[k] = { '#tup': ['new', 'format'] };
    expect(parseTrace(JSON.stringify(doc), F2)).toEqual(parseTrace(text, F2));
  });

  it('rejects what is not a trace, and an edited step, with one message naming the file', () => {
    expect(() => parseTrace('{', 'x.itf.json')).toThrow(ReproduceError);
    expect(() => parseTrace('{"states": []}', 'x.itf.json')).toThrow(/x\.itf\.json is not an ITF trace/);
    const doc = JSON.parse(text) as { states: { '#meta': { actor: string } }[] };
    doc.states[4]!['#meta'].actor = 'dev0.t0';
    expect(() => parseTrace(JSON.stringify(doc), 'y.itf.json')).toThrow(/y\.itf\.json: step 4's label .* disagrees/);
  });

  it('lets the caller reject the spec before any step is read', () => {
    expect(() => parseTrace(text, F2, () => {
      throw new ReproduceError('no');
    })).toThrow('no');
  });

  describe('open-file records (a configuration with fds)', () => {
    const F8 = 'counterexamples/hmm-dmirror/two-fds-one-device-migrate/s3-no-use-after-free.itf.json';
    const f8 = readFileSync(join(ROOT, F8), 'utf8');
    type Doc = { states: { device: Record<string, unknown>[] }[] };

    it('F8\'s trace opens device 0 twice (its .md: mirror0.device = dev0, mirror1.device = dev0); F2\'s lists no files', () => {
      expect(parseTrace(f8, F8).files).toEqual([{ fd: 0, device: 0, mm: 0 }, { fd: 1, device: 0, mm: 0 }]);
      expect(parseTrace(text, F2).files).toBeNull();
    });

    it('records that change between states, are misnamed or half present are one message naming the file and the state', () => {
      const edit = (f: (d: Doc) => void): string => {
        const d = JSON.parse(f8) as Doc;
        f(d);
        return JSON.stringify(d);
      };
      expect(() => parseTrace(edit((d) => { d.states[7]!.device[1]!['of_device'] = { '#bigint': '1' }; }), 'z.itf.json'))
        .toThrow(/z\.itf\.json: the open-file records of state 7 differ from state 0's/);
      expect(() => parseTrace(edit((d) => { for (const s of d.states) s.device[1]!['mirror'] = 'mirror7'; }), 'z.itf.json'))
        .toThrow(/z\.itf\.json: state 0's open-file records are inconsistent: entry 1 is "mirror7", expected "mirror1"/);
      expect(() => parseTrace(edit((d) => { for (const s of d.states) delete s.device[0]!['mirror']; }), 'z.itf.json'))
        .toThrow(/1 of its 2 "device" entries name a mirror/);
      expect(() => parseTrace(edit((d) => { for (const s of d.states) s.device[0]!['of_device'] = 'rm -rf /'; }), 'z.itf.json'))
        .toThrow(/mirror0 has no device number/);
      expect(() => parseTrace(edit((d) => { for (const s of d.states) s.device[0]!['of_device'] = { '#bigint': '-1' }; }), 'z.itf.json'))
        .toThrow(ReproduceError);
    });
  });
});
