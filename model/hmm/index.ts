/**
 * createHmmModel(config): a plain object that structurally fits checker/model.ts's Model<S, A>
 * (model/ imports nothing from checker/). States are flat Int32Arrays (see layout.ts).
 */
import type { HmmConfig } from './config.ts';
import { validateConfig } from './config.ts';
import {
  PC, R_PC, PTE_NONE, PTE_ZERO, PTE_PRESENT, PTE_SWAP, PF_W, PF_D, PF_PROTNONE, VM_EXISTS, ZERO_FRAME,
  F_MAP, F_DIRTY, MM_EXISTS, PG_VMA, PG_LASTW, pgOff, mmOff, frOff,
} from './layout.ts';
import { type Ctx, makeCtx, protBits, allocSysFrame, initFrame, loadRequest, initResults } from './ctx.ts';
import { setPte } from './mm.ts';
import { successors } from './next.ts';
import type { HmmAction } from './actions.ts';

export type HmmState = Int32Array;
export type { HmmAction } from './actions.ts';
export type { HmmConfig } from './config.ts';

export interface HmmModel {
  readonly id: string;
  readonly ctx: Ctx;
  initialStates(): readonly HmmState[];
  successors(s: HmmState, emit: (a: HmmAction, next: HmmState) => void): void;
  isTerminal(s: HmmState): boolean;
  readonly codec: { encode(s: HmmState, w: { push(v: number): void }): void };
}

export function initialState(c: Ctx): HmmState {
  const L = c.L;
  const cfg = c.cfg;
  const s = new Int32Array(L.width);
  const f = cfg.features ?? {};
  const bud = cfg.budgets ?? {};
  s[L.gBudReclaim] = (f.reclaim ?? false) ? (bud.reclaim ?? 1) : 0;
  s[L.gBudNuma] = (f.numa ?? false) ? (bud.numa ?? 1) : 0;
  s[L.gBudKsm] = (f.ksm ?? false) ? (bud.ksm ?? 1) : 0;
  s[mmOff(L, 0) + MM_EXISTS] = 1;
  const prot = protBits(cfg.prot ?? 'rw');
  for (let a = 0; a < L.pages; a++) {
    const init = cfg.initial?.[a] ?? 'none';
    const o = pgOff(L, 0, a);
    if (init === 'hole') continue;
    s[o + PG_VMA] = VM_EXISTS | prot;
    const protnone = prot === 0 ? PF_PROTNONE : 0;
    switch (init) {
      case 'zero':
        setPte(c, s, 0, a, PTE_ZERO, ZERO_FRAME, 0);
        break;
      case 'ro':
      case 'rw': {
        const fr = allocSysFrame(c, s);
        if (fr === 0) throw new RangeError('not enough frames for the initial pages');
        initFrame(c, s, fr, 1, true);
        s[frOff(L, fr) + F_MAP] = 1;
        const w = init === 'rw' && (prot & 2) !== 0 && protnone === 0;
        if (init === 'rw') s[frOff(L, fr) + F_DIRTY] = 1;
        setPte(c, s, 0, a, PTE_PRESENT, fr, (w ? PF_W : 0) | (init === 'rw' ? PF_D : 0) | protnone);
        s[o + PG_LASTW] = 1;
        break;
      }
      case 'swap':
        setPte(c, s, 0, a, PTE_SWAP, 1, 0);
        s[o + PG_LASTW] = 1;
        break;
      default:
        setPte(c, s, 0, a, PTE_NONE, 0, 0);
    }
  }
  L.actors.forEach((a, t) => {
    initResults(c, s, t);
    if (a.kind === 'kswapd') s[a.base + R_PC] = PC.K_IDLE;
    else {
      loadRequest(c, s, t, 0);
      if (a.kind === 'cpu' && a.mm === 1 && s[a.base + R_PC] !== PC.DONE) s[a.base + R_PC] = PC.WAIT_FORK;
    }
  });
  return s;
}

/** Every CPU/device thread finished its requests; the background actor is idle. */
export function isTerminal(c: Ctx, s: HmmState): boolean {
  const L = c.L;
  for (let t = 0; t < L.actors.length; t++) {
    const a = L.actors[t]!;
    const pc = s[a.base + R_PC]!;
    if (a.kind === 'kswapd') {
      if (pc !== PC.K_IDLE) return false;
    } else if (pc !== PC.DONE && !(pc === PC.WAIT_FORK && s[mmOff(L, 1) + MM_EXISTS] !== 1)) return false;
  }
  return true;
}

export function createHmmModel(cfg: HmmConfig, id?: string): HmmModel {
  validateConfig(cfg);
  const c = makeCtx(cfg);
  const init = initialState(c);
  const width = c.L.width;
  return {
    id: id ?? `hmm/upstream@${cfg.driver}`,
    ctx: c,
    initialStates: () => [init],
    successors: (s, emit) => successors(c, s, emit),
    isTerminal: (s) => isTerminal(c, s),
    codec: {
      encode(s, w) {
        for (let i = 0; i < width; i++) w.push(s[i]!);
      },
    },
  };
}

export { makeCtx } from './ctx.ts';
export type { Ctx } from './ctx.ts';
export * from './layout.ts';
export { DRIVER_VARIANTS, DRIVER_VARIANT_NAMES } from './variants.ts';
export type { DriverBehaviour, DriverVariant } from './variants.ts';
export { ACTION_KINDS } from './actions.ts';
export type { ActionKind } from './actions.ts';
