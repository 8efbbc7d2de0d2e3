/**
 * How a search worker thread rebuilds a job's model: the spec file (or .dve) and config name are
 * the whole description, loaded exactly as runJob loads them. Named by checker/search/parallel
 * through ModelSource; the file and export come from the job, never from a trace or results file.
 */
import type { ModelSource } from '../checker/search/parallel/index.ts';
import { CheckerError } from '../checker/errors.ts';
import type { LoadedLivenessModel } from '../checker/liveness/parallel/thread-pool.ts';
import { resolveView } from '../checker/report/present.ts';
import { viewFor } from '../checker/spec.ts';
import { loadSpecFile, propertiesOf, type SpecSource, userCodeError } from './load.ts';
import { display } from './paths.ts';

export interface SearchModelArgs {
  readonly source: SpecSource;
  readonly config: string;
  /** the run counts actions per kind (as runJob's coverage: the trace view's kind) */
  readonly coverage?: boolean;
}

export function searchModelSource(args: SearchModelArgs): ModelSource {
  return {
    bootstrap: new URL('./bootstrap.mjs', import.meta.url).href,
    module: import.meta.url,
    args,
  };
}

export async function loadSearchModel(raw: unknown): Promise<LoadedLivenessModel> {
  const args = raw as SearchModelArgs;
  // as runJob's resolveSource (not imported from job.ts: job.ts names this module)
  const all = await loadSpecFile(args.source.file, args.source.dve);
  const loaded = all.find((l) => l.exportName === args.source.exportName) ?? (args.source.exportName === '' ? all[0] : undefined);
  if (!loaded) throw new CheckerError(`${display(args.source.file)} no longer exports "${args.source.exportName}"`, 'the file changed during the run; run again');
  const cfg = loaded.spec.configs[args.config];
  if (!cfg) throw new CheckerError(`spec "${loaded.spec.id}" has no config "${args.config}"`, 'the file changed during the run; run again');
  let model;
  try {
    model = loaded.spec.createModel(cfg.params, args.config);
  } catch (e) {
    throw userCodeError(loaded, `createModel(params) of config "${args.config}"`, e);
  }
  const properties = propertiesOf(loaded, args.config);
  const view = resolveView(viewFor(loaded.spec, cfg.params));
  // as runJob names actors, kinds and progress for liveness (a liveness graph's partitions name edges by them)
  const progress = loaded.spec.progress;
  const liveness = { actorOf: (a: unknown) => view.actor(a), actionKindOf: (a: unknown) => view.kind(a), ...(progress === undefined ? {} : { isProgress: progress }) };
  if (!args.coverage) return { model, properties, liveness };
  return { model, properties, liveness, coverage: (a: unknown) => view.kind(a) };
}
