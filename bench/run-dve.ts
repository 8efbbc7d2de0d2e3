/**
 * One measured DVE run in its own process, so peak RSS belongs to this run alone (used by
 * bench/beem.ts). Usage: `node --import tsx bench/run-dve.ts <file.dve> [--workers N] [--json]`.
 * With --workers N > 1 the search runs on N worker threads, each rebuilding the model the way
 * `hmm-check FILE.dve --workers N` does; seconds include starting them. --threads-after MS: the
 * search time on one thread before the search continues on the worker threads (default as the
 * CLI, 2,000; 0: on the threads from the start). --design partitions|shared-table: how the workers
 * share the visited set (default as the CLI). --max-states N: stop there (with N = 1 and workers, a
 * run that measures little but the workers' start-up). --one-thread: --workers 1 on one worker
 * thread (the multi-worker search with nobody to share with: what it costs over the single-threaded
 * one, apart from what it gains by parallelism).
 * Prints {distinctStates, transitions, deadlockStates, maxDepth, seconds, statesPerSecond,
 * peakRssBytes, bytesPerState, width, compileMs}.
 */
import { check } from '../checker/index.ts';
import { resolve } from 'node:path';
import { searchModelSource } from '../cli/search-model.ts';
import { workerBundle } from '../cli/worker-bundle.ts';
import { loadDve } from '../model/dve/index.ts';

const args = process.argv.slice(2);
const groupAt = args.indexOf('--group');
const groupSize = groupAt >= 0 ? Number(args[groupAt + 1]) : undefined;
const workersAt = args.indexOf('--workers');
const workers = workersAt >= 0 ? Number(args[workersAt + 1]) : 1;
const afterAt = args.indexOf('--threads-after');
const threadsAfterMs = afterAt >= 0 ? Number(args[afterAt + 1]) : undefined;
const maxAt = args.indexOf('--max-states');
const maxStates = maxAt >= 0 ? Number(args[maxAt + 1]) : undefined;
const oneThread = args.includes('--one-thread');
if (oneThread && workers !== 1) {
  process.stderr.write('--one-thread runs one worker: give no --workers, or --workers 1\n');
  process.exit(2);
}
const designAt = args.indexOf('--design');
const design = designAt >= 0 ? (args[designAt + 1] as 'partitions' | 'shared-table') : undefined;
if (design !== undefined && design !== 'partitions' && design !== 'shared-table') {
  process.stderr.write(`--design expects partitions or shared-table, got ${design}\n`);
  process.exit(2);
}
const valued = [groupAt, workersAt, afterAt, designAt, maxAt].filter((i) => i >= 0).map((i) => i + 1);
const file = args.find((a, i) => !a.startsWith('--') && !valued.includes(i));
if (file === undefined) {
  process.stderr.write('usage: node --import tsx bench/run-dve.ts <file.dve> [--json]\n');
  process.exit(2);
}
const t0 = performance.now();
const compiled = loadDve(file, groupSize === undefined ? {} : { groupSize });
const compileMs = performance.now() - t0;
if ((workers > 1 || oneThread) && groupSize !== undefined) {
  process.stderr.write('--group and --workers together are not supported (workers rebuild the model as the CLI does)\n');
  process.exit(2);
}
const source = searchModelSource({ source: { kind: 'dve', file: resolve(file), exportName: '' }, config: 'default' });
const parallel = workers > 1 || oneThread ? { workers, source, ...(oneThread ? { threadsForOne: true } : {}), workerBundle: () => workerBundle(resolve(file)), ...(threadsAfterMs === undefined ? {} : { threadsAfterMs }), ...(design === undefined ? {} : { design }) } : undefined;
const r = check(compiled.model, [], { strategy: 'bfs', deadlock: 'count', ...(maxStates === undefined ? {} : { maxStates }) }, parallel ? { parallel } : {});
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
  // every thread's, the coordinator's included: what the run cost the machine, whatever else ran beside it
  cpuSeconds: (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1e6,
  bytesPerState: r.stats.bytesPerState,
  width: compiled.model.packed.width,
  workers,
  compileMs,
};
if (args.includes('--json')) process.stdout.write(`${JSON.stringify(out)}\n`);
else {
  for (const [k, v] of Object.entries(out)) process.stdout.write(`${k}: ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : v}\n`);
}
