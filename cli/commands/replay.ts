/**
 * `hmm-check replay FILE.itf.json`: re-execute a saved counterexample against the current spec
 * and confirm that it still reaches the violation (TLC's trace re-checking, fast-check's replay).
 *
 * Exit 0: it replays step by step to the same states and the property still fails at the end.
 * Exit 1: it no longer does (the model or property changed: the message says at which step).
 * Exit 2: bad input: missing or malformed file, spec that fails to load, nondeterministic model.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ReplayMismatchError, SpecLoadError } from '../../checker/errors.ts';
import { ACTION_TAKEN, completeVars, ItfFormatError, type ItfTrace, type ItfTraceMeta, parseItf, stateVars } from '../../checker/report/itf.ts';
import { presentTrace, type ResolvedView, resolveView } from '../../checker/report/present.ts';
import { toText } from '../../checker/report/text.ts';
import type { ReplayPath } from '../../checker/trace.ts';
import { viewFor } from '../../checker/spec.ts';
import { diffVars, formatChange } from '../../checker/report/values.ts';
import { DEADLOCK_PROPERTY, NON_PROGRESS_PROPERTY } from '../../checker/property.ts';
import { parseReplayPath } from '../../checker/trace.ts';
import { replay, type ReplayResult } from '../../checker/trace/replay-api.ts';
import type { CliOptions } from '../args.ts';
import type { DveLiveness } from '../dve.ts';
import { FAIRNESS_LEVELS, type FairnessLevel } from '../../checker/liveness/fairness.ts';
import { assertReadable, discoverSpecFiles, type LoadedSpec, loadSpecFile, propertiesOf, userCodeError } from '../load.ts';
import { SPECS_DIR } from '../select.ts';
import { display } from '../paths.ts';
import { type ReplayRecord, replayDocument } from '../output/json.ts';
import { assertTypechecks } from '../typecheck.ts';
import { printable, printableLines } from '../util/printable.ts';
import { EXIT_MISMATCH, EXIT_OK } from './check.ts';

interface Outcome {
  readonly ok: boolean;
  readonly message: string;
}

export interface ReplayOutcome extends Outcome {
  readonly file: string;
  readonly spec: string;
  readonly config: string;
  readonly property: string;
  readonly replay: string;
}

export type ReplayOptions = Pick<CliOptions, 'specs' | 'configs' | 'properties' | 'typecheck'>;

export async function replayCommand(opts: CliOptions): Promise<number> {
  if (opts.path !== undefined) return replayToken(opts.files[0]!, opts.path, opts);
  const o = await replayTrace(opts.files[0]!, opts);
  if (opts.json) {
    const record: ReplayRecord = { file: o.file, spec: o.spec, config: o.config, property: o.property, path: o.replay, message: o.message };
    process.stdout.write(`${JSON.stringify(replayDocument(o.ok, record), null, 2)}\n`);
  } else {
    process.stdout.write(`${o.ok ? '✓' : '✗'} ${printable(`${o.file} ${o.ok ? 'replays' : 'does not replay'}: ${o.message}`)}.\n`);
  }
  return o.ok ? EXIT_OK : EXIT_MISMATCH;
}

/** Replays one ITF counterexample; throws CheckerError subclasses for bad input (exit 2). */
export async function replayTrace(fileArg: string, opts: ReplayOptions): Promise<ReplayOutcome> {
  const file = resolve(fileArg);
  assertReadable(file, 'trace file');
  const shown = display(file);
  const doc = parseItf(readFileSync(file, 'utf8'), shown);
  const meta = (doc['#meta'] ?? {}) as Partial<Record<keyof ItfTraceMeta, unknown>>;
  // A key the writer never writes is an edit (a mangled "spec" would otherwise let --spec stand in
  // for it silently); traces of other tools carry no hmm-check #meta and name what to replay by flags.
  const META_KEYS = new Set(['format', 'format-description', 'source', 'spec', 'config', 'property', 'kind', 'description', 'replay', 'specFile', 'specExport', 'generatedBy', 'dveLeadsTo']);
  const stray = Object.keys(meta).find((k) => !META_KEYS.has(k));
  if (stray !== undefined) {
    throw new ItfFormatError(`${shown} has an unknown "#meta" key ${JSON.stringify(stray)}`, 'the file was edited; regenerate it with `npm run check`');
  }
  // --spec, --config and --property stand in for their #meta fields; nothing stands in for the path.
  const given = { spec: opts.specs.length > 0, config: opts.configs.length > 0, property: opts.properties.length > 0, replay: false };
  const need = ['spec', 'config', 'property', 'replay'] as const;
  const missing = need.filter((k) => typeof meta[k] !== 'string' && !given[k]);
  if (missing.length > 0) {
    throw new ItfFormatError(
      `${shown} has no hmm-check "#meta" (${missing.join(', ')} missing), so it cannot say what to replay`,
      'replay works on counterexamples written by hmm-check (counterexamples/<spec>/<config>/<property>.itf.json); regenerate them with `npm run check`',
    );
  }
  const configName = opts.configs[0] ?? String(meta.config);
  const property = opts.properties[0] ?? String(meta.property);
  const path = String(meta.replay);
  let indices: readonly number[];
  try {
    indices = parseReplayPath(path);
  } catch (e) {
    throw new ItfFormatError(`${shown}: ${(e as Error).message} in "#meta"`, 'the file was edited by hand; regenerate it with `npm run check`');
  }
  const loaded = await specForTrace(file, meta, opts);
  const specFile = loaded.file;
  // own keys only: a config named "constructor" in a trace must not find Object's constructor
  const cfg = Object.hasOwn(loaded.spec.configs, configName) ? loaded.spec.configs[configName] : undefined;
  if (!cfg) {
    throw new SpecLoadError(
      `${shown} was recorded for config "${configName}", which spec "${loaded.spec.id}" (${display(specFile)}) does not have`,
      `the config was renamed or removed; regenerate the counterexamples with \`npm run check\` (configs now: ${Object.keys(loaded.spec.configs).join(', ')})`,
    );
  }
  const props = propertiesOf(loaded, configName);
  const isProgress = cfg.check?.nonProgress === true ? loaded.spec.progress : undefined;
  const builtIn = property === DEADLOCK_PROPERTY || (property === NON_PROGRESS_PROPERTY && isProgress !== undefined);
  if (!builtIn && !props.some((p) => p.name === property)) {
    throw new SpecLoadError(
      `${shown} is a counterexample to "${property}", which config "${configName}" of spec "${loaded.spec.id}" no longer has`,
      `the property was renamed or removed; delete the file or regenerate with \`npm run check\` (properties now: ${props.map((p) => p.name).join(', ')})`,
    );
  }
  const make = () => {
    try {
      return loaded.spec.createModel(cfg.params, configName);
    } catch (e) {
      throw userCodeError(loaded, `createModel(params) of config "${configName}"`, e);
    }
  };
  const model = make();

  let result: ReplayResult<unknown, unknown> | undefined;
  let failure: ReplayMismatchError | undefined;
  try {
    result = replay(model, path, props, isProgress);
  } catch (e) {
    if (!(e instanceof ReplayMismatchError)) throw e;
    failure = e;
  }
  // Replay again on a fresh model: different outcomes mean the model is not a function of its state.
  let again: ReplayResult<unknown, unknown> | undefined;
  let againFailure: ReplayMismatchError | undefined;
  try {
    again = replay(make(), path, props, isProgress);
  } catch (e) {
    if (!(e instanceof ReplayMismatchError)) throw e;
    againFailure = e;
  }
  const view = resolveView(viewFor(loaded.spec, cfg.params));
  const fp = (r: ReplayResult<unknown, unknown> | undefined): string =>
    r ? JSON.stringify(r.steps.map((s) => view.itfVars(s.state))) + r.demonstrated.join(',') : '';
  if ((failure === undefined) !== (againFailure === undefined) || failure?.message !== againFailure?.message || fp(result) !== fp(again)) {
    throw new ReplayMismatchError(
      `replaying ${shown} twice against spec "${loaded.spec.id}" (${display(specFile)}) gave different results: the model is nondeterministic`,
      'successors(s) must depend only on s: remove Math.random, Date, global counters and history-dependent iteration order from the model',
    );
  }

  const outcome = judge(result, failure);
  function judge(r: ReplayResult<unknown, unknown> | undefined, f: ReplayMismatchError | undefined): Outcome {
    if (!r) return { ok: false, message: `${f!.message}. The model changed since the trace was recorded; regenerate it with \`npm run check\`` };
    const n = Math.min(r.steps.length, doc.states.length);
    for (let i = 0; i < n; i++) {
      const names = doc.vars.filter((v) => v !== ACTION_TAKEN);
      const raw = view.itfVars(r.steps[i]!.state);
      const extra = Object.keys(raw).filter((k) => !names.includes(k));
      const now = { ...completeVars(raw, names), ...Object.fromEntries(extra.map((k) => [k, raw[k]!])) };
      const then = stateVars(doc.states[i]!, names);
      const changes = diffVars(then, now);
      if (changes.length > 0) {
        return {
          ok: false,
          message: `step ${i} reaches a different state than recorded (${changes.slice(0, 3).map(formatChange).join('; ')}${changes.length > 3 ? '; …' : ''}). The model changed since the trace was recorded; regenerate it with \`npm run check\``,
        };
      }
    }
    if (r.steps.length !== doc.states.length) {
      return { ok: false, message: `the replay path has ${r.steps.length} states but the file records ${doc.states.length}; the file was edited by hand` };
    }
    const source = meta.source;
    // every trace the tool writes names its model (ItfTraceMeta.source): a missing one was edited away
    if (typeof source !== 'string') {
      return { ok: false, message: `the file records no model (#meta.source): the file was edited; regenerate it with \`npm run check\`` };
    }
    if (source !== model.id) {
      return { ok: false, message: `the file was recorded on model ${JSON.stringify(source)}, but config "${configName}" now builds ${JSON.stringify(model.id)}: the config changed; regenerate with \`npm run check\`` };
    }
    const edited = actionMismatch(r, doc.states, indices, view);
    if (edited !== undefined) return { ok: false, message: edited };
    const last = r.steps.length - 1;
    if (!r.demonstrated.includes(property)) {
      return {
        ok: false,
        message: `all ${last} steps replay, but "${property}" is no longer violated at the end: the property or the model's guards changed (if the bug is fixed, delete the file or regenerate with \`npm run check\`)`,
      };
    }
    return { ok: true, message: `${last} step${last === 1 ? '' : 's'} on ${model.id}; "${property}" is still violated at step ${last}` };
  }

  return { ...outcome, file: shown, spec: loaded.spec.id, config: configName, property, replay: path };
}

/** The first step whose recorded action (index, label, kind, actor) differs from the replayed one. */
function actionMismatch(
  r: ReplayResult<unknown, unknown>,
  states: ItfTrace['states'],
  indices: readonly number[],
  view: ResolvedView<unknown, unknown>,
): string | undefined {
  for (let i = 0; i < r.steps.length; i++) {
    const m = (states[i]!['#meta'] ?? {}) as Partial<Record<string, unknown>>;
    if (m['index'] !== i) return `state ${i} records index ${JSON.stringify(m['index'] ?? null)}: the file was edited; regenerate it with \`npm run check\``;
  }
  // the initial state is taken by no action: the writer records the pseudo-kind 'init' (present.ts)
  if (states[0] !== undefined && states[0][ACTION_TAKEN] !== 'init') {
    return `state 0 records ${ACTION_TAKEN} ${JSON.stringify(states[0][ACTION_TAKEN] ?? null)} instead of "init": the file was edited; regenerate it with \`npm run check\``;
  }
  for (let i = 1; i < r.steps.length; i++) {
    const step = r.steps[i]!;
    const recorded = states[i]!;
    const m = (recorded['#meta'] ?? {}) as Partial<Record<string, unknown>>;
    const now = { actionIndex: indices[i], action: view.label(step.action), actor: view.actor(step.action) };
    for (const key of ['actionIndex', 'action', 'actor'] as const) {
      if (m[key] !== now[key]) {
        return `step ${i} records ${key} ${JSON.stringify(m[key] ?? null)}, but the path takes ${JSON.stringify(now[key])} there: the file was edited or the model changed; regenerate it with \`npm run check\``;
      }
    }
    const kind = recorded[ACTION_TAKEN];
    if (kind !== view.kind(step.action)) {
      return `step ${i} records ${ACTION_TAKEN} ${JSON.stringify(kind ?? null)}, but the path takes ${JSON.stringify(view.kind(step.action))} there: the file was edited or the model changed; regenerate it with \`npm run check\``;
    }
  }
  return undefined;
}

/** The spec files of this repository (specs/), by id: the only code replay runs unless the user names a file. */
async function repositorySpecs(hint: string | undefined): Promise<LoadedSpec[]> {
  const files = discoverSpecFiles(SPECS_DIR);
  // A trace's specFile is only a hint for which of our own files to load first, never a file to import.
  if (hint !== undefined && files.includes(hint)) return [...(await loadSpecFile(hint)), ...(await loadAll(files.filter((f) => f !== hint)))];
  return loadAll(files);
}

async function loadAll(files: readonly string[]): Promise<LoadedSpec[]> {
  const out: LoadedSpec[] = [];
  for (const f of files) out.push(...(await loadSpecFile(f)));
  return out;
}

/**
 * Which spec replays a trace. A trace is data: the code that replays it is the file the user names
 * with --spec, or a spec of this repository with the recorded id, never the file "#meta" names.
 */
async function specForTrace(file: string, meta: Partial<Record<keyof ItfTraceMeta, unknown>>, opts: ReplayOptions): Promise<LoadedSpec> {
  const shown = display(file);
  const recorded = typeof meta.spec === 'string' ? meta.spec : undefined;
  const named = opts.specs[0];
  const namedFile = named !== undefined && /[\\/]|\.(m?ts|dve)$/.test(named) ? resolve(named) : undefined;
  const namedId = named !== undefined && namedFile === undefined ? named : undefined;
  if (namedId !== undefined && recorded !== undefined && namedId !== recorded) {
    throw new SpecLoadError(`${shown} was recorded for spec "${recorded}", not "${namedId}"`, `drop --spec, or pass --spec with the file of spec "${recorded}"`);
  }
  const want = recorded ?? namedId;
  let candidates: LoadedSpec[];
  let where: string;
  if (namedFile !== undefined) {
    if (opts.typecheck && /\.m?ts$/.test(namedFile)) assertTypechecks([namedFile]);
    candidates = await loadSpecFile(namedFile, dveLeadsToOf(meta as Record<string, unknown>, shown));
    where = display(namedFile);
  } else {
    const hint = typeof meta.specFile === 'string' ? resolve(dirname(file), meta.specFile) : undefined;
    candidates = await repositorySpecs(hint);
    where = `the specs under ${display(SPECS_DIR)}`;
  }
  const matching = want === undefined ? candidates : candidates.filter((l) => l.spec.id === want);
  if (matching.length === 0) {
    throw new SpecLoadError(
      want === undefined ? `${where} exports no spec` : `${shown} was recorded for spec "${want}", which ${where} does not have (it has: ${candidates.map((l) => l.spec.id).join(', ') || 'none'})`,
      namedFile === undefined
        ? 'pass the spec file the trace was recorded with: --spec FILE (replay never runs the file a trace names)'
        : 'pass the spec file the trace was recorded with',
    );
  }
  const exported = typeof meta.specExport === 'string' ? matching.filter((l) => l.exportName === meta.specExport) : [];
  if (matching.length > 1 && exported.length !== 1) {
    throw new SpecLoadError(`${where} has ${matching.length} specs that could have recorded ${shown}`, 'pass the spec file that holds only the one it was recorded with');
  }
  return exported.length === 1 ? exported[0]! : matching[0]!;
}

/**
 * `hmm-check replay SPEC.ts --config NAME --path 0/3/1 [--property P]`: follow a replay token
 * (as printed with every counterexample) through the spec's model and print the trace. Exit 0
 * when the path demonstrates the named property (or, with none named, any property), 1 when it
 * demonstrates none or cannot be followed (the message says at which step), 2 for bad input.
 */
async function replayToken(fileArg: string, path: string, opts: CliOptions): Promise<number> {
  const specFile = resolve(fileArg);
  if (opts.typecheck && /\.m?ts$/.test(specFile)) assertTypechecks([specFile]);
  const all = await loadSpecFile(specFile);
  const wantedId = opts.specs[0];
  const loaded = wantedId === undefined ? (all.length === 1 ? all[0] : undefined) : all.find((l) => l.spec.id === wantedId);
  if (loaded === undefined) {
    throw new SpecLoadError(
      wantedId === undefined ? `${display(specFile)} exports ${all.length} specs; a replay path belongs to one of them` : `${display(specFile)} has no spec with id "${wantedId}"`,
      `pass --spec with one of: ${all.map((l) => l.spec.id).join(', ')}`,
    );
  }
  const configs = Object.keys(loaded.spec.configs);
  const configName = opts.configs[0] ?? (configs.length === 1 ? configs[0]! : undefined);
  if (configName === undefined || !Object.hasOwn(loaded.spec.configs, configName)) {
    throw new SpecLoadError(
      configName === undefined
        ? `spec "${loaded.spec.id}" (${display(specFile)}) has ${configs.length} configs; a replay path belongs to one of them`
        : `spec "${loaded.spec.id}" (${display(specFile)}) has no config "${configName}"`,
      `pass --config with one of: ${configs.join(', ')}`,
    );
  }
  const cfg = loaded.spec.configs[configName]!;
  const props = propertiesOf(loaded, configName);
  const wanted = opts.properties[0];
  const isProgress = cfg.check?.nonProgress === true ? loaded.spec.progress : undefined;
  const builtIn = wanted === DEADLOCK_PROPERTY || (wanted === NON_PROGRESS_PROPERTY && isProgress !== undefined);
  if (wanted !== undefined && !builtIn && !props.some((p) => p.name === wanted)) {
    throw new SpecLoadError(`config "${configName}" of spec "${loaded.spec.id}" has no property "${wanted}"`, `use one of: ${props.map((p) => p.name).join(', ')}`);
  }
  let model;
  try {
    model = loaded.spec.createModel(cfg.params, configName);
  } catch (e) {
    throw userCodeError(loaded, `createModel(params) of config "${configName}"`, e);
  }
  let result: ReplayResult<unknown, unknown>;
  try {
    result = replay(model, path, props, isProgress);
  } catch (e) {
    if (!(e instanceof ReplayMismatchError)) throw e;
    const record: ReplayRecord = { file: display(specFile), spec: loaded.spec.id, config: configName, property: wanted ?? null, path, message: e.message };
    process.stdout.write(opts.json ? `${JSON.stringify(replayDocument(false, record), null, 2)}\n` : `✗ ${printable(e.message)}\n`);
    return EXIT_MISMATCH;
  }
  const shown = wanted ?? result.demonstrated[0];
  const ok = shown !== undefined && result.demonstrated.includes(shown);
  if (opts.json) {
    const record: ReplayRecord = {
      file: display(specFile), spec: loaded.spec.id, config: configName, property: shown ?? null, path,
      steps: result.steps.length - 1, demonstrated: result.demonstrated,
      message: ok ? `the path demonstrates ${result.demonstrated.join(', ')}` : `the path reaches its last state but demonstrates ${wanted === undefined ? 'no property' : `not "${wanted}"`}`,
    };
    process.stdout.write(`${JSON.stringify(replayDocument(ok, record), null, 2)}\n`);
    return ok ? EXIT_OK : EXIT_MISMATCH;
  }
  const prop = props.find((p) => p.name === shown);
  const kind = shown === DEADLOCK_PROPERTY ? 'deadlock' : (prop?.kind ?? 'always');
  const trace = {
    modelId: model.id,
    property: shown ?? '(no property)',
    classification: kind === 'sometimes' ? ('example' as const) : ('counterexample' as const),
    steps: result.steps,
    replay: result.replay as ReplayPath,
    ...(result.loopIndex === undefined ? {} : { loopIndex: result.loopIndex }),
  };
  const view = resolveView(viewFor(loaded.spec, cfg.params));
  process.stdout.write(`${printableLines(toText(presentTrace(trace, view, kind, prop?.description), { spec: loaded.spec.id, config: configName }))}\n`);
  process.stdout.write(
    ok
      ? `✓ the path demonstrates ${result.demonstrated.join(', ')}\n`
      : `✗ the path reaches its last state but demonstrates ${wanted === undefined ? 'no property' : `not "${wanted}"`}${result.demonstrated.length > 0 ? ` (it does show ${result.demonstrated.join(', ')})` : ''}\n`,
  );
  return ok ? EXIT_OK : EXIT_MISMATCH;
}

/**
 * A DVE leads-to trace records its two expressions and fairness in "#meta"; they are data, checked
 * here and compiled by the DVE expression parser (never evaluated as code).
 */
function dveLeadsToOf(meta: Record<string, unknown>, shown: string): DveLiveness | undefined {
  const d = meta['dveLeadsTo'];
  if (d === undefined) return undefined;
  const o = d as Record<string, unknown>;
  const fairness = o['fairness'];
  if (d === null || typeof d !== 'object' || typeof o['from'] !== 'string' || typeof o['to'] !== 'string' || !FAIRNESS_LEVELS.includes(fairness as FairnessLevel)) {
    throw new ItfFormatError(`${shown}: "#meta".dveLeadsTo must be { from, to, fairness } with two expressions and none, weak or strong`, 'the file was edited by hand; regenerate it with `npx hmm-check MODEL.dve --leads-to P Q`');
  }
  return { leadsTo: [o['from'] as string, o['to'] as string], fairness: fairness as FairnessLevel };
}
