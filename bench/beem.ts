/**
 * `npm run bench:beem`: our BFS on the DVE models against SPIN on their Promela translations
 * (shared/beem/README.md, "Running SPIN side by side"), alternating the two in one run because
 * timings on the shared VM drift. Each side runs in its own process so peak RSS is per run.
 *
 * Options: --runs N (default 2), --only at.3,at.4 (default: the five instances with a .pml),
 * --workers 2,4 (default: 2 up to the machine's cores), --designs partitions,shared-table (default
 * both). Every run also runs our search on that many worker threads in each design (issue 14):
 * states/s against our one worker and against SPIN's single core, the store's bytes per state, and
 * the CPU seconds of all threads (what the run cost, whatever else ran beside it), with the load
 * average at each run (the machine is shared); and each design with one worker on a thread, which
 * separates what the multi-worker search costs over the single-threaded one from what it gains by
 * parallelism. And what the machine itself gives N searches at
 * once: N one-worker searches of the same instance started together, each one's states/s against
 * one alone — N times that ratio bounds what N workers can reach here, whatever the design.
 * Checks counts: ours = counts.json exactly; SPIN = ours + 2 states and + 3 transitions (README).
 * Writes the raw measurements to .bench/beem-<time>.json. Exit code 1 if any count disagrees.
 *
 * Liveness (when at.3 is among the instances): leads-to under weak fairness, ours
 * (bench/run-dve-liveness.ts) against SPIN's `pan -a -f` on the same property as an LTL formula
 * appended to the Promela translation, alternating in the same run; the verdicts must agree. Two
 * properties: one that holds (both sides explore everything) and one that fails (SPIN's nested DFS
 * stops at its first acceptance cycle, we build the whole graph first). Also reported: our
 * liveness time over our safety BFS time on the same model (target ≤ 3×), and the liveness check
 * with its graph built on the --workers counts of worker threads (issue 14: best of the runs with the
 * load average of that run, against one worker's best; verdict, lasso and counts must be identical).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BEEM = resolve(ROOT, '../shared/beem');
const ALL = ['hanoi.2', 'telephony.3', 'at.3', 'fischer.3', 'at.4'];

interface Counts { states: number; transitions: number; levels: number; deadlocks: number }
interface Ours { states: number; transitions: number; levels: number; deadlocks: number; seconds: number; statesPerSecond: number; peakRssBytes: number; bytesPerState: number; cpuSeconds: number }
const DESIGNS = ['partitions', 'shared-table'] as const;
type Design = (typeof DESIGNS)[number];
/** a threaded configuration: how many workers, sharing the visited set how */
interface Threads { readonly workers: number; readonly design: Design }
const label = (t: Threads): string => `${t.design}×${t.workers}`;
interface Spin { states: number; transitions: number; depth: number; seconds: number; statesPerSecond: number; peakRssBytes: number; panMemoryMB: number }

/**
 * Leads-to properties on at.3 in both languages. In the Promela translation `init` is pid 0 and
 * starts Timer (1), P_0 (2), …; `P_0[2]@p3` is DVE's `P_0.p3`. SPIN's weak fairness is per
 * process, as ours with `{ '*': 'weak' }` and the DVE process as actor.
 */
interface LiveCase { readonly instance: string; readonly id: string; readonly p: string; readonly q: string; readonly ltl: string; readonly expect: 'holds' | 'violated' }
const LIVENESS: readonly LiveCase[] = [
  // p4 -> p5 is unguarded: under weak fairness P_0 must take it.
  { instance: 'at.3', id: 'p4~>p5', p: 'P_0.p4', q: 'P_0.p5', ltl: '[] ((P_0[2]@p4) -> <> (P_0[2]@p5))', expect: 'holds' },
  // the algorithm is not starvation-free: P_0 can wait at p3 for ever while the others cycle.
  { instance: 'at.3', id: 'p3~>CS', p: 'P_0.p3', q: 'P_0.CS', ltl: '[] ((P_0[2]@p3) -> <> (P_0[2]@CS))', expect: 'violated' },
];
interface LiveRun { seconds: number; verdict: string; peakRssBytes: number }
/** ours also reports the graph it built */
interface LiveRunOurs extends LiveRun { distinctStates: number; transitions: number; bytesPerState: number; lasso: string | null; load: number; cpuSeconds: number }
interface IdTablePeers {
  states: number; lookups: number;
  current: { bytesPerState: number; seconds: number; idsMatch: boolean };
  legacy: { bytesPerState: number; seconds: number; idsMatch: boolean };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function run(cmd: string, args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function has(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

function ensureTools(): void {
  const missing = [has('spin', ['-V']) ? undefined : 'spin', has('gcc', ['--version']) ? undefined : 'gcc'].filter((x) => x !== undefined);
  if (missing.length === 0) return;
  console.log(`installing ${missing.join(', ')} with apt-get ...`);
  let r = spawnSync('apt-get', ['install', '-y', ...missing], { stdio: 'inherit' });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    r = spawnSync('apt-get', ['install', '-y', ...missing], { stdio: 'inherit' });
  }
  if (r.status !== 0) throw new Error(`could not install ${missing.join(', ')} (need root and network for apt-get)`);
}

/** Generates and compiles pan for one instance in a scratch directory (once per bench run). */
function buildPan(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `beem-${name}-`));
  copyFileSync(join(BEEM, 'promela', `${name}.pml`), join(dir, `${name}.pml`));
  const a = run('spin', ['-a', `${name}.pml`], dir);
  if (a.code !== 0) throw new Error(`spin -a ${name}.pml failed:\n${a.stdout}${a.stderr}`);
  const c = run('gcc', ['-O2', '-DSAFETY', '-DNOREDUCE', '-o', 'pan', 'pan.c'], dir);
  if (c.code !== 0) throw new Error(`gcc pan.c failed:\n${c.stderr}`);
  return dir;
}

function num(text: string, re: RegExp, what: string): number {
  const m = re.exec(text);
  if (!m) throw new Error(`could not find ${what} in pan output:\n${text}`);
  return Number(m[1]);
}

function runSpin(dir: string): Spin {
  const timeV = existsSync('/usr/bin/time');
  const r = timeV ? run('/usr/bin/time', ['-v', './pan', '-w26', '-m10000000'], dir) : run('./pan', ['-w26', '-m10000000'], dir);
  const out = r.stdout;
  if (/errors: [1-9]/.test(out)) throw new Error(`pan reported errors:\n${out}`);
  const states = num(out, /(\d+) states, stored/, 'states stored');
  const seconds = num(out, /pan: elapsed time ([\d.e+-]+) seconds/, 'elapsed time');
  const panMemoryMB = num(out, /([\d.]+)\s+total actual memory usage/, 'total actual memory usage');
  const rss = timeV ? num(r.stderr, /Maximum resident set size \(kbytes\): (\d+)/, 'maximum RSS') * 1024 : panMemoryMB * 1024 * 1024;
  return {
    states,
    transitions: num(out, /(\d+) transitions \(= stored\+matched\)/, 'transitions'),
    depth: num(out, /depth reached (\d+)/, 'depth reached'),
    seconds,
    statesPerSecond: states / seconds,
    peakRssBytes: rss,
    panMemoryMB,
  };
}

/** pan with an LTL claim and weak fairness (no -DSAFETY; NFAIR sized for init + 5 processes). */
function buildLivePan(c: LiveCase): string {
  const dir = mkdtempSync(join(tmpdir(), `beem-live-${c.instance}-`));
  const pml = readFileSync(join(BEEM, 'promela', `${c.instance}.pml`), 'utf8');
  writeFileSync(join(dir, `${c.instance}.pml`), `${pml}\nltl leadsto { ${c.ltl} }\n`);
  const a = run('spin', ['-a', `${c.instance}.pml`], dir);
  if (a.code !== 0) throw new Error(`spin -a failed:\n${a.stdout}${a.stderr}`);
  const g = run('gcc', ['-O2', '-DNOREDUCE', '-DNFAIR=3', '-o', 'pan', 'pan.c'], dir);
  if (g.code !== 0) throw new Error(`gcc pan.c failed:\n${g.stderr}`);
  return dir;
}

function runLiveSpin(dir: string): LiveRun {
  const timeV = existsSync('/usr/bin/time');
  const args = ['-a', '-f', '-w26', '-m10000000'];
  const r = timeV ? run('/usr/bin/time', ['-v', './pan', ...args], dir) : run('./pan', args, dir);
  const out = r.stdout;
  const errors = num(out, /errors: (\d+)/, 'errors');
  const seconds = num(out, /pan: elapsed time ([\d.e+-]+) seconds/, 'elapsed time');
  const rss = timeV ? num(r.stderr, /Maximum resident set size \(kbytes\): (\d+)/, 'maximum RSS') * 1024 : 0;
  return { seconds, verdict: errors === 0 ? 'holds' : 'violated', peakRssBytes: rss };
}

/** workers > 1: the liveness graph built on that many worker threads from the start */
function runLiveOurs(c: LiveCase, workers = 1): LiveRunOurs {
  const r = run(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'run-dve-liveness.ts'), join(BEEM, 'dve', `${c.instance}.dve`), c.p, c.q, 'weak', String(workers)], ROOT);
  if (r.code !== 0) throw new Error(`run-dve-liveness ${c.instance} failed:\n${r.stderr}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as LiveRunOurs;
  return { seconds: j.seconds, verdict: j.verdict, peakRssBytes: j.peakRssBytes, distinctStates: j.distinctStates, transitions: j.transitions, bytesPerState: j.bytesPerState, lasso: j.lasso, load: loadavg()[0]!, cpuSeconds: j.cpuSeconds };
}

/** The liveness graph's id table against its predecessor on a stream as large as a liveness run's. */
function runIdTablePeers(states: number, transitions: number): IdTablePeers {
  const r = run(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'id-table-peers.ts'), String(states), String(transitions + 1)], ROOT);
  if (r.code !== 0) throw new Error(`id-table-peers failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as IdTablePeers;
}

function runOurs(name: string, threads?: Threads, startupOnly = false): Ours {
  // several workers: on the threads from the start (the CLI first searches 2 s on one thread), to measure the parallel search itself
  const many = threads === undefined ? [] : ['--workers', String(threads.workers), '--threads-after', '0', '--design', threads.design, ...(threads.workers === 1 ? ['--one-thread'] : [])];
  // a run bounded at one state: the workers start, load the model and stop at once
  const bound = startupOnly ? ['--max-states', '1'] : [];
  const r = run(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'run-dve.ts'), join(BEEM, 'dve', `${name}.dve`), ...many, ...bound, '--json'], ROOT);
  if (r.code !== 0) throw new Error(`run-dve ${name} failed:\n${r.stderr}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
  return {
    states: j.distinctStates!, transitions: j.transitions!, levels: j.maxDepth!, deadlocks: j.deadlockStates!,
    seconds: j.seconds!, statesPerSecond: j.statesPerSecond!, peakRssBytes: j.peakRssBytes!, bytesPerState: j.bytesPerState!, cpuSeconds: j.cpuSeconds!,
  };
}

/** `n` one-worker searches of the instance at once (separate processes): each one's states/s. */
function runOursAtOnce(name: string, n: number): number[] {
  const one = [process.execPath, '--import', 'tsx', join(ROOT, 'bench', 'run-dve.ts'), join(BEEM, 'dve', `${name}.dve`), '--json'].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const r = run('sh', ['-c', `${Array.from({ length: n }, () => `${one} &`).join(' ')} wait`], ROOT);
  const rates = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { statesPerSecond: number }).statesPerSecond);
  if (rates.length !== n) throw new Error(`${n} one-worker searches of ${name} at once: ${rates.length} finished\n${r.stderr}`);
  return rates;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const k = (n: number): string => `${(n / 1000).toFixed(0)} k`;
const mb = (n: number): string => `${(n / 2 ** 20).toFixed(0)} MB`;
const load = (): string => `load ${loadavg()[0]!.toFixed(2)}`;

function main(): number {
  const runs = Number(arg('--runs') ?? 2);
  const only = arg('--only')?.split(',') ?? ALL;
  const cores = availableParallelism();
  const workerCounts = (arg('--workers')?.split(',').map(Number) ?? Array.from({ length: Math.max(0, cores - 1) }, (_, i) => i + 2)).filter((w) => w > 1);
  for (const w of workerCounts) if (!Number.isInteger(w) || w > 1024) throw new Error(`--workers expects whole numbers, got ${arg('--workers')}`);
  const designs = (arg('--designs')?.split(',') ?? [...DESIGNS]) as Design[];
  for (const d of designs) if (!DESIGNS.includes(d)) throw new Error(`--designs expects ${DESIGNS.join(',')}, got ${d}`);
  // (one worker on a thread first: the design's own cost)
  const threadRuns: Threads[] = (workerCounts.length > 0 ? [1, ...workerCounts] : []).flatMap((workers) => designs.map((design) => ({ workers, design })));
  for (const n of only) if (!ALL.includes(n)) throw new Error(`no Promela translation for ${n}; choose from ${ALL.join(', ')}`);
  const counts = JSON.parse(readFileSync(join(BEEM, 'counts.json'), 'utf8')) as Record<string, Counts>;
  ensureTools();
  console.log(`SPIN: ${run('spin', ['-V'], ROOT).stdout.trim()}; node ${process.version}; ${runs} alternating run(s) each\n`);

  const dirs = new Map(only.map((n) => [n, buildPan(n)]));
  const live = LIVENESS.filter((c) => only.includes(c.instance));
  const liveDirs = new Map(live.map((c) => [c.id, buildLivePan(c)]));
  const liveOurs = new Map<string, LiveRunOurs[]>(live.map((c) => [c.id, []]));
  const liveSpin = new Map<string, LiveRun[]>(live.map((c) => [c.id, []]));
  /** liveness case → worker count → runs (the graph built on worker threads) */
  const liveThreaded = new Map<string, Map<number, LiveRunOurs[]>>(live.map((c) => [c.id, new Map(workerCounts.map((w) => [w, []]))]));
  const ours = new Map<string, Ours[]>(only.map((n) => [n, []]));
  const spin = new Map<string, Spin[]>(only.map((n) => [n, []]));
  /** instance → threaded configuration (label) → runs */
  const threaded = new Map<string, Map<string, Ours[]>>(only.map((n) => [n, new Map(threadRuns.map((t) => [label(t), []]))]));
  /** threaded configuration → runs stopped at the first state: the workers' start-up */
  const startups = new Map<string, Ours[]>(threadRuns.map((t) => [label(t), []]));
  /** instance → worker count → per run, the median states/s of that many one-worker searches at once */
  const atOnce = new Map<string, Map<number, number[]>>(only.map((n) => [n, new Map(workerCounts.map((w) => [w, []]))]));
  const loads: number[] = [];
  const problems: string[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      for (const name of only) {
        // Alternate who goes first so drift on the shared machine does not favour one side.
        const order = r % 2 === 0 ? ['ours', ...threadRuns, ...workerCounts, 'spin'] : ['spin', ...[...workerCounts].reverse(), ...[...threadRuns].reverse(), 'ours'];
        for (const who of order) {
          loads.push(loadavg()[0]!);
          if (typeof who === 'number') {
            const rates = runOursAtOnce(name, who);
            atOnce.get(name)!.get(who)!.push(median(rates));
            console.log(`run ${r + 1} ${name.padEnd(12)} ${who} one-worker searches at once: ${rates.map((x) => k(x)).join(', ')} states/s  ${load()}`);
          } else if (typeof who === 'object') {
            const o = runOurs(name, who);
            threaded.get(name)!.get(label(who))!.push(o);
            startups.get(label(who))!.push(runOurs(name, who, true));
            console.log(`run ${r + 1} ${name.padEnd(12)} ours ${label(who)} ${k(o.statesPerSecond).padStart(6)} states/s  ${o.seconds.toFixed(2)} s  CPU ${o.cpuSeconds.toFixed(2)} s  ${mb(o.peakRssBytes)}  ${o.bytesPerState.toFixed(1)} B/state  ${load()}`);
          } else if (who === 'ours') {
            const o = runOurs(name);
            ours.get(name)!.push(o);
            console.log(`run ${r + 1} ${name.padEnd(12)} ours  ${k(o.statesPerSecond).padStart(8)} states/s  ${o.seconds.toFixed(2)} s  CPU ${o.cpuSeconds.toFixed(2)} s  ${mb(o.peakRssBytes)}  ${load()}`);
          } else {
            const s = runSpin(dirs.get(name)!);
            spin.get(name)!.push(s);
            console.log(`run ${r + 1} ${name.padEnd(12)} SPIN  ${k(s.statesPerSecond).padStart(8)} states/s  ${s.seconds.toFixed(2)} s  ${mb(s.peakRssBytes)}  ${load()}`);
          }
        }
      }
      for (const c of live) {
        const order = r % 2 === 0 ? ['ours', ...workerCounts, 'spin'] : ['spin', ...[...workerCounts].reverse(), 'ours'];
        for (const who of order) {
          if (typeof who === 'number') {
            const x = runLiveOurs(c, who);
            liveThreaded.get(c.id)!.get(who)!.push(x);
            console.log(`run ${r + 1} ${`${c.instance} ${c.id}`.padEnd(16)} ours×${who} leads-to (weak fairness) ${x.verdict}  ${x.seconds.toFixed(2)} s  ${mb(x.peakRssBytes)}  ${load()}`);
            continue;
          }
          const x = who === 'ours' ? runLiveOurs(c) : runLiveSpin(liveDirs.get(c.id)!);
          (who === 'ours' ? liveOurs : liveSpin).get(c.id)!.push(x);
          console.log(`run ${r + 1} ${`${c.instance} ${c.id}`.padEnd(16)} ${who === 'ours' ? 'ours' : 'SPIN'} leads-to (weak fairness) ${x.verdict}  ${x.seconds.toFixed(2)} s  ${mb(x.peakRssBytes)}  ${load()}`);
        }
      }
    }
  } finally {
    for (const d of dirs.values()) rmSync(d, { recursive: true, force: true });
    for (const d of liveDirs.values()) rmSync(d, { recursive: true, force: true });
  }

  const rows: string[][] = [['instance', 'states', 'ours states/s', 'SPIN states/s', 'ours/SPIN', 'ours peak RSS', 'SPIN peak RSS', 'ours B/state (store)', 'ours B/state (RSS)', 'counts']];
  for (const name of only) {
    const os = ours.get(name)!;
    const ss = spin.get(name)!;
    const o = os[0]!;
    const exp = counts[name]!;
    const okOurs = os.every((x) => x.states === exp.states && x.transitions === exp.transitions && x.levels === exp.levels && x.deadlocks === exp.deadlocks);
    const okSpin = ss.every((x) => x.states === o.states + 2 && x.transitions === o.transitions + 3);
    if (!okOurs) problems.push(`${name}: ours ${JSON.stringify(os.map(({ states, transitions, levels, deadlocks }) => ({ states, transitions, levels, deadlocks })))} != counts.json ${JSON.stringify(exp)}`);
    if (!okSpin) problems.push(`${name}: SPIN ${JSON.stringify(ss.map((x) => [x.states, x.transitions]))} != ours + (2, 3)`);
    const oRate = median(os.map((x) => x.statesPerSecond));
    const sRate = median(ss.map((x) => x.statesPerSecond));
    const oRss = median(os.map((x) => x.peakRssBytes));
    rows.push([
      name, o.states.toLocaleString('en-US'), k(oRate), k(sRate), `${(oRate / sRate).toFixed(2)}x`, mb(oRss), mb(median(ss.map((x) => x.peakRssBytes))),
      median(os.map((x) => x.bytesPerState)).toFixed(1), (oRss / o.states).toFixed(1), okOurs && okSpin ? 'exact' : 'MISMATCH',
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  console.log(`\nmedians over ${runs} run(s):`);
  for (const [i, r] of rows.entries()) {
    console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  if (workerCounts.length > 0) {
    console.log(`\nworker threads (issue 14; ${cores} cores; medians; 1-minute load average during the runs ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}, median ${median(loads).toFixed(2)}):`);
    console.log('targets on 2 cores: ×2 / ×1 >= 1.8, ×2 / SPIN >= 4.5, store B/state no worse than one worker');
    for (const name of only) {
      const exp = counts[name]!;
      const oRate = median(ours.get(name)!.map((x) => x.statesPerSecond));
      const sRate = median(spin.get(name)!.map((x) => x.statesPerSecond));
      const oBytes = median(ours.get(name)!.map((x) => x.bytesPerState));
      const oCpu = median(ours.get(name)!.map((x) => x.cpuSeconds));
      for (const [w, rates] of atOnce.get(name)!) {
        const each = median(rates) / oRate;
        console.log(`${name.padEnd(12)} machine: ${w} one-worker searches at once run at ${each.toFixed(2)}x of one alone each: at most ${(w * each).toFixed(2)}x for ${w} workers here`);
      }
      for (const [w, xs] of threaded.get(name)!) {
        const exact = xs.every((x) => x.states === exp.states && x.transitions === exp.transitions && x.levels === exp.levels && x.deadlocks === exp.deadlocks);
        if (!exact) problems.push(`${name} ×${w}: ${JSON.stringify(xs.map(({ states, transitions, levels, deadlocks }) => ({ states, transitions, levels, deadlocks })))} != counts.json ${JSON.stringify(exp)}`);
        const rate = median(xs.map((x) => x.statesPerSecond));
        // the same run without the workers' start-up (a run of the same configuration stopped at its first state)
        const startup = median(startups.get(w)!.map((x) => x.seconds));
        const searchRate = exp.states / Math.max(1e-3, median(xs.map((x) => x.seconds)) - startup);
        console.log(
          `${name.padEnd(12)} ${w.padEnd(15)} ${k(rate).padStart(7)} states/s  /×1 ${(rate / oRate).toFixed(2)}x  /SPIN ${(rate / sRate).toFixed(2)}x  ` +
            `start-up ${startup.toFixed(2)} s, without it /×1 ${(searchRate / oRate).toFixed(2)}x  ` +
            `CPU ${median(xs.map((x) => x.cpuSeconds)).toFixed(2)} s (×1: ${oCpu.toFixed(2)})  ` +
            `store ${median(xs.map((x) => x.bytesPerState)).toFixed(1)} B/state (×1: ${oBytes.toFixed(1)})  peak RSS ${mb(median(xs.map((x) => x.peakRssBytes)))}  ${exact ? 'counts exact' : 'MISMATCH'}`,
        );
      }
    }
  }
  if (live.length > 0) {
    console.log('\nliveness: leads-to under weak fairness (medians); ours/safety = our liveness time over our safety BFS on the same model (target <= 3x)');
    for (const c of live) {
      const o = liveOurs.get(c.id)!;
      const sp = liveSpin.get(c.id)!;
      const oS = median(o.map((x) => x.seconds));
      const sS = median(sp.map((x) => x.seconds));
      const safety = median((ours.get(c.instance) ?? []).map((x) => x.seconds));
      const agree = [...o, ...sp].every((x) => x.verdict === c.expect);
      if (!agree) problems.push(`${c.instance} ${c.id}: verdicts ours ${o.map((x) => x.verdict).join(',')} SPIN ${sp.map((x) => x.verdict).join(',')}, expected ${c.expect}`);
      console.log(
        `${c.instance} ${c.id.padEnd(8)} ${c.expect.padEnd(8)} ours ${oS.toFixed(2)} s  SPIN -a -f ${sS.toFixed(2)} s  SPIN/ours time ${(sS / oS).toFixed(2)}x  ours liveness/safety ${(oS / safety).toFixed(2)}x  peak RSS ours ${mb(median(o.map((x) => x.peakRssBytes)))} SPIN ${mb(median(sp.map((x) => x.peakRssBytes)))}  ${agree ? 'verdicts agree' : 'VERDICT MISMATCH'}`,
      );
    }
    // The graph built on worker threads: the same verdict, lasso and counts as one worker, and its time
    for (const c of live) {
      const o = liveOurs.get(c.id)!;
      const best1 = o.reduce((a, b) => (b.seconds < a.seconds ? b : a));
      for (const [w, xs] of liveThreaded.get(c.id)!) {
        if (xs.length === 0) continue;
        const same = xs.every((x) => x.verdict === o[0]!.verdict && x.lasso === o[0]!.lasso && x.distinctStates === o[0]!.distinctStates && x.transitions === o[0]!.transitions);
        if (!same) problems.push(`${c.instance} ${c.id} ×${w}: ${JSON.stringify(xs.map(({ verdict, lasso, distinctStates, transitions }) => ({ verdict, lasso, distinctStates, transitions })))} != one worker's ${JSON.stringify({ verdict: o[0]!.verdict, lasso: o[0]!.lasso, distinctStates: o[0]!.distinctStates, transitions: o[0]!.transitions })}`);
        const best = xs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
        console.log(
          `${c.instance} ${c.id.padEnd(8)} ×${w} best ${best.seconds.toFixed(2)} s (load ${best.load.toFixed(2)}) vs ×1 best ${best1.seconds.toFixed(2)} s (load ${best1.load.toFixed(2)}): ×1/×${w} time ${(best1.seconds / best.seconds).toFixed(2)}x; ` +
            `medians ${median(xs.map((x) => x.seconds)).toFixed(2)} s vs ${median(o.map((x) => x.seconds)).toFixed(2)} s; CPU (all threads) ${median(xs.map((x) => x.cpuSeconds)).toFixed(1)} s vs ${median(o.map((x) => x.cpuSeconds)).toFixed(1)} s; peak RSS ${mb(median(xs.map((x) => x.peakRssBytes)))}  ${same ? 'verdict, lasso and counts identical' : 'MISMATCH'}`,
        );
      }
    }
    // The id table of the graph, now and before (bench/legacy-id-table.ts), on the first liveness
    // case's size, measured here side by side; the graph's own B/state is from the runs above.
    const first = liveOurs.get(live[0]!.id)![0]!;
    const t = runIdTablePeers(first.distinctStates, first.transitions);
    if (!t.current.idsMatch || !t.legacy.idsMatch) problems.push('id-table-peers: an id table handed out ids out of insertion order');
    const graph = first.bytesPerState;
    console.log(
      `liveness graph ${live[0]!.instance} ${live[0]!.id}: ${first.distinctStates} states, ${graph.toFixed(1)} B/state with its id table; ` +
      `id table ${t.current.bytesPerState.toFixed(1)} B/state vs legacy ${t.legacy.bytesPerState.toFixed(1)} (${(t.current.bytesPerState / t.legacy.bytesPerState).toFixed(2)}x), ` +
      `graph with the legacy table ${(graph - t.current.bytesPerState + t.legacy.bytesPerState).toFixed(1)} B/state (${(graph / (graph - t.current.bytesPerState + t.legacy.bytesPerState)).toFixed(2)}x); ` +
      `${first.transitions + 1} lookups ${t.current.seconds.toFixed(2)} s vs legacy ${t.legacy.seconds.toFixed(2)} s (${(t.current.seconds / t.legacy.seconds).toFixed(2)}x)`,
    );
  }
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  const outFile = join(ROOT, '.bench', `beem-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(outFile, JSON.stringify({ runs, loads, startups: Object.fromEntries(startups), threaded: Object.fromEntries([...threaded].map(([n, m]) => [n, Object.fromEntries(m)])), ours: Object.fromEntries(ours), spin: Object.fromEntries(spin), livenessOurs: Object.fromEntries(liveOurs), livenessThreaded: Object.fromEntries([...liveThreaded].map(([n, m]) => [n, Object.fromEntries(m)])), livenessSpin: Object.fromEntries(liveSpin), oneWorkerSearchesAtOnce: Object.fromEntries([...atOnce].map(([n, m]) => [n, Object.fromEntries(m)])) }, null, 1));
  console.log(`\nraw measurements: ${outFile}`);
  for (const p of problems) console.error(`MISMATCH ${p}`);
  return problems.length === 0 ? 0 : 1;
}

process.exitCode = main();
