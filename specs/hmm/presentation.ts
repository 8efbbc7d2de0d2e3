/**
 * How HMM traces read: kernel-spelled labels, one participant per CPU thread / device thread,
 * plus the core-mm background actor and the driver callback, and ITF variables per state.
 */
import type { ItfValue, TraceView } from '../../checker/index.ts';
import {
  type Ctx, type HmmAction, type HmmState, makeCtx, PTE_KIND_NAMES, EVENT_NAMES, PC, R_PC, R_SEQOK,
  pgOff, frOff, dptOff, dmaOff, devOff, mmOff, PG_KIND, PG_VAL, PG_FLAGS, PG_VMA, PG_LASTW, PF_W, PF_D, PF_PROTNONE,
  F_REF, F_MAP, F_PIN, F_LOCK, F_DIRTY, F_VER, DV_LOCK, DV_SSEQCUR, MM_READERS, MM_WRITER, MM_EXISTS, dptFrame,
  DPT_WRITE, DPT_ATOMIC,
} from '../../model/hmm/index.ts';
import type { HmmConfig } from '../../model/hmm/config.ts';

const PC_NAMES: Record<number, string> = Object.fromEntries(Object.entries(PC).map(([k, v]) => [v, k]));

export function actorName(c: Ctx, t: number): string {
  const a = c.L.actors[t];
  if (a === undefined) return `actor${t}`;
  if (a.kind === 'cpu') return a.mm === 1 ? `child-cpu${a.index}` : `cpu${a.index}`;
  if (a.kind === 'dev') return `dev${a.device}.t${a.index}`;
  return 'core-mm';
}

const INFO_KINDS = new Set(['mmu_notifier_invalidate_range_start', 'mmu_notifier_invalidate_range_end', 'mmap_write_lock']);

export function actionLabel(c: Ctx, a: HmmAction): string {
  let tail = '';
  if (INFO_KINDS.has(a.kind)) tail = ` ${EVENT_NAMES[a.info] ?? a.info}`;
  else if (a.kind === 'dmirror_interval_invalidate' || a.kind === 'driver_invalidate') tail = ` (interval of dev${a.info})`;
  else if (a.info < 0) tail = ` → ${errno(a.info)}`;
  else if (a.info > 0) tail = ` [${a.info}]`;
  return `${actorName(c, a.actor)}: ${a.kind}(page ${a.page})${tail}`;
}

function errno(rc: number): string {
  const m: Record<number, string> = { [-1]: '-EPERM', [-2]: '-ENOENT', [-12]: '-ENOMEM', [-14]: '-EFAULT', [-16]: '-EBUSY', [-22]: '-EINVAL', [-11]: '-EAGAIN' };
  return m[rc] ?? String(rc);
}

function pteText(s: HmmState, o: number): string {
  const k = s[o + PG_KIND]!;
  const fl = s[o + PG_FLAGS]!;
  const flags = `${(fl & PF_W) !== 0 ? 'w' : ''}${(fl & PF_D) !== 0 ? 'd' : ''}${(fl & PF_PROTNONE) !== 0 ? 'protnone' : ''}`;
  const name = PTE_KIND_NAMES[k] ?? `kind${k}`;
  if (k === 0) return 'none';
  if (k === 3) return `swap{v${s[o + PG_VAL]}}`;
  return `${name}{f${s[o + PG_VAL]}${flags ? ` ${flags}` : ''}}`;
}

export function stateVars(c: Ctx, s: HmmState): Record<string, ItfValue> {
  const L = c.L;
  const v: Record<string, ItfValue> = {};
  v['gseq'] = s[L.gGseqOdd] === 1 ? 'odd' : 'even';
  v['active'] = String(s[L.gActive]);
  for (let m = 0; m < L.mms; m++) {
    if (s[mmOff(L, m) + MM_EXISTS] !== 1) continue;
    const pre = m === 0 ? 'mm' : 'child';
    v[`${pre}.mmap_lock`] = `r${s[mmOff(L, m) + MM_READERS]} w${s[mmOff(L, m) + MM_WRITER]}`;
    for (let a = 0; a < L.pages; a++) {
      const o = pgOff(L, m, a);
      const vma = s[o + PG_VMA]!;
      v[`${pre}.vma[${a}]`] = vma === 0 ? 'hole' : `${(vma & 1) !== 0 ? 'r' : '-'}${(vma & 2) !== 0 ? 'w' : '-'}`;
      v[`${pre}.pte[${a}]`] = pteText(s, o);
      v[`${pre}.lastWrite[${a}]`] = String(s[o + PG_LASTW]);
    }
  }
  for (let f = 2; f < L.frameCount; f++) {
    const o = frOff(L, f);
    if (s[o + F_REF] === 0) continue;
    v[`frame[${f}]`] = `ref${s[o + F_REF]} map${s[o + F_MAP]} pin${s[o + F_PIN]}${s[o + F_LOCK] ? ` locked-by${s[o + F_LOCK]! - 1}` : ''}${s[o + F_DIRTY] ? ' dirty' : ''} v${s[o + F_VER]}`;
  }
  for (let d = 0; d < L.devices; d++) {
    v[`dev${d}.lock`] = s[devOff(L, d) + DV_LOCK] === 0 ? 'free' : actorName(c, s[devOff(L, d) + DV_LOCK]! - 1);
    v[`dev${d}.sseq`] = s[devOff(L, d) + DV_SSEQCUR] === 1 ? '== gseq' : 'old';
    for (let a = 0; a < L.pages; a++) {
      const e = s[dptOff(L, d, a)]!;
      v[`dev${d}.pt[${a}]`] = e === 0 ? 'none' : `f${dptFrame(e)}${(e & 3) === DPT_WRITE ? ' write' : (e & 3) === DPT_ATOMIC ? ' atomic' : ' read'}`;
      const dm = s[dmaOff(L, d, a)]!;
      if (dm !== 0) v[`dev${d}.dma[${a}]`] = `f${dm}`;
    }
  }
  L.actors.forEach((a, t) => {
    v[`${actorName(c, t)}.pc`] = PC_NAMES[s[a.base + R_PC]!] ?? String(s[a.base + R_PC]);
    if (a.kind === 'dev') v[`${actorName(c, t)}.seqValid`] = s[a.base + R_SEQOK] === 1;
  });
  return v;
}

export function hmmView(cfg: HmmConfig): TraceView<HmmState, HmmAction> {
  const c = makeCtx(cfg);
  const participants = c.L.actors.map((_, t) => actorName(c, t));
  return {
    vars: (s) => stateVars(c, s),
    label: (a) => actionLabel(c, a),
    actor: (a) => actorName(c, a.actor),
    participants,
  };
}

/**
 * The spec-level view. TraceView has no config parameter, so the view follows the config of the
 * model most recently created by the spec (createModel calls `useViewConfig`).
 */
let current: Ctx | null = null;
export function useViewConfig(cfg: HmmConfig): void {
  current = makeCtx(cfg);
}

export const specHmmView: TraceView<HmmState, HmmAction> = {
  vars: (s) => (current !== null && current.L.width === s.length ? stateVars(current, s) : { words: Array.from(s, (x) => String(x)) }),
  label: (a) => (current !== null ? actionLabel(current, a) : `actor${a.actor}: ${a.kind}(page ${a.page})`),
  actor: (a) => (current !== null ? actorName(current, a.actor) : `actor${a.actor}`),
  get participants(): readonly string[] {
    const c = current;
    return c === null ? [] : c.L.actors.map((_, t) => actorName(c, t));
  },
};
