/**
 * `--workers N` for liveness: the state graph built by N partitions (build-graph.ts) instead of
 * one thread (graph.ts), with the same ids, edges and labels; the fair-SCC search and the lasso
 * run on the coordinator, unchanged. Used for packed models whose edges the partitions can name
 * as graph.ts does: without fairness or progress, by the step table, or by expandActions.
 */
import type { ResolvedCheckConfig } from '../../config.ts';
import type { Model, PackedModel } from '../../model.ts';
import type { LivenessProperty } from '../../property.ts';
import type { SearchControl } from '../../search/control.ts';
import type { ParallelOptions } from '../../search/parallel/source.ts';
import { assertSameModel } from '../../search/parallel/pool.ts';
import { buildGraph, type EdgeLabelling, type StateGraph } from '../graph.ts';
import { buildGraphPartitioned, type EdgeDecoding } from './build-graph.ts';
import { decodeEdgeKey, edgeKeyOf, type EdgeFunctions, InProcessGraphPool, predicatesOf } from './edge-naming.ts';
import { type EdgeNaming, GraphPartition } from './graph-partition.ts';
import { GraphThreadPool, type GraphJob } from './thread-pool.ts';

/** How long a liveness graph is built on this thread before the run starts again on worker threads (as the safety search's trial). */
const THREADS_AFTER_MS = 2000;
/**
 * A graph guessed, at a level's start, to be done within this long after the trial's time is
 * finished on this thread, where starting again on workers would repeat all of it (the safety
 * search's trial does the same: search/parallel/index.ts).
 */
const TAIL_MS = 1000;

export interface PartitionedGraphRequest<A> {
  readonly properties: readonly LivenessProperty<unknown>[];
  readonly nonProgress: boolean;
  /** fairness is used by some property: edges carry units */
  readonly fairness: boolean;
  readonly functions: EdgeFunctions;
  /** the coordinator's unit interning (check-liveness.ts) */
  readonly internUnit: (actor: string, kind: string) => number;
  readonly labelling: EdgeLabelling<A>;
}

/** The graph on partitions when `parallel` asks for them and the model allows it; else on this thread. */
export function buildLivenessGraph<S, A>(
  model: Model<S, A>,
  predicates: readonly ((s: S) => boolean)[],
  req: PartitionedGraphRequest<A>,
  config: ResolvedCheckConfig,
  control: SearchControl,
  parallel: ParallelOptions | undefined,
): StateGraph {
  const packed = model.packed;
  const naming = packed && parallel && (parallel.workers > 1 || parallel.inProcess) ? edgeNaming(packed, req) : undefined;
  if (naming === undefined || !packed || !parallel) return buildGraph(model, predicates, req.labelling, config, control);
  const trialMs = parallel.threadsAfterMs ?? THREADS_AFTER_MS;
  if (!parallel.inProcess && trialMs > 0) {
    control.trialUntilMs = trialMs;
    control.trialTailMs = TAIL_MS;
    const g = buildGraph(model, predicates, req.labelling, config, control);
    control.trialUntilMs = undefined;
    control.trialTailMs = undefined;
    if (!control.trialOver || control.stopReason !== undefined) return g;
    control.trialOver = false;
  }
  const decoding = edgeDecoding(packed, naming, req);
  const withUnits = req.labelling.unitOf !== undefined;
  const withProgress = req.labelling.isProgress !== undefined;
  const m = model as Model<unknown, unknown>;
  if (parallel.inProcess) {
    const partitionNaming: EdgeNaming = naming === 'key' ? { by: 'key', edgeKey: edgeKeyOf(req.functions, req.fairness, req.nonProgress) } : { by: naming };
    const parts = Array.from({ length: parallel.workers }, (_, p) => new GraphPartition(m, packed, predicates as readonly ((s: unknown) => boolean)[], partitionNaming, p, parallel.workers));
    return buildGraphPartitioned(m, packed, predicates.length, decoding, withUnits, withProgress, config, control, new InProcessGraphPool(parts));
  }
  const job: GraphJob = { propertyNames: req.properties.map((p) => p.name), naming, fairness: req.fairness, nonProgress: req.nonProgress };
  const pool = new GraphThreadPool(parallel.source, job, parallel.workers);
  try {
    assertSameModel(pool.waitReady(() => control.poll(() => progressOf(control), 0)), model.id, packed.width);
    return buildGraphPartitioned(m, packed, predicates.length, decoding, withUnits, withProgress, config, control, pool);
  } finally {
    pool.close();
  }
}

/** How partitions name edges so the graph equals graph.ts's, or undefined when they cannot. */
function edgeNaming<A>(packed: PackedModel, req: PartitionedGraphRequest<A>): 'none' | 'step' | 'key' | undefined {
  if (req.labelling.unitOf === undefined && req.labelling.isProgress === undefined) return 'none';
  // graph.ts names edges by the step table when the packed form has one (else it runs the object model)
  if (packed.expandSteps !== undefined && packed.stepActions !== undefined) return 'step';
  if (packed.expandSteps !== undefined) return undefined;
  return packed.expandActions !== undefined ? 'key' : undefined;
}

function edgeDecoding<A>(packed: PackedModel, naming: 'none' | 'step' | 'key', req: PartitionedGraphRequest<A>): EdgeDecoding {
  if (naming === 'none') return { by: 'none' };
  if (naming === 'key') {
    const unitOf = req.labelling.unitOf ? req.internUnit : undefined;
    return { by: 'key', decode: (key) => decodeEdgeKey(key, unitOf) };
  }
  // as graph.ts: the step table's units, interned in table order before the search
  const steps = packed.stepActions as readonly A[];
  const { unitOf, isProgress } = req.labelling;
  return {
    by: 'step',
    stepUnit: unitOf ? Int32Array.from(steps, (a) => unitOf(a)) : undefined,
    stepProgress: isProgress ? Uint8Array.from(steps, (a) => (isProgress(a) ? 1 : 0)) : undefined,
  };
}

function progressOf(control: SearchControl) {
  return { distinct: 0, transitions: 0, maxDepth: 0, queued: 0, deadlocks: 0, elapsedMs: control.elapsedMs(), peakRssBytes: 0, bytesPerState: 0, collisionProbability: 0 };
}

export { predicatesOf };
