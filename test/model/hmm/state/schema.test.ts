/**
 * The schema (model/hmm/state/schema.ts) against the model's own offsets (layout.ts, which the step
 * code uses): every word of every configuration is named exactly once by the decoder, and the
 * typed views read and write the very word the step code's offset names.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHmmModel, decodeState, stateView, stateWriter, type HmmConfig } from '../../../../model/hmm/index.ts';
import {
  pgOff, frOff, devOff, dptOff, dmaOff, dvFlagsOff, tlbOff, pfnOff, srcOff, dstOff, resOff, gseqOff, activeOff, mmOff,
  PG_KIND, PG_VAL, PG_FLAGS, PG_VMA, PG_LASTW, F_REF, F_MAP, F_PIN, F_LOCK, F_LRU, F_DIRTY, F_VER, F_LAZY, DV_LOCK, DV_SSEQCUR,
  MM_EXISTS, MM_READERS, MM_WRITER, R_PC, R_REQ, R_H_T, R_I_CB, R_SNAP, RES_RET, RES_CPAGES, RES_FAULTS, RES_DATA, frameFdOff,
} from '../../../../model/hmm/layout.ts';
import { mirrorOff, mdmaOff, invOff, faultOff, ghostForkBackOff } from '../../../../model/hmm/v12/words.ts';
import { SCENARIOS } from '../../../../specs/hmm/configs.ts';

const valid = (cfg: HmmConfig): boolean => {
  try {
    createHmmModel(cfg);
    return true;
  } catch {
    return false; // v12 refuses some scenarios (the OOM reaper)
  }
};
const configs: [string, HmmConfig][] = Object.entries(SCENARIOS).flatMap(([name, sc]): [string, HmmConfig][] => [
  [name, { driver: 'reference', ...sc } as HmmConfig],
  [`${name} v12`, { driver: 'reference', ...sc, design: 'v12' } as HmmConfig],
]).filter(([, cfg]) => valid(cfg));
configs.push(['patch fields', {
  driver: 'reference', ...SCENARIOS.faultVsMunmap,
  patch: { name: 'p', fields: { g: { scope: 'global', init: 3 }, perFrame: { scope: 'frame' }, perDev: { scope: 'device' } } },
} as HmmConfig]);

/** every number in a decoded tree, in order */
function leaves(x: unknown, out: number[] = []): number[] {
  if (typeof x === 'number') out.push(x);
  else if (Array.isArray(x)) for (const e of x) leaves(e, out);
  else if (x !== null && typeof x === 'object') for (const e of Object.values(x)) leaves(e, out);
  return out;
}

describe('state schema', () => {
  it.each(configs)('%s: the decoder names every word of the state exactly once', (_name, cfg) => {
    const c = createHmmModel(cfg).ctx;
    const s = Int32Array.from({ length: c.L.width }, (_, i) => i);
    const d = decodeState(c, s);
    // mm 0's notifier is also globals.seqOdd/active and mm 1's is globals.childNotifier: skip the alias
    const words = leaves({ ...d, notifier: [] }).sort((a, b) => a - b);
    expect(words).toEqual(Array.from({ length: c.L.width }, (_, i) => i));
  });

  it.each(configs)('%s: every view reads the word the model offset names', (_name, cfg) => {
    const c = createHmmModel(cfg).ctx;
    const L = c.L;
    const s = Int32Array.from({ length: L.width }, (_, i) => 1000 + i);
    const v = stateView(c).at(s);
    for (let m = 0; m < L.mms; m++) {
      expect([v.mm(m).exists, v.mm(m).readers, v.mm(m).writer]).toEqual([MM_EXISTS, MM_READERS, MM_WRITER].map((k) => s[mmOff(L, m) + k]));
      for (let a = 0; a < L.pages; a++) {
        const p = v.mm(m).pte(a);
        expect([p.vma, p.kind, p.val, p.flags, p.lastWrite]).toEqual([PG_VMA, PG_KIND, PG_VAL, PG_FLAGS, PG_LASTW].map((k) => s[pgOff(L, m, a) + k]));
      }
      if (m === 0 || L.gSeq1 >= 0) expect([v.notifier(m).seqOdd, v.notifier(m).active]).toEqual([s[gseqOff(L, m)], s[activeOff(L, m)]]);
    }
    for (let f = 0; f < L.frameCount; f++) {
      const fr = v.frame(f);
      expect([fr.refcount, fr.mapcount, fr.pin, fr.lock, fr.lru, fr.dirty, fr.version, fr.lazy])
        .toEqual([F_REF, F_MAP, F_PIN, F_LOCK, F_LRU, F_DIRTY, F_VER, F_LAZY].map((k) => s[frOff(L, f) + k]));
    }
    // one DEVICE struct per open file (struct dmirror): fd d (= device d without `fds`)
    for (let d = 0; d < L.fds; d++) {
      expect([v.device(d).lock, v.device(d).sseq]).toEqual([s[devOff(L, d) + DV_LOCK], s[devOff(L, d) + DV_SSEQCUR]]);
      expect(v.device(d).flags).toBe(L.devFlags ? s[dvFlagsOff(L, d)] : 0);
      for (let a = 0; a < L.pages; a++) expect([v.device(d).pt(a), v.device(d).dma(a)]).toEqual([s[dptOff(L, d, a)], s[dmaOff(L, d, a)]]);
    }
    L.actors.forEach((act, t) => {
      const r = v.actor(t);
      expect([r.pc, r.req, r.hmfFrame, r.invCallback, r.snapshot])
        .toEqual([R_PC, R_REQ, R_H_T, R_I_CB, R_SNAP].map((k) => s[act.base + k]));
      for (let a = 0; a < L.pages; a++) {
        expect([r.pfn(a), r.src(a), r.dst(a), r.tlb(a)]).toEqual([s[pfnOff(L, t, a)], s[srcOff(L, t, a)], s[dstOff(L, t, a)], s[tlbOff(L, t, a)]]);
      }
      for (let q = 0; q < act.nreq; q++) {
        const res = r.result(q);
        expect([res.ret, res.cpages, res.faults]).toEqual([RES_RET, RES_CPAGES, RES_FAULTS].map((k) => s[resOff(L, t, q) + k]));
        for (let a = 0; a < L.pages; a++) expect(res.data(a)).toBe(s[resOff(L, t, q) + RES_DATA + a]);
      }
      expect(() => r.result(act.nreq)).toThrow(RangeError);
    });
    expect(v.globals.budgetCompaction).toBe(L.gBudCompact >= 0 ? s[L.gBudCompact] : 0);
    expect(v.globals.oomUnstable).toBe(L.gUnstable >= 0 ? s[L.gUnstable] : 0);
    if (L.v12Base >= 0) {
      const w = v.v12();
      expect(w.ghostForkBackOff).toBe(s[ghostForkBackOff(L)]);
      L.actors.forEach((_a, t) => expect([w.actor(t).inv, w.actor(t).fault]).toEqual([s[invOff(L, t)], s[faultOff(L, t)]]));
      for (let d = 0; d < L.devices; d++) {
        for (let a = 0; a < L.pages; a++) expect([w.mirror(d).pt(a), w.mirror(d).dma(a)]).toEqual([s[mirrorOff(L, d, a)], s[mdmaOff(L, d, a)]]);
      }
    } else expect(() => v.v12()).toThrow(RangeError);
    expect(() => v.device(L.fds)).toThrow(RangeError);
    if (L.frameFdBase >= 0) for (let f = 0; f < L.frameCount; f++) expect(v.frameFd().fd(f)).toBe(s[frameFdOff(L, f)]);
    else expect(() => v.frameFd()).toThrow(RangeError);
    expect(() => v.device(0).pt(L.pages)).toThrow(RangeError);
  });

  it('a writer writes the word it reads, and nothing else (random writes)', () => {
    const c = createHmmModel({ driver: 'reference', ...SCENARIOS.forkDevicePrivate } as HmmConfig).ctx;
    const L = c.L;
    fc.assert(fc.property(fc.nat(L.pages - 1), fc.nat(L.frameCount - 1), fc.integer({ min: -5, max: 5 }), (a, f, x) => {
      const s = new Int32Array(L.width);
      const w = stateWriter(c).at(s);
      w.mm(1).pte(a).kind = x;
      w.frame(f).dirty = x + 1;
      w.device(0).setPt(a, x + 2);
      const expected = new Int32Array(L.width);
      expected[pgOff(L, 1, a) + PG_KIND] = x;
      expected[frOff(L, f) + F_DIRTY] = x + 1;
      expected[dptOff(L, 0, a)] = x + 2;
      expect(s).toEqual(expected);
    }));
  });

  it('an absent optional word reads 0 and cannot be written', () => {
    const c = createHmmModel({ driver: 'reference', ...SCENARIOS.faultVsMunmap } as HmmConfig).ctx;
    expect(c.L.gUnstable).toBe(-1);
    const w = stateWriter(c).at(new Int32Array(c.L.width));
    expect(w.globals.oomUnstable).toBe(0);
    expect(() => { w.globals.oomUnstable = 1; }).toThrow(/not in this configuration/);
  });
});
