/**
 * Command line of `hmm-check` (also behind `npm run check` and `npm run report`):
 *
 *   hmm-check check   [FILE…] [--spec ID] [--config NAME] [--property NAME] [--json] …
 *   hmm-check report  [same filters] [--report-dir DIR]
 *   hmm-check replay  FILE.itf.json [--json]
 *   hmm-check FILE.ts|FILE.dve [--config NAME] [--property NAME] [--json] [--strategy S] [--max-states N]
 *   hmm-check FILE.dve --leads-to P Q [--fairness none|weak|strong]
 */
import { DEADLOCK_PROPERTY } from '../checker/property.ts';
import { parseArgs } from 'node:util';
import type { Strategy } from '../checker/config.ts';
import { UsageError } from './errors.ts';
import { FAIRNESS_LEVELS, type FairnessLevel } from '../checker/liveness/fairness.ts';

export type Command = 'check' | 'run' | 'replay' | 'report' | 'help' | 'version';

export interface CliOptions {
  readonly command: Command;
  /** spec files / .dve files (run, check) or the trace file (replay) */
  readonly files: readonly string[];
  readonly specs: readonly string[];
  readonly configs: readonly string[];
  readonly properties: readonly string[];
  readonly json: boolean;
  readonly strategy?: Strategy;
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly timeoutMs?: number;
  readonly seed?: number;
  readonly noDeadlock: boolean;
  /** report states without successors as violations even where the spec only counts them (DVE runs) */
  readonly deadlock: boolean;
  /** replay: an action-index path ("0/3/1") to follow in a spec file instead of an ITF trace */
  readonly path?: string;
  /** counterexample directory (default ./counterexamples) */
  readonly out: string;
  readonly reportDir: string;
  readonly typecheck: boolean;
  /** run checks on the main thread (no worker; Ctrl-C then stops the process without a summary) */
  readonly inProcess: boolean;
  readonly quiet: boolean;
  readonly debug: boolean;
  /** DVE: check P leads-to Q (two DVE boolean expressions) */
  readonly leadsTo?: readonly [string, string];
  /** DVE --leads-to: fairness of every process */
  readonly fairness?: FairnessLevel;
  /** report fair cycles without a progress action (SPIN -l); specs declare progress actions */
  readonly nonProgress: boolean;
}

export const USAGE = `Usage:
  hmm-check check [FILE…] [options]     run every spec under specs/ (or the given files); one table
  hmm-check FILE.ts | FILE.dve [options] run one spec file or DVE model
  hmm-check replay FILE.itf.json         re-execute a saved counterexample; exit 0 if it still fails
  hmm-check replay SPEC.ts --config NAME --path 0/3/1 [--property P]
                                         follow a printed replay token and show the trace
  hmm-check report [options]             run the specs and write reports/report.html and report.md

Filters:   --spec ID|FILE   --config NAME   --property NAME   (repeatable, or comma-separated)
Liveness:  --leads-to P Q (DVE: P and Q are DVE expressions, e.g. 'P_0.p3' 'P_0.CS' or 'x == 1')
           --fairness none|weak|strong (of every DVE process; default none)
           --non-progress (cycles without a progress action; the spec declares them)
Search:    --strategy bfs|dfs|simulation   --max-states N   --max-depth N   --timeout SECONDS
           --seed N   --no-deadlock (do not report states without successors)
           --deadlock (report them as violations; DVE models only count them by default)
Output:    --json (one JSON object on stdout)   --out DIR (counterexamples, default ./counterexamples)
           --report-dir DIR (default ./reports)   --quiet (no progress)
Other:     --no-typecheck (skip tsc on spec files)   --in-process   --debug (stack traces)   --help   --version

Exit codes: 0 every verdict as expected (replay: the trace still fails), 1 some verdict differs
(replay: it no longer fails), 2 bad input (message names the file and the fix), 130 interrupted.
Specs: see specs/README.md.`;

const STRATEGIES: readonly Strategy[] = ['bfs', 'dfs', 'simulation'];

function list(v: string[] | undefined): string[] {
  return (v ?? []).flatMap((x) => x.split(',')).map((x) => x.trim()).filter((x) => x !== '');
}

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) {
    throw new UsageError(`--${name} expects a positive whole number, got "${v}"`, `write e.g. --${name} 100000`);
  }
  return n;
}

/** `--leads-to P Q` takes two values, which parseArgs cannot express: take them out first. */
function takeLeadsTo(argv: readonly string[]): { rest: string[]; leadsTo?: [string, string] } {
  const i = argv.indexOf('--leads-to');
  if (i < 0) return { rest: [...argv] };
  const p = argv[i + 1];
  const q = argv[i + 2];
  if (p === undefined || q === undefined || p.startsWith('--') || q.startsWith('--')) {
    throw new UsageError('--leads-to expects two expressions, P and Q', "write e.g. --leads-to 'P_0.p3' 'P_0.CS' (quote each expression)");
  }
  if (argv.indexOf('--leads-to', i + 1) >= 0) throw new UsageError('--leads-to given twice', 'check one leads-to property per run');
  return { rest: [...argv.slice(0, i), ...argv.slice(i + 3)], leadsTo: [p, q] };
}

export function parseCli(argvIn: readonly string[]): CliOptions {
  const { rest: argv, leadsTo } = takeLeadsTo(argvIn);
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        spec: { type: 'string', multiple: true },
        config: { type: 'string', multiple: true, short: 'c' },
        property: { type: 'string', multiple: true, short: 'p' },
        json: { type: 'boolean' },
        strategy: { type: 'string' },
        'max-states': { type: 'string' },
        'max-depth': { type: 'string' },
        timeout: { type: 'string' },
        seed: { type: 'string' },
        'no-deadlock': { type: 'boolean' },
        deadlock: { type: 'boolean' },
        path: { type: 'string' },
        out: { type: 'string' },
        'report-dir': { type: 'string' },
        'no-typecheck': { type: 'boolean' },
        'in-process': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        debug: { type: 'boolean' },
        fairness: { type: 'string' },
        'non-progress': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!.replace(/\.$/, ''), 'run `npx hmm-check --help` for the options');
  }
  const v = parsed.values;
  const pos = parsed.positionals;
  let command: Command;
  let files: string[];
  if (v.help || pos[0] === 'help') {
    command = 'help';
    files = [];
  } else if (v.version) {
    command = 'version';
    files = [];
  } else if (pos[0] === 'check' || pos[0] === 'report' || pos[0] === 'replay') {
    command = pos[0];
    files = pos.slice(1);
  } else if (pos.length === 0) {
    throw new UsageError('no command or file given', 'run `npm run check` for every spec, `npx hmm-check FILE.ts` for one spec file, or see `npx hmm-check --help`');
  } else {
    command = 'run';
    files = pos;
  }
  if (command === 'replay' && v.path !== undefined && !/^\d+(\/\d+)*(~(\d+(\/\d+)*)?)?$/.test(v.path)) {
    throw new UsageError(`--path expects an action-index path like 0/3/1, got "${v.path}"`, 'copy the path from the counterexample header ({ spec, config, property, path })');
  }
  if (command === 'replay' && files.length !== 1) {
    throw new UsageError(`replay takes exactly one trace file, got ${files.length}`, 'write `npx hmm-check replay counterexamples/<spec>/<config>/<property>.itf.json`');
  }
  if (command === 'report' && files.length > 0) {
    throw new UsageError(`report takes no file arguments (got ${files.join(' ')})`, 'use --spec FILE to restrict the report to one spec');
  }
  if (v.deadlock && v['no-deadlock']) {
    throw new UsageError('--deadlock and --no-deadlock contradict each other', 'pass one of them');
  }
  // Naming the deadlock property asks for it to be checked, also where a spec only counts deadlocks.
  const deadlockAsked = v.deadlock ?? list(v.property).includes(DEADLOCK_PROPERTY);
  const strategy = v.strategy;
  if (strategy !== undefined && !STRATEGIES.includes(strategy as Strategy)) {
    throw new UsageError(`unknown strategy "${strategy}"`, `use one of ${STRATEGIES.join(', ')}`);
  }
  const fairness = v.fairness;
  if (fairness !== undefined && !FAIRNESS_LEVELS.includes(fairness as FairnessLevel)) {
    throw new UsageError(`unknown fairness "${fairness}"`, `use one of ${FAIRNESS_LEVELS.join(', ')}`);
  }
  if (fairness !== undefined && leadsTo === undefined) {
    throw new UsageError('--fairness applies to --leads-to', "add --leads-to P Q, or state fairness in the spec's config (check: { fairness })");
  }
  if (leadsTo !== undefined && (command !== 'run' || !files.every((f) => f.endsWith('.dve')))) {
    throw new UsageError('--leads-to applies to DVE models', 'run `npx hmm-check MODEL.dve --leads-to P Q`; in a spec, write leadsTo(name, p, q) among its properties');
  }
  const timeout = v.timeout === undefined ? undefined : Number(v.timeout);
  if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`--timeout expects seconds > 0, got "${v.timeout}"`, 'write e.g. --timeout 60');
  const maxStates = positiveInt('max-states', v['max-states']);
  const maxDepth = positiveInt('max-depth', v['max-depth']);
  const seed = v.seed === undefined ? undefined : Number(v.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seed expects an integer, got "${v.seed}"`, 'write e.g. --seed 42');
  return {
    command,
    files,
    specs: list(v.spec),
    configs: list(v.config),
    properties: list(v.property),
    json: v.json ?? false,
    ...(strategy === undefined ? {} : { strategy: strategy as Strategy }),
    ...(maxStates === undefined ? {} : { maxStates }),
    ...(maxDepth === undefined ? {} : { maxDepth }),
    ...(timeout === undefined ? {} : { timeoutMs: timeout * 1000 }),
    ...(seed === undefined ? {} : { seed }),
    noDeadlock: v['no-deadlock'] ?? false,
    deadlock: deadlockAsked,
    ...(v.path === undefined ? {} : { path: v.path }),
    out: v.out ?? 'counterexamples',
    reportDir: v['report-dir'] ?? 'reports',
    typecheck: !(v['no-typecheck'] ?? false),
    inProcess: v['in-process'] ?? false,
    quiet: v.quiet ?? false,
    debug: v.debug ?? false,
    ...(leadsTo === undefined ? {} : { leadsTo }),
    ...(fairness === undefined ? {} : { fairness: fairness as FairnessLevel }),
    nonProgress: v['non-progress'] ?? false,
  };
}
