/**
 * Liveness properties over BEEM models by a fixed rule (whatever they find, one worker and many
 * must agree), and a ModelSource that rebuilds them in each search worker: word predicates
 * relative to the initial state, fairness per DVE process, progress = the first process's steps.
 */
import { alwaysEventually, eventually, leadsTo, type FairnessSpec, type Property } from '../../../../checker/index.ts';
import type { LoadedLivenessModel } from '../../../../checker/liveness/parallel/thread-pool.ts';
import type { ModelSource } from '../../../../checker/search/parallel/index.ts';
import { type DveAction, loadDve } from '../../../../model/dve/index.ts';

export interface LivenessArgs {
  readonly file: string;
  readonly fairness: 'none' | 'weak' | 'strong';
}

export function livenessSource(args: LivenessArgs): ModelSource {
  return { module: import.meta.url, args };
}

/** Three properties on the first, middle and last state words, compared with their initial values. */
export function livenessProperties(init: Int32Array, fairness: LivenessArgs['fairness']): Property<Int32Array, unknown>[] {
  const last = init.length - 1;
  const mid = init.length >> 1;
  const f: FairnessSpec = fairness === 'none' ? {} : { '*': fairness };
  return [
    eventually<Int32Array>('first-changes', (s) => s[0] !== init[0], { fairness: f }),
    leadsTo<Int32Array>('mid-returns', (s) => s[mid] !== init[mid], (s) => s[mid] === init[mid], { fairness: f }),
    alwaysEventually<Int32Array>('last-initial-again', (s) => s[last] === init[last], { fairness: f }),
  ] as Property<Int32Array, unknown>[];
}

export const actorOf = (a: unknown): string => (a as DveAction).process;

/** progress: a step of the model's first process */
export function progressOf(firstProcess: string): (a: unknown) => boolean {
  return (a) => (a as DveAction).process === firstProcess;
}

export function initialRow(c: ReturnType<typeof loadDve>): Int32Array {
  const row = new Int32Array(c.model.packed.width);
  c.model.packed.initial(0, row);
  return row;
}

export async function loadSearchModel(raw: unknown): Promise<LoadedLivenessModel> {
  const args = raw as LivenessArgs;
  const c = loadDve(args.file);
  const first = c.system.processes[0]!.name;
  return {
    model: c.model as LoadedLivenessModel['model'],
    properties: livenessProperties(initialRow(c), args.fairness) as LoadedLivenessModel['properties'],
    liveness: { actorOf, isProgress: progressOf(first) },
  };
}
