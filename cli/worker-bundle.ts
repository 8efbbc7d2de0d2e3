/**
 * One JavaScript file per spec file that runs a search worker with the job's model source and
 * spec inside (esbuild, which tsx already runs for every TypeScript module). A worker started from
 * it needs no TypeScript loader: registering tsx in a fresh thread (its loader thread and esbuild
 * service) is most of what starting a worker from the sources costs. Kept in a cache directory
 * (the system's temporary directory, per user) and rebuilt when any file it was built from changed
 * (size or modification time, as make decides) or the entry differs; when it cannot be built the
 * workers start from the sources as before (and report the spec's own errors there).
 */
import { createHash } from 'node:crypto';
import { buildSync, version as esbuildVersion } from 'esbuild';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './paths.ts';

const built = new Map<string, string | undefined>();
const ENTRY_NAME = '<search worker>';

/** What a cached bundle was built from: every input file with its size and modification time. */
interface BuiltFrom {
  readonly inputs: readonly (readonly [string, number, number])[];
}

/** The bundle for this spec file (or .dve), or undefined to start workers from the sources. */
export function workerBundle(specFile: string): string | undefined {
  const file = resolve(specFile);
  if (!built.has(file)) built.set(file, build(file));
  return built.get(file);
}

/** The bundle for this spec file from the cache, built if missing or out of date (without this process's memo). */
export function buildWorkerBundle(specFile: string): string | undefined {
  return build(resolve(specFile));
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
  const dir = join(tmpdir(), `hmm-check-workers-${userInfo().uid}`);
  const key = createHash('sha256').update(`${esbuildVersion}\n${ROOT}\n${entry}`).digest('hex').slice(0, 24);
  const out = join(dir, `${key}.mjs`);
  const index = join(dir, `${key}.json`);
  // written under temporary names and renamed: a concurrent run never loads half a bundle
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // code is run from there: only from a directory no one else can write to
    const st = statSync(dir);
    if (st.uid !== userInfo().uid || (st.mode & 0o022) !== 0) return undefined;
    if (upToDate(index, out)) return out;
    const result = buildSync({
      stdin: { contents: entry, resolveDir: ROOT, sourcefile: ENTRY_NAME, loader: 'ts' },
      absWorkingDir: ROOT,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outfile: tmp,
      metafile: true,
      alias: { 'hmm-check': ROOT },
      define: { 'import.meta.url': lit(pathToFileURL(join(ROOT, 'cli/search-model.ts')).href) },
      logLevel: 'silent',
      // CommonJS packages (graphology) call require(): give the bundle one
      banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
    });
    // (the generated entry is no file: its text is in the key)
    const inputs = Object.keys(result.metafile!.inputs).filter((f) => f !== ENTRY_NAME).map((f) => {
      const abs = resolve(ROOT, f);
      const st = statSync(abs);
      return [abs, st.size, st.mtimeMs] as const;
    });
    renameSync(tmp, out);
    writeFileSync(`${index}.${process.pid}.tmp`, JSON.stringify({ inputs } satisfies BuiltFrom));
    renameSync(`${index}.${process.pid}.tmp`, index);
    return out;
  } catch {
    rmSync(tmp, { force: true });
    return undefined;
  }
}

/** Was the cached bundle built from the files as they are now? */
function upToDate(index: string, out: string): boolean {
  try {
    statSync(out);
    const from = JSON.parse(readFileSync(index, 'utf8')) as BuiltFrom;
    return from.inputs.every(([f, size, mtime]) => {
      const st = statSync(f);
      return st.size === size && st.mtimeMs === mtime;
    });
  } catch {
    return false;
  }
}
