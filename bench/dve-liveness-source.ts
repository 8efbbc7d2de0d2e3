/**
 * The leads-to check of bench/run-dve-liveness.ts as a model source, so search worker threads can
 * rebuild it (`--workers`): the .dve file, P, Q and the fairness level are the whole description.
 */
import { leadsTo, type FairnessLevel } from '../checker/index.ts';
import type { LoadedLivenessModel } from '../checker/liveness/parallel/thread-pool.ts';
import type { ModelSource } from '../checker/search/parallel/index.ts';
import { compileDveExpression, type DveAction, loadDve } from '../model/dve/index.ts';

export interface DveLeadsTo {
  readonly file: string;
  readonly p: string;
  readonly q: string;
  readonly fairness: FairnessLevel;
}

export function dveLeadsToSource(args: DveLeadsTo): ModelSource {
  return { module: import.meta.url, args };
}

export function dveLeadsTo(args: DveLeadsTo) {
  const compiled = loadDve(args.file);
  const prop = leadsTo('leads-to', compileDveExpression(compiled, args.p, 'P'), compileDveExpression(compiled, args.q, 'Q'), {
    fairness: { '*': args.fairness },
  });
  return { compiled, prop, actorOf: (a: DveAction) => a.process };
}

export async function loadSearchModel(raw: unknown): Promise<LoadedLivenessModel> {
  const { compiled, prop, actorOf } = dveLeadsTo(raw as DveLeadsTo);
  return {
    model: compiled.model as LoadedLivenessModel['model'],
    properties: [prop] as unknown as LoadedLivenessModel['properties'],
    liveness: { actorOf: actorOf as (a: unknown) => string },
  };
}
