/**
 * `npm run bench -- --baseline REV`: the HMM bench configurations of this tree against the same
 * configurations of revision REV, checked out in a git worktree (node_modules shared), run
 * alternately in one session (REV, current, REV, current, …; best of BENCH_REPS). Each side runs
 * its own engine and model (its own bench/engine-run.ts), each run in its own process so peak RSS
 * is its own. State and transition counts are compared: a model change that alters them is
 * printed, not hidden.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

interface Run { states: number; transitions: number; seconds: number; statesPerSecond: number; peakRssBytes: number; bytesPerState: number }

const CONFIGS: readonly (readonly [string, string])[] = [
  ['specs/hmm/reference.spec.ts', 'bench-large'],
  ['specs/hmm/dmirror.spec.ts', 'bench-large'],
  ['specs/v12/v12.spec.ts', 'bench-large'],
  ['specs/hmm/reference.spec.ts', 'fork-device-private-race-2'],
];

function runIn(tree: string, spec: string, config: string): Run {
  // 'packed' = the engine's default path: packed BFS when the model offers a packed form (a tree
  // whose HMM model has none runs the object BFS under the same mode)
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(tree, 'bench/engine-run.ts'), 'packed', '0', '0', join(tree, spec), config], {
    cwd: tree, encoding: 'utf8', maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Run;
}

export function benchBaseline(rev: string, reps: number): void {
  const root = resolve(import.meta.dirname, '..');
  const dir = mkdtempSync(join(tmpdir(), 'hmm-check-baseline-'));
  const tree = join(dir, 'tree');
  execFileSync('git', ['worktree', 'add', '--detach', tree, rev], { cwd: root, stdio: 'ignore' });
  try {
    symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'), 'dir');
    const mb = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MB`;
    console.log(`HMM bench configurations: this tree vs ${rev} (best of ${reps}, alternating, single thread, each tree's default BFS path, without properties)`);
    // The runtime's own floor: the same process on a 114-state configuration (Node, tsx, the
    // loaded modules) — memory no state encoding can save.
    const floor = runIn(root, 'specs/hmm/reference.spec.ts', 'fault-vs-munmap').peakRssBytes;
    console.log(`  runtime floor (peak RSS of a 114-state run): ${mb(floor)}`);
    console.log(`  ${'spec / config'.padEnd(46)} ${'states'.padStart(10)} ${'base st/s'.padStart(10)} ${'ours st/s'.padStart(10)} ${'ratio'.padStart(6)} ${'base RSS'.padStart(9)} ${'ours RSS'.padStart(9)} ${'base B/st'.padStart(10)} ${'ours B/st'.padStart(10)} ${'above floor'.padStart(12)}`);
    for (const [spec, config] of CONFIGS) {
      if (!existsSync(join(tree, spec))) {
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
          `${((ours!.peakRssBytes - floor) / ours!.states).toFixed(0).padStart(12)}` +
          (same ? '' : `  COUNTS DIFFER: ${rev} ${base!.states}/${base!.transitions}, ours ${ours!.states}/${ours!.transitions}`),
      );
    }
    console.log('  (B/st = peak RSS of the whole process per distinct state, all-in; above floor = ours minus the runtime floor, per state)');
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: root, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}
