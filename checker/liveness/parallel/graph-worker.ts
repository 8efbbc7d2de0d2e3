/**
 * A liveness graph worker thread: rebuilds the model and the liveness properties from the source
 * (by name, as search/parallel/worker.ts does for the safety search), then serves one graph
 * partition's requests. Replies are posted, then announced on the shared word the coordinator
 * sleeps on.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { ConfigError, ModelContractError } from '../../errors.ts';
import { isLiveness, type LivenessProperty } from '../../property.ts';
import { replier, servePartition, stopCheck } from '../../search/parallel/worker-port.ts';
import type { ModelSource } from '../../search/parallel/source.ts';
import { edgeKeyOf, predicatesOf } from './edge-naming.ts';
import { type EdgeNaming, GraphPartition } from './graph-partition.ts';
import { type GraphRequest, graphTransferables, serveGraph } from './protocol.ts';
import type { GraphJob, LoadedLivenessModel } from './thread-pool.ts';

const data = workerData as { source: ModelSource; job: GraphJob; index: number; partitions: number; ctl: SharedArrayBuffer; replied: number; port: MessagePort };
const ctl = new Int32Array(data.ctl);
const shouldStop = stopCheck(ctl);
const reply = replier(data.port, ctl, data.replied + data.index);

await servePartition<GraphPartition, GraphRequest>(data.port, reply, async () => {
  const mod = (await import(data.source.module)) as { loadSearchModel(args: unknown): Promise<LoadedLivenessModel> };
  const loaded = await mod.loadSearchModel(data.source.args);
  const packed = loaded.model.packed;
  const id = loaded.model.id;
  if (!packed) throw new ModelContractError(`model ${id}: rebuilt in a search worker without its packed form`, 'run with --workers 1');
  const byName = new Map(loaded.properties.map((p) => [p.name, p]));
  const predicates = data.job.propertyNames.flatMap((n) => {
    const p = byName.get(n);
    if (p === undefined || !isLiveness(p)) {
      throw new ConfigError(`model ${id}: a search worker rebuilt the spec without the liveness property "${n}"`, 'the spec must define the same properties every time it is loaded; run with --workers 1 to check without worker threads');
    }
    return predicatesOf(p as LivenessProperty<unknown>);
  });
  let naming: EdgeNaming = { by: 'none' };
  if (data.job.naming === 'step') naming = { by: 'step' };
  else if (data.job.naming === 'key') {
    const fns = loaded.liveness;
    if (!fns || (data.job.fairness && !fns.actorOf) || (data.job.nonProgress && !fns.isProgress)) {
      throw new ModelContractError(`model ${id}: its source does not rebuild the actor and progress functions a search worker needs for fairness and progress`, 'run liveness checks of this model with --workers 1');
    }
    naming = { by: 'key', edgeKey: edgeKeyOf(fns, data.job.fairness, data.job.nonProgress) };
  }
  const partition = new GraphPartition(loaded.model, packed, predicates, naming, data.index, data.partitions);
  return { partition, report: { modelId: id, width: packed.width } };
}, (partition, req) => serveGraph(partition, req, shouldStop), graphTransferables);
