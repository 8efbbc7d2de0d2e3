// Follows: Linux v6.19 — (no kernel file: the successor loop)
/**
 * successors(): for every actor in a fixed order, the step at its program counter if that step's
 * guard holds (a blocked actor — waiting on a lock, a migration entry, a sleeping read_begin —
 * emits nothing, and its body is not called). Guard and step are looked up in the model's program
 * (program.ts): no hand-written dispatch.
 */
import { R_PC } from './layout.ts';
import type { Ctx, Emit } from './ctx.ts';

export function stepActor(c: Ctx, s: Int32Array, t: number, emit: Emit): void {
  const pc = s[c.L.actors[t]!.base + R_PC]!;
  if (pc === 0) return; // done
  const step = c.prog.table[pc];
  if (step === undefined) throw new Error(`hmm model: actor ${t} is at '${c.prog.labels[pc] ?? pc}', a label with no step body in this design`);
  if (c.prog.guards[pc]!(c, s, t)) step(c, s, t, emit);
}

/** Can actor t take a step in state s (it has not finished and its step's guard holds)? */
export function actorEnabled(c: Ctx, s: Int32Array, t: number): boolean {
  const pc = s[c.L.actors[t]!.base + R_PC]!;
  return pc !== 0 && c.prog.guards[pc]!(c, s, t);
}

export function successors(c: Ctx, s: Int32Array, emit: Emit): void {
  const n = c.L.actors.length;
  for (let t = 0; t < n; t++) stepActor(c, s, t, emit);
}
