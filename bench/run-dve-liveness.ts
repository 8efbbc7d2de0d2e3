/**
 * One measured DVE leads-to check in its own process (used by bench/beem.ts, beside run-dve.ts's
 * safety run). Usage: `node --import tsx bench/run-dve-liveness.ts <file.dve> P Q none|weak|strong [workers]`
 * (workers > 1: the graph built on that many worker threads, started at once).
 * Prints one JSON line {verdict, seconds, distinctStates, transitions, bytesPerState, peakRssBytes, cpuSeconds, lasso}.
 */
import { check, type FairnessLevel } from '../checker/index.ts';
import { dveLeadsTo, dveLeadsToSource } from './dve-liveness-source.ts';

const [file, p, q, fairness, workersArg] = process.argv.slice(2);
if (file === undefined || p === undefined || q === undefined || fairness === undefined) {
  process.stderr.write('usage: node --import tsx bench/run-dve-liveness.ts <file.dve> P Q none|weak|strong [workers]\n');
  process.exit(2);
}
const workers = Number(workersArg ?? 1);
const args = { file, p, q, fairness: fairness as FairnessLevel };
const { compiled, prop, actorOf } = dveLeadsTo(args);
const r = check(compiled.model, [prop], { strategy: 'bfs', deadlock: 'count' }, {
  actorOf,
  ...(workers > 1 ? { parallel: { workers, source: dveLeadsToSource(args), threadsAfterMs: 0 } } : {}),
});
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
    // user + system CPU of the whole process, every thread (the work done, whatever the load)
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    lasso: o.trace?.replay ?? null,
  })}\n`,
);
