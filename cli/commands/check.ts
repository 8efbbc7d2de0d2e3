/**
 * `hmm-check check` (every spec under specs/, or the given files) and `hmm-check FILE`: run the
 * selected jobs, print one table (or one JSON object), and exit 0 exactly when every verdict
 * matches its expectation.
 */
import { match } from 'ts-pattern';
import { resolve } from 'node:path';
import { toText } from '../../checker/report/text.ts';
import type { CliOptions } from '../args.ts';
import { formatError } from '../errors.ts';
import { type Job, type JobResult, replayTarget, type RowResult } from '../job.ts';
import { display } from '../paths.ts';
import { createProgress, fmtInt, progressIntervalMs } from '../progress.ts';
import { createRunner, JobError, type Runner } from '../runner.ts';
import { EXIT_INTERRUPTED, watchSignals } from '../signals.ts';
import { buildJobs, jobLabel, selectSpecs } from '../select.ts';
import { printableLines } from '../util/printable.ts';
import { recoverTemporaries } from '../util/recover.ts';
import type { LoadedSpec } from '../load.ts';
import { pad } from '../../checker/report/text.ts';

export const EXIT_OK = 0;
export const EXIT_MISMATCH = 1;
export const EXIT_BAD_INPUT = 2;
export { EXIT_INTERRUPTED };
/**
 * A run whose only shortfall is undecided verdicts (a bound, the memory guard): today the same
 * code as a mismatch. Every path that ends a run as incomplete goes through this constant.
 */
export const EXIT_INCOMPLETE = EXIT_MISMATCH;

export interface Collected {
  /** the specs the run loaded (the report asks them for sections of their own) */
  readonly loaded: readonly LoadedSpec[];
  readonly results: readonly JobResult[];
  readonly total: number;
  readonly interrupted: boolean;
  /** set when a job failed (bad input at run time): the message to print */
  readonly error?: ReturnType<typeof formatError>;
  readonly errorJson?: unknown;
}

/** Runs every selected job; stops at the first error or at a signal (Ctrl-C, SIGTERM), also during start-up. */
export async function collect(opts: CliOptions, coverage: boolean): Promise<Collected> {
  const outDir = resolve(opts.out);
  const signals = watchSignals(() => recoverTemporaries(outDir, true));
  try {
    // temporaries of a run killed while writing: complete committed groups, delete the rest
    recoverTemporaries(outDir);
    const loaded = await selectSpecs(opts);
    const jobs = buildJobs(loaded, opts, {
      outDir,
      coverage,
      // progress events also feed the report of a worker that runs out of memory
      progressMs: progressIntervalMs(process.stderr, opts.quiet) || 1000,
    });
    return await runJobs(opts, loaded, jobs, createRunner(opts.inProcess, signals));
  } finally {
    signals.dispose();
  }
}

async function runJobs(opts: CliOptions, loaded: readonly LoadedSpec[], jobs: readonly Job[], runner: Runner): Promise<Collected> {
  const progress = createProgress(process.stderr, opts.quiet);
  const results: JobResult[] = [];
  try {
    for (const [i, job] of jobs.entries()) {
      if (runner.interrupted) break;
      progress.start(i, jobs.length, jobLabel(job));
      try {
        const r = await runner.run(job, (e) => progress.event(e));
        results.push(r);
        progress.finish(`${r.status}: ${fmtInt(r.stats.distinct)} states, depth ${r.stats.maxDepth}, ${(r.stats.elapsedMs / 1000).toFixed(2)}s`);
      } catch (e) {
        progress.clear();
        if (e instanceof JobError) {
          // the stack only with --debug, in JSON as in text
          const { stack, ...plain } = e.error;
          return { loaded, results, total: jobs.length, interrupted: false, error: formatError(e.error, opts.debug), errorJson: opts.debug ? e.error : plain };
        }
        throw e;
      }
    }
  } finally {
    progress.clear();
    await runner.close();
  }
  return { loaded, results, total: jobs.length, interrupted: runner.interrupted };
}

export interface Row extends RowResult {
  readonly spec: string;
  readonly config: string;
  readonly distinctStates: number;
  readonly depth: number;
  readonly seconds: number;
}

export function rowsOf(results: readonly JobResult[]): Row[] {
  return results.flatMap((r) =>
    r.rows.map((row) => ({ ...row, spec: r.spec, config: r.config, distinctStates: r.stats.distinct, depth: r.stats.maxDepth, seconds: r.stats.elapsedMs / 1000 })),
  );
}

const verdictMark = (row: Row): string =>
  match(row.verdict)
    .with('incomplete', () => '?')
    .with('holds', 'violated', () => (row.match ? '✓' : '✗'))
    .exhaustive();

export function table(rows: readonly Row[]): string {
  const head = ['', 'spec', 'config', 'property', 'expected', 'verdict', 'distinct states', 'depth', 'seconds'];
  const body = rows.map((r) => [verdictMark(r), r.spec, r.config, r.property, r.expected, r.verdict, fmtInt(r.distinctStates), String(r.depth), r.seconds.toFixed(2)]);
  const all = [head, ...body];
  const widths = head.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  const right = new Set([6, 7, 8]);
  const line = (row: string[]): string =>
    row.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : pad(c, widths[i]!))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '─'.repeat(w))), ...body.map(line)].join('\n');
}

function relFiles(row: Row): { itf: string; md: string; mmd: string } | null {
  return row.files ? { itf: display(row.files.itf), md: display(row.files.md), mmd: display(row.files.mmd) } : null;
}

/** One search's figures (issue 2's final stats), as JSON fields. */
export function checkStats(r: JobResult): Record<string, unknown> {
  const seconds = r.stats.elapsedMs / 1000;
  return {
    spec: r.spec,
    config: r.config,
    strategy: r.checkConfig.strategy,
    ...(r.checkConfig.strategy === 'simulation' ? { seed: r.checkConfig.seed } : {}),
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
  };
}

/** Human form of checkStats, one line per search. */
export function statsLine(r: JobResult): string {
  const seconds = r.stats.elapsedMs / 1000;
  const rate = r.stats.distinct / Math.max(seconds, 1e-9);
  const rateText = rate >= 1e6 ? `${(rate / 1e6).toFixed(2)} M` : `${fmtInt(rate)}`;
  return (
    `${r.spec} / ${r.config}: ${r.status}${r.incompleteReason ? ` (${r.incompleteReason})` : ''}, ${r.checkConfig.strategy}` +
    `${r.checkConfig.strategy === 'simulation' ? ` seed ${r.checkConfig.seed}` : ''}: ${fmtInt(r.stats.distinct)} distinct states, ` +
    `${fmtInt(r.stats.transitions)} transitions, max depth ${r.stats.maxDepth}, ${fmtInt(r.stats.deadlocks)} deadlock states, ` +
    `${seconds.toFixed(2)} s, ${rateText} states/s, peak RSS ${fmtInt(r.stats.peakRssBytes / 2 ** 20)} MB, ` +
    `${r.stats.bytesPerState.toFixed(1)} B/state stored; fingerprint collision probability ≈ ${r.stats.collisionProbability.toExponential(1)}`
  );
}

export function jsonReport(c: Collected, ok: boolean): unknown {
  const checks = c.results.map(checkStats);
  return {
    ok,
    ...(c.interrupted ? { interrupted: true } : {}),
    // A single search (one DVE model, one config): its figures at the top level as well.
    ...(checks.length === 1 ? checks[0] : {}),
    checks,
    results: rowsOf(c.results).map((r) => ({
      spec: r.spec,
      config: r.config,
      property: r.property,
      kind: r.kind,
      expected: r.expected,
      verdict: r.verdict,
      match: r.match,
      distinctStates: r.distinctStates,
      depth: r.depth,
      seconds: Math.round(r.seconds * 1000) / 1000,
      counterexample: r.counterexample,
      files: relFiles(r),
      detail: r.detail,
    })),
  };
}

/** Prints the outcome of `check`/`run` and returns the exit code. */
export function printOutcome(c: Collected, opts: CliOptions, verbose: boolean): number {
  const rows = rowsOf(c.results);
  // A search cut short by a bound decided nothing; with no verdict rows to say so, it is not ok.
  const undecided = c.results.filter((r) => r.status === 'incomplete' && r.rows.length === 0);
  const ok = c.error === undefined && !c.interrupted && rows.every((r) => r.match) && undecided.length === 0;
  if (opts.json) {
    const doc = jsonReport(c, ok) as Record<string, unknown>;
    if (c.errorJson !== undefined) doc['error'] = c.errorJson;
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else if (rows.length > 0 || c.results.length > 0) {
    const out: string[] = rows.length > 0 ? [table(rows), ''] : [];
    const shown = rows.filter((r) => r.verdict === 'violated' && r.trace && (verbose || !r.match));
    for (const r of shown) {
      const spec = c.results.find((x) => x.spec === r.spec)?.file ?? '';
      out.push(toText(r.trace!, { spec: r.spec, config: r.config, ...(r.files ? { itfPath: replayTarget(display(r.files.itf), spec, display(spec)) } : {}) }), '');
    }
    const written = rows.filter((r) => r.files);
    if (written.length > 0) {
      out.push('Counterexamples (ITF, Markdown, Mermaid):');
      for (const r of written) out.push(`  ${display(r.files!.md).replace(/\.md$/, '.{itf.json,md,mmd}')}`);
      out.push('');
    }
    if (verbose) for (const r of c.results) out.push(statsLine(r));
    if (verbose && c.results.length > 0) out.push('');
    const bad = rows.filter((r) => !r.match);
    out.push(
      undecided.length > 0
        ? `✗ ${undecided.map((r) => `${r.spec}/${r.config}`).join(', ')} stopped early (${undecided.map((r) => r.incompleteReason ?? 'incomplete').join(', ')}): the counts above are partial`
        : rows.length === 0
        ? `✓ ${c.results.length} check${c.results.length === 1 ? '' : 's'} ran; no properties to judge (deadlocks counted, not violations: use --deadlock)`
        : bad.length === 0
        ? `✓ all ${rows.length} verdicts as expected (${c.results.length} check${c.results.length === 1 ? '' : 's'})`
        : `✗ ${bad.length} of ${rows.length} verdicts differ from the expectation: ${bad.map((r) => `${r.spec}/${r.config}/${r.property} (expected ${r.expected}, got ${r.verdict})`).join('; ')}`,
    );
    process.stdout.write(`${printableLines(out.join('\n'))}\n`);
  }
  if (c.interrupted) {
    const last = c.results[c.results.length - 1];
    const explored = last ? `the last check (${last.spec} / ${last.config}) explored ${fmtInt(last.stats.distinct)} distinct states to depth ${last.stats.maxDepth} in ${(last.stats.elapsedMs / 1000).toFixed(1)}s` : 'no check had started';
    process.stderr.write(`hmm-check: interrupted after ${c.results.length} of ${c.total} checks; ${explored}. Verdicts marked "incomplete" are undecided.\n`);
    return EXIT_INTERRUPTED;
  }
  if (c.error !== undefined) {
    process.stderr.write(`${c.error}\n`);
    return EXIT_BAD_INPUT;
  }
  if (ok) return EXIT_OK;
  const decidedWrong = rows.some((r) => !r.match && r.verdict !== 'incomplete');
  return decidedWrong ? EXIT_MISMATCH : EXIT_INCOMPLETE;
}

export async function checkCommand(opts: CliOptions): Promise<number> {
  const c = await collect(opts, false);
  return printOutcome(c, opts, opts.command === 'run');
}
