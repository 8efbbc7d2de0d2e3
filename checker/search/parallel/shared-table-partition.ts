/**
 * One worker's part of a level-synchronous BFS over a shared fingerprint table (shared-table.ts):
 * the alternative to owner-computes hash partitions (partition.ts), with the same expansion and
 * the same replies, so the coordinator (parallel-bfs.ts) drives either.
 *
 *  1. expand: the level's ids are cut into chunks (shared-table.ts); worker w takes the next
 *     chunk whenever it is free, expands its states (ids in order, rows read from whichever
 *     workers' buffers hold them) and visits each successor in the shared table, claiming it for
 *     the chunk; a state it now holds the claim on becomes a candidate (key, fingerprint, row).
 *     What it took from other chunks' claims goes back in the reply (`lost`, per worker that
 *     expanded them), the only thing exchanged.
 *  2. settle: its candidates minus those it lost are its new states; w writes their rows into its
 *     own shared level buffers (shared-level.ts), one segment per chunk, evaluates the state
 *     properties on them, and returns their keys in key order with the chunk each segment came
 *     from. Ids need no merge: a chunk's new states are numbered after the previous chunk's, in
 *     the order its worker found them, so the coordinator numbers them as it appends the keys.
 * Which worker expands which chunk depends on timing; nothing else does — the claims, the new
 * states, their order and ids, the counts and what the properties find are those of the chunks.
 */
import type { Model, PackedModel } from '../../model.ts';
import { fingerprint, fpOut } from '../../state/fingerprint.ts';
import { Frontier } from '../../state/frontier.ts';
import { type Counted, type Found, LevelExpander, type LevelCounts, type LevelRows } from './level-expander.ts';
import type { ExpandReply, PartitionState } from './partition.ts';
import { RECORD_HEAD } from './partition.ts';
import type { PartitionProperty } from './partition-properties.ts';
import { chunkCount, levelClaim, MAX_DEPTH, NOT_MINE, SEGMENTS, SEGMENTS_N, SharedFingerprintTable, TAKEN } from './shared-table.ts';
import { type LevelBuffers, LevelReader, LevelWriter, type Segments } from './shared-level.ts';
import { BATCH, SuccessorBatch } from './successor-batch.ts';
import { CheckerError } from '../../errors.ts';
import { sampledId } from '../nondeterminism.ts';

/** What the shared-table partitions share: the control words, the first table, and each one's level buffers. */
export interface SharedTableMemory {
  readonly control: SharedArrayBuffer;
  readonly table: SharedArrayBuffer;
  readonly levels: readonly LevelBuffers[];
}

/**
 * A settled level: the new states' keys (parent, action) in key order; per chunk this worker
 * expanded, in order, (chunk, how many of the keys are its); the state properties' findings
 * (ids: positions among those states).
 */
export interface Settled {
  readonly keys: Int32Array;
  readonly chunks: Int32Array;
  readonly found: Found[];
}

/** Words per candidate: parent id, action index, fingerprint hi, lo. */
const C = 4;
/** slices of the old table per worker when the table grows (taken as chunks are) */
const REHASH_SLICES_PER_WORKER = 16;

export class SharedTablePartition {
  private readonly W: number;
  private readonly expander: LevelExpander;
  private readonly table: SharedFingerprintTable;
  readonly index: number;
  readonly partitions: number;

  /** the level being expanded: the id of its first state, its size, its chunks, and the rows' segments */
  private base = 0;
  private levelN = 0;
  private chunks = 1;
  private segments: Segments = { words: new Int32Array(0), n: 0 };
  private readonly levels: readonly LevelBuffers[];
  private readonly writer: LevelWriter;
  private readonly control: Int32Array;
  /** the counts of a level this partition finished while others paused */
  private finished: LevelCounts | undefined;
  /** the chunk being expanded: its next id and end, and its rows' reader */
  private nextId = 0;
  private chunkEnd = 0;
  private reader: LevelReader | undefined;
  /** the chunks this partition expanded in the level, in order, and where each one's candidates start */
  private myChunks = new Int32Array(64);
  private candStart = new Int32Array(64);
  private myChunkN = 0;

  /** candidates of the level: their keys and fingerprints, and their rows in the same order */
  private cand = new Int32Array(C * 1024);
  private candN = 0;
  private readonly candRows: Frontier;
  /** lost[u]: fingerprints (hi, lo) whose claim this partition took from a chunk partition u expanded */
  private lost: GrowingPairs[] = [];
  private readonly batch: SuccessorBatch;
  /** at settle: per candidate, whether it is one of the new states numbered here */
  private isMine = new Uint8Array(0);
  /** the chunk whose claims the successors being batched carry */
  private claimChunk = 0;
  /** successors in the batch, and the depth they are found at */
  private batchN = 0;
  private foundAt = 0;
  // Made once, not per level (as LevelExpander's sinks): the expansion calls them for every
  // successor and every state, and a new closure per level would make those calls polymorphic.
  private readonly visitBatch: () => void;
  private readonly successor: (srcId: number, k: number, next: Int32Array) => void;
  private readonly levelRows: LevelRows;
  private readonly shouldPause = (): boolean => this.table.growing;

  constructor(model: Model<unknown, unknown>, packed: PackedModel, props: readonly PartitionProperty[], index: number, partitions: number, memory: SharedTableMemory, coverageOf?: (a: unknown) => string) {
    this.index = index;
    this.partitions = partitions;
    this.W = packed.width;
    // (which worker expands a state depends on timing: the nondeterminism sample goes by id)
    this.expander = new LevelExpander(model, packed, props, coverageOf, (id) => sampledId(id, this.base));
    this.table = new SharedFingerprintTable(memory.table, memory.control);
    this.candRows = new Frontier(this.W);
    this.batch = new SuccessorBatch(this.W);
    this.levels = memory.levels;
    this.writer = new LevelWriter(this.W, memory.levels[index]!);
    this.control = new Int32Array(memory.control);
    const W = this.W;
    const table = this.table;
    // Successors are visited in batches, in the order they were found: the batch's home slots are
    // loaded first so their cache misses overlap (the table is far larger than the cache).
    const batch = this.batch;
    const { rows, hi: bHi, lo: bLo, parent: bParent, action: bAction } = batch;
    this.visitBatch = (): void => {
      const n = this.batchN;
      batch.sink ^= table.prefetch(bLo, n);
      const c = this.claimChunk;
      const at = this.foundAt;
      const lost = this.lost;
      for (let b = 0; b < n; b++) {
        const hi = bHi[b]!;
        const lo = bLo[b]!;
        const r = table.visit(hi, lo, at, c);
        if (r === NOT_MINE) continue;
        if (r === TAKEN) lost[table.ownerOf(table.takenFrom)]!.push(hi, lo);
        this.addCandidate(bParent[b]!, bAction[b]!, hi, lo, rows, b * W);
      }
      this.batchN = 0;
    };
    this.successor = (srcId: number, k: number, next: Int32Array): void => {
      fingerprint(next, 0, W);
      const n = this.batchN;
      bHi[n] = fpOut.hi;
      bLo[n] = fpOut.lo;
      bParent[n] = srcId;
      bAction[n] = k;
      // (a loop, not rows.set: the call costs more than copying a DVE state's few words)
      const o = n * W;
      for (let i = 0; i < W; i++) rows[o + i] = next[i]!;
      if ((this.batchN = n + 1) === BATCH) this.visitBatch();
    };
    // the level's states, chunk after chunk as this partition takes them (the batch emptied
    // before a new chunk's: its successors carry another claim)
    const self = this;
    this.levelRows = {
      get count(): number {
        return self.levelN;
      },
      next: (_j: number, row: Int32Array): number => {
        if (this.nextId === this.chunkEnd) {
          this.visitBatch();
          if (!this.takeChunk()) return -1;
        }
        this.reader!.next(row);
        return this.nextId++;
      },
    };
  }

  get conjunctsSeen(): Set<string>[] {
    return this.expander.conjunctsSeen;
  }

  /** The table's bytes, counted once (by partition 0). */
  storeBytes(): number {
    return this.index === 0 ? this.table.buffer.byteLength : 0;
  }

  /** Initial states (records [id, -, hi, lo, words…], ids consecutive: the search seeds one partition), the first level's rows. */
  seed(records: Int32Array, n: number): void {
    const R = this.W + RECORD_HEAD;
    this.writer.reset();
    this.writer.startSegment();
    for (let k = 0; k < n; k++) {
      const o = k * R;
      this.table.place(records[o + 2]!, records[o + 3]!, levelClaim(0));
      this.writer.push(records, o + RECORD_HEAD);
    }
    this.table.flush();
    this.base = 0;
    this.levelN = 0;
    this.publishOneSegment(n);
  }

  /** Expands chunks of the level until none is left, or goes on with them after the table grew. */
  expand(depth: number, openSteps: readonly number[], shouldStop: () => boolean, resume = false): ExpandReply {
    // (a reply's buffers move to the coordinator: each reply gets its own copy of the lost lists)
    if (resume && this.finished !== undefined) return { ...this.finished, outboxes: [], lost: this.lost.map((l) => l.take()) };
    if (!resume) {
      if (depth + 1 > MAX_DEPTH) throw new CheckerError(`the shared-table search reached depth ${depth + 1}, deeper than its claims can count (${MAX_DEPTH})`, 'run with --parallel-design partitions, or --workers 1');
      this.candN = 0;
      this.candRows.reset();
      this.lost = Array.from({ length: this.partitions }, () => new GrowingPairs());
      this.openLevel();
    }
    const table = this.table;
    this.foundAt = depth + 1;
    const counts = this.expander.expand(depth, openSteps, this.levelRows, this.successor, shouldStop, this.shouldPause);
    this.visitBatch();
    table.flush();
    this.finished = counts.paused ? undefined : counts;
    return { ...counts, outboxes: [], ...(counts.paused ? {} : { lost: this.lost.map((l) => l.take()) }) };
  }

  /**
   * Copies slices of the old table into the new one, taking the next whenever free as chunks are
   * taken (one worker's page faults on the new table can take twice the other's), and switches
   * to the new one.
   */
  rehash(old: SharedArrayBuffer, table: SharedArrayBuffer): void {
    const slots = old.byteLength / 12;
    const slices = Math.min(slots, REHASH_SLICES_PER_WORKER * this.partitions);
    this.table.use(table);
    for (let taken = 0; ; taken++) {
      const s = this.table.takeSlice(slices, this.index, this.partitions, taken);
      if (s < 0) break;
      this.table.copyFrom(old, Math.floor((slots * s) / slices), Math.floor((slots * (s + 1)) / slices));
    }
    this.table.flush();
  }

  /**
   * The candidates minus what other partitions took (`lost[q]`: fingerprints partition q took
   * from this one) are this partition's new states: their rows become the level's (in this
   * partition's buffers) and the open state properties are evaluated on them. Returns their keys
   * (parent, action) in key order, and what the properties found, each `id` the state's position
   * among this partition's new states (the coordinator adds where they start).
   */
  settle(lost: readonly Int32Array[], open: readonly number[]): Settled {
    this.finished = undefined;
    const taken = new PairSet(lost);
    const cand = this.cand;
    const n = this.candN;
    if (this.isMine.length < n) this.isMine = new Uint8Array(n);
    const isMine = this.isMine;
    const keys = new Int32Array(2 * (n - taken.size));
    let m = 0;
    for (let c = 0; c < n; c++) {
      const yes = !taken.has(cand[C * c + 2]!, cand[C * c + 3]!);
      isMine[c] = yes ? 1 : 0;
      if (!yes) continue;
      keys[2 * m] = cand[C * c]!;
      keys[2 * m + 1] = cand[C * c + 1]!;
      m++;
    }
    if (m !== n - taken.size) throw new Error(`partition ${this.index}: ${taken.size} states taken, ${n - m} candidates lost`);
    this.base += this.levelN;
    // the rows, a segment per chunk: the next level's rows in id order, wherever they are
    const rows = this.candRows;
    const row = new Int32Array(this.W);
    const chunks = new Int32Array(2 * this.myChunkN);
    this.writer.reset();
    rows.rewind();
    let c = 0;
    // (narrow rows: each run of kept candidates in one copy — a few per hundred are lost)
    const raw = rows.rawRows;
    const W = this.W;
    for (let x = 0; x < this.myChunkN; x++) {
      const end = x + 1 < this.myChunkN ? this.candStart[x + 1]! : n;
      const start = this.writer.startSegment();
      if (raw !== undefined) {
        while (c < end) {
          if (isMine[c] === 0) {
            c++;
            continue;
          }
          let e = c + 1;
          while (e < end && isMine[e] !== 0) e++;
          this.writer.pushRows(raw, c * W, e - c);
          c = e;
        }
      } else {
        for (; c < end; c++) {
          rows.next(row);
          if (isMine[c] !== 0) this.writer.push(row, 0);
        }
      }
      const chunk = this.myChunks[x]!;
      const count = this.writer.count - start;
      chunks[2 * x] = chunk;
      chunks[2 * x + 1] = count;
      Atomics.store(this.control, SEGMENTS + 3 * chunk, this.index);
      Atomics.store(this.control, SEGMENTS + 3 * chunk + 1, start);
      Atomics.store(this.control, SEGMENTS + 3 * chunk + 2, count);
    }
    Atomics.store(this.control, SEGMENTS_N, this.chunks);
    rows.rewind();
    c = 0;
    const found = this.expander.checkNew(open, {
      count: m,
      next(k: number, out: Int32Array): number {
        for (;;) {
          rows.next(out);
          if (isMine[c++] !== 0) return k;
        }
      },
    });
    return { keys, chunks, found };
  }

  firstExpandedFrom(from: number): number {
    return this.expander.firstExpandedFrom(from);
  }

  countUpTo(last: number): Counted {
    return this.expander.countUpTo(last);
  }

  /** Continues a search suspended at a level end: its share of the fingerprints into the table, the frontier (if here) as the level's rows. */
  adopt(state: PartitionState): void {
    // (claims of depth 0: old at every level the search goes on with)
    for (const f of [state.fingerprints, ...(state.tableSegments ?? [])]) {
      for (let i = 0; i < f.length; i += 2) if (f[i] !== 0 || f[i + 1] !== 0) this.table.place(f[i]!, f[i + 1]!, levelClaim(0));
    }
    this.table.flush();
    this.expander.addConjuncts(state.conjunctsSeen);
    this.writer.reset();
    this.writer.startSegment();
    for (let k = 0; k < state.ids.length; k++) this.writer.push(state.frontier, k * this.W);
    this.base = state.levelStart ?? (state.ids.length > 0 ? state.ids[0]! : 0);
    this.levelN = 0;
    this.publishOneSegment(state.ids.length);
  }

  /** The level's rows are one segment per partition, partitions in order: this one's, `n` rows from its first. */
  private publishOneSegment(n: number): void {
    Atomics.store(this.control, SEGMENTS + 3 * this.index, this.index);
    Atomics.store(this.control, SEGMENTS + 3 * this.index + 1, 0);
    Atomics.store(this.control, SEGMENTS + 3 * this.index + 2, n);
    Atomics.store(this.control, SEGMENTS_N, this.partitions);
  }

  /** The level about to be expanded: its rows' segments (every partition's, in the control words), size and chunks. */
  private openLevel(): void {
    const n = Atomics.load(this.control, SEGMENTS_N);
    const words = new Int32Array(3 * n);
    let total = 0;
    for (let i = 0; i < 3 * n; i++) words[i] = Atomics.load(this.control, SEGMENTS + i);
    for (let i = 0; i < n; i++) total += words[3 * i + 2]!;
    this.segments = { words, n };
    this.levelN = total;
    this.chunks = chunkCount(total, this.partitions);
    this.myChunkN = 0;
    this.nextId = 0;
    this.chunkEnd = 0;
  }

  /** Takes the level's next chunk (its states' successors carry its claim); false when none is left. */
  private takeChunk(): boolean {
    for (;;) {
      const c = this.table.takeChunk(this.chunks, this.index, this.partitions, this.myChunkN);
      if (c < 0) return false;
      const from = Math.floor((this.levelN * c) / this.chunks);
      const to = Math.floor((this.levelN * (c + 1)) / this.chunks);
      const x = this.myChunkN++;
      if (x === this.myChunks.length) {
        this.myChunks = grown(this.myChunks);
        this.candStart = grown(this.candStart);
      }
      this.myChunks[x] = c;
      this.candStart[x] = this.candN;
      // (an empty chunk, of a level smaller than its chunk count: the next one)
      if (from === to) continue;
      this.claimChunk = c;
      this.nextId = this.base + from;
      this.chunkEnd = this.base + to;
      this.reader = new LevelReader(this.W, this.levels, this.segments, from);
      return true;
    }
  }

  private addCandidate(parent: number, action: number, hi: number, lo: number, rows: Int32Array, at: number): void {
    const n = this.candN++;
    if (C * n + C > this.cand.length) this.cand = grown(this.cand);
    const c = this.cand;
    c[C * n] = parent;
    c[C * n + 1] = action;
    c[C * n + 2] = hi;
    c[C * n + 3] = lo;
    this.candRows.push(rows, at, 0);
  }
}

/** A copy of `a` twice its length. */
function grown(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(2 * a.length);
  b.set(a);
  return b;
}

/** Fingerprint pairs, appended. */
class GrowingPairs {
  private a = new Int32Array(64);
  private n = 0;
  push(hi: number, lo: number): void {
    if (this.n + 2 > this.a.length) this.a = grown(this.a);
    this.a[this.n++] = hi;
    this.a[this.n++] = lo;
  }
  take(): Int32Array {
    return this.a.slice(0, this.n);
  }
}

/** A set of fingerprint pairs (the few states other partitions took from this one in a level). */
class PairSet {
  private readonly t: Int32Array;
  private readonly mask: number;
  readonly size: number;
  constructor(lists: readonly Int32Array[]) {
    let n = 0;
    for (const l of lists) n += l.length >> 1;
    this.size = n;
    let cap = 16;
    while (cap < 2 * n) cap *= 2;
    this.mask = cap - 1;
    this.t = new Int32Array(3 * cap);
    for (const l of lists) {
      for (let i = 0; i < l.length; i += 2) {
        let s = l[i + 1]! & this.mask;
        while (this.t[3 * s] !== 0) s = (s + 1) & this.mask;
        this.t[3 * s] = 1;
        this.t[3 * s + 1] = l[i]!;
        this.t[3 * s + 2] = l[i + 1]!;
      }
    }
  }
  has(hi: number, lo: number): boolean {
    if (this.size === 0) return false;
    for (let s = lo & this.mask; this.t[3 * s] !== 0; s = (s + 1) & this.mask) {
      if (this.t[3 * s + 1] === hi && this.t[3 * s + 2] === lo) return true;
    }
    return false;
  }
}
