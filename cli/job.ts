/**
 * One unit of work: check one configuration of one spec, then write its counterexamples.
 * Runs inside the check worker (cli/worker.ts) or, with --in-process, on the main thread. The
 * input and output are plain data so they cross the thread boundary by structured clone.
 */
import { dirname, join, resolve } from 'node:path';
import { check } from '../checker/check.ts';
import type { CheckConfig, ResolvedCheckConfig } from '../checker/config.ts';
import { CheckerError } from '../checker/errors.ts';
import type { Reporter } from '../checker/events.ts';
import type { Model } from '../checker/model.ts';
import { DEADLOCK_PROPERTY, type Property } from '../checker/property.ts';
import type { IncompleteReason, PropertyOutcome, Stats, Verdict } from '../checker/result.ts';
import type { AbortFlag } from '../checker/search/control.ts';
import type { ParallelDesign } from '../checker/search/parallel/source.ts';
import type { ExpectedVerdict } from '../checker/spec.ts';
import { formatItfJson, toItfTrace } from '../checker/report/itf.ts';
import { toMarkdown } from '../checker/report/markdown.ts';
import { toMermaid, toSequence } from '../checker/report/mermaid.ts';
import { type PresentedTrace, presentTrace, resolveView } from '../checker/report/present.ts';
import { viewFor } from '../checker/spec.ts';
import { type LoadedSpec, loadSpecFile, propertiesOf, type SpecSource, userCodeError } from './load.ts';
import { defaultWorkers } from './default-workers.ts';
import { workerBundle } from './worker-bundle.ts';
import { searchModelSource } from './search-model.ts';
import { display, isInside, posixRelative, ROOT, toolVersion } from './paths.ts';
import { removeFiles, writeFilesAtomic } from './util/atomic.ts';

export interface JobOverrides {
  readonly strategy?: CheckConfig['strategy'];
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly timeoutMs?: number;
  readonly seed?: number;
  readonly maxMemoryBytes?: number;
  readonly noDeadlock?: boolean;
  readonly deadlock?: boolean;
  readonly progressMs?: number;
  readonly nonProgress?: boolean;
}

export interface Job {
  readonly source: SpecSource;
  /** the spec's id (for progress lines; the worker re-reads the spec itself) */
  readonly specId: string;
  readonly config: string;
  /** only these properties (all when empty) */
  readonly properties: readonly string[];
  readonly overrides: JobOverrides;
  /** absolute counterexample directory, or null to write nothing */
  readonly outDir: string | null;
  /** count transitions per action kind (the report's coverage table) */
  readonly coverage: boolean;
  /** directory relative to which paths inside .md files are written (the repo root or cwd) */
  readonly baseDir: string;
  /** worker threads for BFS on packed models (1: the single-threaded search); absent: defaultWorkers() as the job starts */
  readonly workers?: number;
  /** how several workers share the visited set (absent: the search's default) */
  readonly parallelDesign?: ParallelDesign;
}

export interface CounterexampleFiles {
  readonly itf: string;
  readonly md: string;
  readonly mmd: string;
}

export interface RowResult {
  readonly property: string;
  readonly kind: PropertyOutcome<unknown, unknown>['kind'];
  readonly description?: string;
  readonly expected: ExpectedVerdict;
  readonly verdict: Verdict;
  readonly match: boolean;
  readonly detail: string;
  /** replay path of the counterexample (violations only) */
  readonly counterexample: string | null;
  readonly files: CounterexampleFiles | null;
  /** the counterexample (violations) or witness (holding `sometimes`), ready for any writer */
  readonly trace?: PresentedTrace;
}

export interface JobResult {
  readonly spec: string;
  readonly title?: string;
  readonly config: string;
  readonly description?: string;
  readonly file: string;
  /** the export holding the spec in that file ('' for .dve) */
  readonly exportName: string;
  readonly modelId: string;
  /** the config's params, as JSON (for the report) */
  readonly params: string;
  readonly checkConfig: ResolvedCheckConfig;
  readonly status: 'exhaustive' | 'stopped' | 'incomplete';
  readonly incompleteReason?: IncompleteReason;
  readonly stats: Stats;
  readonly rows: readonly RowResult[];
  readonly coverage?: Readonly<Record<string, number>>;
  readonly actionKinds?: readonly string[];
  /** the config's violations are findings, not a deliberately broken variant (SpecConfig.finding) */
  readonly finding?: boolean;
  /** the view's glossary of state encodings */
  readonly legend?: readonly (readonly [string, string])[];
}

export function counterexamplePaths(outDir: string, spec: string, config: string, property: string): CounterexampleFiles {
  const base = join(outDir, spec, config, property);
  return { itf: `${base}.itf.json`, md: `${base}.md`, mmd: `${base}.mmd` };
}

export async function resolveSource(source: SpecSource): Promise<LoadedSpec> {
  const all = await loadSpecFile(source.file, source.dve);
  const found = all.find((l) => l.exportName === source.exportName) ?? (source.exportName === '' ? all[0] : undefined);
  if (!found) throw new CheckerError(`${display(source.file)} no longer exports "${source.exportName}"`, 'the file changed during the run; run again');
  return found;
}

export function effectiveConfig(base: CheckConfig | undefined, o: JobOverrides): CheckConfig {
  return {
    ...base,
    ...(o.strategy === undefined ? {} : { strategy: o.strategy }),
    ...(o.maxStates === undefined ? {} : { maxStates: o.maxStates }),
    ...(o.maxDepth === undefined ? {} : { maxDepth: o.maxDepth }),
    ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
    ...(o.seed === undefined ? {} : { seed: o.seed }),
    ...(o.maxMemoryBytes === undefined ? {} : { maxMemoryBytes: o.maxMemoryBytes }),
    ...(o.deadlock ? { deadlock: 'violation' as const } : {}),
    ...(o.noDeadlock ? { deadlock: 'count' as const } : {}),
    ...(o.progressMs === undefined ? {} : { progressMs: o.progressMs }),
    ...(o.nonProgress ? { nonProgress: true } : {}),
  };
}

function stableParams(p: unknown): string {
  try {
    return JSON.stringify(p, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Set ? [...v] : v)) ?? 'null';
  } catch {
    return String(p);
  }
}

export async function runJob(job: Job, hooks: { reporter?: Reporter; signal?: AbortFlag } = {}): Promise<JobResult> {
  const loaded = await resolveSource(job.source);
  const spec = loaded.spec;
  const cfg = spec.configs[job.config];
  if (!cfg) throw new CheckerError(`spec "${spec.id}" has no config "${job.config}"`, `use one of ${Object.keys(spec.configs).join(', ')}`);
  let model: Model<unknown, unknown>;
  try {
    model = spec.createModel(cfg.params, job.config);
  } catch (e) {
    throw userCodeError(loaded, `createModel(params) of config "${job.config}"`, e);
  }
  const allProps = propertiesOf(loaded, job.config);
  const wanted = new Set(job.properties);
  const props = wanted.size === 0 ? allProps : allProps.filter((p) => wanted.has(p.name));
  const config = effectiveConfig(cfg.check, {
    ...job.overrides,
    // deadlock detection is a property too: when filtered out, only count deadlocks
    ...(wanted.size > 0 && !wanted.has(DEADLOCK_PROPERTY) ? { noDeadlock: true } : {}),
  });
  const view = resolveView(viewFor(spec, cfg.params));
  const workers = job.workers ?? defaultWorkers();
  const result = check(model, props, config, {
    ...(hooks.reporter === undefined ? {} : { reporter: hooks.reporter }),
    ...(hooks.signal === undefined ? {} : { signal: hooks.signal }),
    ...(job.coverage ? { coverage: (a: unknown) => view.kind(a) } : {}),
    // Liveness: fairness is stated per actor (and actor:kind), named as the trace view names them.
    actorOf: (a: unknown) => view.actor(a),
    actionKindOf: (a: unknown) => view.kind(a),
    ...(view.actionKinds === undefined ? {} : { actionKinds: view.actionKinds }),
    ...(view.participants.length > 0 ? { knownActors: view.participants } : {}),
    ...(spec.progress === undefined ? {} : { isProgress: spec.progress }),
    ...(workers > 1 ? { parallel: { workers, ...(job.parallelDesign === undefined ? {} : { design: job.parallelDesign }), workerBundle: () => workerBundle(job.source.file), source: searchModelSource({ source: { kind: job.source.kind, file: job.source.file, exportName: job.source.exportName, ...(job.source.dve === undefined ? {} : { dve: job.source.dve }) }, config: job.config, coverage: job.coverage }) } } : {}),
  });
  const byName = new Map<string, Property<unknown, unknown>>(allProps.map((p) => [p.name, p]));
  const rows: RowResult[] = [];
  for (const o of result.properties) {
    const expected = cfg.expect[o.name] ?? 'holds';
    const description = byName.get(o.name)?.description ?? (o.kind === 'deadlock' ? 'every reachable state has a successor or is a legitimate end state' : undefined);
    const trace = o.trace ? presentTrace(o.trace, view, o.kind, description) : undefined;
    let files: CounterexampleFiles | null = null;
    if (job.outDir !== null) {
      const paths = counterexamplePaths(job.outDir, spec.id, job.config, o.name);
      if (o.verdict === 'violated' && trace) {
        writeCounterexample(trace, paths, { spec: spec.id, config: job.config, loaded, baseDir: job.baseDir });
        files = paths;
      } else if (o.verdict === 'holds') {
        // a property that now holds must not leave an old counterexample behind
        removeFiles([paths.itf, paths.md, paths.mmd]);
      }
    }
    rows.push({
      property: o.name,
      kind: o.kind,
      ...(description === undefined ? {} : { description }),
      expected,
      verdict: o.verdict,
      match: o.verdict === expected,
      detail: o.detail,
      counterexample: o.verdict === 'violated' && o.trace ? o.trace.replay : null,
      files,
      ...(trace === undefined ? {} : { trace }),
    });
  }
  const coverage = (result.stats as Stats & { coverage?: Record<string, number> }).coverage;
  return {
    spec: spec.id,
    ...(spec.title === undefined ? {} : { title: spec.title }),
    config: job.config,
    ...(cfg.description === undefined ? {} : { description: cfg.description }),
    file: loaded.file,
    exportName: loaded.exportName,
    modelId: result.modelId,
    params: stableParams(cfg.params),
    checkConfig: result.config,
    status: result.status,
    ...(result.incompleteReason === undefined ? {} : { incompleteReason: result.incompleteReason }),
    stats: result.stats,
    rows,
    ...(job.coverage ? { coverage: coverage ?? {} } : {}),
    ...(view.actionKinds === undefined ? {} : { actionKinds: view.actionKinds }),
    ...(cfg.finding === true ? { finding: true } : {}),
    ...(view.legend.length === 0 ? {} : { legend: view.legend }),
  };
}

export interface WriteContext {
  readonly spec: string;
  readonly config: string;
  readonly loaded: SpecSource;
  /** display paths in the .md relative to this directory */
  readonly baseDir: string;
}

/**
 * What follows `npx hmm-check replay` in the printed command: the trace, plus `--spec FILE` for
 * a spec outside this repository's specs/ (replay runs only code the user names, never the
 * file a trace names).
 */
export function replayTarget(itfShown: string, specFile: string, specShown: string): string {
  return isInside(join(ROOT, 'specs'), specFile) ? itfShown : `${itfShown} --spec ${specShown}`;
}

/** Writes the three files of one counterexample, together or not at all. Contents depend only on the trace. */
export function writeCounterexample(trace: PresentedTrace, paths: CounterexampleFiles, ctx: WriteContext): void {
  const itf = toItfTrace(trace, {
    spec: ctx.spec,
    config: ctx.config,
    specFile: posixRelative(dirname(paths.itf), ctx.loaded.file),
    ...(ctx.loaded.exportName === '' || ctx.loaded.exportName === 'spec' || ctx.loaded.exportName === 'default' ? {} : { specExport: ctx.loaded.exportName }),
    ...(ctx.loaded.dve === undefined ? {} : { dveLeadsTo: { from: ctx.loaded.dve.leadsTo[0], to: ctx.loaded.dve.leadsTo[1], fairness: ctx.loaded.dve.fairness } }),
    generatedBy: `hmm-check ${toolVersion()}`,
  });
  const itfShown = replayTarget(posixRelative(resolve(ctx.baseDir), paths.itf), ctx.loaded.file, posixRelative(resolve(ctx.baseDir), ctx.loaded.file));
  writeFilesAtomic([
    { path: paths.itf, data: formatItfJson(itf) },
    { path: paths.md, data: toMarkdown(trace, { spec: ctx.spec, config: ctx.config, itfPath: itfShown }) },
    { path: paths.mmd, data: toMermaid(toSequence(trace)) },
  ]);
}
