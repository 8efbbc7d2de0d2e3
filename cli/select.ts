/**
 * From the command line to a list of jobs: which spec files (discovered under specs/ or given),
 * which configs and properties. Unknown names are bad input and the message lists the known ones.
 */
import { basename, join } from 'node:path';
import { DEADLOCK_PROPERTY } from '../checker/property.ts';
import type { CliOptions } from './args.ts';
import { UsageError } from './errors.ts';
import type { Job } from './job.ts';
import { discoverSpecFiles, type LoadedSpec, loadSpecFile, propertiesOf } from './load.ts';
import { display, ROOT } from './paths.ts';
import { assertTypechecks } from './typecheck.ts';
import { defaultMaxMemoryBytes } from './memory.ts';

export const SPECS_DIR = join(ROOT, 'specs');

const looksLikePath = (s: string): boolean => /[\\/]/.test(s) || /\.(m?ts|dve)$/.test(s);

export async function selectSpecs(opts: CliOptions): Promise<LoadedSpec[]> {
  const pathFilters = opts.specs.filter(looksLikePath);
  const idFilters = opts.specs.filter((s) => !looksLikePath(s));
  let files = [...opts.files, ...pathFilters];
  const discovered = files.length === 0;
  if (discovered) {
    files = discoverSpecFiles(SPECS_DIR);
    if (files.length === 0) {
      throw new UsageError(`no spec files found under ${display(SPECS_DIR)}`, 'spec files are named spec.ts or *.spec.ts (see specs/README.md)');
    }
  }
  if (opts.typecheck) assertTypechecks(files);
  const loaded: LoadedSpec[] = [];
  const dve = opts.leadsTo ? { leadsTo: opts.leadsTo, fairness: opts.fairness ?? 'none' } : undefined;
  for (const f of files) loaded.push(...(await loadSpecFile(f, dve)));
  // Counterexamples live under counterexamples/<spec id>/: two specs with one id would overwrite each other.
  const byId = new Map<string, LoadedSpec>();
  for (const l of loaded) {
    const other = byId.get(l.spec.id);
    if (other !== undefined) {
      throw new UsageError(
        `two specs have the id "${l.spec.id}": ${display(other.file)} and ${display(l.file)}`,
        'give each spec its own id (for DVE models the id is the file name without .dve; rename one file)',
      );
    }
    byId.set(l.spec.id, l);
  }
  if (idFilters.length === 0) return loaded;
  const ids = new Set(loaded.map((l) => l.spec.id));
  for (const id of idFilters) {
    if (!ids.has(id)) throw new UsageError(`no spec with id "${id}"`, `known specs: ${[...ids].join(', ')}; or pass a spec file path to --spec`);
  }
  return loaded.filter((l) => idFilters.includes(l.spec.id));
}

export function propertyNames(l: LoadedSpec, config: string): string[] {
  const names = propertiesOf(l, config).map((p) => p.name);
  if ((l.spec.configs[config]?.check?.deadlock ?? 'violation') === 'violation') names.push(DEADLOCK_PROPERTY);
  return names;
}

export function buildJobs(loaded: readonly LoadedSpec[], opts: CliOptions, extra: { outDir: string | null; coverage: boolean; progressMs: number }): Job[] {
  const jobs: Job[] = [];
  const allConfigs = new Set<string>();
  const allProps = new Set<string>();
  for (const l of loaded) {
    for (const c of Object.keys(l.spec.configs)) {
      allConfigs.add(c);
      for (const p of propertyNames(l, c)) allProps.add(p);
    }
  }
  for (const c of opts.configs) {
    if (!allConfigs.has(c)) {
      const where = loaded.length === 1 ? `spec "${loaded[0]!.spec.id}" (${display(loaded[0]!.file)})` : 'the selected specs';
      throw new UsageError(`${where} has no config named "${c}"`, `use one of: ${[...allConfigs].join(', ')}`);
    }
  }
  if (!opts.noDeadlock) allProps.add(DEADLOCK_PROPERTY);
  for (const p of opts.properties) {
    if (!allProps.has(p)) {
      const where = loaded.length === 1 ? `spec "${loaded[0]!.spec.id}" (${display(loaded[0]!.file)})` : 'the selected specs';
      throw new UsageError(`${where} has no property named "${p}"`, `use one of: ${[...allProps].join(', ')}`);
    }
  }
  for (const l of loaded) {
    for (const [c, cfg] of Object.entries(l.spec.configs)) {
      if (opts.configs.length > 0 ? !opts.configs.includes(c) : cfg.benchOnly === true) continue;
      let props: string[] = [];
      if (opts.properties.length > 0) {
        const here = new Set(propertyNames(l, c));
        if (opts.properties.includes(DEADLOCK_PROPERTY) && !opts.noDeadlock) here.add(DEADLOCK_PROPERTY);
        props = opts.properties.filter((p) => here.has(p));
        if (props.length === 0) continue;
      }
      jobs.push({
        source: { kind: l.kind, file: l.file, exportName: l.exportName, ...(l.dve ? { dve: l.dve } : {}) },
        specId: l.spec.id,
        config: c,
        properties: props,
        overrides: {
          ...(opts.strategy === undefined ? {} : { strategy: opts.strategy }),
          ...(opts.maxStates === undefined ? {} : { maxStates: opts.maxStates }),
          ...(opts.maxDepth === undefined ? {} : { maxDepth: opts.maxDepth }),
          ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
          ...(opts.seed === undefined ? {} : { seed: opts.seed }),
          maxMemoryBytes: opts.maxMemoryBytes ?? defaultMaxMemoryBytes(),
          ...(opts.noDeadlock ? { noDeadlock: true } : {}),
          ...(opts.deadlock ? { deadlock: true } : {}),
          ...(opts.nonProgress ? { nonProgress: true } : {}),
          progressMs: extra.progressMs,
        },
        outDir: extra.outDir,
        coverage: extra.coverage,
        baseDir: extra.outDir === null ? process.cwd() : join(extra.outDir, '..'),
        // (not given: each job picks its default as it starts, cli/default-workers.ts)
        ...(opts.workers === undefined ? {} : { workers: opts.workers }),
        ...(opts.parallelDesign === undefined ? {} : { parallelDesign: opts.parallelDesign }),
      });
    }
  }
  if (jobs.length === 0) throw new UsageError('the filters select nothing to check', 'drop or change --spec/--config/--property');
  return jobs;
}

export function jobLabel(j: Job): string {
  return `${j.specId} / ${j.config}${j.source.kind === 'dve' ? ` (${basename(j.source.file)})` : ''}`;
}
