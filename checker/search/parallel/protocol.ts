/**
 * The requests a coordinator sends a partition, and the one function that serves them: the same
 * code runs on a worker thread (worker.ts) and in the caller's thread (InProcessPool).
 */
import { CheckerError } from '../../errors.ts';
import * as errors from '../../errors.ts';
import type { RecordBatch } from './record-box.ts';
import { type Counted, ExpansionError, type ExpandReply, type Found, type Partition, type PartitionState } from './partition.ts';
import { type Settled, SharedTablePartition } from './shared-table-partition.ts';

/** Either kind of partition: hash partitions exchanging records, or workers sharing one fingerprint table. */
export type SearchPartition = Partition | SharedTablePartition;

export type Request =
  | { readonly t: 'seed'; readonly records: Int32Array; readonly n: number }
  // `resume`: go on with a level paused for the shared table to grow
  | { readonly t: 'expand'; readonly depth: number; readonly steps: number[]; readonly resume?: boolean }
  | { readonly t: 'rehash'; readonly old: SharedArrayBuffer; readonly table: SharedArrayBuffer }
  | { readonly t: 'receive'; readonly inboxes: RecordBatch[] }
  | { readonly t: 'assign'; readonly ids: Int32Array; readonly open: number[] }
  // the shared table's receive and assign in one: `lost[q]`, its candidates partition q took
  | { readonly t: 'settle'; readonly lost: Int32Array[]; readonly open: number[] }
  | { readonly t: 'firstExpandedFrom'; readonly from: number }
  | { readonly t: 'countUpTo'; readonly last: number }
  | { readonly t: 'adopt'; readonly state: PartitionState }
  | { readonly t: 'finish' };

export interface FinishReply {
  readonly storeBytes: number;
  /** per state property: the conjuncts seen true in this partition */
  readonly conjunctsSeen: string[][];
}

export type Reply =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: SerializedError };

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly hint?: string;
  readonly stack?: string;
  /** the state whose expansion threw (ExpansionError) */
  readonly stateId?: number;
  readonly cause?: SerializedError;
}

export function serve(partition: SearchPartition, req: Request, shouldStop: () => boolean): unknown {
  switch (req.t) {
    case 'seed':
      partition.seed(req.records, req.n);
      return null;
    case 'expand':
      return partition.expand(req.depth, req.steps, shouldStop, req.resume) satisfies ExpandReply;
    case 'rehash':
      partition.rehash(req.old, req.table);
      return null;
    case 'receive':
      return hashPartition(partition).receive(req.inboxes);
    case 'assign':
      return hashPartition(partition).assign(req.ids, req.open) satisfies Found[];
    case 'settle':
      return sharedTablePartition(partition).settle(req.lost, req.open) satisfies Settled;
    case 'firstExpandedFrom':
      return partition.firstExpandedFrom(req.from);
    case 'countUpTo':
      return partition.countUpTo(req.last) satisfies Counted;
    case 'adopt':
      partition.adopt(req.state);
      return null;
    case 'finish':
      return { storeBytes: partition.storeBytes(), conjunctsSeen: partition.conjunctsSeen.map((s) => [...s]) } satisfies FinishReply;
  }
}

function hashPartition(p: SearchPartition): Partition {
  if (p instanceof SharedTablePartition) throw new Error('a hash-partition request sent to a shared-table partition');
  return p;
}

function sharedTablePartition(p: SearchPartition): SharedTablePartition {
  if (!(p instanceof SharedTablePartition)) throw new Error('a shared-table request sent to a hash partition');
  return p;
}

/** Buffers a reply can move (not copy) to the coordinator. */
export function transferables(value: unknown): ArrayBuffer[] {
  if (value instanceof Int32Array) return [value.buffer as ArrayBuffer];
  if (value !== null && typeof value === 'object' && 'keys' in value && (value as Settled).keys instanceof Int32Array) return [(value as Settled).keys.buffer as ArrayBuffer];
  if (value !== null && typeof value === 'object' && 'outboxes' in value) {
    const r = value as ExpandReply;
    return [...batchBuffers(r.outboxes), ...(r.lost ?? []).map((l) => l.buffer as ArrayBuffer)];
  }
  return [];
}

/** The buffers of record boxes, to move them between threads. */
export function batchBuffers(batches: readonly RecordBatch[]): ArrayBuffer[] {
  return batches.flatMap((b) => [b.meta.buffer as ArrayBuffer, b.data.buffer as ArrayBuffer]);
}

export function serializeError(e: unknown): SerializedError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const hint = (e as Error & { hint?: unknown }).hint;
  return {
    name: e.name,
    message: e.message,
    ...(typeof hint === 'string' ? { hint } : {}),
    ...(e.stack === undefined ? {} : { stack: e.stack }),
    ...(e instanceof ExpansionError ? { stateId: e.stateId } : {}),
    ...(e.cause === undefined ? {} : { cause: serializeError(e.cause) }),
  };
}

const ERROR_CLASSES: Record<string, new (message: string, hint?: string) => CheckerError> = {
  CheckerError: errors.CheckerError,
  ReplayMismatchError: errors.ReplayMismatchError,
  ModelContractError: errors.ModelContractError,
  ConfigError: errors.ConfigError,
  SpecLoadError: errors.SpecLoadError,
  PropertyError: errors.PropertyError,
  CodecError: errors.CodecError,
};

/** The error again, as the class the checker's callers recognise (other errors stay plain Errors with their name). */
export function deserializeError(s: SerializedError): Error {
  const Cls = ERROR_CLASSES[s.name];
  const e: Error = Cls ? new Cls(s.message, s.hint) : Object.assign(new Error(s.message), { name: s.name, ...(s.hint === undefined ? {} : { hint: s.hint }) });
  if (s.stack !== undefined) e.stack = s.stack;
  if (s.cause !== undefined) e.cause = deserializeError(s.cause);
  return e;
}
