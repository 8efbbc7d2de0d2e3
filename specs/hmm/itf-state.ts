/**
 * An HMM state as typed ITF data, for Quint/Apalache tooling (the `.itf.json` counterexamples):
 * records with identifier fields, integers as `#bigint`, `mmap_lock` as a ⟨readers, writer⟩
 * `#tup`, frames as a `#map` from frame number. Every record of a kind has the same fields (Quint's
 * records are typed): a PTE is { kind, frame, version, write, dirty, protnone, huge } whatever its
 * kind, with 0 where a field does not apply. The display strings of presentation.ts stay as
 * they are for the Markdown and the diagrams.
 */
import type { ItfValue } from '../../checker/index.ts';
import { toItf } from '../../checker/report/values.ts';
import { identifier } from '../../checker/report/itf-names.ts';
import {
  type Ctx, type HmmState, PTE_KIND_NAMES, PC, R_PC, R_SEQOK, R_SNAP, pgOff, frOff, dptOff, dmaOff, devOff, mmOff,
  PG_KIND, PG_VAL, PG_FLAGS, PG_VMA, PG_LASTW, PF_W, PF_D, PF_PROTNONE, PF_HUGE, F_REF, F_MAP, F_PIN, F_LOCK, F_DIRTY,
  F_VER, F_LAZY, DV_LOCK, DV_SSEQCUR, MM_READERS, MM_WRITER, MM_EXISTS, dptFrame, DPT_WRITE, DPT_ATOMIC, VM_EXISTS, VM_READ,
  VM_WRITE, VM_SHARED, VM_HUGETLB, VM_HUGEPAGE, VM_MIXEDMAP,
} from '../../model/hmm/index.ts';

const PC_NAMES: Record<number, string> = Object.fromEntries(Object.entries(PC).map(([k, v]) => [v, k]));
const bit = (x: number, b: number): boolean => (x & b) !== 0;
const tup = (...xs: number[]): ItfValue => ({ '#tup': xs.map((x) => ({ '#bigint': String(x) })) });

function pte(s: HmmState, o: number) {
  const k = s[o + PG_KIND]!;
  const fl = s[o + PG_FLAGS]!;
  const swap = PTE_KIND_NAMES[k] === 'swap';
  return {
    kind: PTE_KIND_NAMES[k] ?? `kind${k}`,
    frame: k === 0 || swap ? 0 : s[o + PG_VAL]!,
    version: swap ? s[o + PG_VAL]! : 0,
    write: bit(fl, PF_W),
    dirty: bit(fl, PF_D),
    protnone: bit(fl, PF_PROTNONE),
    huge: bit(fl, PF_HUGE),
  };
}

function vma(v: number) {
  return {
    exists: bit(v, VM_EXISTS), read: bit(v, VM_READ), write: bit(v, VM_WRITE), shared: bit(v, VM_SHARED),
    hugetlb: bit(v, VM_HUGETLB), thp: bit(v, VM_HUGEPAGE), mixedmap: bit(v, VM_MIXEDMAP),
  };
}

/** `actorName` gives the display names (cpu0, child-cpu0, dev0.t1, oom_reaper, core-mm). */
export function hmmItfState(c: Ctx, s: HmmState, actorName: (t: number) => string): Record<string, ItfValue> {
  const L = c.L;
  const v: Record<string, ItfValue> = {};
  v['invalidate_seq_odd'] = s[L.gGseqOdd] === 1;
  v['active_invalidations'] = toItf(s[L.gActive]!);
  if (L.gSeq1 >= 0) {
    v['child_invalidate_seq_odd'] = s[L.gSeq1] === 1;
    v['child_active_invalidations'] = toItf(s[L.gSeq1 + 1]!);
  }
  for (let m = 0; m < L.mms; m++) {
    const mo = mmOff(L, m);
    const pages = Array.from({ length: L.pages }, (_, a) => pgOff(L, m, a));
    v[m === 0 ? 'mm' : 'child_mm'] = {
      exists: s[mo + MM_EXISTS] === 1,
      mmap_lock: tup(s[mo + MM_READERS]!, s[mo + MM_WRITER]!),
      vma: pages.map((o) => toItf(vma(s[o + PG_VMA]!))),
      pte: pages.map((o) => toItf(pte(s, o))),
      last_write: pages.map((o) => toItf(s[o + PG_LASTW]!)),
    };
  }
  const frames: [ItfValue, ItfValue][] = [];
  for (let f = 2; f < L.frameCount; f++) {
    const o = frOff(L, f);
    frames.push([
      toItf(f),
      toItf({
        ref: s[o + F_REF]!, map: s[o + F_MAP]!, pin: s[o + F_PIN]!,
        locked_by: s[o + F_LOCK] ? identifier(actorName(s[o + F_LOCK]! - 1)) : '',
        dirty: s[o + F_DIRTY] !== 0, lazyfree: s[o + F_LAZY] !== 0, version: s[o + F_VER]!,
      }),
    ]);
  }
  v['frame'] = { '#map': frames };
  v['device'] = Array.from({ length: L.devices }, (_, d) => {
    const lock = s[devOff(L, d) + DV_LOCK]!;
    return toItf({
      lock_holder: lock === 0 ? '' : identifier(actorName(lock - 1)),
      sseq_current: s[devOff(L, d) + DV_SSEQCUR] === 1,
      pt: Array.from({ length: L.pages }, (_, a) => {
        const e = s[dptOff(L, d, a)]!;
        return { frame: e === 0 ? 0 : dptFrame(e), access: e === 0 ? 'none' : (e & 3) === DPT_WRITE ? 'write' : (e & 3) === DPT_ATOMIC ? 'atomic' : 'read' };
      }),
      dma: Array.from({ length: L.pages }, (_, a) => s[dmaOff(L, d, a)]!),
    });
  });
  const threads: Record<string, ItfValue> = {};
  L.actors.forEach((a, t) => {
    threads[identifier(actorName(t))] = toItf({
      pc: PC_NAMES[s[a.base + R_PC]!] ?? String(s[a.base + R_PC]),
      // device threads only; false/0 elsewhere keeps every thread record the same type
      seq_valid: a.kind === 'dev' && s[a.base + R_SEQOK] === 1,
      snapshot_notifier: a.kind === 'dev' ? s[a.base + R_SNAP]! : 0,
    });
  });
  v['thread'] = threads;
  return v;
}
