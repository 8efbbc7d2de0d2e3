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
import { PARALLEL_DESIGNS, type ParallelDesign } from '../checker/search/parallel/source.ts';
import { allCores } from './default-workers.ts';
import { UsageError } from './errors.ts';
import { didYouMean, type HelpTopic } from './help.ts';
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
  /** --max-memory: stop (incomplete) before the check's heap grows past this many bytes */
  readonly maxMemoryBytes?: number;
  readonly noDeadlock: boolean;
  /** report states without successors as violations even where the spec only counts them (DVE runs) */
  readonly deadlock: boolean;
  /** replay: an action-index path ("0/3/1") to follow in a spec file instead of an ITF trace */
  readonly path?: string;
  /** counterexample directory (default ./counterexamples) */
  readonly out: string;
  readonly reportDir: string;
  readonly typecheck: boolean;
  /** --workers N|auto: threads for BFS on packed models (DVE, and specs whose model has a packed form); auto: every core; default: defaultWorkers() (default-workers.ts) */
  readonly workers?: number;
  /** --parallel-design partitions|shared-table: how several workers share the visited set (default: shared-table) */
  readonly parallelDesign?: ParallelDesign;
  /** run checks on the main thread (no worker; Ctrl-C then stops the process without a summary) */
  readonly inProcess: boolean;
  readonly quiet: boolean;
  readonly debug: boolean;
  /** --junit FILE: JUnit XML of the verdicts */
  readonly junit?: string;
  /** report --from FILE: build the report from a saved `check --json` run */
  readonly from?: string;
  /** help: which command's options */
  readonly helpTopic?: HelpTopic;
  /** DVE: check P leads-to Q (two DVE boolean expressions) */
  readonly leadsTo?: readonly [string, string];
  /** DVE --leads-to: fairness of every process */
  readonly fairness?: FairnessLevel;
  /** report fair cycles without a progress action (SPIN -l); specs declare progress actions */
  readonly nonProgress: boolean;
}

export { USAGE } from './help.ts';

const COMMANDS = ['check', 'replay', 'report', 'reproduce', 'kernel', 'help'];

/** node:util's "Unknown option '--jsno'…" as one line, with the nearest known option. */
function unknownOptionError(e: Error, argv: readonly string[]): UsageError {
  const first = e.message.split('\n')[0]!.replace(/\.$/, '').replace(/\. To specify a positional argument.*$/, '');
  const m = /Unknown option '(-{1,2})([^']+)'/.exec(e.message);
  if (m) {
    const known = OPTION_NAMES.filter((o) => o.length > 1);
    const guess = didYouMean(m[2]!.split('=')[0]!, known);
    const cmd = argv.find((a) => a === 'check' || a === 'replay' || a === 'report');
    if (guess !== undefined) return new UsageError(`${first} (did you mean --${guess}?)`, `run \`npx hmm-check ${cmd ? `${cmd} ` : ''}--help\` for the options`);
  }
  return new UsageError(first, 'run `npx hmm-check --help` for the options');
}

const OPTION_NAMES = [
  'spec', 'config', 'property', 'json', 'strategy', 'max-states', 'max-depth', 'timeout', 'seed', 'no-deadlock', 'deadlock',
  'path', 'out', 'report-dir', 'no-typecheck', 'in-process', 'quiet', 'debug', 'junit', 'from', 'help', 'version', 'max-memory',
  'leads-to', 'fairness', 'non-progress',
];

const STRATEGIES: readonly Strategy[] = ['bfs', 'dfs', 'simulation'];

function list(v: string[] | undefined): string[] {
  return (v ?? []).flatMap((x) => x.split(',')).map((x) => x.trim()).filter((x) => x !== '');
}

function positiveInt(name: string, v: string | undefined, hint = `write e.g. --${name} 100000`): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) {
    throw new UsageError(`--${name} expects a positive whole number, got "${v}"`, hint);
  }
  return n;
}

const SIZE_UNITS: Readonly<Record<string, number>> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** "2G", "512M", "1.5g", "1000000" (bytes) → bytes. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(text.trim());
  const bytes = m ? Math.floor(Number(m[1]) * SIZE_UNITS[m[2]!.toUpperCase()]!) : NaN;
  if (!(bytes >= 2 ** 20) || !Number.isSafeInteger(bytes)) {
    throw new UsageError(`--max-memory expects a size of at least 1M, like 2G or 512M, got "${text}"`, 'write e.g. --max-memory 4G');
  }
  return bytes;
}

const SEARCH_OPTIONS = ['strategy', 'max-states', 'max-depth', 'timeout', 'seed', 'max-memory', 'deadlock', 'no-deadlock', 'in-process', 'workers', 'parallel-design'] as const;

/** More threads than this cannot help on any machine we know of, and each costs start-up time and memory. */
export const MAX_WORKERS = 1024;

/** Options that cannot mean anything together, or for this command: rejected, not ignored. */
function rejectContradictions(command: Command, v: Readonly<Record<string, unknown>>): void {
  if (v['no-deadlock'] && list(v['property'] as string[] | undefined).includes(DEADLOCK_PROPERTY)) {
    throw new UsageError(`--property ${DEADLOCK_PROPERTY} asks for deadlocks to be checked and --no-deadlock for them not to be`, 'pass one of them');
  }
  if (v['path'] !== undefined && command !== 'replay') {
    throw new UsageError('--path only applies to replay', 'write `npx hmm-check replay SPEC.ts --config NAME --path 0/3/1`');
  }
  if (v['report-dir'] !== undefined && command !== 'report') {
    throw new UsageError('--report-dir only applies to report', 'write `npm run report -- --report-dir DIR`');
  }
  if (command === 'replay') {
    const given = SEARCH_OPTIONS.filter((o) => v[o] !== undefined);
    if (given.length > 0 || v['out'] !== undefined) {
      throw new UsageError(`replay re-executes a recorded path and does not search: ${[...given, ...(v['out'] === undefined ? [] : ['out'])].map((o) => `--${o}`).join(', ')} cannot apply`, 'drop those options');
    }
  }
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
        'max-memory': { type: 'string' },
        'no-deadlock': { type: 'boolean' },
        deadlock: { type: 'boolean' },
        path: { type: 'string' },
        out: { type: 'string' },
        'report-dir': { type: 'string' },
        'no-typecheck': { type: 'boolean' },
        'in-process': { type: 'boolean' },
        workers: { type: 'string' },
        'parallel-design': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        debug: { type: 'boolean' },
        junit: { type: 'string' },
        from: { type: 'string' },
        fairness: { type: 'string' },
        'non-progress': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    throw unknownOptionError(e as Error, argv);
  }
  const v = parsed.values;
  const pos = parsed.positionals;
  let command: Command;
  let files: string[];
  let helpTopic: HelpTopic | undefined;
  if (v.help || pos[0] === 'help') {
    command = 'help';
    files = [];
    const topic = pos[0] === 'help' ? pos[1] : pos[0];
    helpTopic = topic === 'check' || topic === 'replay' || topic === 'report' ? topic : topic === undefined ? 'all' : 'run';
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
    const typo = didYouMean(pos[0]!, COMMANDS);
    if (typo !== undefined && !/[./\\]/.test(pos[0]!)) {
      throw new UsageError(`unknown command "${pos[0]}" (did you mean "${typo}"?)`, `run \`npx hmm-check ${typo} --help\``);
    }
  }
  if (command === 'replay' && v.path !== undefined && !/^\d+(\/\d+)*(~(\d+(\/\d+)*)?)?$/.test(v.path)) {
    throw new UsageError(`--path expects an action-index path like 0/3/1, got "${v.path}"`, 'copy the path from the counterexample header ({ spec, config, property, path })');
  }
  if (command === 'replay' && files.length !== 1) {
    throw new UsageError(`replay takes exactly one trace file, got ${files.length}`, 'write `npx hmm-check replay counterexamples/<spec>/<config>/<property>.itf.json`');
  }
  if (v.from !== undefined && command !== 'report') {
    throw new UsageError('--from belongs to the report command', 'write `npx hmm-check report --from RESULTS.json`');
  }
  if (command === 'report' && files.length > 0) {
    throw new UsageError(`report takes no file arguments (got ${files.join(' ')})`, 'use --spec FILE to restrict the report to one spec');
  }
  if (v.deadlock && v['no-deadlock']) {
    throw new UsageError('--deadlock and --no-deadlock contradict each other', 'pass one of them');
  }
  rejectContradictions(command, v);
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
  if (timeout !== undefined && !(timeout > 0 && Number.isFinite(timeout))) throw new UsageError(`--timeout expects seconds > 0, got "${v.timeout}"`, 'write e.g. --timeout 60');
  const maxStates = positiveInt('max-states', v['max-states']);
  const maxDepth = positiveInt('max-depth', v['max-depth']);
  const seed = v.seed === undefined ? undefined : Number(v.seed);
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw new UsageError(`--seed expects an integer, got "${v.seed}"`, 'write e.g. --seed 42');
  const maxMemoryBytes = v['max-memory'] === undefined ? undefined : parseSize(v['max-memory']);
  // (auto: every core whatever the load, as TLC's -workers auto)
  const workers = v.workers === 'auto' ? Math.min(MAX_WORKERS, allCores()) : positiveInt('workers', v.workers, 'write e.g. --workers 8, or --workers auto for every core');
  if (workers !== undefined && workers > MAX_WORKERS) throw new UsageError(`--workers expects at most ${MAX_WORKERS}, got ${workers}`, 'write e.g. --workers 8 (default: the cores on a machine of more than two with one idle, else 1)');
  const design = v['parallel-design'];
  if (design !== undefined && !PARALLEL_DESIGNS.includes(design as ParallelDesign)) {
    throw new UsageError(`unknown --parallel-design "${design}"`, `use one of ${PARALLEL_DESIGNS.join(', ')}`);
  }
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
    ...(maxMemoryBytes === undefined ? {} : { maxMemoryBytes }),
    noDeadlock: v['no-deadlock'] ?? false,
    deadlock: deadlockAsked,
    ...(v.path === undefined ? {} : { path: v.path }),
    out: v.out ?? 'counterexamples',
    reportDir: v['report-dir'] ?? 'reports',
    typecheck: !(v['no-typecheck'] ?? false),
    inProcess: v['in-process'] ?? false,
    ...(workers === undefined ? {} : { workers }),
    ...(design === undefined ? {} : { parallelDesign: design as ParallelDesign }),
    quiet: v.quiet ?? false,
    debug: v.debug ?? false,
    ...(v.junit === undefined ? {} : { junit: v.junit }),
    ...(v.from === undefined ? {} : { from: v.from }),
    ...(helpTopic === undefined ? {} : { helpTopic }),
    ...(leadsTo === undefined ? {} : { leadsTo }),
    ...(fairness === undefined ? {} : { fairness: fairness as FairnessLevel }),
    nonProgress: v['non-progress'] ?? false,
  };
}
