/**
 * tsx strips types without checking them, so a spec with a type error would run. Before
 * loading, the CLI type-checks the spec files with the project's own `tsc` (TypeScript 7,
 * ~0.2 s for a spec and its imports) and reports errors in those files as bad input (exit 2).
 * --no-typecheck skips this.
 *
 * The check uses a temporary tsconfig that extends the project's, maps the `hmm-check` import
 * (as cli/resolve-hook.mjs does at run time), and uses `module: preserve` so a spec outside any
 * package (no "type": "module" above it) is still read as an ES module. It lives in the OS
 * temporary directory (never in the tool's install folder, which may be read-only), with
 * `typeRoots` pointing at wherever @types/node is installed. Errors inside checker/ and model/
 * are left to `npm run typecheck`: they are not the spec author's to fix.
 *
 * Where TypeScript is not installed (hmm-check installed from its tarball without dev
 * dependencies), the check cannot run: the CLI says so on stderr once, and runs the spec with
 * types stripped, as --no-typecheck does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { SpecLoadError } from '../checker/errors.ts';
import { display, isInside, ROOT } from './paths.ts';
import { diskError } from './util/disk-error.ts';

export interface TypeError1 {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

const LINE = /^(.+?)\((\d+),(\d+)\): error (TS\d+: .*)$/;

/** A package's directory as Node would resolve it from the tool's root (hoisted or nested), or undefined. */
function packageDir(name: string): string | undefined {
  try {
    return dirname(createRequire(join(ROOT, 'package.json')).resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

/** The tsc script, or undefined when TypeScript is not installed. HMM_CHECK_TSC overrides (tests: a missing one). */
export function findTsc(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const override = env['HMM_CHECK_TSC'];
  if (override !== undefined) return existsSync(override) ? override : undefined;
  const dir = packageDir('typescript');
  const tsc = dir === undefined ? undefined : join(dir, 'bin', 'tsc');
  return tsc !== undefined && existsSync(tsc) ? tsc : undefined;
}

let warned = false;

export function typecheckFiles(files: readonly string[]): TypeError1[] {
  const ts = files.filter((f) => /\.m?tsx?$/.test(f));
  if (ts.length === 0) return [];
  const tsc = findTsc();
  if (tsc === undefined) {
    if (!warned) {
      warned = true;
      process.stderr.write(
        `hmm-check: warning: TypeScript (tsc) is not installed here, so ${ts.length === 1 ? display(ts[0]!) : `${ts.length} spec files`} ran without a type-check ` +
          '(types were stripped, not checked). Fix: `npm install --save-dev typescript` next to hmm-check, or pass --no-typecheck to run without it silently.\n',
      );
    }
    return [];
  }
  const typesNode = packageDir('@types/node');
  let dir: string;
  try {
    dir = mkdtempSync(join(tmpdir(), 'hmm-check-tsc-'));
  } catch (e) {
    throw diskError(e, 'create', join(tmpdir(), 'hmm-check-tsc-…'));
  }
  const cfgPath = join(dir, 'tsconfig.json');
  // also when a signal ends the run while tsc works (the handlers in cli/signals.ts exit cleanly)
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', cleanup);
  try {
    try {
      writeFileSync(
        cfgPath,
        JSON.stringify({
          extends: join(ROOT, 'tsconfig.json'),
          compilerOptions: {
            noEmit: true,
            module: 'preserve',
            moduleResolution: 'bundler',
            ...(typesNode === undefined ? { types: [] } : { typeRoots: [dirname(typesNode)] }),
            paths: { 'hmm-check': [join(ROOT, 'checker', 'index.ts')], 'hmm-check/*': [join(ROOT, '*')] },
          },
          files: ts.map((f) => resolve(f)),
          include: [],
        }),
      );
    } catch (e) {
      throw diskError(e, 'write', cfgPath);
    }
    const r = spawnSync(process.execPath, [tsc, '-p', cfgPath, '--pretty', 'false'], { cwd: dir, encoding: 'utf8' });
    const out: TypeError1[] = [];
    for (const line of `${r.stdout}\n${r.stderr}`.split('\n')) {
      const m = LINE.exec(line.trim());
      if (!m) continue;
      const file = isAbsolute(m[1]!) ? m[1]! : resolve(dir, m[1]!);
      if (isInside(join(ROOT, 'checker'), file) || isInside(join(ROOT, 'model'), file) || file.includes('/node_modules/')) continue;
      out.push({ file, line: Number(m[2]), col: Number(m[3]), message: m[4]! });
    }
    return out;
  } finally {
    process.off('exit', cleanup);
    cleanup();
  }
}

/** Throws a SpecLoadError naming the first file with type errors (up to 5 errors listed). */
export function assertTypechecks(files: readonly string[]): void {
  const errors = typecheckFiles(files);
  if (errors.length === 0) return;
  const first = errors[0]!;
  const shown = errors.slice(0, 5).map((e) => `${display(e.file)}:${e.line}:${e.col}: ${e.message}`);
  const more = errors.length > 5 ? ` (and ${errors.length - 5} more)` : '';
  throw new SpecLoadError(
    `${display(first.file)} does not type-check: ${shown.join('; ')}${more}`,
    'fix the type errors at those positions, or pass --no-typecheck to run it anyway',
  );
}
