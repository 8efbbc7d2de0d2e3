/**
 * `hmm-check --help`, `hmm-check COMMAND --help` and "did you mean" for mistyped options and
 * commands (what git and npm users expect).
 */
import { EXIT_TABLE } from './exit-codes.ts';

export type HelpTopic = 'check' | 'run' | 'replay' | 'report' | 'all';

const FILTERS = `Filters:   --spec ID|FILE   --config NAME   --property NAME   (repeatable, or comma-separated)
Liveness:  --leads-to P Q (DVE: P and Q are DVE expressions, e.g. 'P_0.p3' 'P_0.CS' or 'x == 1')
           --fairness none|weak|strong (of every DVE process; default none)
           --non-progress (cycles without a progress action; the spec declares them)`;
const SEARCH = `Search:    --strategy bfs|dfs|simulation   --max-states N   --max-depth N   --timeout SECONDS
           --seed N   --max-memory SIZE (e.g. 2G, 512M; default: from the machine's memory)
           --workers N|auto (threads for BFS on packed models, DVE included; auto: every
           core; default: the cores on a machine of more than two with one idle as the
           job starts, else 1; results do not depend on N; 1 = the single-threaded search)
           --parallel-design shared-table|partitions (how several workers share the visited
           set: shared-table, the default and the faster, one lock-free table in shared
           memory; partitions, hash partitions exchanging successors, 15 bytes per state
           against 35; same results either way)
           --no-deadlock (do not report states without successors)
           --deadlock (report them as violations; DVE models only count them by default)`;
const OUTPUT = `Output:    --json (one JSON object on stdout, schemaVersion 1; see README)
           --junit FILE (JUnit XML, one testcase per verdict)
           --out DIR (counterexamples, default ./counterexamples)   --quiet (no progress)`;
const OTHER = `Other:     --no-typecheck (skip tsc on spec files)   --in-process   --debug (stack traces)   --help   --version`;

const TOPICS: Readonly<Record<Exclude<HelpTopic, 'all'>, string>> = {
  check: `Usage: hmm-check check [FILE…] [options]

Runs every spec under specs/ (files named spec.ts or *.spec.ts), or the given spec files, and
prints one table: spec, config, property, expected verdict, verdict, distinct states, depth,
seconds. Counterexamples go to <out>/<spec>/<config>/<property>.{itf.json,md,mmd}.

${FILTERS}
${SEARCH}
${OUTPUT}
${OTHER}

${EXIT_TABLE}`,
  run: `Usage: hmm-check FILE.ts | FILE.dve [options]

Runs one spec file (anywhere on disk; it imports the checker as 'hmm-check') or one BEEM/DVE
model, prints the table and each search's figures (states, transitions, states/s, peak RSS).

${FILTERS}
${SEARCH}
${OUTPUT}
${OTHER}

${EXIT_TABLE}`,
  replay: `Usage: hmm-check replay FILE.itf.json [--spec FILE] [--config NAME] [--json]
       hmm-check replay SPEC.ts --config NAME --path 0/3/1 [--property P]

Re-executes a saved counterexample against the current spec and confirms that it still reaches
its violation, or follows a printed replay token and shows the trace. --json prints check's JSON
document (schemaVersion 1, command "replay") with a "replay" field: what was replayed and shown.

${EXIT_TABLE}`,
  report: `Usage: hmm-check report [options]
       hmm-check report --from RESULTS.json [--report-dir DIR]

Runs the selected specs (with action coverage) and writes one self-contained HTML page and its
Markdown twin, default reports/report.html and reports/report.md. With --from, builds them from a
saved run instead (the output of \`hmm-check check --json\`): nothing is re-checked; counterexamples
are rebuilt by following their replay paths.

${FILTERS}
${SEARCH}
Output:    --report-dir DIR (default ./reports)   --json   --junit FILE   --quiet
${OTHER}

${EXIT_TABLE}`,
};

export const USAGE = `Usage:
  hmm-check check [FILE…] [options]     run every spec under specs/ (or the given files); one table
  hmm-check FILE.ts | FILE.dve [options] run one spec file or DVE model
  hmm-check replay FILE.itf.json         re-execute a saved counterexample; exit 0 if it still fails
  hmm-check replay SPEC.ts --config NAME --path 0/3/1 [--property P]
                                         follow a printed replay token and show the trace
  hmm-check report [options]             run the specs and write reports/report.html and report.md
  hmm-check report --from RESULTS.json   the same from a saved \`check --json\` run
  hmm-check reproduce FILE.itf.json      C reproducer of an hmm-dmirror counterexample, run on a KASAN
                                         kernel in QEMU (--emit-only: just the C; --help for more)
  hmm-check kernel [--smoke]             hmm-tests and the findings on a real kernel (npm run kernel)
  hmm-check COMMAND --help               options of one command

${FILTERS}
${SEARCH}
${OUTPUT}
           --report-dir DIR (default ./reports)
${OTHER}

${EXIT_TABLE}
Specs: see specs/README.md.`;

export function helpText(topic: HelpTopic): string {
  return topic === 'all' ? USAGE : TOPICS[topic];
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest known name, if close enough to be a typo (at most a third of its letters off). */
export function didYouMean(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const dist = editDistance(word, k);
    if (dist < bestD || (dist === bestD && best !== undefined && k < best)) {
      best = k;
      bestD = dist;
    }
  }
  const prefix = known.filter((k) => k.startsWith(word) && word.length >= 3);
  if (prefix.length === 1) return prefix[0];
  return best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}
