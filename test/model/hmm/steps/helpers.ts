/**
 * Shared helpers for the per-action unit tests (test/model/hmm/steps): build a model from a
 * config, fire steps by label and actor through the model's own successors, and read the state
 * words (PTE, frame, device PT, DMA, result slot) by the exported layout offsets.
 */
import {
  createHmmModel, type HmmAction, type HmmState, type HmmConfig, type HmmModel, R_PC, pgOff, frOff, dptOff, dmaOff,
  resOff, devOff, mmOff, tlbOff, srcOff, dstOff, pfnOff, PG_VMA, PG_KIND, PG_VAL, PG_FLAGS, PG_LASTW, F_REF, F_MAP,
  F_PIN, F_LOCK, F_LRU, F_DIRTY, F_VER, RES_RET, RES_CPAGES, RES_FAULTS, RES_DATA, MM_READERS, MM_WRITER, MM_EXISTS,
  DV_LOCK, DV_SSEQCUR, gseqOff, activeOff,
} from './internals.ts';

export type M = HmmModel;
export type Succ = { a: HmmAction; n: HmmState };

export const model = (cfg: HmmConfig): M => createHmmModel(cfg);
export const init = (m: M): HmmState => m.initialStates()[0]!;

export function succs(m: M, s: HmmState): Succ[] {
  const out: Succ[] = [];
  m.successors(s, (a, n) => out.push({ a, n }));
  return out;
}

/** the enabled step of `actor` labelled `kind` (with its action), or throw */
export function stepA(m: M, s: HmmState, actor: number, kind: string): Succ {
  const x = succs(m, s).find((e) => e.a.actor === actor && e.a.kind === kind);
  if (x === undefined) {
    throw new Error(`${kind} by ${actor} not enabled; enabled: ${succs(m, s).map((e) => `${e.a.actor}:${e.a.kind}`).join(', ')}`);
  }
  return x;
}

/** take the enabled step of `actor` whose label is `kind` */
export const step = (m: M, s: HmmState, actor: number, kind: string): HmmState => stepA(m, s, actor, kind).n;

/** take a sequence of labelled steps of one actor */
export function steps(m: M, s: HmmState, actor: number, kinds: readonly string[]): HmmState {
  let cur = s;
  for (const k of kinds) cur = step(m, cur, actor, k);
  return cur;
}

/** the labels `actor` may fire in `s` (a blocked actor: []) */
export const enabled = (m: M, s: HmmState, actor: number): string[] =>
  succs(m, s).filter((e) => e.a.actor === actor).map((e) => e.a.kind);

/** run `actor` alone (its first enabled step each time) until it reaches `pc` or is stuck */
export function runUntil(m: M, s: HmmState, actor: number, pc: number, max = 80): HmmState {
  let cur = s;
  const base = m.ctx.L.actors[actor]!.base;
  for (let i = 0; i < max && cur[base + R_PC] !== pc; i++) {
    const x = succs(m, cur).find((e) => e.a.actor === actor);
    if (x === undefined) break;
    cur = x.n;
  }
  return cur;
}

/** run `actor` alone until its next step would be labelled `kind` (that step not taken) */
export function runTo(m: M, s: HmmState, actor: number, kind: string, max = 80): HmmState {
  let cur = s;
  for (let i = 0; i < max; i++) {
    const x = succs(m, cur).find((e) => e.a.actor === actor);
    if (x === undefined) throw new Error(`actor ${actor} stuck before ${kind}`);
    if (x.a.kind === kind) return cur;
    cur = x.n;
  }
  throw new Error(`actor ${actor} did not reach ${kind}`);
}

/** run `actor` alone, recording its labels, until it reaches `pc` (or is stuck) */
export function trace(m: M, s: HmmState, actor: number, pc: number, max = 80): { s: HmmState; kinds: string[]; acts: HmmAction[] } {
  let cur = s;
  const acts: HmmAction[] = [];
  const base = m.ctx.L.actors[actor]!.base;
  for (let i = 0; i < max && cur[base + R_PC] !== pc; i++) {
    const x = succs(m, cur).find((e) => e.a.actor === actor);
    if (x === undefined) break;
    acts.push(x.a);
    cur = x.n;
  }
  return { s: cur, kinds: acts.map((a) => a.kind), acts };
}

// ---- state words ----------------------------------------------------------------------------

export function pte(m: M, s: HmmState, mm: number, a: number): { vma: number; kind: number; val: number; flags: number; lastw: number } {
  const o = pgOff(m.ctx.L, mm, a);
  return { vma: s[o + PG_VMA]!, kind: s[o + PG_KIND]!, val: s[o + PG_VAL]!, flags: s[o + PG_FLAGS]!, lastw: s[o + PG_LASTW]! };
}

export function frame(m: M, s: HmmState, f: number): { ref: number; map: number; pin: number; lock: number; lru: number; dirty: number; ver: number } {
  const o = frOff(m.ctx.L, f);
  return { ref: s[o + F_REF]!, map: s[o + F_MAP]!, pin: s[o + F_PIN]!, lock: s[o + F_LOCK]!, lru: s[o + F_LRU]!, dirty: s[o + F_DIRTY]!, ver: s[o + F_VER]! };
}

export function result(m: M, s: HmmState, t: number, req = 0): { ret: number; cpages: number; faults: number; data: number[] } {
  const o = resOff(m.ctx.L, t, req);
  const data: number[] = [];
  for (let a = 0; a < m.ctx.L.pages; a++) data.push(s[o + RES_DATA + a]!);
  return { ret: s[o + RES_RET]!, cpages: s[o + RES_CPAGES]!, faults: s[o + RES_FAULTS]!, data };
}

export const dpt = (m: M, s: HmmState, d: number, a: number): number => s[dptOff(m.ctx.L, d, a)]!;
export const dma = (m: M, s: HmmState, d: number, a: number): number => s[dmaOff(m.ctx.L, d, a)]!;
export const devLock = (m: M, s: HmmState, d: number): number => s[devOff(m.ctx.L, d) + DV_LOCK]!;
export const sseqCur = (m: M, s: HmmState, d: number): number => s[devOff(m.ctx.L, d) + DV_SSEQCUR]!;
export const readers = (m: M, s: HmmState, mm = 0): number => s[mmOff(m.ctx.L, mm) + MM_READERS]!;
export const writer = (m: M, s: HmmState, mm = 0): number => s[mmOff(m.ctx.L, mm) + MM_WRITER]!;
export const mmExists = (m: M, s: HmmState, mm: number): number => s[mmOff(m.ctx.L, mm) + MM_EXISTS]!;
export const gseq = (m: M, s: HmmState, mm = 0): number => s[gseqOff(m.ctx.L, mm)]!;
export const active = (m: M, s: HmmState, mm = 0): number => s[activeOff(m.ctx.L, mm)]!;
export const tlb = (m: M, s: HmmState, t: number, a: number): number => s[tlbOff(m.ctx.L, t, a)]!;
export const src = (m: M, s: HmmState, t: number, i: number): number => s[srcOff(m.ctx.L, t, i)]!;
export const dst = (m: M, s: HmmState, t: number, i: number): number => s[dstOff(m.ctx.L, t, i)]!;
export const pfn = (m: M, s: HmmState, t: number, i: number): number => s[pfnOff(m.ctx.L, t, i)]!;
/** actor register */
export const reg = (m: M, s: HmmState, t: number, r: number): number => s[m.ctx.L.actors[t]!.base + r]!;
export const pc = (m: M, s: HmmState, t: number): number => reg(m, s, t, R_PC);

/** run `actor` alone until it has finished its first `req` requests (R_REQ === req) */
export function runToReq(m: M, s: HmmState, actor: number, req: number, max = 120): HmmState {
  let cur = s;
  const base = m.ctx.L.actors[actor]!.base;
  for (let i = 0; i < max && cur[base + 1] !== req; i++) {
    const x = succs(m, cur).find((e) => e.a.actor === actor);
    if (x === undefined) break;
    cur = x.n;
  }
  return cur;
}
