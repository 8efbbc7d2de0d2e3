/**
 * The `--json` document of `check`, `run` and `report`: one shape whatever the number of checks
 * (none on bad input, one for a DVE model, hundreds for `npm run check`), versioned by
 * `schemaVersion` so CI scripts can refuse a shape they do not know. `report --from FILE` reads it
 * back (cli/commands/report-from.ts), so it carries what the report needs: spec file and export,
 * bounds, statistics, coverage when recorded, and each counterexample's replay path.
 *
 * Version 1 (README "Machine-readable output"):
 *   { schemaVersion, tool: { name, version }, command, outcome, exitCode, ok, interrupted,
 *     summary: { checks, verdicts, asExpected, differ, undecided },
 *     checks: [{ spec, config, file, export, modelId, strategy, seed?, bounds, status,
 *                incompleteReason?, distinctStates, transitions, deadlockStates, maxDepth, seconds,
 *                statesPerSecond, peakRssBytes, bytesPerState, collisionProbability, coverage? }],
 *     results: [{ spec, config, property, kind, description?, expected, verdict, match, distinctStates,
 *                 depth, seconds, counterexample, files, detail }],
 *     error: null | { name, message, hint, file? } }
 */
import { EXIT_CODE, type Outcome } from '../exit-codes.ts';
import type { JobResult, RowResult } from '../job.ts';
import { display, toolVersion } from '../paths.ts';

export const JSON_SCHEMA_VERSION = 1;

const finite = (n: number): number | null => (Number.isFinite(n) ? n : null);

/** One search's figures and what it was run with. */
export function checkStats(r: JobResult): Record<string, unknown> {
  const seconds = r.stats.elapsedMs / 1000;
  const c = r.checkConfig;
  return {
    spec: r.spec,
    config: r.config,
    file: display(r.file),
    export: r.exportName,
    modelId: r.modelId,
    strategy: c.strategy,
    ...(c.strategy === 'simulation' ? { seed: c.seed } : {}),
    // null = unbounded (JSON has no Infinity)
    bounds: {
      maxStates: finite(c.maxStates),
      maxDepth: finite(c.maxDepth),
      timeoutSeconds: Number.isFinite(c.timeoutMs) ? c.timeoutMs / 1000 : null,
      deadlock: c.deadlock,
      ...(c.strategy === 'simulation' ? { walks: c.walks, walkDepth: c.walkDepth } : {}),
    },
    status: r.status,
    ...(r.incompleteReason === undefined ? {} : { incompleteReason: r.incompleteReason }),
    distinctStates: r.stats.distinct,
    transitions: r.stats.transitions,
    deadlockStates: r.stats.deadlocks,
    maxDepth: r.stats.maxDepth,
    seconds: Math.round(seconds * 1000) / 1000,
    statesPerSecond: Math.round(r.stats.distinct / Math.max(seconds, 1e-9)),
    peakRssBytes: r.stats.peakRssBytes,
    bytesPerState: Math.round(r.stats.bytesPerState * 100) / 100,
    collisionProbability: r.stats.collisionProbability,
    ...(r.coverage === undefined ? {} : { coverage: r.coverage }),
    ...(r.finding === true ? { finding: true } : {}),
  };
}

function resultRow(r: JobResult, row: RowResult): Record<string, unknown> {
  return {
    spec: r.spec,
    config: r.config,
    property: row.property,
    kind: row.kind,
    ...(row.description === undefined ? {} : { description: row.description }),
    expected: row.expected,
    verdict: row.verdict,
    match: row.match,
    distinctStates: r.stats.distinct,
    depth: r.stats.maxDepth,
    seconds: Math.round(r.stats.elapsedMs) / 1000,
    counterexample: row.counterexample,
    files: row.files ? { itf: display(row.files.itf), md: display(row.files.md), mmd: display(row.files.mmd) } : null,
    detail: row.detail,
  };
}

export interface Summary {
  readonly checks: number;
  readonly verdicts: number;
  readonly asExpected: number;
  /** decided verdicts that differ from the expectation */
  readonly differ: number;
  /** verdicts a bound left open, plus checks cut short with no property to judge */
  readonly undecided: number;
}

export function summarize(results: readonly JobResult[]): Summary {
  let verdicts = 0;
  let asExpected = 0;
  let differ = 0;
  let undecided = 0;
  for (const r of results) {
    if (r.status === 'incomplete' && r.rows.length === 0) undecided++;
    for (const row of r.rows) {
      verdicts++;
      if (row.verdict === 'incomplete') undecided++;
      else if (row.match) asExpected++;
      else differ++;
    }
  }
  return { checks: results.length, verdicts, asExpected, differ, undecided };
}

/** What the run amounts to; the exit code follows from it (cli/exit-codes.ts). */
export function outcomeOf(c: { readonly results: readonly JobResult[]; readonly interrupted: boolean; readonly error?: unknown }): Outcome {
  if (c.interrupted) return 'interrupted';
  if (c.error !== undefined) return 'bad-input';
  const s = summarize(c.results);
  return s.differ > 0 ? 'mismatch' : s.undecided > 0 ? 'incomplete' : 'ok';
}

export function jsonDocument(
  command: string,
  outcome: Outcome,
  results: readonly JobResult[],
  error: unknown = null,
): Record<string, unknown> {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: 'hmm-check', version: toolVersion() },
    command,
    outcome,
    exitCode: EXIT_CODE[outcome],
    ok: outcome === 'ok',
    interrupted: outcome === 'interrupted',
    summary: summarize(results),
    checks: results.map(checkStats),
    results: results.flatMap((r) => r.rows.map((row) => resultRow(r, row))),
    error,
  };
}
