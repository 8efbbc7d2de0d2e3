/** The requests the graph coordinator sends a graph partition, and the function serving them (in a worker thread or in process). */
import type { RecordBatch } from '../../search/parallel/record-box.ts';
import { batchBuffers } from '../../search/parallel/protocol.ts';
import type { GraphExpandReply, GraphPartition } from './graph-partition.ts';

export type GraphRequest =
  | { readonly t: 'seed'; readonly records: Int32Array; readonly n: number }
  | { readonly t: 'expand' }
  | { readonly t: 'receive'; readonly inboxes: RecordBatch[] }
  | { readonly t: 'assign'; readonly ids: Int32Array }
  | { readonly t: 'finish' };

export function serveGraph(partition: GraphPartition, req: GraphRequest, shouldStop: () => boolean): unknown {
  switch (req.t) {
    case 'seed':
      return partition.seed(req.records, req.n);
    case 'expand':
      return partition.expand(shouldStop);
    case 'receive':
      return partition.receive(req.inboxes);
    case 'assign':
      return partition.assign(req.ids);
    case 'finish':
      return partition.storeBytes();
  }
}

/** Buffers a reply can move (not copy) to the coordinator. */
export function graphTransferables(value: unknown): ArrayBuffer[] {
  if (value instanceof Int32Array || value instanceof Uint8Array) return [value.buffer as ArrayBuffer];
  if (value !== null && typeof value === 'object' && 'outboxes' in value) {
    const r = value as GraphExpandReply;
    return [...batchBuffers(r.outboxes), r.counts.buffer as ArrayBuffer, r.codes.buffer as ArrayBuffer];
  }
  if (value !== null && typeof value === 'object' && 'edges' in value) {
    const r = value as { edges: Int32Array; labels: Uint8Array };
    return [r.edges.buffer as ArrayBuffer, r.labels.buffer as ArrayBuffer];
  }
  return [];
}
