/**
 * Multi-worker BFS on packed models, with results identical to packed-bfs.ts: same counts, same
 * levels, same verdicts, same counterexamples, whatever the number of workers.
 *
 * Owner-computes and level-synchronous: the partitions (partition.ts) expand their share of a
 * level, route each successor to the partition owning its fingerprint (exchange.ts), and keep the
 * new ones. This coordinator then numbers the new states exactly as one worker would: one worker
 * gives a state of level L+1 the next id when its first discoverer expands, i.e. in order of the
 * smallest (parent id, action index) key; the partitions return their new states' smallest keys
 * sorted, and a merge of those lists assigns the ids (the shared table's partitions return them
 * per chunk of the level, and the chunks in order are the numbering: no merge). Parents, replay
 * paths and the first violation (smallest id at the lowest level) follow. Step properties are
 * evaluated by the partition expanding the transition; one worker's first violation is the
 * smallest (level, parent id, action index) key, so of the partitions' first violations in a
 * level the coordinator keeps the smallest. Coverage is the sum of the partitions' counts.
 *
 * A run that stops inside a level (stopWhen 'first', every verdict known, the state bound) stops
 * after the same expansion one worker would: the stop's position in the level is computed from
 * the ids, and the partitions count transitions and deadlocks up to it.
 */
import type { ResolvedCheckConfig } from '../../config.ts';
import { ModelContractError, ReplayMismatchError } from '../../errors.ts';
import type { Model, PackedModel } from '../../model.ts';
import { DEADLOCK_PROPERTY } from '../../property.ts';
import { fingerprint, fpOut } from '../../state/fingerprint.ts';
import { VisitedStore } from '../../state/visited-store.ts';
import type { Stats } from '../../result.ts';
import { contractError } from '../bfs.ts';
import type { SearchControl } from '../control.ts';
import type { SearchOutcome } from '../outcome.ts';
import type { PropertyTracker } from '../tracker.ts';
import { InProcessExchange, type LevelExchange } from './exchange.ts';
import { type Counted, type ExpandReply, type Found, partitionOf, RECORD_HEAD } from './partition.ts';
import { type PartitionPool, PartitionFailure } from './pool.ts';
import type { FinishReply, Request } from './protocol.ts';
import { isPartitionProperty, type PartitionProperty } from './partition-properties.ts';
import { TraceArrays } from '../../state/trace-arrays.ts';
import { mergeKeys } from './key-merge.ts';
import type { SharedTableHost } from './shared-table.ts';
import type { Settled } from './shared-table-partition.ts';
import type { SuspendedSearch } from '../packed-bfs.ts';
import { partitionStatesOf, sharedTableStatesOf } from './resume.ts';

/** The state and step properties the partitions evaluate, in the order their Found.property indexes. */
export function partitionProperties<S, A>(tracker: PropertyTracker<S, A>): PartitionProperty[] {
  return tracker.properties.filter(isPartitionProperty) as unknown as PartitionProperty[];
}

interface Event {
  /** id of the level-L state after whose expansion one worker learns of it (-Infinity: before the level) */
  readonly time: number;
  /** an invariant violation or deadlock: stopWhen 'first' stops at it */
  readonly stops: boolean;
  /** the state it is about (a new state of level L+1, or the deadlocked state) */
  readonly id: number;
  /** the property it decides */
  readonly name: string;
  readonly record: () => void;
}

/** A worker ran out of memory: the search ends here, with what it had explored before. */
class MemoryStop extends Error {
  readonly outcome: SearchOutcome;
  constructor(outcome: SearchOutcome) {
    super('a search worker ran out of memory');
    this.outcome = outcome;
  }
}

/** The search (levels below), with a worker that ran out of memory reported as a memory stop. */
export function parallelBfs<S, A>(...args: Parameters<typeof levels<S, A>>): SearchOutcome {
  try {
    return levels(...args);
  } catch (e) {
    if (e instanceof MemoryStop) return e.outcome;
    throw e;
  }
}

function levels<S, A>(
  model: Model<S, A>,
  packed: PackedModel,
  tracker: PropertyTracker<S, A>,
  config: ResolvedCheckConfig,
  control: SearchControl,
  pool: PartitionPool,
  counting: { readonly coverage: boolean },
  exchange: LevelExchange = new InProcessExchange(),
  /** a single-threaded search suspended at a level end, to continue from (instead of the initial states) */
  from?: SuspendedSearch,
  /** the shared-table search (shared-table-partition.ts): no exchange; the levels' rows and the table in shared memory */
  shared?: SharedTableHost,
): SearchOutcome {
  const W = packed.width;
  const N = pool.size;
  const R = W + RECORD_HEAD;
  // a suspended search's ids go on in its own parent/action arrays
  const trace = from ? from.visited!.traceArrays() : new TraceArrays();
  tracker.pathOf = (id) => trace.pathTo(id);
  const props = partitionProperties(tracker);
  const hasStateProps = props.some((p) => p.kind !== 'alwaysStep');
  const coverage = counting.coverage ? new Map<string, number>() : undefined;
  const addCoverage = (counts: readonly [string, number][]): void => {
    for (const [k, c] of counts) coverage!.set(k, (coverage!.get(k) ?? 0) + c);
  };
  const view = new Int32Array(W);
  const asS = view as unknown as S;

  let transitions = 0;
  let deadlocks = 0;
  let maxDepth = 0;
  let depth = 0;
  let levelStart = 0;
  let curN = 0;
  let partitionBytes = 0;

  const stats = (): Stats => ({
    transitions, maxDepth, deadlocks, queued: curN, distinct: trace.size, elapsedMs: control.elapsedMs(),
    peakRssBytes: 0, bytesPerState: (trace.bytes() + partitionBytes) / Math.max(1, trace.size), collisionProbability: 0,
  });
  const poll = (): boolean => control.poll(stats, depth);
  const run = (requests: Request[]): unknown[] => {
    try {
      return pool.run(requests, poll);
    } catch (e) {
      throw failure(e);
    }
  };
  const failure = (e: unknown): unknown => {
    if (!(e instanceof PartitionFailure)) return e;
    if (e.outOfMemory) {
      // as one thread stops at its memory bound: incomplete, with the levels completed so far
      // (a dead worker cannot report its store, nor the witness conjuncts it saw)
      control.stopReason = 'memory';
      return new MemoryStop({
        completion: 'incomplete', reason: 'memory', transitions, maxDepth, deadlocks, queued: curN, distinct: trace.size,
        storeBytes: trace.bytes() + partitionBytes, ...(coverage ? { coverage } : {}),
      });
    }
    if (e.stateId === undefined) return e.error;
    const path = trace.pathTo(e.stateId);
    if (e.error instanceof ReplayMismatchError) {
      const fixed = new ReplayMismatchError(e.error.message.replace(`replay path ${e.stateId}`, `replay path ${path.join('/')}`), e.error.hint);
      if (e.error.stack) fixed.stack = e.error.stack;
      return fixed;
    }
    return contractError(model.id, 'packed.expand()', path, e.error);
  };
  const outcome = (completion: SearchOutcome['completion'], queued: number, distinct = trace.size): SearchOutcome => {
    const finish = pool.run(Array.from({ length: N }, () => ({ t: 'finish' }) as const), () => false) as FinishReply[];
    partitionBytes = finish.reduce((sum, f) => sum + f.storeBytes, 0);
    props.forEach((p, i) => {
      const open = tracker.conjunctsNeverTrue.get(p.name);
      if (open) for (const f of finish) for (const c of f.conjunctsSeen[i]!) open.delete(c);
    });
    const reason = control.stopReason;
    return {
      completion, ...(reason ? { reason } : {}),
      transitions, maxDepth, deadlocks, queued, distinct,
      // the partitions' fingerprint tables and the coordinator's parent/action arrays
      storeBytes: partitionBytes + trace.bytes() * (distinct / Math.max(1, trace.size)),
      ...(coverage ? { coverage } : {}),
    };
  };

  // The level's new states numbered as one worker does. Hash partitions: each returns its new
  // states' keys, merged into one numbering (key-merge.ts), then gets their ids.
  const receiveAndAssign = (ex: readonly ExpandReply[], open: number[]): Found[][] => {
    const keys = run(exchange.route(depth, ex.map((r) => r.outboxes)).map((inboxes) => ({ t: 'receive', inboxes }))) as Int32Array[];
    const ids = assignIds(keys, trace);
    return run(ids.map((x) => ({ t: 'assign', ids: x, open }))) as Found[][];
  };
  // Shared table: a chunk's new states come after the previous chunk's, in the order found.
  const settle = (ex: readonly ExpandReply[], open: number[]): Found[][] => {
    const settled = run(ex.map((_, p) => ({ t: 'settle', lost: ex.map((r) => r.lost![p]!), open }))) as Settled[];
    // per chunk: the partition that expanded it, which of that partition's chunks it is, and where its keys start
    const chunkN = settled.reduce((n, s) => n + (s.chunks.length >> 1), 0);
    const byChunk = new Int32Array(2 * chunkN).fill(-1);
    const keyStart = settled.map((s) => new Int32Array(s.chunks.length >> 1));
    settled.forEach((s, p) => {
      let at = 0;
      for (let x = 0; 2 * x < s.chunks.length; x++) {
        const c = s.chunks[2 * x]!;
        byChunk[2 * c] = p;
        byChunk[2 * c + 1] = x;
        keyStart[p]![x] = at;
        at += s.chunks[2 * x + 1]!;
      }
    });
    // the id each partition's chunk starts at
    const idStart = settled.map((s) => new Float64Array(s.chunks.length >> 1));
    for (let c = 0; c < chunkN; c++) {
      const p = byChunk[2 * c]!;
      if (p < 0) throw new Error(`chunk ${c} of ${chunkN} settled by no search worker`);
      const x = byChunk[2 * c + 1]!;
      const s = settled[p]!;
      const from = keyStart[p]![x]!;
      idStart[p]![x] = trace.size;
      trace.pushPairs(s.keys.subarray(2 * from, 2 * (from + s.chunks[2 * x + 1]!)));
    }
    return settled.map((s, p) => s.found.map((f) => {
      let x = 0;
      while (x + 1 < keyStart[p]!.length && keyStart[p]![x + 1]! <= f.id) x++;
      return { ...f, id: idStart[p]![x]! + f.id - keyStart[p]![x]! };
    }));
  };

  if (from) {
    // the partitions continue the suspended search from its frontier's level
    // (the shared table first made large enough for what the search found, and twice that)
    if (shared) {
      const { old, table } = shared.growTo(2 * from.visited!.size);
      run(Array.from({ length: N }, () => ({ t: 'rehash', old, table }) as const));
    }
    const states = shared ? sharedTableStatesOf(from, N, props.length) : partitionStatesOf(from, N, props.length);
    curN = from.frontier!.size;
    // (freed while the search goes on)
    from.visited = undefined;
    from.frontier = undefined;
    run(states.map((state) => ({ t: 'adopt', state })));
    ({ transitions, deadlocks, maxDepth, depth } = from);
    levelStart = trace.size - curN;
    if (from.coverage) addCoverage([...from.coverage]);
  } else {
    // Initial states: numbered, checked and routed here, as one worker does before its first level.
    const scratch = new Int32Array(W);
    const nInit = packed.initial(-1, scratch);
    if (nInit <= 0) throw new ModelContractError(`model ${model.id} has no initial state`, 'packed.initial(-1) must return at least 1');
    const seen = new VisitedStore({ trace: false });
    const seeds: number[][] = Array.from({ length: N }, () => []);
    for (let i = 0; i < nInit; i++) {
      packed.initial(i, scratch);
      fingerprint(scratch, 0, W);
      const hi = fpOut.hi;
      const lo = fpOut.lo;
      if (seen.insert(hi, lo, 0, 0) < 0) continue;
      const id = trace.size;
      trace.push(-1 - i, 0);
      // (the shared-table search: one partition holds the first level, whose ids are consecutive)
      seeds[shared ? 0 : partitionOf(hi, N)]!.push(id, 0, hi, lo, ...scratch);
      curN++;
      if (hasStateProps) {
        view.set(scratch);
        tracker.checkState(asS, id, hi, lo);
      }
    }
    run(seeds.map((s) => ({ t: 'seed', records: Int32Array.from(s), n: s.length / R })));
  }
  // A stop already due (a violated initial state) happens after the first expansion, as in one worker.
  let stopDue = stopNow(tracker, config);

  while (curN > 0) {
    if (depth >= config.maxDepth) {
      control.stopReason = 'maxDepth';
      return outcome('incomplete', curN);
    }
    const levelEnd = levelStart + curN;
    const steps: number[] = [];
    props.forEach((p, i) => {
      if (p.kind === 'alwaysStep' && !tracker.discoveries.has(p.name)) steps.push(i);
    });
    shared?.beginLevel();
    let ex = run(Array.from({ length: N }, () => ({ t: 'expand', depth, steps }) as const)) as ExpandReply[];
    // the shared table asked to grow: every partition paused, or finished its share, first
    while (shared && !ex.some((r) => r.aborted) && ex.some((r) => r.paused)) {
      const { old, table } = shared.grow();
      run(Array.from({ length: N }, () => ({ t: 'rehash', old, table }) as const));
      ex = run(Array.from({ length: N }, () => ({ t: 'expand', depth, steps, resume: true }) as const)) as ExpandReply[];
    }
    if (ex.some((r) => r.aborted)) {
      control.stopReason ??= 'memory';
      return outcome('incomplete', curN);
    }
    const open: number[] = [];
    props.forEach((p, i) => {
      if (p.kind !== 'alwaysStep' && !tracker.discoveries.has(p.name)) open.push(i);
    });
    const found = shared ? settle(ex, open) : receiveAndAssign(ex, open);
    const newN = trace.size - levelEnd;
    if (control.stopReason !== undefined) return outcome('incomplete', newN, trace.size);

    const events = levelEvents(ex, found, props, trace, tracker);
    const stopAt = stopTime(events, stopDue, tracker, config, props);
    // one worker stops at the first insert that brings the store to maxStates
    const fullId = Math.max(levelEnd, config.maxStates - 1);
    let last = -1;
    let why: 'stopped' | 'full' | undefined;
    if (stopAt !== undefined) {
      const from = Math.max(levelStart, stopAt);
      const firsts = run(Array.from({ length: N }, () => ({ t: 'firstExpandedFrom', from }) as const)) as number[];
      const expanded = firsts.filter((x) => x >= 0);
      if (expanded.length > 0) {
        last = Math.min(...expanded);
        why = 'stopped';
      }
    }
    if (fullId < levelEnd + newN) {
      const tFull = trace.parentOf(fullId);
      if (why === undefined || tFull < last) {
        last = tFull;
        why = 'full';
      }
    }
    if (why !== undefined) {
      let kept = 0;
      while (kept < newN && trace.parentOf(levelEnd + kept) <= last) kept++;
      if (why === 'full') kept = Math.min(kept, fullId + 1 - levelEnd);
      for (const e of events) if (e.time <= last && (e.id < levelEnd + kept || e.id < levelEnd)) e.record();
      const counted = run(Array.from({ length: N }, () => ({ t: 'countUpTo', last }) as const)) as Counted[];
      for (const c of counted) {
        transitions += c.transitions;
        deadlocks += c.deadlocks;
        if (coverage) addCoverage(c.coverage);
      }
      if (kept > 0) maxDepth = depth + 1;
      if (why === 'full') control.stopReason = 'maxStates';
      return outcome(why === 'full' ? 'incomplete' : 'stopped', levelEnd - last - 1 + kept, levelEnd + kept);
    }
    for (const e of events) e.record();
    // a stop due but no state left to expand in this level: one worker stops after the next expansion
    stopDue = stopAt !== undefined;
    for (const r of ex) {
      transitions += r.transitions;
      deadlocks += r.deadlocks;
      if (coverage) addCoverage(r.coverage);
    }
    if (newN > 0) maxDepth = depth + 1;
    levelStart = levelEnd;
    curN = newN;
    depth++;
  }
  return outcome('exhaustive', 0);
}


function stopNow<S, A>(tracker: PropertyTracker<S, A>, config: ResolvedCheckConfig): boolean {
  return tracker.stop || (config.stopWhen === 'all' && tracker.allDetermined);
}

/** Numbers the new states as one worker does (key-merge.ts); returns each partition's ids. */
function assignIds(keys: readonly Int32Array[], trace: TraceArrays): Int32Array[] {
  const ids = keys.map((k) => new Int32Array(k.length >> 1));
  mergeKeys(keys, (p, i, parent, action) => {
    ids[p]![i] = trace.size;
    trace.push(parent, action);
  });
  return ids;
}

/** What one worker would have learnt during this level, each with the expansion it learns it at. */
function levelEvents<S, A>(ex: readonly ExpandReply[], found: readonly Found[][], props: readonly PartitionProperty[], trace: TraceArrays, tracker: PropertyTracker<S, A>): Event[] {
  const events: Event[] = [];
  if (tracker.checkDeadlock && !tracker.discoveries.has(DEADLOCK_PROPERTY)) {
    let first: ExpandReply | undefined;
    for (const r of ex) if (r.firstDeadlock >= 0 && (first === undefined || r.firstDeadlock < first.firstDeadlock)) first = r;
    if (first) {
      const d = first;
      events.push({
        time: d.firstDeadlock, stops: true, id: d.firstDeadlock, name: DEADLOCK_PROPERTY,
        record: () => tracker.discoveries.set(DEADLOCK_PROPERTY, { name: DEADLOCK_PROPERTY, kind: 'deadlock', path: trace.pathTo(d.firstDeadlock), fpHi: d.deadlockHi, fpLo: d.deadlockLo }),
      });
    }
  }
  // a step violation: the smallest (parent id, action) key among the partitions' first ones
  const firstStep = new Map<number, Found>();
  for (const r of ex) {
    for (const f of r.stepFound) {
      const b = firstStep.get(f.property);
      if (b === undefined || f.id < b.id || (f.id === b.id && f.action < b.action)) firstStep.set(f.property, f);
    }
  }
  for (const [i, f] of [...firstStep].sort((a, b) => a[0] - b[0])) {
    const name = props[i]!.name;
    events.push({
      time: f.id, stops: true, id: f.id, name,
      record: () => tracker.discoveries.set(name, { name, kind: 'alwaysStep', path: [...trace.pathTo(f.id), f.action], fpHi: f.hi, fpLo: f.lo }),
    });
  }
  const best = new Map<number, Found>();
  for (const list of found) for (const f of list) if ((best.get(f.property)?.id ?? Infinity) > f.id) best.set(f.property, f);
  for (const [i, f] of [...best].sort((a, b) => a[0] - b[0])) {
    const p = props[i]!;
    if (p.kind === 'alwaysStep') continue;
    events.push({
      time: trace.parentOf(f.id), stops: p.kind === 'always', id: f.id, name: p.name,
      record: () => tracker.discoveries.set(p.name, { name: p.name, kind: p.kind, path: trace.pathTo(f.id), fpHi: f.hi, fpLo: f.lo }),
    });
  }
  return events;
}

/**
 * The id after whose expansion one worker would stop in this level (before checking whether it
 * is in bounds), or undefined: the first violation (stopWhen 'first'), or the last verdict to be
 * decided (stopWhen 'all').
 */
function stopTime<S, A>(events: readonly Event[], stopDue: boolean, tracker: PropertyTracker<S, A>, config: ResolvedCheckConfig, props: readonly PartitionProperty[]): number | undefined {
  if (stopDue) return -Infinity;
  if (config.stopWhen === 'first') {
    const stops = events.filter((e) => e.stops);
    return stops.length === 0 ? undefined : Math.min(...stops.map((e) => e.time));
  }
  // with nothing to check, the run is for its counts: never stop early (PropertyTracker.allDetermined)
  if (events.length === 0 || (props.length === 0 && !tracker.checkDeadlock)) return undefined;
  const known = (name: string): boolean => tracker.discoveries.has(name) || events.some((e) => e.name === name);
  const decided = props.every((p) => known(p.name)) && (!tracker.checkDeadlock || known(DEADLOCK_PROPERTY));
  return decided ? Math.max(...events.map((e) => e.time)) : undefined;
}
