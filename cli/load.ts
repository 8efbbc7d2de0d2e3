/**
 * Finding and loading specs.
 *
 * Convention (documented in specs/README.md): `npm run check` runs every file under specs/ named
 * `spec.ts` or `*.spec.ts`. Such a file must export a spec (the result of `defineSpec`) as
 * `export const spec`, as the default export, or as any other named export; each exported spec
 * runs. Other .ts files under specs/ (helpers, presentation, properties) are never imported by
 * discovery. `npx hmm-check FILE` runs any file, anywhere, with the same export rule, and a
 * `.dve` file as a DVE model with one configuration, `default`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SpecLoadError } from '../checker/errors.ts';
import { validateCheckConfig } from '../checker/validate-config.ts';
import type { Property } from '../checker/property.ts';
import { DEADLOCK_PROPERTY, NON_PROGRESS_PROPERTY } from '../checker/property.ts';
import type { CheckSpec, SpecConfig } from '../checker/spec.ts';
import { type DveLiveness, dveSpec } from './dve.ts';
import { display } from './paths.ts';

export type AnySpec = CheckSpec<unknown, unknown, unknown>;

export interface SpecSource {
  readonly kind: 'spec' | 'dve';
  /** DVE: a leads-to property given on the command line */
  readonly dve?: DveLiveness;
  /** absolute path */
  readonly file: string;
  /** the export holding the spec ('' for .dve) */
  readonly exportName: string;
}

export interface LoadedSpec extends SpecSource {
  readonly spec: AnySpec;
}

const SPEC_FILE = /(^|[\\/])(spec|[^\\/]+\.spec)\.m?ts$/;

export function isSpecFileName(p: string): boolean {
  return SPEC_FILE.test(p);
}

/** Spec files under `dir`, sorted, following the naming convention above. */
export function discoverSpecFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && isSpecFileName(e.name)) out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

export function isSpec(v: unknown): v is AnySpec {
  if (v === null || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return typeof o['id'] === 'string' && typeof o['configs'] === 'object' && o['configs'] !== null && typeof o['createModel'] === 'function' && typeof o['properties'] === 'function';
}

export function assertReadable(file: string, what: string): void {
  if (!existsSync(file)) {
    throw new SpecLoadError(`cannot find ${what} ${display(file)}`, `check the path (relative paths are resolved against ${process.cwd()})`);
  }
  if (!statSync(file).isFile()) throw new SpecLoadError(`${display(file)} is a directory, not a ${what}`, 'name a .ts spec file or a .dve model');
}

/** First "file:line:col" in an error's stack or message that points into `file`. */
function locate(e: unknown, file: string): string | undefined {
  const text = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
  const url = pathToFileURL(file).href;
  for (const name of [url, file]) {
    const i = text.indexOf(`${name}:`);
    if (i >= 0) {
      const m = /^:(\d+)(?::(\d+))?/.exec(text.slice(i + name.length));
      if (m) return `${display(file)}:${m[1]}${m[2] ? `:${m[2]}` : ''}`;
    }
  }
  return undefined;
}

/** esbuild's "Transform failed with 1 error:\n<file>:3:7: ERROR: Expected ";" but found "x"" → its message part. */
function transformError(e: unknown): string | undefined {
  const msg = e instanceof Error ? e.message : String(e);
  if (!/Transform failed|ERROR:/.test(msg)) return undefined;
  const m = /:(\d+):(\d+): ERROR: (.*)/.exec(msg);
  return m ? `line ${m[1]}, column ${m[2]}: ${m[3]}` : msg.split('\n').slice(0, 2).join(' ');
}

const moduleCache = new Map<string, Promise<Record<string, unknown>>>();

/** A spec module already loaded by other means (a bundled search worker holds its spec inside): importing `file` gives it. */
export function preloadSpecModule(file: string, mod: Record<string, unknown>): void {
  moduleCache.set(resolve(file), Promise.resolve(mod));
}

async function importModule(file: string): Promise<Record<string, unknown>> {
  let p = moduleCache.get(file);
  if (!p) {
    p = import(pathToFileURL(file).href) as Promise<Record<string, unknown>>;
    moduleCache.set(file, p);
  }
  return p;
}

/** Imports a spec module and returns every spec it exports (default and `spec` first). */
export async function loadSpecFile(fileArg: string, dve?: DveLiveness): Promise<LoadedSpec[]> {
  const file = resolve(fileArg);
  assertReadable(file, 'spec file');
  if (extname(file) === '.dve') return [{ kind: 'dve', file, exportName: '', ...(dve ? { dve } : {}), spec: dveSpec(file, dve) as unknown as AnySpec }];
  if (!/\.(m|c)?tsx?$|\.m?js$/.test(file)) {
    throw new SpecLoadError(`${display(file)} is neither a TypeScript spec (.ts) nor a DVE model (.dve)`, 'pass a spec file like specs/examples/mutex.spec.ts or a .dve file');
  }
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(file);
  } catch (e) {
    const syntax = transformError(e);
    if (syntax) {
      throw new SpecLoadError(`${display(file)} does not compile (${syntax})`, 'fix the syntax error at that position');
    }
    const where = locate(e, file);
    const err = e instanceof Error ? e : new Error(String(e));
    const notFound = (err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND';
    const wrapped = new SpecLoadError(
      `loading ${display(file)} failed: ${err.name === 'Error' ? '' : `${err.name}: `}${err.message.split('\n')[0]}${where ? ` (at ${where})` : ''}`,
      notFound
        ? "fix the import path; import the checker as 'hmm-check' and repository files as 'hmm-check/<path>.ts'"
        : 'the module throws while it is imported; fix the code at that line (re-run with --debug for the stack trace)',
    );
    if (err.stack) wrapped.stack = err.stack;
    throw wrapped;
  }
  const names = Object.keys(mod).filter((k) => isSpec(mod[k]));
  // default and `spec` first, then the rest alphabetically; the same object exported twice runs once
  names.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const seen = new Set<unknown>();
  const out: LoadedSpec[] = [];
  for (const n of names) {
    if (seen.has(mod[n])) continue;
    seen.add(mod[n]);
    out.push({ kind: 'spec', file, exportName: n, spec: mod[n] as AnySpec });
  }
  if (out.length === 0) {
    throw new SpecLoadError(
      `${display(file)} exports no spec`,
      "export the result of defineSpec({ id, configs, createModel, properties }) as `export const spec = defineSpec(...)` (see specs/README.md)",
    );
  }
  for (const l of out) validateSpec(l);
  return out;
}

function rank(name: string): number {
  return name === 'default' ? 0 : name === 'spec' ? 1 : 2;
}

export function specLabel(l: LoadedSpec): string {
  return l.kind === 'dve' ? basename(l.file) : `${display(l.file)}${l.exportName === 'spec' || l.exportName === 'default' ? '' : ` (export ${l.exportName})`}`;
}

/** The properties of one config, with user-code exceptions turned into a message naming the file. */
export function propertiesOf(l: LoadedSpec, configName: string): readonly Property<unknown, unknown>[] {
  const cfg = l.spec.configs[configName]!;
  try {
    return l.spec.properties(cfg.params);
  } catch (e) {
    throw userCodeError(l, `properties(params) of config "${configName}"`, e);
  }
}

export function userCodeError(l: LoadedSpec, what: string, e: unknown): SpecLoadError {
  const err = e instanceof Error ? e : new Error(String(e));
  const where = locate(err, l.file);
  const wrapped = new SpecLoadError(
    `spec "${l.spec.id}" in ${display(l.file)}: ${what} threw ${err.name}: ${err.message.split('\n')[0]}${where ? ` (at ${where})` : ''}`,
    'fix the code that threw (re-run with --debug for the stack trace)',
  );
  if (err.stack) wrapped.stack = err.stack;
  return wrapped;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const CONFIG_KEYS: readonly string[] = ['params', 'check', 'expect', 'description', 'benchOnly', 'finding'];

/**
 * Checks what the engine cannot: ids usable as directory names, configs present, and every
 * expectation naming a property that exists (a typo there would otherwise pass silently).
 */
export function validateSpec(l: LoadedSpec): void {
  const s = l.spec;
  const where = specLabel(l);
  if (!SAFE_ID.test(s.id)) {
    throw new SpecLoadError(`spec id "${s.id}" in ${where} is not a plain name`, 'use letters, digits, ".", "_" and "-" (it becomes the directory counterexamples/<id>/)');
  }
  const proto: unknown = Object.getPrototypeOf(s.configs);
  if (proto !== Object.prototype && proto !== null) {
    // `configs: { __proto__: {…} }` sets the prototype instead of adding a config: it would vanish
    throw new SpecLoadError(`spec "${s.id}" in ${where} has a config named "__proto__"`, 'give the config a plain name (letters, digits, ".", "_" and "-", starting with a letter or digit)');
  }
  const names = Object.keys(s.configs);
  if (names.length === 0) throw new SpecLoadError(`spec "${s.id}" in ${where} has no configs`, 'add at least one entry to `configs`');
  for (const c of names) {
    if (!SAFE_ID.test(c)) throw new SpecLoadError(`config name "${c}" of spec "${s.id}" in ${where} is not a plain name`, 'use letters, digits, ".", "_" and "-"');
    const cfg = s.configs[c] as SpecConfig<unknown> | undefined;
    if (!cfg || typeof cfg !== 'object' || !('params' in cfg) || typeof cfg.expect !== 'object' || cfg.expect === null) {
      throw new SpecLoadError(`config "${c}" of spec "${s.id}" in ${where} must be { params, expect }`, 'write it as `{ params: {…}, expect: { "<property>": "holds" | "violated" } }`');
    }
    const stray = Object.keys(cfg).find((k) => !CONFIG_KEYS.includes(k));
    if (stray !== undefined) {
      throw new SpecLoadError(`config "${c}" of spec "${s.id}" in ${where} has an unknown key "${stray}"`, `a config has only ${CONFIG_KEYS.join(', ')}`);
    }
    if (cfg.benchOnly !== undefined && typeof cfg.benchOnly !== 'boolean') {
      throw new SpecLoadError(`config "${c}" of spec "${s.id}" in ${where}: benchOnly is ${String(cfg.benchOnly)}`, 'benchOnly is true or false');
    }
    validateCheckConfig(cfg.check, `config "${c}" of spec "${s.id}" in ${where}`);
    const props = propertiesOf(l, c);
    const known = new Set(props.map((p) => p.name));
    if ((cfg.check?.deadlock ?? 'violation') === 'violation') known.add(DEADLOCK_PROPERTY);
    if (cfg.check?.nonProgress === true) known.add(NON_PROGRESS_PROPERTY);
    for (const [name, v] of Object.entries(cfg.expect)) {
      if (!known.has(name)) {
        throw new SpecLoadError(
          `config "${c}" of spec "${s.id}" in ${where} expects a verdict for "${name}", but there is no such property (known: ${[...known].join(', ')})`,
          name === DEADLOCK_PROPERTY ? "remove it, or set check: { deadlock: 'violation' }" : 'fix the name in `expect`, or add the property',
        );
      }
      if (v !== 'holds' && v !== 'violated') {
        throw new SpecLoadError(`config "${c}" of spec "${s.id}" in ${where} expects "${String(v)}" for "${name}"`, "an expectation is 'holds' or 'violated'");
      }
    }
  }
}
