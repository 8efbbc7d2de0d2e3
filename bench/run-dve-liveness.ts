/**
 * One measured DVE leads-to check in its own process (used by bench/beem.ts, beside run-dve.ts's
 * safety run). Usage: `node --import tsx bench/run-dve-liveness.ts <file.dve> P Q none|weak|strong`.
 * Prints one JSON line {verdict, seconds, distinctStates, transitions, bytesPerState, peakRssBytes, lasso}.
 */
import { check, leadsTo, type FairnessLevel } from '../checker/index.ts';
import { compileDveExpression, type DveAction, loadDve } from '../model/dve/index.ts';

const [file, p, q, fairness] = process.argv.slice(2);
if (file === undefined || p === undefined || q === undefined || fairness === undefined) {
  process.stderr.write('usage: node --import tsx bench/run-dve-liveness.ts <file.dve> P Q none|weak|strong\n');
  process.exit(2);
}
const compiled = loadDve(file);
const prop = leadsTo('leads-to', compileDveExpression(compiled, p, 'P'), compileDveExpression(compiled, q, 'Q'), {
  fairness: { '*': fairness as FairnessLevel },
});
const r = check(compiled.model, [prop], { strategy: 'bfs', deadlock: 'count' }, { actorOf: (a: DveAction) => a.process });
const o = r.properties[0]!;
process.stdout.write(
  `${JSON.stringify({
    verdict: o.verdict,
    seconds: r.stats.elapsedMs / 1000,
    distinctStates: r.stats.distinct,
    transitions: r.stats.transitions,
    // the liveness graph (CSR edges, labels, depths) with its fingerprint → id table, per state
    bytesPerState: r.stats.bytesPerState,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    lasso: o.trace?.replay ?? null,
  })}\n`,
);
