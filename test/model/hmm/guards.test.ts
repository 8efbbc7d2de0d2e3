/**
 * Every step's guard is its whole enabling condition (program.ts): over the first states of every
 * HMM configuration any spec under specs/ checks, for every actor that has not finished,
 *  - guard false ⇒ dispatch (next.ts stepActor) emits nothing for it;
 *  - guard true ⇒ dispatch emits at least one successor: no blocking condition is left hidden in a
 *    body (a body that returns without emitting would make the actor look enabled when it is not);
 *  - the guard leaves the state as it found it;
 *  - where the guard restates the body's branch conditions rather than a wait the body no longer
 *    checks (the background actor's "some work left"), guard false ⇒ the body itself, called
 *    directly, emits nothing: a guard stricter than its body would silently drop transitions.
 * Configurations whose model a spec wraps without the model context (the liveness-break wrappers)
 * are skipped: their steps are the unwrapped model's, which other configurations cover.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { HmmModel, HmmState } from '../../../model/hmm/index.ts';
import { actorEnabled, stepActor } from '../../../model/hmm/next.ts';
import { R_PC } from '../../../model/hmm/layout.ts';

const PER_CONFIG = 1500;
/** labels whose body, called with the guard false, must emit nothing (see above) */
const BODY_AGREES = new Set(['core_mm_background']);
const SPECS = join(import.meta.dirname, '../../../specs');

interface AnySpec {
  readonly id: string;
  readonly configs: Readonly<Record<string, { readonly params: unknown }>>;
  createModel(params: unknown, name: string): unknown;
}

const specFiles = readdirSync(SPECS, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.spec.ts') || f.endsWith('/spec.ts'))
  .sort();

/** the first problems found over the first PER_CONFIG states of m (BFS order) */
function guardProblems(m: HmmModel): string[] {
  const c = m.ctx;
  const bad: string[] = [];
  const seen = new Set<string>();
  const queue: HmmState[] = [...m.initialStates()];
  for (const s of queue) seen.add(s.join());
  for (let i = 0; i < queue.length && i < PER_CONFIG && bad.length < 3; i++) {
    const s = queue[i]!;
    const before = s.join();
    for (let t = 0; t < c.L.actors.length; t++) {
      const pc = s[c.L.actors[t]!.base + R_PC]!;
      if (pc === 0) continue;
      const label = c.prog.labels[pc];
      const enabled = actorEnabled(c, s, t);
      if (s.join() !== before) bad.push(`state #${i}: the guard of '${label}' (actor ${t}) wrote the state`);
      let emitted = 0;
      stepActor(c, s, t, () => { emitted++; });
      if (!enabled && emitted > 0) bad.push(`state #${i}: actor ${t} at '${label}' is blocked by its guard, yet dispatch emitted ${emitted}`);
      if (!enabled && BODY_AGREES.has(label!)) {
        let direct = 0;
        c.prog.table[pc]!(c, s, t, () => { direct++; });
        if (direct > 0) bad.push(`state #${i}: actor ${t} at '${label}': its guard is false, yet its body emitted ${direct}`);
      }
      if (enabled && emitted === 0) bad.push(`state #${i}: actor ${t} at '${label}': its guard holds, its body emitted nothing (a blocking condition hidden in the body)`);
    }
    m.successors(s, (_a, n) => {
      const k = n.join();
      if (!seen.has(k)) {
        seen.add(k);
        queue.push(Int32Array.from(n));
      }
    });
  }
  return bad;
}

describe('guards are the steps\' whole enabling conditions', () => {
  it('finds the HMM specs', () => {
    expect(specFiles.length).toBeGreaterThanOrEqual(8);
  });
  for (const f of specFiles) {
    it(f, async () => {
      const mod = (await import(pathToFileURL(join(SPECS, f)).href)) as { spec?: AnySpec; default?: AnySpec };
      const sp = mod.spec ?? mod.default;
      if (sp === undefined || typeof sp.createModel !== 'function') return;
      const bad: string[] = [];
      let checked = 0;
      for (const [name, cfg] of Object.entries(sp.configs)) {
        const m = sp.createModel(cfg.params, name) as HmmModel | { ctx?: unknown };
        if (typeof m !== 'object' || m === null || !('ctx' in m) || m.ctx === undefined) continue;
        checked++;
        for (const b of guardProblems(m as HmmModel)) bad.push(`${name}: ${b}`);
      }
      expect(bad).toEqual([]);
      if (f.includes('hmm') || f.includes('v12') || f.includes('patches')) expect(checked).toBeGreaterThan(0);
    }, 600_000);
  }
});
