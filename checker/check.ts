/**
 * check(): run one search and turn what it found into per-property verdicts with replayed,
 * verified traces. Verdict rules:
 *  - always / alwaysStep / deadlock-free: violated when a counterexample was found (even in an
 *    incomplete run); holds only when the search was exhaustive; otherwise incomplete.
 *  - sometimes: holds when a witness was found; violated (vacuous) only when exhaustive.
 */
import { resolveConfig, type CheckConfig, type ResolvedCheckConfig } from './config.ts';
import { ConfigError, PropertyError, ReplayMismatchError, thrownText } from './errors.ts';
import { validateCheckConfig } from './validate-config.ts';
import { silentReporter } from './events.ts';
import type { Model } from './model.ts';
import { DEADLOCK_PROPERTY, type Property } from './property.ts';
import type { CheckResult, PropertyOutcome, Stats } from './result.ts';
import { bfs } from './search/bfs.ts';
import { peakRssBytes, SearchControl } from './search/control.ts';
import { dfs } from './search/dfs.ts';
import type { CheckOptions } from './search/options.ts';
import type { SearchOutcome } from './search/outcome.ts';
import { packedBfs } from './search/packed-bfs.ts';
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
  const reporter = options.reporter ?? silentReporter;
  const props = properties.map(guarded);
  const tracker = new PropertyTracker<S, A>(props, rc.deadlock === 'violation', rc.stopWhen === 'first');
  const control = new SearchControl(rc, reporter, options.signal);
  reporter.onEvent({ code: 'check.started', modelId: model.id, strategy: rc.strategy });

  const outcome = runStrategy(model, tracker, rc, control, options);
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
  const exhaustive = outcome.completion === 'exhaustive';
  const outcomes: PropertyOutcome<S, A>[] = [];
  const all: { name: string; kind: PropertyOutcome<S, A>['kind'] }[] = properties.map((p) => ({ name: p.name, kind: p.kind }));
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
    } else if (exhaustive) {
      outcomes.push({
        name, kind,
        verdict: kind === 'sometimes' ? 'violated' : 'holds',
        detail: kind === 'sometimes' ? 'no example found (exhaustive): the property is unreachable' : 'holds (exhaustive)',
      });
    } else {
      outcomes.push({ name, kind, verdict: 'incomplete', detail: incompleteDetail(outcome) });
    }
  }
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

function runStrategy<S, A>(
  model: Model<S, A>,
  tracker: PropertyTracker<S, A>,
  rc: ResolvedCheckConfig,
  control: SearchControl,
  options: CheckOptions<A>,
): SearchOutcome {
  switch (rc.strategy) {
    case 'bfs':
      // The packed engine has no action objects, so step properties and coverage need the object path.
      if (model.packed && !tracker.hasStepProperties && !options.coverage) {
        return packedBfs(model, model.packed, tracker, rc, control);
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
    if (p.name === DEADLOCK_PROPERTY) {
      throw new ConfigError(`property name "${p.name}" is reserved for deadlock detection`, 'rename the property');
    }
    if (seen.has(p.name)) throw new ConfigError(`two properties are named "${p.name}"`, 'property names must be unique');
    seen.add(p.name);
  }
}

function validateConfig(rc: ResolvedCheckConfig): void {
  if (!['bfs', 'dfs', 'simulation'].includes(rc.strategy)) {
    throw new ConfigError(`unknown strategy "${rc.strategy}"`, 'use bfs, dfs or simulation');
  }
  for (const [k, v] of [['maxStates', rc.maxStates], ['maxDepth', rc.maxDepth], ['timeoutMs', rc.timeoutMs]] as const) {
    if (!(v > 0)) throw new ConfigError(`${k} must be a positive number, got ${v}`, `pass a positive ${k} or leave it unset`);
  }
}
