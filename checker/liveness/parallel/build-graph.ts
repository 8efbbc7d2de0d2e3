/**
 * The liveness graph built by partitions (graph-partition.ts), with the very layout graph.ts
 * builds on one thread: the same state ids, the same CSR edges in emission order, the same
 * labels, fairness units, progress bits, cut states and counts, so the fair-SCC search and the
 * lasso construction run unchanged and find the same counterexamples.
 *
 * Ids: one thread gives a state of level L+1 the next id when its first discoverer is expanded,
 * i.e. in order of its smallest (parent id, emission index) key; the partitions return their new
 * states' smallest keys sorted and a merge numbers them (as search/parallel/parallel-bfs.ts does).
 * A state bound stops where one thread stops: after the first expanded state whose successors
 * bring the id count to the bound; the rest of the level is left unexpanded.
 * Fairness units are interned in the order one thread interns them: the step table's order
 * (models with expandSteps), else the order edges appear in (state id, emission index).
 */
import type { ResolvedCheckConfig } from '../../config.ts';
import { ModelContractError, ReplayMismatchError } from '../../errors.ts';
import type { Model, PackedModel } from '../../model.ts';
import type { IncompleteReason } from '../../result.ts';
import { contractError } from '../../search/bfs.ts';
import type { SearchControl } from '../../search/control.ts';
import { partitionOf } from '../../search/parallel/partition.ts';
import { PartitionFailure } from '../../search/parallel/pool.ts';
import type { RecordBatch } from '../../search/parallel/record-box.ts';
import { fingerprint, fpOut } from '../../state/fingerprint.ts';
import { sealGraph, type StateGraph } from '../graph.ts';
import { Grow } from '../grow.ts';
import { FpIdMap } from './fp-id-map.ts';
import { CUT, DEADLOCK, type GraphAssignReply, type GraphExpandReply } from './graph-partition.ts';
import type { GraphRequest } from './protocol.ts';
import { mergeKeys } from '../../search/parallel/key-merge.ts';

export interface GraphPool {
  readonly size: number;
  run(requests: readonly GraphRequest[], poll: () => boolean): unknown[];
  close(): void;
}

/** How the coordinator turns the partitions' edge codes into fairness units and progress bits. */
export type EdgeDecoding =
  | { readonly by: 'none' }
  /** codes are step indices: per step its unit and progress bit (tables built as graph.ts builds them) */
  | { readonly by: 'step'; readonly stepUnit: Int32Array | undefined; readonly stepProgress: Uint8Array | undefined }
  /** codes index each partition's action-key table; a key is decoded when its first edge is laid out */
  | { readonly by: 'key'; readonly decode: (key: string) => { unit: number; progress: number } };

export function buildGraphPartitioned(
  model: Model<unknown, unknown>,
  packed: PackedModel,
  predicateCount: number,
  decoding: EdgeDecoding,
  withUnits: boolean,
  withProgress: boolean,
  config: ResolvedCheckConfig,
  control: SearchControl,
  pool: GraphPool,
): StateGraph {
  const W = packed.width;
  const N = pool.size;
  const P = predicateCount;
  const off = new Grow(Int32Array, 1 << 12);
  const dst = new Grow(Int32Array, 1 << 14);
  const edgeUnit = withUnits ? new Grow(Int32Array, 1 << 14) : undefined;
  const edgeProgress = withProgress ? new Grow(Uint8Array, 1 << 14) : undefined;
  const labels = Array.from({ length: P }, () => new Grow(Uint8Array, 1 << 12));
  const cut = new Grow(Uint8Array, 1 << 12);
  let cutCount = 0;
  let transitions = 0;
  let deadlocks = 0;
  let maxDepth = 0;
  let depth = 0;
  let n = 0;
  let stopped: IncompleteReason | undefined;
  const poll = (): boolean => control.poll(() => ({ distinct: n, transitions, maxDepth, queued: 0, deadlocks: 0, elapsedMs: control.elapsedMs(), peakRssBytes: 0, bytesPerState: 0, collisionProbability: 0 }), depth);
  const run = (requests: GraphRequest[]): unknown[] => {
    try {
      return pool.run(requests, poll);
    } catch (e) {
      if (!(e instanceof PartitionFailure)) throw e;
      // as graph.ts reports a throwing expansion: no replay path
      if (e.stateId === undefined || e.error instanceof ReplayMismatchError) throw e.error;
      throw contractError(model.id, 'packed.expand()', [], e.error);
    }
  };
  /** labels of a level's new states, per partition in its id order, laid out by id */
  const addLabels = (ids: readonly Int32Array[], replies: readonly Uint8Array[], first: number, count: number): void => {
    const level = new Uint8Array(count * P);
    ids.forEach((xs, p) => {
      const l = replies[p]!;
      for (let j = 0; j < xs.length; j++) {
        const at = xs[j]! - first;
        if (at < count) for (let k = 0; k < P; k++) level[at * P + k] = l[j * P + k]!;
      }
    });
    for (let i = 0; i < count; i++) for (let k = 0; k < P; k++) labels[k]!.push(level[i * P + k]!);
  };

  // Initial states: numbered here, as one thread enqueues them
  const scratch = new Int32Array(W);
  const nInit = packed.initial(-1, scratch);
  if (nInit <= 0) throw new ModelContractError(`model ${model.id} has no initial state`, 'packed.initial(-1) must return at least 1');
  const initIds: number[] = [];
  const seen = new FpIdMap();
  const seeds: number[][] = Array.from({ length: N }, () => []);
  for (let i = 0; i < nInit; i++) {
    packed.initial(i, scratch);
    fingerprint(scratch, 0, W);
    const id = seen.lookupOrAdd(fpOut.hi, fpOut.lo, n);
    initIds.push(id);
    if (!seen.added) continue;
    n++;
    seeds[partitionOf(fpOut.hi, N)]!.push(id, 0, fpOut.hi, fpOut.lo, ...scratch);
  }
  let frontierIds: Int32Array[] = seeds.map((s) => Int32Array.from(s.filter((_, x) => x % (W + 4) === 0)));
  addLabels(frontierIds, run(seeds.map((s) => ({ t: 'seed', records: Int32Array.from(s), n: s.length / (W + 4) }))) as Uint8Array[], 0, n);

  // per partition: its action-key table, decoded lazily (unit, progress; -1 until first used)
  const keyNames: string[][] = Array.from({ length: N }, () => []);
  const keyUnit: number[][] = Array.from({ length: N }, () => []);
  const keyProgress: number[][] = Array.from({ length: N }, () => []);

  let levelStart = 0;
  while (n > levelStart && stopped === undefined) {
    const levelEnd = n;
    const curN = levelEnd - levelStart;
    // one thread leaves states at the depth bound unexpanded (cut), which the closing loop below does
    if (depth >= config.maxDepth) break;
    const ex = run(Array.from({ length: N }, () => ({ t: 'expand' }) as const)) as GraphExpandReply[];
    if (ex.some((r) => r.aborted) || control.stopReason !== undefined) {
      stopped = control.stopReason ?? 'memory';
      break;
    }
    const inbound = Array.from({ length: N }, (_, p) => ex.map((r) => r.outboxes[p]!) as RecordBatch[]);
    const keys = run(inbound.map((inboxes) => ({ t: 'receive', inboxes }))) as Int32Array[];
    const { ids, parents } = numberNewStates(keys, levelEnd);
    const assigned = run(ids.map((x) => ({ t: 'assign', ids: x }))) as GraphAssignReply[];
    if (control.stopReason !== undefined) {
      stopped = control.stopReason;
      break;
    }
    const newN = parents.length;

    // per state of the level, in id order: its successor count, owner and place in the owner's codes
    const count = new Int32Array(curN);
    const owner = new Int32Array(curN);
    const codeAt = new Int32Array(curN);
    frontierIds.forEach((xs, p) => {
      const c = ex[p]!.counts;
      let at = 0;
      for (let j = 0; j < xs.length; j++) {
        const v = xs[j]! - levelStart;
        count[v] = c[j]!;
        owner[v] = p;
        codeAt[v] = at;
        if (c[j]! > 0) at += c[j]!;
      }
    });
    keyNamesAppend(keyNames, keyUnit, keyProgress, ex);

    // the state bound: one thread stops after the first expanded state that brings the ids to it
    let last = curN - 1;
    let kept = newN;
    let full = false;
    for (let v = 0, np = 0; v < curN; v++) {
      while (np < newN && parents[np]! <= levelStart + v) np++;
      if (count[v] !== CUT && levelEnd + np >= config.maxStates) {
        last = v;
        kept = np;
        full = true;
        break;
      }
    }

    const firstEdge = dst.n;
    const localOff = new Int32Array(last + 1);
    let edges = 0;
    for (let v = 0; v <= last; v++) {
      off.push(firstEdge + edges);
      localOff[v] = edges;
      const c = count[v]!;
      cut.push(c === CUT ? 1 : 0);
      if (c === CUT) cutCount++;
      else if (c === DEADLOCK) deadlocks++;
      else edges += c;
    }
    transitions += edges;
    const level = new Int32Array(edges);
    const lastId = levelStart + last;
    for (const a of assigned) {
      const e = a.edges;
      for (let x = 0; x < e.length; x += 3) {
        const parent = e[x]!;
        if (parent <= lastId) level[localOff[parent - levelStart]! + e[x + 1]!] = e[x + 2]!;
      }
    }
    dst.append(level);
    if (edgeUnit || edgeProgress) {
      for (let v = 0; v <= last; v++) {
        const c = count[v]!;
        if (c <= 0) continue;
        const p = owner[v]!;
        const codes = ex[p]!.codes;
        for (let k = codeAt[v]!, end = k + c; k < end; k++) {
          const code = codes[k]!;
          if (decoding.by === 'step') {
            edgeUnit?.push(decoding.stepUnit![code]!);
            edgeProgress?.push(decoding.stepProgress![code]!);
          } else if (decoding.by === 'key') {
            if (keyUnit[p]![code] === -1) {
              const d = decoding.decode(keyNames[p]![code]!);
              keyUnit[p]![code] = d.unit;
              keyProgress[p]![code] = d.progress;
            }
            edgeUnit?.push(keyUnit[p]![code]!);
            edgeProgress?.push(keyProgress[p]![code]!);
          }
        }
      }
    }
    addLabels(ids, assigned.map((a) => a.labels), levelEnd, kept);
    n = levelEnd + kept;
    if (kept > 0) maxDepth = depth + 1;
    if (full) stopped = 'maxStates';
    frontierIds = ids;
    levelStart = levelEnd;
    depth++;
  }
  // A stopped run leaves states without an off entry: close the CSR so every id has one (as graph.ts).
  while (off.n < n) {
    off.push(dst.n);
    cut.push(1);
    cutCount++;
  }
  off.push(dst.n);
  const storeBytes = (run(Array.from({ length: N }, () => ({ t: 'finish' }) as const)) as number[]).reduce((a, b) => a + b, 0);
  return sealGraph({ n, off, dst, edgeUnit, edgeProgress, labels, initIds, cut, cutCount, transitions, deadlocks, maxDepth, stopped }, storeBytes);
}

function keyNamesAppend(names: string[][], unit: number[][], progress: number[][], ex: readonly GraphExpandReply[]): void {
  ex.forEach((r, p) => {
    for (const k of r.newKeys) {
      names[p]!.push(k);
      unit[p]!.push(-1);
      progress[p]!.push(-1);
    }
  });
}

/** Numbers a level's new states from `first` on, as one worker does (key-merge.ts); per partition its ids, and the parent of each new id. */
function numberNewStates(keys: readonly Int32Array[], first: number): { ids: Int32Array[]; parents: Int32Array } {
  const ids = keys.map((k) => new Int32Array(k.length >> 1));
  let total = 0;
  for (const k of keys) total += k.length >> 1;
  const parents = new Int32Array(total);
  let next = 0;
  mergeKeys(keys, (p, i, parent) => {
    ids[p]![i] = first + next;
    parents[next++] = parent;
  });
  return { ids, parents };
}

