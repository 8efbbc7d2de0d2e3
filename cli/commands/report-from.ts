/**
 * `report --from RESULTS.json`: the report from a saved run (the `--json` document of `check`,
 * schemaVersion 1) without checking anything again. Statistics, bounds, verdicts and coverage come
 * from the file; counterexamples are rebuilt by following each one's replay path through the
 * spec's model (milliseconds), and the spec supplies what the file does not carry (titles,
 * parameters, the trace view). A file of another shape or version is bad input (exit 2).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { PropertyOutcome } from '../../checker/result.ts';
import { presentTrace, resolveView } from '../../checker/report/present.ts';
import { viewFor } from '../../checker/spec.ts';
import { parseReplayPath, type ReplayPath } from '../../checker/trace.ts';
import { replay } from '../../checker/trace/replay-api.ts';
import type { ResolvedCheckConfig } from '../../checker/config.ts';
import { UsageError } from '../errors.ts';
import type { JobResult, RowResult } from '../job.ts';
import { loadSpecFile, userCodeError } from '../load.ts';
import { JSON_SCHEMA_VERSION } from '../output/json.ts';
import { display } from '../paths.ts';

interface SavedCheck {
  readonly spec: string;
  readonly config: string;
  readonly file: string;
  readonly export: string;
  readonly modelId: string;
  readonly strategy: ResolvedCheckConfig['strategy'];
  readonly seed?: number;
  readonly bounds: { maxStates: number | null; maxDepth: number | null; timeoutSeconds: number | null; deadlock: 'violation' | 'count'; walks?: number; walkDepth?: number };
  readonly status: JobResult['status'];
  readonly incompleteReason?: JobResult['incompleteReason'];
  readonly distinctStates: number;
  readonly transitions: number;
  readonly deadlockStates: number;
  readonly maxDepth: number;
  readonly seconds: number;
  readonly peakRssBytes: number;
  readonly bytesPerState: number;
  readonly collisionProbability: number;
  readonly coverage?: Record<string, number>;
}

interface SavedResult {
  readonly spec: string;
  readonly config: string;
  readonly property: string;
  readonly kind: PropertyOutcome<unknown, unknown>['kind'];
  readonly description?: string;
  readonly expected: RowResult['expected'];
  readonly verdict: RowResult['verdict'];
  readonly match: boolean;
  readonly counterexample: string | null;
  readonly files: { itf: string; md: string; mmd: string } | null;
  readonly detail: string;
}

export interface SavedRun {
  readonly results: JobResult[];
  readonly interrupted: boolean;
}

function bad(file: string, what: string): never {
  throw new UsageError(`${display(file)} is not a results file of this hmm-check: ${what}`, 'write one with `npx hmm-check check --json > results.json` (or `npm run -s check -- --json > results.json`) and pass that file');
}

const inf = (n: number | null | undefined): number => (n === null || n === undefined ? Infinity : n);

export async function loadResults(fileArg: string): Promise<SavedRun> {
  const file = resolve(fileArg);
  if (!existsSync(file)) throw new UsageError(`cannot find results file ${display(file)}`, 'check the path; write one with `npx hmm-check check --json > results.json`');
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    bad(file, `not JSON (${(e as Error).message})`);
  }
  if (doc === null || typeof doc !== 'object') bad(file, 'the top level is not an object');
  if (doc['schemaVersion'] !== JSON_SCHEMA_VERSION) bad(file, `schemaVersion is ${JSON.stringify(doc['schemaVersion'])}, this version reads ${JSON_SCHEMA_VERSION}`);
  if (!Array.isArray(doc['checks']) || !Array.isArray(doc['results'])) bad(file, '"checks" and "results" must be lists');
  const checks = doc['checks'] as SavedCheck[];
  const rows = doc['results'] as SavedResult[];
  const out: JobResult[] = [];
  for (const c of checks) {
    if (typeof c?.spec !== 'string' || typeof c.config !== 'string' || typeof c.file !== 'string') bad(file, 'a check lacks spec, config or file');
    // paths in the file are as the run displayed them: relative to where it ran (try here, then next to the file)
    const specFile = [resolve(c.file), resolve(dirname(file), c.file)].find((p) => existsSync(p)) ?? resolve(c.file);
    const loaded = (await loadSpecFile(specFile)).find((l) => l.exportName === c.export || (c.export === '' && l.kind === 'dve'));
    if (!loaded) bad(file, `${display(specFile)} no longer exports "${c.export}"`);
    const cfg = loaded.spec.configs[c.config];
    if (!cfg) bad(file, `spec "${c.spec}" has no config "${c.config}" any more`);
    const view = resolveView(viewFor(loaded.spec, cfg.params));
    let model;
    try {
      model = loaded.spec.createModel(cfg.params, c.config);
    } catch (e) {
      throw userCodeError(loaded, `createModel(params) of config "${c.config}"`, e);
    }
    const myRows: RowResult[] = rows
      .filter((r) => r.spec === c.spec && r.config === c.config)
      .map((r) => {
        let trace;
        if (r.verdict === 'violated' && typeof r.counterexample === 'string') {
          const steps = replay(model, parseReplayPath(r.counterexample)).steps;
          trace = presentTrace(
            { modelId: model.id, property: r.property, classification: 'counterexample', steps, replay: r.counterexample as ReplayPath },
            view,
            r.kind,
            r.description,
          );
        }
        return {
          property: r.property,
          kind: r.kind,
          ...(r.description === undefined ? {} : { description: r.description }),
          expected: r.expected,
          verdict: r.verdict,
          match: r.match,
          detail: r.detail,
          counterexample: r.counterexample,
          files: r.files,
          ...(trace === undefined ? {} : { trace }),
        };
      });
    out.push({
      spec: c.spec,
      ...(loaded.spec.title === undefined ? {} : { title: loaded.spec.title }),
      config: c.config,
      ...(cfg.description === undefined ? {} : { description: cfg.description }),
      file: loaded.file,
      exportName: loaded.exportName,
      modelId: c.modelId,
      params: JSON.stringify(cfg.params, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Set ? [...v] : v)) ?? 'null',
      checkConfig: {
        strategy: c.strategy,
        maxStates: inf(c.bounds?.maxStates),
        maxDepth: inf(c.bounds?.maxDepth),
        timeoutMs: c.bounds?.timeoutSeconds == null ? Infinity : c.bounds.timeoutSeconds * 1000,
        deadlock: c.bounds?.deadlock ?? 'violation',
        maxMemoryBytes: Infinity,
        nonProgress: false,
        stopWhen: 'all',
        seed: c.seed ?? 1,
        walks: c.bounds?.walks ?? 1000,
        walkDepth: c.bounds?.walkDepth ?? 1000,
        progressMs: 0,
      },
      status: c.status,
      ...(c.incompleteReason === undefined ? {} : { incompleteReason: c.incompleteReason }),
      stats: {
        transitions: c.transitions,
        distinct: c.distinctStates,
        queued: 0,
        maxDepth: c.maxDepth,
        deadlocks: c.deadlockStates,
        elapsedMs: c.seconds * 1000,
        peakRssBytes: c.peakRssBytes,
        bytesPerState: c.bytesPerState,
        collisionProbability: c.collisionProbability,
      },
      rows: myRows,
      ...(c.coverage === undefined ? {} : { coverage: c.coverage }),
      ...(view.actionKinds === undefined ? {} : { actionKinds: view.actionKinds }),
      ...(cfg.finding === true ? { finding: true } : {}),
      ...(view.legend.length === 0 ? {} : { legend: view.legend }),
    });
  }
  return { results: out, interrupted: doc['interrupted'] === true };
}
