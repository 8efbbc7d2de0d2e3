/**
 * How HMM traces read: kernel-spelled labels; sequence-diagram participants for every CPU thread,
 * core-mm, the mmu notifier, each device's driver and every device fault thread; a fixed set of
 * named variables per state (ITF needs every state to bind every variable).
 */
import type { ItfValue, TraceView } from '../../checker/index.ts';
import {
  type Ctx, type HmmAction, type HmmState, type DecodedState, makeCtx, decodeState, stateView, PTE_KIND_NAMES, eventName,
  PF_W, PF_D, PF_PROTNONE, dptFrame, DPT_WRITE, DPT_ATOMIC, ACTION_KINDS, isDevFrame, frameOwner, PF_HUGE, VM_WRITE, VM_SHARED,
  VM_HUGETLB, VM_HUGEPAGE, VM_MIXEDMAP, VM_EXISTS, VM_READ,
} from '../../model/hmm/index.ts';
import type { HmmConfig } from '../../model/hmm/config.ts';
import { hmmExplainer } from './explain.ts';
import { HMM_LEGEND } from './legend.ts';
import { hmmItfState } from './itf-state.ts';
import { stepSource } from './source-links.ts';


export function actorName(c: Ctx, t: number): string {
  const a = c.L.actors[t];
  if (a === undefined) return `actor${t}`;
  if (a.kind === 'cpu') {
    if (c.reqs[t]!.some((r) => r.op === 'oomReap')) return 'oom_reaper';
    return a.mm === 1 ? `child-cpu${a.index}` : `cpu${a.index}`;
  }
  if (a.kind === 'dev') return `${mirrorName(c, a.fd)}.t${a.index}`;
  return 'core-mm';
}

/**
 * How an open file is named: `dev<d>` while every device has one fd (no `fds` in the
 * configuration: the names every earlier trace uses), else `mirror<i>` (struct dmirror i), whose
 * device the state names beside it.
 */
export function mirrorName(c: Ctx, fd: number): string {
  return c.cfg.fds === undefined ? `dev${fd}` : `mirror${fd}`;
}

const INFO_KINDS = new Set(['mmu_notifier_invalidate_range_start', 'mmu_notifier_invalidate_range_end', 'mmap_write_lock']);

export function actionLabel(c: Ctx, a: HmmAction): string {
  let tail = '';
  if (INFO_KINDS.has(a.kind)) tail = ` ${eventName(a.info)}`;
  else if (a.kind === 'dmirror_interval_invalidate' || a.kind === 'driver_invalidate') tail = ` (interval of ${mirrorName(c, a.info)})`;
  else if (a.kind === 'mmu_notifier_invalidate_range_start_nonblock') tail = ` (${mirrorName(c, a.info)}'s callback: mutex_trylock failed → -EAGAIN)`;
  else if (a.info < 0) tail = ` → ${errno(a.info)}`;
  else if (a.info > 0) tail = ` [${a.info}]`;
  return `${actorName(c, a.actor)}: ${a.kind}(page ${a.page})${tail}`;
}

function errno(rc: number): string {
  const m: Record<number, string> = { [-1]: '-EPERM', [-2]: '-ENOENT', [-12]: '-ENOMEM', [-14]: '-EFAULT', [-16]: '-EBUSY', [-22]: '-EINVAL', [-11]: '-EAGAIN', [-95]: '-EOPNOTSUPP' };
  return m[rc] ?? String(rc);
}

type Pte = DecodedState['mm'][number]['pte'][number];

function pteText(p: Pte): string {
  const k = p.kind;
  const fl = p.flags;
  const flags = `${(fl & PF_W) !== 0 ? 'w' : ''}${(fl & PF_D) !== 0 ? 'd' : ''}${(fl & PF_PROTNONE) !== 0 ? ' protnone' : ''}${(fl & PF_HUGE) !== 0 ? ' huge' : ''}`.trim();
  const name = PTE_KIND_NAMES[k] ?? `kind${k}`;
  if (k === 0) return 'none';
  if (k === 3) return `swap{v${p.val}}`;
  return `${name}{f${p.val}${flags ? ` ${flags}` : ''}}`;
}

function vmaText(vma: number): string {
  if ((vma & VM_EXISTS) === 0) return 'hole';
  const kind = [
    (vma & VM_SHARED) !== 0 ? 'shared' : '',
    (vma & VM_HUGETLB) !== 0 ? 'hugetlb' : '',
    (vma & VM_HUGEPAGE) !== 0 ? 'thp' : '',
    (vma & VM_MIXEDMAP) !== 0 ? 'mixedmap' : '',
  ].filter((x) => x !== '');
  return `${(vma & VM_READ) !== 0 ? 'r' : '-'}${(vma & VM_WRITE) !== 0 ? 'w' : '-'}${kind.length > 0 ? ` ${kind.join(' ')}` : ''}`;
}

const SNAP_STATE = ['none', 'inserted', 'inserted, sseq == invalidate_seq'] as const;

export function stateVars(c: Ctx, s: HmmState): Record<string, ItfValue> {
  // Every state binds the same variables (ITF requires it, and "what changed" columns compare
  // them): absent things get a value that says so instead of disappearing.
  const L = c.L;
  const st = decodeState(c, s);
  const v: Record<string, ItfValue> = {};
  v['gseq'] = st.notifier[0]!.seqOdd === 1 ? 'odd' : 'even';
  v['active'] = String(st.notifier[0]!.active);
  // the fork child's own notifier state, when a device mirrors the child (deviceMm)
  const child = st.notifier[1];
  if (child !== undefined) {
    v['child.gseq'] = child.seqOdd === 1 ? 'odd' : 'even';
    v['child.active'] = String(child.active);
  }
  st.mm.forEach((mm, m) => {
    const pre = m === 0 ? 'mm' : 'child';
    const exists = mm.exists === 1;
    v[`${pre}.mmap_lock`] = exists ? `r${mm.readers} w${mm.writer}` : 'no mm';
    mm.pte.forEach((p, a) => {
      v[`${pre}.vma[${a}]`] = !exists ? 'no mm' : vmaText(p.vma);
      v[`${pre}.pte[${a}]`] = exists ? pteText(p) : 'no mm';
      v[`${pre}.lastWrite[${a}]`] = String(p.lastWrite);
    });
  });
  for (let f = 2; f < L.frameCount; f++) {
    const fr = st.frame[f]!;
    v[`frame[${f}]`] = fr.refcount === 0
      ? 'free'
      : `ref${fr.refcount} map${fr.mapcount} pin${fr.pin}${fr.lock ? ` locked-by${fr.lock - 1}` : ''}${fr.dirty ? ' dirty' : ''}${fr.lazy ? ' lazyfree' : ''}${swapSlot(st, f)}${writtenText(st, f)} v${fr.version}`;
  }
  st.device.forEach((dev, d) => {
    const fd = mirrorName(c, d);
    if (c.cfg.fds !== undefined) v[`${fd}.device`] = `dev${L.fdDevice[d]!}${L.fdMm[d] === 1 ? ' (opened by the child)' : ''}`;
    v[`${fd}.lock`] = dev.lock === 0 ? 'free' : actorName(c, dev.lock - 1);
    v[`${fd}.sseq`] = dev.sseq === 1 ? '== gseq' : 'old';
    for (let a = 0; a < L.pages; a++) {
      const e = dev.pt[a]!;
      v[`${fd}.pt[${a}]`] = e === 0 ? 'none' : `f${dptFrame(e)}${(e & 3) === DPT_WRITE ? ' write' : (e & 3) === DPT_ATOMIC ? ' atomic' : ' read'}`;
      const dm = dev.dma[a]!;
      v[`${fd}.dma[${a}]`] = dm === 0 ? 'none' : `f${dm}`;
    }
  });
  // a device opened more than once: which fd's migration allocated each device page
  if (st.frameFd !== undefined) {
    for (let f = 2; f < L.frameCount; f++) {
      const o = st.frameFd.fd[f]!;
      if (o !== 0) v[`frame[${f}].mirror`] = mirrorName(c, o - 1);
    }
  }
  // the patch's own state (model/hmm/patch.ts `fields`)
  for (const [name, words] of Object.entries(st.patch)) {
    const global = L.patchFields[name]!.scope === 'global';
    words.forEach((w, i) => {
      v[global ? `patch.${name}` : `patch.${name}[${i}]`] = String(w);
    });
  }
  L.actors.forEach((a, t) => {
    const r = st.actor[t]!;
    v[`${actorName(c, t)}.pc`] = c.prog.labels[r.pc] ?? String(r.pc);
    if (a.kind === 'dev') {
      v[`${actorName(c, t)}.seqValid`] = r.seqOk === 1;
      // dmirror_snapshot's temporary interval notifier
      v[`${actorName(c, t)}.snapshotNotifier`] = SNAP_STATE[r.snapshot] ?? String(r.snapshot);
    }
  });
  return v;
}

// Who a step talks to, for the sequence diagram: the notifier's entry points, the driver's
// callbacks and code, and everything else is core-mm (mm/memory.c, mm/hmm.c, mm/migrate_device.c).
const NOTIFIER_KINDS = new Set<string>([
  'mmu_notifier_invalidate_range_start', 'mmu_notifier_invalidate_range_end', 'mmu_interval_read_begin', 'mmu_interval_read_retry',
]);
const CALLBACK_KINDS = new Set<string>(['dmirror_interval_invalidate', 'driver_invalidate']);
const isDriverKind = (k: string): boolean => k.startsWith('dmirror_') || k.startsWith('driver_') || k === 'mutex_lock';
const CORE_MM = 'core-mm';
const NOTIFIER = 'mmu_notifier';
const driverName = (d: number): string => `dev${d} driver`;

/** The device whose driver runs a step: the device thread's own, else the owner of the page's device-private frame. */
function stepDevice(c: Ctx, a: HmmAction, before: HmmState): number {
  const actor = c.L.actors[a.actor];
  if (actor?.kind === 'dev') return actor.device;
  if (c.L.devices <= 1) return 0;
  if (a.page < 0 || a.page >= c.L.pages) return 0; // a step about no page
  const f = stateView(c).at(before).mm(actor?.mm ?? 0).pte(a.page).val;
  return f > 1 && isDevFrame(c.L, f) ? frameOwner(c.L, f) : 0;
}

export function hmmView(cfg: HmmConfig): TraceView<HmmState, HmmAction> {
  const c = makeCtx(cfg);
  const threads = c.L.actors.map((_, t) => actorName(c, t));
  const cpus = threads.filter((n) => n.includes('cpu'));
  const devs = threads.filter((_, t) => c.L.actors[t]!.kind === 'dev');
  const drivers = Array.from({ length: c.L.devices }, (_, d) => driverName(d));
  return {
    vars: (s) => stateVars(c, s),
    label: (a) => actionLabel(c, a),
    actor: (a) => actorName(c, a.actor),
    actionKind: (a) => a.kind,
    actionKinds: ACTION_KINDS,
    actionColumn: 'kernel function',
    participants: [...cpus, CORE_MM, NOTIFIER, ...drivers, ...devs],
    itf: (s) => hmmItfState(c, s, (t) => actorName(c, t)),
    explain: hmmExplainer(c, (s) => stateVars(c, s)),
    legend: HMM_LEGEND,
    source: (a, before) => stepSource(c, a, before),
    arrow(a, before) {
      const from = actorName(c, a.actor);
      const text = actionLabel(c, a).slice(from.length + 2);
      if (CALLBACK_KINDS.has(a.kind)) return { from: NOTIFIER, to: driverName(a.info), text };
      if (NOTIFIER_KINDS.has(a.kind)) return { from, to: NOTIFIER, text };
      if (isDriverKind(a.kind)) return { from, to: driverName(stepDevice(c, a, before)), text };
      if (a.kind === 'cpu_access' || from === CORE_MM) return { from, to: from, text };
      return { from, to: CORE_MM, text };
    },
  };
}

/** ' swapcache{vN}' while frame f is in the swap cache, its slot holding version N (features.swapCache) */
function swapSlot(st: DecodedState, f: number): string {
  const w = st.swapCache?.slot[f] ?? 0;
  return w === 0 ? '' : ` swapcache{v${w - 1}}`;
}

/** ' on-disk{vN}' once a writeback of frame f wrote version N (features.writeback) */
function writtenText(st: DecodedState, f: number): string {
  const w = st.writeback?.written[f] ?? 0;
  return w === 0 ? '' : ` on-disk{v${w - 1}}`;
}
