/**
 * check(): run one search and turn what it found into per-property verdicts with replayed,
 * verified traces. Verdict rules:
 *  - always / alwaysStep / deadlock-free: violated when a counterexample was found (even in an
 *    incomplete run); holds only when the search was exhaustive; otherwise incomplete.
 *  - sometimes: holds when a witness was found; violated (vacuous) only when exhaustive.
 *  - eventually / leadsTo / alwaysEventually (and non-progress cycles): violated when a fair lasso
 *    was found (sound even on a partial graph); holds only when the whole graph was built.
 */
import { resolveConfig, type CheckConfig, type ResolvedCheckConfig } from './config.ts';
import { ConfigError, PropertyError, ReplayMismatchError, thrownText } from './errors.ts';
import { validateCheckConfig } from './validate-config.ts';
import { silentReporter } from './events.ts';
import type { Model } from './model.ts';
import { DEADLOCK_PROPERTY, NON_PROGRESS_PROPERTY, isLiveness, type LivenessProperty, type Property } from './property.ts';
import { checkLiveness, type LivenessRun } from './liveness/check-liveness.ts';
import { validateFairness } from './liveness/fairness.ts';
import { lassoTrace } from './liveness/lasso-trace.ts';
import type { CheckResult, PropertyOutcome, Stats } from './result.ts';
import { bfs } from './search/bfs.ts';
import { peakRssBytes, SearchControl } from './search/control.ts';
import { dfs } from './search/dfs.ts';
import type { CheckOptions } from './search/options.ts';
import type { SearchOutcome } from './search/outcome.ts';
import { packedActions, packedBfs } from './search/packed-bfs.ts';
import { threadedPackedBfs } from './search/parallel/index.ts';
import { simulate } from './search/simulation.ts';
import { PropertyTracker, type Discovery } from './search/tracker.ts';
import { assertNever } from './util/assert-never.ts';
import { collisionProbability } from './state/fingerprint.ts';
import { demonstrated, fingerprintOf, replaySteps } from './trace/replay.ts';
import { encodeReplayPath, type Trace } from './trace.ts';

export function check<S, A>(
  model: Model<S, A>,
  properties: readonly Property<S, A>[],
  config: CheckConfig = {},
  options: CheckOptions<A> = {},
): CheckResult<S, A> {
  validateProperties(properties);
  validateCheckConfig(config);
  const rc = resolveConfig(config);
  validateConfig(rc);
  const safety = properties.filter((p) => !isLiveness(p));
  const liveness = properties.filter((p): p is LivenessProperty<S> & Property<S, A> => isLiveness(p));
  const wantsLiveness = liveness.length > 0 || rc.nonProgress;
  if (wantsLiveness) validateLiveness(liveness, rc, options);
  const reporter = options.reporter ?? silentReporter;
  const props = safety.map(guarded);
  const tracker = new PropertyTracker<S, A>(props, rc.deadlock === 'violation', rc.stopWhen === 'first');
  const control = new SearchControl(rc, reporter, options.signal);
  reporter.onEvent({ code: 'check.started', modelId: model.id, strategy: rc.strategy });

  // Liveness builds its own graph; the safety search runs only when it has something to check.
  const runSafety = !wantsLiveness || safety.length > 0 || rc.deadlock === 'violation';
  const safetyOutcome = runSafety ? runStrategy(model, tracker, rc, control, options) : undefined;
  let live: LivenessRun | undefined;
  if (wantsLiveness && control.stopReason === undefined) {
    live = checkLiveness(model, { properties: liveness, fairness: rc.fairness, nonProgress: rc.nonProgress }, options, rc, control);
  }
  const outcome = combineOutcomes(safetyOutcome, live);
  const stats: Stats = {
    transitions: outcome.transitions,
    distinct: outcome.distinct,
    queued: outcome.queued,
    maxDepth: outcome.maxDepth,
    deadlocks: outcome.deadlocks,
    elapsedMs: control.elapsedMs(),
    peakRssBytes: peakRssBytes(),
    bytesPerState: outcome.storeBytes / Math.max(1, outcome.distinct),
    collisionProbability: collisionProbability(outcome.distinct),
    ...(outcome.coverage ? { coverage: Object.fromEntries([...outcome.coverage].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) } : {}),
  };
  const exhaustive = safetyOutcome?.completion === 'exhaustive';
  const outcomes: PropertyOutcome<S, A>[] = [];
  const all: { name: string; kind: PropertyOutcome<S, A>['kind'] }[] = safety.map((p) => ({ name: p.name, kind: p.kind }));
  if (rc.deadlock === 'violation') all.push({ name: DEADLOCK_PROPERTY, kind: 'deadlock' });
  for (const { name, kind } of all) {
    const d = tracker.discoveries.get(name);
    if (d) {
      const trace = rebuildTrace(model, props, d);
      const depth = trace.steps.length - 1;
      reporter.onEvent({ code: kind === 'sometimes' ? 'property.example' : 'property.violated', property: name, depth });
      outcomes.push({
        name, kind, trace,
        verdict: kind === 'sometimes' ? 'holds' : 'violated',
        detail: kind === 'sometimes' ? `witness at depth ${depth}` : `counterexample of ${depth} steps`,
      });
    } else if (exhaustive && kind === 'sometimes') {
      outcomes.push(unreachableWitness(model, name, tracker, safetyOutcome, rc, options));
    } else if (exhaustive) {
      outcomes.push({ name, kind, verdict: 'holds', detail: 'holds (exhaustive)' });
    } else {
      outcomes.push({ name, kind, verdict: 'incomplete', detail: incompleteDetail(outcome) });
    }
  }
  if (wantsLiveness) outcomes.push(...livenessOutcomes(model, liveness, rc, live, outcome, options, reporter));
  // Properties in the order they were given, built-ins (deadlock, non-progress) last.
  const order = new Map(properties.map((p, i) => [p.name, i]));
  outcomes.sort((a, b) => (order.get(a.name) ?? properties.length) - (order.get(b.name) ?? properties.length));
  const ok = outcomes.every((o) => o.verdict === 'holds');
  reporter.onEvent({ code: 'check.finished', status: outcome.completion, stats });
  return {
    modelId: model.id,
    status: outcome.completion,
    ...(outcome.reason ? { incompleteReason: outcome.reason } : {}),
    ok,
    stats,
    config: rc,
    properties: outcomes,
  };
}

/**
 * A witness no reachable state satisfies: say what can be said without a trace — the conjuncts
 * never true, and the declared action kinds that never fired (from the run's coverage, or from a
 * second search that counts them when the first did not).
 */
function unreachableWitness<S, A>(
  model: Model<S, A>,
  name: string,
  tracker: PropertyTracker<S, A>,
  outcome: SearchOutcome | undefined,
  rc: ResolvedCheckConfig,
  options: CheckOptions<A>,
): PropertyOutcome<S, A> {
  const neverTrue = [...(tracker.conjunctsNeverTrue.get(name) ?? [])];
  let neverFired: string[] | undefined;
  if (options.actionKinds !== undefined && options.actionKindOf !== undefined) {
    let fired = outcome?.coverage;
    if (fired === undefined) {
      const again = new PropertyTracker<S, A>([], false, false);
      const control = new SearchControl({ ...rc, progressMs: 0 }, silentReporter, options.signal);
      fired = runStrategy(model, again, rc, control, { coverage: options.actionKindOf }).coverage;
    }
    neverFired = options.actionKinds.filter((k) => !(fired?.get(k) ?? 0));
  }
  const parts = [
    'no example found (exhaustive): the property is unreachable',
    ...(neverTrue.length > 0 ? [`never true: ${neverTrue.join(', ')}`] : []),
    ...(neverFired !== undefined ? [neverFired.length > 0 ? `action kinds that never fired: ${neverFired.join(', ')}` : 'every declared action kind fired'] : []),
  ];
  return {
    name, kind: 'sometimes', verdict: 'violated', detail: parts.join('; '),
    ...(neverTrue.length > 0 ? { neverTrue } : {}),
    ...(neverFired !== undefined ? { neverFired } : {}),
  };
}

function validateLiveness<S, A>(liveness: readonly LivenessProperty<S>[], rc: ResolvedCheckConfig, options: CheckOptions<A>): void {
  if (rc.strategy === 'simulation') {
    throw new ConfigError('liveness properties need the whole reachable graph; simulation walks only part of it', 'use strategy bfs or dfs (the default) for specs with eventually/leadsTo/alwaysEventually');
  }
  if (rc.fairness) validateFairness(rc.fairness, 'the config', options.knownActors);
  for (const p of liveness) if (p.fairness) validateFairness(p.fairness, `property "${p.name}"`, options.knownActors);
}

/** Counts of the run: the safety search's when it ran (else the liveness graph's), incomplete if either was. */
function combineOutcomes(safety: SearchOutcome | undefined, live: LivenessRun | undefined): SearchOutcome {
  // A safety search that stopped early (its verdicts known) explored less than the liveness graph did.
  const useGraph = safety === undefined || (safety.completion === 'stopped' && live?.graph.complete === true);
  const base: SearchOutcome = !useGraph && safety ? safety : {
    completion: live?.graph.complete ? 'exhaustive' : 'incomplete',
    transitions: live?.graph.transitions ?? 0,
    distinct: live?.graph.n ?? 0,
    queued: 0,
    maxDepth: live?.graph.maxDepth ?? 0,
    deadlocks: live?.graph.deadlocks ?? 0,
    storeBytes: live?.graph.bytes ?? 0,
    ...(live?.reason ? { reason: live.reason } : {}),
  };
  if (live && !live.graph.complete && base.completion !== 'incomplete') {
    return { ...base, completion: 'incomplete', ...(live.reason ? { reason: live.reason } : {}) };
  }
  return base;
}

function livenessOutcomes<S, A>(
  model: Model<S, A>,
  liveness: readonly LivenessProperty<S>[],
  rc: ResolvedCheckConfig,
  live: LivenessRun | undefined,
  outcome: SearchOutcome,
  options: CheckOptions<A>,
  reporter: CheckOptions<A>['reporter'] & object,
): PropertyOutcome<S, A>[] {
  const out: PropertyOutcome<S, A>[] = [];
  const names: { name: string; kind: PropertyOutcome<S, A>['kind']; p?: LivenessProperty<S> }[] = liveness.map((p) => ({ name: p.name, kind: p.kind, p }));
  if (rc.nonProgress) names.push({ name: NON_PROGRESS_PROPERTY, kind: 'nonProgress' });
  for (const { name, kind, p } of names) {
    const d = live?.discoveries.get(name);
    if (d) {
      const trace = lassoTrace(model, p, d, options.isProgress);
      const cycle = trace.steps.length - 1 - d.loopIndex;
      reporter.onEvent({ code: 'property.violated', property: name, depth: trace.steps.length - 1 });
      out.push({
        name, kind, trace, verdict: 'violated',
        detail: cycle === 0 ? `lasso: ${d.loopIndex} steps, then stuck for ever` : `lasso: ${d.loopIndex}-step stem, ${cycle}-step cycle`,
      });
    } else if (live?.decided) {
      out.push({ name, kind, verdict: 'holds', detail: 'holds (exhaustive, every fair cycle checked)' });
    } else {
      out.push({
        name, kind, verdict: 'incomplete',
        detail: live && live.cutStates > 0 && live.graph.complete ? `not decided: ${live.cutStates} states were not expanded (depth bound or inBounds)` : incompleteDetail(outcome),
      });
    }
  }
  return out;
}

function runStrategy<S, A>(
  model: Model<S, A>,
  tracker: PropertyTracker<S, A>,
  rc: ResolvedCheckConfig,
  control: SearchControl,
  options: CheckOptions<A>,
): SearchOutcome {
  switch (rc.strategy) {
    case 'bfs':
      // Step properties and coverage need each transition's action: the packed engine gets it
      // from expandActions or the stepActions table, else the object path runs.
      if (model.packed && ((!tracker.hasStepProperties && !options.coverage) || packedActions(model.packed))) {
        // (one in-process partition: the partitioned algorithm itself, which tests compare with this one)
        if (options.parallel && (options.parallel.workers > 1 || options.parallel.inProcess || options.parallel.threadsForOne)) return threadedPackedBfs(model, model.packed, tracker, rc, control, options.parallel, options);
        return packedBfs(model, model.packed, tracker, rc, control, options);
      }
      return bfs(model, tracker, rc, control, options);
    case 'dfs':
      return dfs(model, tracker, rc, control, options);
    case 'simulation':
      return simulate(model, tracker, rc, control, options);
    default:
      return assertNever(rc.strategy, 'strategy');
  }
}

function incompleteDetail(o: SearchOutcome): string {
  switch (o.reason) {
    case 'maxStates': return `not decided: stopped at the state bound (${o.distinct} states)`;
    case 'maxDepth': return `not decided: depth bound reached (${o.maxDepth})`;
    case 'timeout': return `not decided: time budget exhausted after ${o.distinct} states`;
    case 'interrupted': return `not decided: interrupted after ${o.distinct} states`;
    case 'walks': return `not decided: simulation found no counterexample in its walks`;
    case 'memory': return `not decided: stopped at the memory bound after ${o.distinct} states`;
    default: return 'not decided: search stopped early';
  }
}

/** Replays a discovery's path and verifies it reaches the recorded state and shows the property. */
function rebuildTrace<S, A>(model: Model<S, A>, properties: readonly Property<S, A>[], d: Discovery): Trace<S, A> {
  const steps = replaySteps(model, d.path);
  const last = steps[steps.length - 1]!.state;
  const [hi, lo] = fingerprintOf(model, last);
  const replay = encodeReplayPath(d.path);
  if (hi !== d.fpHi || lo !== d.fpLo || !demonstrated(model, properties, steps).includes(d.name)) {
    throw new ReplayMismatchError(
      `model ${model.id} is nondeterministic: replaying ${replay} for "${d.name}" reached a different state than the search did`,
      'successors(s) and the codec must depend only on s; remove randomness, clocks and history-dependent iteration order',
    );
  }
  return {
    modelId: model.id,
    property: d.name,
    classification: d.kind === 'sometimes' ? 'example' : 'counterexample',
    steps,
    replay,
  };
}

/** The property with holds() wrapped so that a throw names the property (PropertyError). */
function guarded<S, A>(p: Property<S, A>): Property<S, A> {
  const fail = (e: unknown): PropertyError => {
    const err = new PropertyError(`property "${p.name}" threw ${thrownText(e)}`, `fix holds() of property "${p.name}" (re-run with --debug for the stack trace)`);
    err.cause = e;
    if (e instanceof Error && e.stack) err.stack = `${err.name}: ${err.message}\ncaused by ${e.stack}`;
    return err;
  };
  switch (p.kind) {
    case 'always':
    case 'sometimes': {
      const h = p.holds;
      return { ...p, holds: (s: S) => { try { return h(s); } catch (e) { throw fail(e); } } };
    }
    case 'alwaysStep': {
      const h = p.holds;
      return { ...p, holds: (s: S, a: A, t: S) => { try { return h(s, a, t); } catch (e) { throw fail(e); } } };
    }
    default:
      return p;
  }
}

function validateProperties(properties: readonly Property<unknown, unknown>[] | readonly Property<never, never>[]): void {
  const seen = new Set<string>();
  for (const p of properties) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(p.name)) {
      throw new ConfigError(`property name "${p.name}" is not a plain identifier`, 'use letters, digits, ".", "_" and "-" (it becomes a file name)');
    }
    if (p.name === DEADLOCK_PROPERTY || p.name === NON_PROGRESS_PROPERTY) {
      throw new ConfigError(`property name "${p.name}" is reserved for a built-in check (deadlock, non-progress cycles)`, 'rename the property');
    }
    if (seen.has(p.name)) throw new ConfigError(`two properties are named "${p.name}"`, 'property names must be unique');
    seen.add(p.name);
  }
}

function validateConfig(rc: ResolvedCheckConfig): void {
  if (!['bfs', 'dfs', 'simulation'].includes(rc.strategy)) {
    throw new ConfigError(`unknown strategy "${rc.strategy}"`, 'use bfs, dfs or simulation');
  }
  if (rc.nonProgress && rc.strategy === 'simulation') {
    throw new ConfigError('non-progress cycles need the whole reachable graph; simulation walks only part of it', 'use strategy bfs or dfs');
  }
  for (const [k, v] of [['maxStates', rc.maxStates], ['maxDepth', rc.maxDepth], ['timeoutMs', rc.timeoutMs]] as const) {
    if (!(v > 0)) throw new ConfigError(`${k} must be a positive number, got ${v}`, `pass a positive ${k} or leave it unset`);
  }
}
