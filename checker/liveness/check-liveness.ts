/**
 * Liveness checking: build the reachable graph once, then per property find a fair SCC inside
 * the states where the awaited predicate is false that a triggering state can reach, and return
 * a lasso to it. Sound on cycles (unlike a depth-bounded "eventually"): a verdict `holds` means no
 * fair infinite behaviour avoids the predicate, over the whole reachable graph.
 */
import type { ResolvedCheckConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';
import type { Model } from '../model.ts';
import { type LivenessKind, type LivenessProperty, NON_PROGRESS_PROPERTY } from '../property.ts';
import type { IncompleteReason } from '../result.ts';
import type { SearchControl } from '../search/control.ts';
import { type FairnessMasks, fairSccs, type SubgraphSpec } from './fair-scc.ts';
import { type FairnessSpec, levelOf, MAX_FAIR_UNITS, usesFairness } from './fairness.ts';
import type { StateGraph } from './graph.ts';
import { buildLivenessGraph, predicatesOf } from './parallel/index.ts';
import type { EdgeFunctions } from './parallel/edge-naming.ts';
import type { ParallelOptions } from '../search/parallel/source.ts';
import { findLasso, type Lasso } from './lasso.ts';

export interface LivenessOptions<A> {
  /** the actor of a transition (fairness units); required when any fairness is not none */
  readonly actorOf?: (a: A) => string;
  /** the action kind of a transition, for fairness keys written `actor:kind` */
  readonly actionKindOf?: (a: A) => string;
  /** progress actions (SPIN's progress labels), for non-progress cycles */
  readonly isProgress?: (a: A) => boolean;
  /** build the graph on several partitions (packed models; the SCC search stays on this thread) */
  readonly parallel?: ParallelOptions;
}

export interface LivenessRequest<S> {
  readonly properties: readonly LivenessProperty<S>[];
  /** the config's fairness, for properties without their own */
  readonly fairness: FairnessSpec | undefined;
  /** check for non-progress cycles (needs options.isProgress) */
  readonly nonProgress: boolean;
}

export interface LivenessDiscovery extends Lasso {
  readonly name: string;
  readonly kind: LivenessKind;
}

export interface LivenessRun {
  readonly discoveries: Map<string, LivenessDiscovery>;
  /** false when the graph is partial (bound, timeout, interrupt) or has unexpanded states */
  readonly decided: boolean;
  readonly reason?: IncompleteReason;
  readonly cutStates: number;
  readonly graph: Pick<StateGraph, 'n' | 'transitions' | 'deadlocks' | 'maxDepth' | 'bytes' | 'complete'>;
  /** time spent building the graph (the part --workers partitions), for bench/liveness-phases.ts */
  readonly graphMs: number;
}

interface Job {
  readonly name: string;
  readonly kind: LivenessKind;
  readonly fairness: FairnessSpec;
  /** predicate indices: awaited (false inside the subgraph) and trigger */
  readonly awaited: number;
  readonly trigger: number;
}

export function checkLiveness<S, A>(
  model: Model<S, A>,
  req: LivenessRequest<S>,
  options: LivenessOptions<A>,
  config: ResolvedCheckConfig,
  control: SearchControl,
): LivenessRun {
  const predicates: ((s: S) => boolean)[] = [];
  const jobs: Job[] = [];
  const none: FairnessSpec = {};
  for (const p of req.properties) {
    const fairness = p.fairness ?? req.fairness ?? none;
    predicates.push(...predicatesOf(p));
    if (p.kind === 'leadsTo') jobs.push({ name: p.name, kind: p.kind, fairness, awaited: predicates.length - 2, trigger: predicates.length - 1 });
    else jobs.push({ name: p.name, kind: p.kind, fairness, awaited: predicates.length - 1, trigger: -1 });
  }
  if (req.nonProgress) {
    if (!options.isProgress) {
      throw new ConfigError('non-progress cycle detection needs to know the progress actions', "declare them in the spec (progress: (a) => …) or drop nonProgress");
    }
    jobs.push({ name: NON_PROGRESS_PROPERTY, kind: 'nonProgress', fairness: req.fairness ?? none, awaited: -1, trigger: -1 });
  }

  const needFairness = jobs.some((j) => usesFairness(j.fairness));
  if (needFairness && !options.actorOf) {
    throw new ConfigError('fairness is set but the model names no actors', 'give the spec a view with actor(a), or set fairness to none');
  }
  // Units are (actor, kind) pairs, interned once per run; each property maps them to its own bits.
  const unitActor: string[] = [];
  const unitKind: string[] = [];
  const interned = new Map<string, Map<string, number>>();
  const actorOf = options.actorOf;
  const kindOf = options.actionKindOf;
  const internUnit = (actor: string, kind: string): number => {
    let byKind = interned.get(actor);
    if (!byKind) interned.set(actor, (byKind = new Map()));
    let u = byKind.get(kind);
    if (u === undefined) {
      u = unitActor.length;
      byKind.set(kind, u);
      unitActor.push(actor);
      unitKind.push(kind);
    }
    return u;
  };
  const unitOf = needFairness ? (a: A): number => internUnit(actorOf!(a), kindOf ? kindOf(a) : '') : undefined;
  const labelling = { ...(unitOf ? { unitOf } : {}), ...(req.nonProgress && options.isProgress ? { isProgress: options.isProgress } : {}) };
  const started = performance.now();
  const graph = buildLivenessGraph(
    model,
    predicates,
    {
      properties: req.properties as readonly LivenessProperty<unknown>[],
      nonProgress: labelling.isProgress !== undefined,
      fairness: needFairness,
      functions: options as EdgeFunctions,
      internUnit,
      labelling,
    },
    config,
    control,
    options.parallel,
  );
  const graphMs = performance.now() - started;

  const discoveries = new Map<string, LivenessDiscovery>();
  for (const job of jobs) {
    const masks = fairnessMasks(job, unitActor, unitKind);
    const member = new Uint8Array(graph.n);
    if (job.awaited >= 0) {
      const awaited = graph.labels[job.awaited]!;
      for (let v = 0; v < graph.n; v++) member[v] = awaited[v] === 1 ? 0 : 1;
    } else {
      member.fill(1);
    }
    const excludedEdge = job.kind === 'nonProgress' ? graph.edgeProgress : undefined;
    const trig = job.trigger >= 0 ? graph.labels[job.trigger]! : undefined;
    const initialOnly = job.kind === 'eventually';
    // Only the part of the subgraph a request can reach matters (every graph state is reachable):
    // restricting to it keeps the SCC pass small when requests are rare, and is exact, since a
    // fair SCC reachable from a request inside the subgraph lies wholly in that part.
    if (trig !== undefined || initialOnly) restrictToReach(graph, member, excludedEdge, trig, initialOnly);
    const sub: SubgraphSpec = { member, excludedEdge, stutter: job.kind !== 'nonProgress' };
    const fair = fairSccs(graph, sub, masks);
    const lasso = findLasso(graph, sub, masks, fair, trig ? (v) => trig[v] === 1 : () => true, initialOnly);
    if (lasso) discoveries.set(job.name, { ...lasso, name: job.name, kind: job.kind });
  }
  return {
    discoveries,
    decided: graph.complete && graph.cutCount === 0,
    ...(graph.reason ? { reason: graph.reason } : graph.cutCount > 0 ? { reason: 'maxDepth' as const } : {}),
    cutStates: graph.cutCount,
    graph: { n: graph.n, transitions: graph.transitions, deadlocks: graph.deadlocks, maxDepth: graph.maxDepth, bytes: graph.bytes, complete: graph.complete },
    graphMs,
  };
}

/** Keeps in `member` only the states reachable inside it from a trigger state (or an initial state). */
function restrictToReach(g: StateGraph, member: Uint8Array, excluded: Uint8Array | undefined, trig: Uint8Array | undefined, initialOnly: boolean): void {
  const seen = new Uint8Array(g.n);
  const queue = new Int32Array(g.n);
  let qt = 0;
  const source = (v: number): void => {
    if (member[v] === 1 && seen[v] === 0) {
      seen[v] = 1;
      queue[qt++] = v;
    }
  };
  if (initialOnly) for (let i = 0; i < g.initIds.length; i++) source(g.initIds[i]!);
  else for (let v = 0; v < g.n; v++) if (trig![v] === 1) source(v);
  for (let qh = 0; qh < qt; qh++) {
    const v = queue[qh]!;
    for (let e = g.off[v]!, end = g.off[v + 1]!; e < end; e++) {
      if (excluded !== undefined && excluded[e] === 1) continue;
      source(g.dst[e]!);
    }
  }
  member.set(seen);
}

function fairnessMasks(job: Job, unitActor: readonly string[], unitKind: readonly string[]): FairnessMasks {
  const unitBit = new Int32Array(unitActor.length).fill(-1);
  const bits = new Map<string, number>();
  let weak = 0;
  let strong = 0;
  for (let u = 0; u < unitActor.length; u++) {
    const actor = unitActor[u]!;
    const kind = unitKind[u]!;
    const level = levelOf(job.fairness, actor, kind);
    if (level === 'none') continue;
    // Units share a bit when fairness is stated for the whole actor: WF(actor) is about any of its steps.
    const key = job.fairness[`${actor}:${kind}`] !== undefined ? `${actor}:${kind}` : actor;
    let b = bits.get(key);
    if (b === undefined) {
      b = bits.size;
      if (b >= MAX_FAIR_UNITS) {
        throw new ConfigError(
          `property "${job.name}": more than ${MAX_FAIR_UNITS} fair actors or actions`,
          'state fairness for fewer actors (background actors need none), or per actor instead of per action kind',
        );
      }
      bits.set(key, b);
    }
    unitBit[u] = b;
    if (level === 'weak') weak |= 1 << b;
    else strong |= 1 << b;
  }
  return { unitBit, weak, strong };
}
