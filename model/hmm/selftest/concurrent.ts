/**
 * Concurrent selftest scenarios: a model of the HMM configuration whose initial state is the one
 * reached by running a sequential prefix (the selftest's setup: fill the buffer, grant exclusive
 * access, ...) actor by actor, so a checker explores every interleaving of what comes after.
 * Also the result reader the conformance properties use. Imports nothing outside model/hmm.
 */
import type { HmmConfig } from '../config.ts';
import { createHmmModel, isTerminal, type HmmModel, type HmmState } from '../index.ts';
import type { Ctx } from '../ctx.ts';
import { R_PC, R_REQ, PC, resOff, RES_RET, RES_CPAGES, RES_FAULTS, RES_DATA } from '../layout.ts';
import type { HmmAction } from '../actions.ts';
import { packedForm } from '../packed.ts';

export interface PrefixStep {
  /** actor index (CPU threads first, then device threads) */
  readonly actor: number;
  /** run it alone until this many of its requests have completed */
  readonly requests: number;
}

/** Run each prefix step's actor alone (its only enabled step each time) until it got that far. */
export function runPrefix(m: HmmModel, prefix: readonly PrefixStep[]): HmmState {
  let s = m.initialStates()[0]!;
  for (const p of prefix) {
    const b = m.ctx.L.actors[p.actor]!.base;
    for (let guard = 0; s[b + R_PC] !== PC.done && s[b + R_REQ]! < p.requests; guard++) {
      if (guard > 500) throw new Error(`prefix: actor ${p.actor} does not terminate`);
      const steps: { a: HmmAction; n: HmmState }[] = [];
      m.successors(s, (a, n) => {
        if (a.actor === p.actor) steps.push({ a, n });
      });
      if (steps.length !== 1) throw new Error(`prefix: actor ${p.actor} has ${steps.length} enabled steps`);
      s = steps[0]!.n;
    }
  }
  return s;
}

/** The HMM model of `cfg`, starting after the sequential `prefix`. */
export function createPrefixedModel(cfg: HmmConfig, prefix: readonly PrefixStep[], id?: string): HmmModel {
  const m = createHmmModel(cfg, id);
  const init = runPrefix(m, prefix);
  // the packed form starts from the same state as the object form
  return { ...m, initialStates: () => [init], packed: packedForm(m.ctx, init) };
}

export interface RequestResult {
  readonly rc: number;
  readonly cpages: number;
  readonly faults: number;
  /** per page of the whole buffer: contents version / permission byte, -1 = not read */
  readonly data: readonly number[];
}

/** What request `req` of actor `t` returned (rc NOT_RUN = -1000 while it has not completed). */
export function requestResult(c: Ctx, s: HmmState, t: number, req: number): RequestResult {
  const o = resOff(c.L, t, req);
  const data: number[] = [];
  for (let a = 0; a < c.L.pages; a++) data.push(s[o + RES_DATA + a]!);
  return { rc: s[o + RES_RET]!, cpages: s[o + RES_CPAGES]!, faults: s[o + RES_FAULTS]!, data };
}

/** Every thread is done and the background actor idle (the model's terminal states). */
export const allDone = (c: Ctx, s: HmmState): boolean => isTerminal(c, s);
