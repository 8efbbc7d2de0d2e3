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
 *     results: [{ spec, config, property, kind, description?, expected, verdict, match, counterexample,
 *                 files, detail, distinctStates, depth, seconds }],
 *     error: null | { name, message, hint, file? } }
 *
 * `replay --json` prints the same document (command "replay", no checks, no results) with one more
 * field, `replay` (replayDocument below); so does bad input to replay, with `replay: null`.
 */
import { EXIT_CODE, type Outcome } from '../exit-codes.ts';
import type { JobResult, RowResult } from '../job.ts';
import { display, toolVersion } from '../paths.ts';
import { verdictRecord } from './verdict-record.ts';

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
    ...verdictRecord(row),
    distinctStates: r.stats.distinct,
    depth: r.stats.maxDepth,
    seconds: Math.round(r.stats.elapsedMs) / 1000,
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

/** What one replay did: the trace file (or spec file of a token), what it names, and the result. */
export interface ReplayRecord {
  /** the trace file replayed, or the spec file a `--path` token was followed in */
  readonly file: string;
  readonly spec: string;
  readonly config: string;
  /** the property the trace (or `--property`) names; null when a token names none */
  readonly property: string | null;
  /** the action-index path (`0/3/1`, lassos `0/3~1/4`) */
  readonly path: string;
  /** steps followed (absent when the path diverged) */
  readonly steps?: number;
  /** every property the path's last state (or lasso) demonstrates (absent when it diverged) */
  readonly demonstrated?: readonly string[];
  /** one sentence: what the replay showed, or at which step it no longer does */
  readonly message: string;
}

/**
 * `replay --json`: check's document, command "replay", plus `replay`. One replay is one verdict:
 * summary counts it as expected (the trace still shows its property: exit 0) or differing (exit 1).
 */
export function replayDocument(ok: boolean, replay: ReplayRecord | null, error: unknown = null): Record<string, unknown> {
  const outcome: Outcome = error !== null ? 'bad-input' : ok ? 'ok' : 'mismatch';
  const verdicts = replay === null || error !== null ? 0 : 1;
  return {
    ...jsonDocument('replay', outcome, [], error),
    summary: { checks: 0, verdicts, asExpected: verdicts === 1 && ok ? 1 : 0, differ: verdicts === 1 && !ok ? 1 : 0, undecided: 0 },
    replay,
  };
}
