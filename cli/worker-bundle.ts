/**
 * One JavaScript file per spec file that runs a search worker with the job's model source and
 * spec inside (esbuild, which tsx already runs for every TypeScript module). A worker started from
 * it needs no TypeScript loader: registering tsx in a fresh thread (its loader thread and esbuild
 * service) is most of what starting a worker from the sources costs. Built once per spec file and
 * process, into a temporary directory removed when the process exits; when it cannot be built the
 * workers start from the sources as before (and report the spec's own errors there).
 */
import { buildSync } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './paths.ts';

const built = new Map<string, string | undefined>();
let dir: string | undefined;

/** The bundle for this spec file (or .dve), or undefined to start workers from the sources. */
export function workerBundle(specFile: string): string | undefined {
  const file = resolve(specFile);
  if (!built.has(file)) built.set(file, build(file));
  return built.get(file);
}

function build(file: string): string | undefined {
  const isDve = extname(file) === '.dve';
  let text = '';
  try {
    if (!isDve) text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  // every module of a bundle sees one import.meta.url (cli/'s, for paths.ts): a spec that uses its own must be loaded from its file
  if (/\bimport\.meta\b/.test(text)) return undefined;
  const lit = JSON.stringify;
  const entry = [
    `import { preloadSource } from ${lit(join(ROOT, 'checker/search/parallel/preloaded-source.ts'))};`,
    `import * as source from ${lit(join(ROOT, 'cli/search-model.ts'))};`,
    ...(isDve ? [] : [
      `import { preloadSpecModule } from ${lit(join(ROOT, 'cli/load.ts'))};`,
      `import * as spec from ${lit(file)};`,
      `preloadSpecModule(${lit(file)}, spec);`,
    ]),
    'preloadSource(source);',
    // after the preloads: worker.ts starts serving as it is evaluated
    `await import(${lit(join(ROOT, 'checker/search/parallel/worker.ts'))});`,
  ].join('\n');
  try {
    dir ??= makeDir();
    const out = join(dir, `worker-${built.size}.mjs`);
    buildSync({
      stdin: { contents: entry, resolveDir: ROOT, sourcefile: 'search-worker.ts', loader: 'ts' },
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outfile: out,
      alias: { 'hmm-check': ROOT },
      define: { 'import.meta.url': lit(pathToFileURL(join(ROOT, 'cli/search-model.ts')).href) },
      logLevel: 'silent',
      // CommonJS packages (graphology) call require(): give the bundle one
      banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
    });
    return out;
  } catch {
    return undefined;
  }
}

function makeDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hmm-check-workers-'));
  process.once('exit', () => rmSync(d, { recursive: true, force: true }));
  return d;
}
