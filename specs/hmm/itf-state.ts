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
  type Ctx, type HmmState, type DecodedState, decodeState, PTE_KIND_NAMES, PC, PF_W, PF_D, PF_PROTNONE, PF_HUGE, dptFrame,
  DPT_WRITE, DPT_ATOMIC, VM_EXISTS, VM_READ, VM_WRITE, VM_SHARED, VM_HUGETLB, VM_HUGEPAGE, VM_MIXEDMAP,
} from '../../model/hmm/index.ts';

const PC_NAMES: Record<number, string> = Object.fromEntries(Object.entries(PC).map(([k, v]) => [v, k]));
const bit = (x: number, b: number): boolean => (x & b) !== 0;
const tup = (...xs: number[]): ItfValue => ({ '#tup': xs.map((x) => ({ '#bigint': String(x) })) });

function pte(p: DecodedState['mm'][number]['pte'][number]) {
  const k = p.kind;
  const fl = p.flags;
  const swap = PTE_KIND_NAMES[k] === 'swap';
  return {
    kind: PTE_KIND_NAMES[k] ?? `kind${k}`,
    frame: k === 0 || swap ? 0 : p.val,
    version: swap ? p.val : 0,
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
  const st = decodeState(c, s);
  const v: Record<string, ItfValue> = {};
  v['invalidate_seq_odd'] = st.notifier[0]!.seqOdd === 1;
  v['active_invalidations'] = toItf(st.notifier[0]!.active);
  const child = st.notifier[1];
  if (child !== undefined) {
    v['child_invalidate_seq_odd'] = child.seqOdd === 1;
    v['child_active_invalidations'] = toItf(child.active);
  }
  st.mm.forEach((mm, m) => {
    v[m === 0 ? 'mm' : 'child_mm'] = {
      exists: mm.exists === 1,
      mmap_lock: tup(mm.readers, mm.writer),
      vma: mm.pte.map((p) => toItf(vma(p.vma))),
      pte: mm.pte.map((p) => toItf(pte(p))),
      last_write: mm.pte.map((p) => toItf(p.lastWrite)),
    };
  });
  const frames: [ItfValue, ItfValue][] = [];
  for (let f = 2; f < L.frameCount; f++) {
    const fr = st.frame[f]!;
    frames.push([
      toItf(f),
      toItf({
        ref: fr.refcount, map: fr.mapcount, pin: fr.pin,
        locked_by: fr.lock ? identifier(actorName(fr.lock - 1)) : '',
        dirty: fr.dirty !== 0, lazyfree: fr.lazy !== 0, version: fr.version,
        // features.swapCache only (so no other configuration's records change): whether the
        // folio is in the swap cache, and the contents version its swap slot holds
        ...(st.swapCache === undefined ? {} : { in_swap_cache: st.swapCache.slot[f]! !== 0, swap_version: Math.max(0, st.swapCache.slot[f]! - 1) }),
        // features.writeback only: the contents version the folio's last writeback put on disk (-1 = never)
        ...(st.writeback === undefined ? {} : { written_version: st.writeback.written[f]! - 1 }),
        // a device opened more than once only: the fd whose migration allocated the page (-1 = none)
        ...(st.frameFd === undefined ? {} : { mirror: st.frameFd.fd[f]! - 1 }),
      }),
    ]);
  }
  v['frame'] = { '#map': frames };
  v['device'] = st.device.map((dev, d) => toItf({
    // with `fds` an entry is one open file (struct dmirror): its device and the mm it mirrors
    ...(c.cfg.fds === undefined ? {} : { mirror: `mirror${d}`, of_device: L.fdDevice[d]!, mm: L.fdMm[d]! }),
    lock_holder: dev.lock === 0 ? '' : identifier(actorName(dev.lock - 1)),
    sseq_current: dev.sseq === 1,
    pt: dev.pt.map((e) => ({ frame: e === 0 ? 0 : dptFrame(e), access: e === 0 ? 'none' : (e & 3) === DPT_WRITE ? 'write' : (e & 3) === DPT_ATOMIC ? 'atomic' : 'read' })),
    dma: [...dev.dma],
  }));
  const threads: Record<string, ItfValue> = {};
  L.actors.forEach((a, t) => {
    const r = st.actor[t]!;
    threads[identifier(actorName(t))] = toItf({
      // the label, a patch's own ones included (c.prog): a number would change whenever the
      // model declares a label, since a patch's labels are numbered after the declared ones
      pc: c.prog.labels[r.pc] ?? PC_NAMES[r.pc] ?? String(r.pc),
      // device threads only; false/0 elsewhere keeps every thread record the same type
      seq_valid: a.kind === 'dev' && r.seqOk === 1,
      snapshot_notifier: a.kind === 'dev' ? r.snapshot : 0,
    });
  });
  v['thread'] = threads;
  return v;
}
