/**
 * `npm run bench -- --baseline REV`: the HMM bench configurations of this tree against the same
 * configurations of revision REV, checked out in a git worktree (node_modules shared), run
 * alternately in one session (REV, current, REV, current, …; best of BENCH_REPS). Each side runs
 * its own engine and model (its own bench/engine-run.ts), each run in its own process so peak RSS
 * is its own. State and transition counts are compared: a model change that alters them is
 * printed, not hidden.
 *
 * With `--compiled` both trees are first compiled to JavaScript (this tree's tsc, emitted into a
 * temporary directory) and run by plain `node`: the tsx loader then costs neither side memory or
 * start-up, so the figures are the engine's and the model's. The table also prints Node's own
 * floor (an empty script) so the part of "bytes per state" no program change can save is explicit.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

interface Run { states: number; transitions: number; seconds: number; statesPerSecond: number; peakRssBytes: number; bytesPerState: number }

const CONFIGS: readonly (readonly [string, string])[] = [
  ['specs/hmm/reference.spec.ts', 'bench-large'],
  ['specs/hmm/dmirror.spec.ts', 'bench-large'],
  ['specs/v12/v12.spec.ts', 'bench-large'],
  ['specs/hmm/reference.spec.ts', 'fork-device-private-race-2'],
];

/** A tree to run: its sources through tsx, or its JavaScript compiled into `js`. */
interface Tree { readonly root: string; readonly js?: string }

function runIn(tree: Tree, spec: string, config: string): Run {
  // 'packed' = the engine's default path: packed BFS when the model offers a packed form (a tree
  // whose HMM model has none runs the object BFS under the same mode)
  const args = tree.js === undefined
    ? ['--import', 'tsx', join(tree.root, 'bench/engine-run.ts'), 'packed', '0', '0', join(tree.root, spec), config]
    : [join(tree.js, 'bench/engine-run.js'), 'packed', '0', '0', join(tree.js, spec.replace(/\.ts$/, '.js')), config];
  const out = execFileSync(process.execPath, args, { cwd: tree.root, encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as Run;
}

/**
 * Emit `root`'s TypeScript as JavaScript into `out` with this tree's compiler. Type errors do not
 * stop the emit (a baseline may not type-check under today's compiler); a missing runner does.
 */
function compile(compilerRoot: string, root: string, out: string): string {
  try {
    execFileSync(join(compilerRoot, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.json'), '--noEmit', 'false', '--outDir', out, '--rewriteRelativeImportExtensions'], { cwd: root, stdio: 'ignore' });
  } catch { /* type errors: the emit is still written */ }
  if (!existsSync(join(out, 'bench/engine-run.js'))) throw new Error(`compiling ${root} emitted no bench/engine-run.js`);
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(join(compilerRoot, 'node_modules'), join(out, 'node_modules'), 'dir');
  return out;
}

/** Node's own peak RSS: a process that loads nothing. */
function nodeFloor(): number {
  return Number(execFileSync(process.execPath, ['-e', 'console.log(process.resourceUsage().maxRSS * 1024)'], { encoding: 'utf8' }).trim());
}

export function benchBaseline(rev: string, reps: number, compiled = false): void {
  const here = resolve(import.meta.dirname, '..');
  const dir = mkdtempSync(join(tmpdir(), 'hmm-check-baseline-'));
  const baseRoot = join(dir, 'tree');
  execFileSync('git', ['worktree', 'add', '--detach', baseRoot, rev], { cwd: here, stdio: 'ignore' });
  try {
    symlinkSync(join(here, 'node_modules'), join(baseRoot, 'node_modules'), 'dir');
    const root: Tree = compiled ? { root: here, js: compile(here, here, join(dir, 'js-ours')) } : { root: here };
    const tree: Tree = compiled ? { root: baseRoot, js: compile(here, baseRoot, join(dir, 'js-base')) } : { root: baseRoot };
    const mb = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MB`;
    console.log(`HMM bench configurations: this tree vs ${rev} (best of ${reps}, alternating, single thread, each tree's default BFS path, without properties; ${compiled ? 'both compiled to JavaScript, run by node' : 'both run through tsx'})`);
    // The runtime's own floor: the same process on a 114-state configuration (Node, the loader,
    // the loaded modules) — memory no state encoding can save; Node's alone below it.
    const floor = runIn(root, 'specs/hmm/reference.spec.ts', 'fault-vs-munmap').peakRssBytes;
    console.log(`  runtime floor (peak RSS of a 114-state run): ${mb(floor)}; Node alone (an empty script): ${mb(nodeFloor())}`);
    console.log(`  ${'spec / config'.padEnd(46)} ${'states'.padStart(10)} ${'base st/s'.padStart(10)} ${'ours st/s'.padStart(10)} ${'ratio'.padStart(6)} ${'base RSS'.padStart(9)} ${'ours RSS'.padStart(9)} ${'base B/st'.padStart(10)} ${'ours B/st'.padStart(10)} ${'above floor'.padStart(12)} ${'of it store'.padStart(12)}`);
    for (const [spec, config] of CONFIGS) {
      if (!existsSync(join(tree.root, spec))) {
        console.log(`  ${`${spec} / ${config}`.padEnd(46)} (not in ${rev})`);
        continue;
      }
      let base: Run | undefined;
      let ours: Run | undefined;
      for (let i = 0; i < reps; i++) {
        const b = runIn(tree, spec, config);
        const o = runIn(root, spec, config);
        if (base === undefined || b.seconds < base.seconds) base = b;
        if (ours === undefined || o.seconds < ours.seconds) ours = o;
      }
      const same = base!.states === ours!.states && base!.transitions === ours!.transitions;
      console.log(
        `  ${`${spec.replace(/^specs\//, '')} / ${config}`.padEnd(46)} ${ours!.states.toLocaleString().padStart(10)} ` +
          `${Math.round(base!.statesPerSecond).toLocaleString().padStart(10)} ${Math.round(ours!.statesPerSecond).toLocaleString().padStart(10)} ` +
          `${(ours!.statesPerSecond / base!.statesPerSecond).toFixed(2).padStart(5)}x ${mb(base!.peakRssBytes).padStart(9)} ${mb(ours!.peakRssBytes).padStart(9)} ` +
          `${(base!.peakRssBytes / base!.states).toFixed(0).padStart(10)} ${(ours!.peakRssBytes / ours!.states).toFixed(0).padStart(10)} ` +
          `${((ours!.peakRssBytes - floor) / ours!.states).toFixed(0).padStart(12)} ${ours!.bytesPerState.toFixed(1).padStart(12)}` +
          (same ? '' : `  COUNTS DIFFER: ${rev} ${base!.states}/${base!.transitions}, ours ${ours!.states}/${ours!.transitions}`),
      );
    }
    console.log('  (B/st = peak RSS of the whole process per distinct state, all-in; above floor = ours minus the runtime floor, per state; of it store = the visited store\'s own bytes per state)');
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', baseRoot], { cwd: here, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}
