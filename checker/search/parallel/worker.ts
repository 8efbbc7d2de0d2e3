/**
 * A search worker thread: rebuilds the model from its source (never from a function), then
 * serves one partition's requests until the coordinator closes the port. Every reply, including
 * a failure, is posted and then announced on the shared word the coordinator sleeps on.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { ModelContractError } from '../../errors.ts';
import { type Request, type SearchPartition, serve, transferables } from './protocol.ts';
import { replier, servePartition, stopCheck } from './worker-port.ts';
import { makePartition } from './pool.ts';
import type { SharedTableMemory } from './shared-table-partition.ts';
import type { LoadedSearchModel, ModelSource } from './source.ts';
import { pickPartitionProperties } from './partition-properties.ts';
import { preloadedSource } from './preloaded-source.ts';

const data = workerData as {
  source: ModelSource;
  propertyNames: string[];
  /** the run counts actions: the source must rebuild the coverage function */
  coverage: boolean;
  index: number;
  partitions: number;
  ctl: SharedArrayBuffer;
  /** index of partition 0's "posted a reply" word */
  replied: number;
  port: MessagePort;
  /** the shared-table search's shared memory (absent: hash partitions) */
  memory?: SharedTableMemory;
};
const ctl = new Int32Array(data.ctl);
const shouldStop = stopCheck(ctl);
const reply = replier(data.port, ctl, data.replied + data.index);

await servePartition<SearchPartition, Request>(data.port, reply, async () => {
  const mod = (preloadedSource() ?? (await import(data.source.module))) as { loadSearchModel(args: unknown): Promise<LoadedSearchModel> };
  const loaded = await mod.loadSearchModel(data.source.args);
  const packed = loaded.model.packed;
  if (!packed) throw new ModelContractError(`model ${loaded.model.id}: rebuilt in a search worker without its packed form`, 'run with --workers 1');
  if (data.coverage && !loaded.coverage) throw new ModelContractError(`model ${loaded.model.id}: rebuilt in a search worker without the coverage function the run counts actions by`, 'the model source must return coverage when asked for it; run with --workers 1');
  const props = pickPartitionProperties(loaded.properties, data.propertyNames, loaded.model.id);
  const partition = makePartition(loaded, props, data.index, data.partitions, data.coverage ? loaded.coverage : undefined, data.memory);
  return { partition, report: { modelId: loaded.model.id, width: packed.width } };
}, (partition, req) => serve(partition, req, shouldStop), transferables);
