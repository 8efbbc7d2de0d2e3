/**
 * The HMM progress actions (specs/hmm/progress.ts) against the model's own bookkeeping: on every
 * transition of the first states of every HMM configuration, a marked action completes a request
 * of its actor (its request index goes up), and no transition lowers any actor's request index
 * (so no cycle can contain a completion, which is why leaving one unmarked changes no verdict).
 */
import { describe, expect, it } from 'vitest';
import type { CheckSpec, Model } from '../../../checker/index.ts';
import { makeCtx, stateView, type HmmAction, type HmmConfig, type HmmState } from '../../../model/hmm/index.ts';
import { hmmProgress } from '../../../specs/hmm/progress.ts';
import { spec as referenceSpec } from '../../../specs/hmm/reference.spec.ts';
import { spec as dmirrorSpec } from '../../../specs/hmm/dmirror.spec.ts';
import { spec as v12Spec } from '../../../specs/v12/v12.spec.ts';

const STATES_PER_CONFIG = 1500;

function walk(model: Model<HmmState, HmmAction>, cfg: HmmConfig): { marked: number; completions: number; bad: string[] } {
  const c = makeCtx(cfg);
  const reqOf = (s: HmmState, t: number): number => stateView(c).at(s).actor(t).req;
  const seen = new Set<string>();
  const queue: HmmState[] = [];
  for (const s of model.initialStates()) {
    seen.add(s.join());
    queue.push(s);
  }
  let marked = 0;
  let completions = 0;
  const bad: string[] = [];
  for (let i = 0; i < queue.length && i < STATES_PER_CONFIG; i++) {
    const s = queue[i]!;
    model.successors(s, (a, n) => {
      for (let t = 0; t < c.L.actors.length; t++) if (reqOf(n, t) < reqOf(s, t)) bad.push(`${a.kind}: actor ${t}'s request index went back`);
      const done = reqOf(n, a.actor) > reqOf(s, a.actor);
      if (done) completions++;
      if (hmmProgress(a)) {
        marked++;
        if (!done) bad.push(`${a.kind}(info ${a.info}) is marked progress but completes no request`);
      }
      const key = n.join();
      if (!seen.has(key)) {
        seen.add(key);
        queue.push(n);
      }
    });
  }
  return { marked, completions, bad: [...new Set(bad)] };
}

describe('HMM progress actions complete a request', () => {
  for (const sp of [referenceSpec, dmirrorSpec, v12Spec] as unknown as CheckSpec<{ model: HmmConfig }, HmmState, HmmAction>[]) {
    it(`${sp.id}: every marked transition completes a request; request indices never go back`, () => {
      let marked = 0;
      let completions = 0;
      for (const [name, cfg] of Object.entries(sp.configs)) {
        if (cfg.benchOnly === true) continue;
        const r = walk(sp.createModel(cfg.params, name), cfg.params.model);
        expect(r.bad, name).toEqual([]);
        marked += r.marked;
        completions += r.completions;
      }
      // the table is not empty-by-accident: most completions are marked
      expect(marked).toBeGreaterThan(completions / 2);
    }, 600_000);
  }
});
