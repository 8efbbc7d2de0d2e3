/** Shared helpers for the DVE tests: paths to the BEEM material and state-space counting via the engine. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { check } from '../../../checker/index.ts';
import { compileDve, type CompiledDve } from '../../../model/dve/index.ts';

export const BEEM = fileURLToPath(new URL('../../../../shared/beem/', import.meta.url));

export interface Counts {
  readonly states: number;
  readonly transitions: number;
  readonly levels: number;
  readonly deadlocks: number;
}

/** shared/beem/counts.json: published DiVinE state counts plus README-documented BFS transitions/levels/deadlocks. */
export function beemCounts(): Record<string, Counts> {
  return JSON.parse(readFileSync(`${BEEM}counts.json`, 'utf8')) as Record<string, Counts>;
}

/** Exhaustive BFS with the engine, deadlocks counted (not violations), in the counts.json vocabulary. */
export function countStates(c: CompiledDve): Counts {
  const r = check(c.model, [], { strategy: 'bfs', deadlock: 'count' });
  if (r.status !== 'exhaustive') throw new Error(`search of ${c.model.id} ended ${r.status}`);
  return { states: r.stats.distinct, transitions: r.stats.transitions, levels: r.stats.maxDepth, deadlocks: r.stats.deadlocks };
}

export function compile(source: string, file = 'test.dve'): CompiledDve {
  return compileDve(source, file);
}

/** All successors of a state through the object path, as plain arrays (for toEqual comparisons). */
export function objectSuccessors(c: CompiledDve, s: Int32Array): { action: string; next: number[] }[] {
  const out: { action: string; next: number[] }[] = [];
  c.model.successors(s, (a, next) => {
    const partner = a.partner ? ` & ${a.partner.process}#${a.partner.transition}` : '';
    out.push({ action: `${a.process}#${a.transition}${partner}`, next: Array.from(next) });
  });
  return out;
}

/** All successors through `packed.expand`, with their action indices. */
export function packedSuccessors(c: CompiledDve, s: Int32Array): { k: number; next: number[] }[] {
  const out: { k: number; next: number[] }[] = [];
  const sink = {
    next: new Int32Array(c.model.packed.width),
    emit(k: number): void {
      out.push({ k, next: Array.from(sink.next) });
    },
  };
  c.model.packed.expand(s, 0, sink);
  return out;
}
