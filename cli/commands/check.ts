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
import { EXIT_CODE } from '../exit-codes.ts';
import { jsonDocument, outcomeOf, summarize } from '../output/json.ts';
import { writeJunit } from '../output/junit.ts';
import { effectiveConfig } from '../job.ts';

export { EXIT_BAD_INPUT, EXIT_INCOMPLETE, EXIT_INTERRUPTED, EXIT_MISMATCH, EXIT_OK } from '../exit-codes.ts';

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

/** The bounds a job will run with (for the progress line's ETA). */
function boundsOf(loaded: readonly LoadedSpec[], job: Job): { maxStates: number; timeoutMs: number } {
  const l = loaded.find((x) => x.file === job.source.file && x.exportName === job.source.exportName);
  const c = effectiveConfig(l?.spec.configs[job.config]?.check, job.overrides);
  return { maxStates: c.maxStates ?? Infinity, timeoutMs: c.timeoutMs ?? Infinity };
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
      progress.start(i, jobs.length, jobLabel(job), boundsOf(loaded, job));
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

/** Prints the outcome of `check`/`run` (table or JSON, and the JUnit file) and returns the exit code. */
export function printOutcome(c: Collected, opts: CliOptions, verbose: boolean): number {
  const rows = rowsOf(c.results);
  const outcome = outcomeOf(c);
  const sum = summarize(c.results);
  if (opts.junit !== undefined) {
    const err = c.errorJson as { message?: string; file?: string } | undefined;
    writeJunit(resolve(opts.junit), c.results, err?.message === undefined ? undefined : { message: err.message, ...(err.file === undefined ? {} : { file: err.file }) });
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(jsonDocument(opts.command, outcome, c.results, c.errorJson ?? null), null, 2)}\n`);
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
    const bad = rows.filter((r) => r.verdict !== 'incomplete' && !r.match);
    const undecidedRuns = c.results.filter((r) => r.status === 'incomplete');
    const checks = `${c.results.length} check${c.results.length === 1 ? '' : 's'}`;
    const partial = undecidedRuns.length > 0
      ? `${undecidedRuns.map((r) => `${r.spec}/${r.config}`).join(', ')} stopped early (${undecidedRuns.map((r) => r.incompleteReason ?? 'incomplete').join(', ')}): the counts above are partial`
      : '';
    out.push(
      bad.length > 0
        ? `✗ ${bad.length} of ${rows.length} verdicts differ from the expectation: ${bad.map((r) => `${r.spec}/${r.config}/${r.property} (expected ${r.expected}, got ${r.verdict})`).join('; ')}${partial ? `; ${partial}` : ''}`
        : sum.undecided > 0
        ? `? incomplete: ${sum.undecided} verdict${sum.undecided === 1 ? '' : 's'} undecided, none differs; ${partial} (exit ${EXIT_CODE.incomplete})`
        : rows.length === 0
        ? `✓ ${checks} ran; no properties to judge (deadlocks counted, not violations: use --deadlock)`
        : `✓ all ${rows.length} verdicts as expected (${checks})`,
    );
    if (opts.junit !== undefined) out.push(`JUnit: ${display(resolve(opts.junit))}`);
    process.stdout.write(`${printableLines(out.join('\n'))}\n`);
  }
  if (c.interrupted) {
    const last = c.results[c.results.length - 1];
    const explored = last ? `the last check (${last.spec} / ${last.config}) explored ${fmtInt(last.stats.distinct)} distinct states to depth ${last.stats.maxDepth} in ${(last.stats.elapsedMs / 1000).toFixed(1)}s` : 'no check had started';
    process.stderr.write(`hmm-check: interrupted after ${c.results.length} of ${c.total} checks; ${explored}. Verdicts marked "incomplete" are undecided.\n`);
  } else if (c.error !== undefined) {
    process.stderr.write(`${c.error}\n`);
  }
  return EXIT_CODE[outcome];
}

export async function checkCommand(opts: CliOptions): Promise<number> {
  const c = await collect(opts, true);
  return printOutcome(c, opts, opts.command === 'run');
}
