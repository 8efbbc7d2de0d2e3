/**
 * One measured DVE run in its own process, so peak RSS belongs to this run alone (used by
 * bench/beem.ts). Usage: `node --import tsx bench/run-dve.ts <file.dve> [--workers N] [--json]`.
 * With --workers N > 1 the search runs on N worker threads, each rebuilding the model the way
 * `hmm-check FILE.dve --workers N` does; seconds include starting them. --threads-after MS: the
 * search time on one thread before the search continues on the worker threads (default as the
 * CLI, 2,000; 0: on the threads from the start).
 * Prints {distinctStates, transitions, deadlockStates, maxDepth, seconds, statesPerSecond,
 * peakRssBytes, bytesPerState, width, compileMs}.
 */
import { check } from '../checker/index.ts';
import { resolve } from 'node:path';
import { searchModelSource } from '../cli/search-model.ts';
import { loadDve } from '../model/dve/index.ts';

const args = process.argv.slice(2);
const groupAt = args.indexOf('--group');
const groupSize = groupAt >= 0 ? Number(args[groupAt + 1]) : undefined;
const workersAt = args.indexOf('--workers');
const workers = workersAt >= 0 ? Number(args[workersAt + 1]) : 1;
const afterAt = args.indexOf('--threads-after');
const threadsAfterMs = afterAt >= 0 ? Number(args[afterAt + 1]) : undefined;
const file = args.find((a, i) => !a.startsWith('--') && (groupAt < 0 || i !== groupAt + 1) && (workersAt < 0 || i !== workersAt + 1) && (afterAt < 0 || i !== afterAt + 1));
if (file === undefined) {
  process.stderr.write('usage: node --import tsx bench/run-dve.ts <file.dve> [--json]\n');
  process.exit(2);
}
const t0 = performance.now();
const compiled = loadDve(file, groupSize === undefined ? {} : { groupSize });
const compileMs = performance.now() - t0;
if (workers > 1 && groupSize !== undefined) {
  process.stderr.write('--group and --workers together are not supported (workers rebuild the model as the CLI does)\n');
  process.exit(2);
}
const source = searchModelSource({ source: { kind: 'dve', file: resolve(file), exportName: '' }, config: 'default' });
const parallel = workers > 1 ? { workers, source, ...(threadsAfterMs === undefined ? {} : { threadsAfterMs }) } : undefined;
const r = check(compiled.model, [], { strategy: 'bfs', deadlock: 'count' }, parallel ? { parallel } : {});
const seconds = r.stats.elapsedMs / 1000;
const out = {
  file,
  status: r.status,
  distinctStates: r.stats.distinct,
  transitions: r.stats.transitions,
  deadlockStates: r.stats.deadlocks,
  maxDepth: r.stats.maxDepth,
  seconds,
  statesPerSecond: r.stats.distinct / seconds,
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
  bytesPerState: r.stats.bytesPerState,
  width: compiled.model.packed.width,
  workers,
  compileMs,
};
if (args.includes('--json')) process.stdout.write(`${JSON.stringify(out)}\n`);
else {
  for (const [k, v] of Object.entries(out)) process.stdout.write(`${k}: ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : v}\n`);
}
