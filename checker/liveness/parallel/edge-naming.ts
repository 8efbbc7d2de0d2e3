/**
 * What a partition records per edge when fairness or non-progress cycles need it, and how the
 * coordinator reads it back. With an action table (expandSteps) an edge is its step index; else
 * the partition names the edge's action by a key (actor, kind, progress) computed where the
 * action exists, and the coordinator interns the key's unit when it lays out its first edge.
 */
import { PartitionFailure } from '../../search/parallel/pool.ts';
import { ExpansionError } from '../../search/parallel/partition.ts';
import type { LivenessProperty } from '../../property.ts';
import type { GraphPartition } from './graph-partition.ts';
import type { GraphPool } from './build-graph.ts';
import { type GraphRequest, serveGraph } from './protocol.ts';

/** The actor, kind and progress functions of a liveness check (CheckOptions' liveness part). */
export interface EdgeFunctions {
  readonly actorOf?: (a: unknown) => string;
  readonly actionKindOf?: (a: unknown) => string;
  readonly isProgress?: (a: unknown) => boolean;
}

const SEP = '\u0000';

/** The key of an action: its actor and kind when fairness needs them, its progress bit when non-progress cycles do. */
export function edgeKeyOf(fns: EdgeFunctions, fairness: boolean, progress: boolean): (a: unknown) => string {
  const actorOf = fns.actorOf;
  const kindOf = fns.actionKindOf;
  const isProgress = fns.isProgress;
  return (a) => `${fairness ? actorOf!(a) : ''}${SEP}${fairness && kindOf ? kindOf(a) : ''}${SEP}${progress && isProgress!(a) ? 1 : 0}`;
}

/** A key back to its unit (interned by `unitOf(actor, kind)`, -1 without fairness) and progress bit. */
export function decodeEdgeKey(key: string, unitOf: ((actor: string, kind: string) => number) | undefined): { unit: number; progress: number } {
  const [actor, kind, progress] = key.split(SEP) as [string, string, string];
  return { unit: unitOf ? unitOf(actor, kind) : -1, progress: progress === '1' ? 1 : 0 };
}

/** The predicates a liveness property asks the graph to label states with, in check-liveness.ts's order. */
export function predicatesOf<S>(p: LivenessProperty<S>): ((s: S) => boolean)[] {
  return p.kind === 'leadsTo' ? [p.to, p.from] : [p.holds];
}

/** Graph partitions run one after another in the caller's thread (tests, and the reference the threads must agree with). */
export class InProcessGraphPool implements GraphPool {
  private readonly partitions: readonly GraphPartition[];
  constructor(partitions: readonly GraphPartition[]) {
    this.partitions = partitions;
  }
  get size(): number {
    return this.partitions.length;
  }
  run(requests: readonly GraphRequest[], poll: () => boolean): unknown[] {
    return requests.map((r, p) => {
      try {
        return serveGraph(this.partitions[p]!, r, poll);
      } catch (e) {
        if (e instanceof ExpansionError) throw new PartitionFailure(e.cause instanceof Error ? e.cause : new Error(String(e.cause)), e.stateId);
        throw e;
      }
    });
  }
  close(): void {}
}
