/**
 * `npm run bench:beem`: our BFS on the DVE models against SPIN on their Promela translations
 * (shared/beem/README.md, "Running SPIN side by side"), alternating the two in one run because
 * timings on the shared VM drift. Each side runs in its own process so peak RSS is per run.
 *
 * Options: --runs N (default 2), --only at.3,at.4 (default: the five instances with a .pml).
 * Checks counts: ours = counts.json exactly; SPIN = ours + 2 states and + 3 transitions (README).
 * Writes the raw measurements to .bench/beem-<time>.json. Exit code 1 if any count disagrees.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BEEM = resolve(ROOT, '../shared/beem');
const ALL = ['hanoi.2', 'telephony.3', 'at.3', 'fischer.3', 'at.4'];

interface Counts { states: number; transitions: number; levels: number; deadlocks: number }
interface Ours { states: number; transitions: number; levels: number; deadlocks: number; seconds: number; statesPerSecond: number; peakRssBytes: number; bytesPerState: number }
interface Spin { states: number; transitions: number; depth: number; seconds: number; statesPerSecond: number; peakRssBytes: number; panMemoryMB: number }

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

function runOurs(name: string): Ours {
  const r = run(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'run-dve.ts'), join(BEEM, 'dve', `${name}.dve`), '--json'], ROOT);
  if (r.code !== 0) throw new Error(`run-dve ${name} failed:\n${r.stderr}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
  return {
    states: j.distinctStates!, transitions: j.transitions!, levels: j.maxDepth!, deadlocks: j.deadlockStates!,
    seconds: j.seconds!, statesPerSecond: j.statesPerSecond!, peakRssBytes: j.peakRssBytes!, bytesPerState: j.bytesPerState!,
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const k = (n: number): string => `${(n / 1000).toFixed(0)} k`;
const mb = (n: number): string => `${(n / 2 ** 20).toFixed(0)} MB`;

function main(): number {
  const runs = Number(arg('--runs') ?? 2);
  const only = arg('--only')?.split(',') ?? ALL;
  for (const n of only) if (!ALL.includes(n)) throw new Error(`no Promela translation for ${n}; choose from ${ALL.join(', ')}`);
  const counts = JSON.parse(readFileSync(join(BEEM, 'counts.json'), 'utf8')) as Record<string, Counts>;
  ensureTools();
  console.log(`SPIN: ${run('spin', ['-V'], ROOT).stdout.trim()}; node ${process.version}; ${runs} alternating run(s) each\n`);

  const dirs = new Map(only.map((n) => [n, buildPan(n)]));
  const ours = new Map<string, Ours[]>(only.map((n) => [n, []]));
  const spin = new Map<string, Spin[]>(only.map((n) => [n, []]));
  const problems: string[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      for (const name of only) {
        // Alternate who goes first so drift on the shared machine does not favour one side.
        const order = r % 2 === 0 ? ['ours', 'spin'] : ['spin', 'ours'];
        for (const who of order) {
          if (who === 'ours') {
            const o = runOurs(name);
            ours.get(name)!.push(o);
            console.log(`run ${r + 1} ${name.padEnd(12)} ours  ${k(o.statesPerSecond).padStart(8)} states/s  ${o.seconds.toFixed(2)} s  ${mb(o.peakRssBytes)}`);
          } else {
            const s = runSpin(dirs.get(name)!);
            spin.get(name)!.push(s);
            console.log(`run ${r + 1} ${name.padEnd(12)} SPIN  ${k(s.statesPerSecond).padStart(8)} states/s  ${s.seconds.toFixed(2)} s  ${mb(s.peakRssBytes)}`);
          }
        }
      }
    }
  } finally {
    for (const d of dirs.values()) rmSync(d, { recursive: true, force: true });
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
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  const outFile = join(ROOT, '.bench', `beem-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(outFile, JSON.stringify({ runs, ours: Object.fromEntries(ours), spin: Object.fromEntries(spin) }, null, 1));
  console.log(`\nraw measurements: ${outFile}`);
  for (const p of problems) console.error(`COUNT MISMATCH ${p}`);
  return problems.length === 0 ? 0 : 1;
}

process.exitCode = main();
