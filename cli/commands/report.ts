/**
 * `npm run report`: run the selected specs with action coverage on, then write one
 * self-contained HTML page and its Markdown twin (default reports/report.html and report.md,
 * each written atomically). The exit code follows `check`: 0 when every verdict matches.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { type ReportData, type ReportRun, toHtml, toReportMarkdown } from '../../checker/report/html.ts';
import type { CliOptions } from '../args.ts';
import type { JobResult } from '../job.ts';
import { display, ROOT, toolVersion } from '../paths.ts';
import { writeFilesAtomic } from '../util/atomic.ts';
import { verdictRecord } from '../output/verdict-record.ts';
import { recoverTemporaries } from '../util/recover.ts';
import { type Collected, collect, printOutcome } from './check.ts';
import { loadResults } from './report-from.ts';
import { discoverSpecFiles, loadSpecFile } from '../load.ts';
import { SPECS_DIR } from '../select.ts';

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function gitVersion(): { commit: string; dirty: boolean } {
  const commit = git(['rev-parse', '--short=12', 'HEAD']) ?? 'no commit yet';
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return { commit, dirty: status !== undefined && status !== '' };
}

const bound = (n: number): string => (Number.isFinite(n) ? n.toLocaleString('en-US') : '∞');

export function toReportRun(r: JobResult): ReportRun {
  const c = r.checkConfig;
  return {
    spec: r.spec,
    ...(r.title === undefined ? {} : { title: r.title }),
    config: r.config,
    ...(r.description === undefined ? {} : { description: r.description }),
    file: display(r.file, ROOT),
    modelId: r.modelId,
    params: r.params,
    bounds: {
      strategy: c.strategy,
      maxStates: bound(c.maxStates),
      maxDepth: bound(c.maxDepth),
      timeout: Number.isFinite(c.timeoutMs) ? `${c.timeoutMs / 1000}s` : '∞',
      deadlock: c.deadlock,
      ...(c.strategy === 'simulation' ? { seed: String(c.seed), walks: String(c.walks), walkDepth: String(c.walkDepth) } : {}),
    },
    status: r.status + (r.incompleteReason ? ` (${r.incompleteReason})` : ''),
    stats: {
      distinct: r.stats.distinct,
      transitions: r.stats.transitions,
      maxDepth: r.stats.maxDepth,
      deadlocks: r.stats.deadlocks,
      seconds: r.stats.elapsedMs / 1000,
      peakRssMB: r.stats.peakRssBytes / 2 ** 20,
    },
    rows: r.rows.map((row) => ({ ...verdictRecord(row), ...(row.trace === undefined ? {} : { trace: row.trace }) })),
    ...(r.coverage === undefined ? {} : { coverage: r.coverage }),
    ...(r.actionKinds === undefined ? {} : { actionKinds: r.actionKinds }),
    ...(r.finding === true ? { finding: true } : {}),
    ...(r.legend === undefined ? {} : { legend: r.legend }),
  };
}

/** A run of part of the specs: never-fired action kinds may belong to the specs left out. */
export function isPartialSelection(opts: Pick<CliOptions, 'files' | 'specs' | 'configs' | 'properties'>): boolean {
  return opts.files.length > 0 || opts.specs.length > 0 || opts.configs.length > 0 || opts.properties.length > 0;
}

export async function reportCommand(opts: CliOptions): Promise<number> {
  let c: Collected;
  let partial = isPartialSelection(opts);
  if (opts.from !== undefined) {
    const saved = await loadResults(opts.from);
    const specs = [...new Set(saved.results.map((r) => r.file))];
    const loaded = (await Promise.all(specs.map((f) => loadSpecFile(f)))).flat();
    // the saved run covered every spec under specs/ exactly when each of them appears in it
    const all = discoverSpecFiles(SPECS_DIR);
    partial = !all.every((f) => specs.includes(f)) || saved.results.length === 0;
    c = { loaded, results: saved.results, total: saved.results.length, interrupted: saved.interrupted };
  } else {
    c = await collect(opts, true);
  }
  const { commit, dirty } = gitVersion();
  const data: ReportData = {
    tool: { name: 'hmm-check', version: toolVersion(), commit, dirty },
    generatedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    runtime: `Node.js ${process.version} on ${process.platform}/${process.arch}`,
    runs: c.results.map(toReportRun),
    ...(c.interrupted ? { interrupted: true } : {}),
    ...(partial ? { partial: true } : {}),
    ...(opts.from === undefined ? {} : { source: display(resolve(opts.from)) }),
  };
  // Specs may add sections of their own (the v12-vs-upstream comparison is one); '' means none.
  const sections = c.loaded.flatMap((l) => {
    const markdown = l.spec.reportSection?.(data.runs) ?? '';
    return markdown === '' ? [] : [{ id: `section-${l.spec.id}`, markdown }];
  });
  const full: ReportData = sections.length === 0 ? data : { ...data, sections };
  const dir = resolve(opts.reportDir);
  const html = join(dir, 'report.html');
  const md = join(dir, 'report.md');
  if (c.error === undefined && c.results.length > 0) {
    recoverTemporaries(dir);
    writeFilesAtomic([{ path: html, data: toHtml(full) }, { path: md, data: toReportMarkdown(full) }]);
  }
  const code = printOutcome(c, opts, false);
  if (c.error === undefined && c.results.length > 0 && !opts.json) {
    process.stdout.write(`Report: ${display(html)} (and ${display(md)})\n`);
  }
  return code;
}
