/**
 * One fingerprint table in shared memory that every worker of a level-synchronous BFS looks up
 * and inserts into at once, without locks (the alternative to hash partitions exchanging records,
 * partition.ts). Open addressing, linear probing, a power-of-two capacity; three words per slot:
 *
 *   [claim, fingerprint hi, fingerprint lo]
 *
 * The claim word makes the table lock-free and the search deterministic:
 * - EMPTY → WRITING (compareExchange: one inserter wins the slot) → the fingerprint is written →
 *   the claim (Atomics.store publishes it). A reader seeing WRITING spins: the writer is a few
 *   instructions from done.
 * - A claim is `levelClaim(depth) + c`: the state was found at that depth, first (so far) from
 *   chunk c of the level. Claims of earlier depths are simply old — numbering a level writes
 *   nothing to the table.
 * - A level's ids are cut into chunks of consecutive ids, which the workers take one after the
 *   other as they become free (`takeChunk`: whoever is free takes the next, so a worker slowed
 *   down does less, not the whole level waits for it). A worker expands a chunk's states in id
 *   order, and the chunks it takes increase. Within a level, a new state's claim is the smallest
 *   chunk that reached it, and that chunk's first visit is the smallest (parent id, action) key —
 *   the key one worker numbers the state by — whoever expanded it and whenever. A worker lowers a
 *   larger claim with compareExchange, records the state as its candidate and tells the worker
 *   that expanded the other chunk (`lost`); at the end of the level a worker's candidates minus
 *   what it lost are exactly the new states it numbers.
 * The table grows between two expansions, with every worker stopped (the level pauses): a new
 * table twice the size, every worker re-inserting a slice of the old one.
 */

import { ConfigError } from '../../errors.ts';
import { type LevelBuffers, newLevelBuffers } from './shared-level.ts';

const EMPTY = 0;
const WRITING = 1;
/** chunks per level: a claim is FIRST_CLAIM + depth * MAX_CHUNKS + chunk (at least as many as the CLI's --workers allows) */
export const MAX_CHUNKS = 1024;
const FIRST_CLAIM = 2;
/** deepest level whose claims fit in a word */
export const MAX_DEPTH = Math.floor((0x7fffffff - FIRST_CLAIM) / MAX_CHUNKS) - 1;
/** chunks per worker in a large level (a free worker's next piece of work), and the fewest states in a chunk */
const CHUNKS_PER_WORKER = 32;
const MIN_CHUNK = 256;

/** The claim of chunk 0 on a state found at `depth` (initial states: depth 0). */
export function levelClaim(depth: number): number {
  return FIRST_CLAIM + depth * MAX_CHUNKS;
}

/** How many chunks a level of `n` states is cut into, for `workers` workers (every worker computes the same). */
export function chunkCount(n: number, workers: number): number {
  return Math.max(1, Math.min(MAX_CHUNKS, workers * CHUNKS_PER_WORKER, Math.ceil(n / MIN_CHUNK)));
}

/**
 * Shared words beside the table: slots filled (approximately, flushed every FLUSH inserts), the
 * "grow" flag, the next chunk to take; the current level's rows (segments: count, then
 * (owner, start, count) per segment, shared-level.ts); the worker expanding each chunk.
 */
const FILLED = 0;
const GROW = 1;
const NEXT_CHUNK = 2;
/** 1: the chunks are dealt out in turn (partition p takes p, p + N, …) instead of to whoever is free */
const IN_TURN = 3;
/** the next slice of the old table to copy, while the table grows */
const NEXT_SLICE = 4;
export const SEGMENTS_N = 5;
export const SEGMENTS = 6;
export const CHUNK_OWNERS = SEGMENTS + 3 * MAX_CHUNKS;
const CONTROL_WORDS = CHUNK_OWNERS + MAX_CHUNKS;

const FLUSH = 64;
/** the table asks to grow when this full; the slack absorbs what the workers insert until they pause */
const MAX_LOAD = 0.7;
const INITIAL_SLOTS = 1 << 16;
const QUADRUPLE_BELOW = 1 << 24;

/** What a visit tells the visiting worker. */
export const NOT_MINE = -1;
export const NEW = 0;
/** bit set in the result when the claim was taken from another worker (its index in `takenFrom`) */
export const TAKEN = 1;

export class SharedFingerprintTable {
  private words: Int32Array;
  private mask: number;
  private limit: number;
  private readonly ctl: Int32Array;
  /** inserts since the last flush into FILLED */
  private unflushed = 0;

  constructor(table: SharedArrayBuffer, control: SharedArrayBuffer) {
    this.ctl = new Int32Array(control);
    this.words = new Int32Array(table);
    this.mask = 0;
    this.limit = 0;
    this.use(table);
  }

  get capacity(): number {
    return this.mask + 1;
  }

  get buffer(): SharedArrayBuffer {
    return this.words.buffer as SharedArrayBuffer;
  }

  /** Switches to another table buffer (after a rehash). */
  use(table: SharedArrayBuffer): void {
    this.words = new Int32Array(table);
    const slots = this.words.length / 3;
    if (slots < 2 || (slots & (slots - 1)) !== 0) throw new Error(`shared fingerprint table of ${slots} slots: a power of two is expected`);
    this.mask = slots - 1;
    this.limit = Math.floor(slots * MAX_LOAD);
  }

  /** the chunk a visit returning TAKEN took the claim from */
  takenFrom = 0;

  /**
   * Chunk `c` of the level reaches, at `depth`, the state (hi, lo): inserts it, or lowers its
   * claim to c. Returns NEW (inserted), TAKEN (claim taken from chunk `takenFrom`) or NOT_MINE
   * (old, or already claimed by c or a smaller chunk).
   */
  visit(hi: number, lo: number, depth: number, c: number): number {
    const t = this.words;
    const base = levelClaim(depth);
    const mine = base + c;
    let i = lo & this.mask;
    for (let probes = 0; ; probes++) {
      if (probes > this.mask) throw new Error('shared fingerprint table full: it did not grow in time');
      const at = 3 * i;
      let claim = Atomics.load(t, at);
      if (claim === EMPTY) {
        claim = Atomics.compareExchange(t, at, EMPTY, WRITING);
        if (claim === EMPTY) {
          t[at + 1] = hi;
          t[at + 2] = lo;
          Atomics.store(t, at, mine);
          this.inserted();
          return NEW;
        }
      }
      while (claim === WRITING) claim = Atomics.load(t, at);
      if (t[at + 1] === hi && t[at + 2] === lo) {
        for (;;) {
          // found at an earlier depth, or first reached from c itself or a smaller chunk
          if (claim < base || claim <= mine) return NOT_MINE;
          const seen = Atomics.compareExchange(t, at, claim, mine);
          if (seen === claim) {
            this.takenFrom = claim - base;
            return TAKEN;
          }
          claim = seen;
        }
      }
      i = (i + 1) & this.mask;
    }
  }

  /** Inserts a fingerprint known to be absent, with its claim (initial states, a rehash). */
  place(hi: number, lo: number, claim: number): void {
    const t = this.words;
    for (let i = lo & this.mask; ; i = (i + 1) & this.mask) {
      const at = 3 * i;
      if (Atomics.compareExchange(t, at, EMPTY, WRITING) !== EMPTY) continue;
      t[at + 1] = hi;
      t[at + 2] = lo;
      Atomics.store(t, at, claim);
      this.inserted();
      return;
    }
  }

  /**
   * Loads the home slots of a batch of fingerprints before they are visited, so the batch's cache
   * and TLB misses are in flight together (as VisitedStore.prefetch); returns a value to keep alive.
   */
  prefetch(los: Int32Array, n: number): number {
    const t = this.words;
    const mask = this.mask;
    let acc = 0;
    for (let b = 0; b < n; b++) acc ^= t[3 * (los[b]! & mask)]!;
    return acc;
  }

  /** Re-inserts slots [from, to) of another (the old) table into this one. */
  copyFrom(old: SharedArrayBuffer, from: number, to: number): void {
    const o = new Int32Array(old);
    for (let i = from; i < to; i++) {
      const claim = o[3 * i]!;
      if (claim !== EMPTY) this.place(o[3 * i + 1]!, o[3 * i + 2]!, claim);
    }
  }

  /** Counts what this worker inserted but not yet reported. */
  flush(): void {
    if (this.unflushed === 0) return;
    Atomics.add(this.ctl, FILLED, this.unflushed);
    this.unflushed = 0;
  }

  /** Must the table grow before the search goes on? (Checked between two expansions.) */
  get growing(): boolean {
    return Atomics.load(this.ctl, GROW) !== 0;
  }

  /** Takes the next of `slices` slices of the old table to copy while the table grows (as takeChunk): its index, or -1. */
  takeSlice(slices: number, w: number, workers: number, taken: number): number {
    return this.takeNext(NEXT_SLICE, slices, w, workers, taken);
  }

  /**
   * Takes the level's next chunk for worker w of `workers`, which took `taken` of the level's
   * chunks so far: its index, or -1 when none is left for it. Threads take the next chunk when
   * free; partitions run one after the other in one thread (tests) are dealt theirs in turn, so
   * that they too expand chunks interleaved with each other's.
   */
  takeChunk(chunks: number, w: number, workers: number, taken: number): number {
    const c = this.takeNext(NEXT_CHUNK, chunks, w, workers, taken);
    // (written before any claim of c: a worker taking one of c's claims then reads who to tell)
    if (c >= 0) Atomics.store(this.ctl, CHUNK_OWNERS + c, w);
    return c;
  }

  /** The next of `count` pieces of work counted by the control word `next` (or dealt in turn): its index, or -1. */
  private takeNext(next: number, count: number, w: number, workers: number, taken: number): number {
    const i = Atomics.load(this.ctl, IN_TURN) !== 0 ? w + workers * taken : Atomics.add(this.ctl, next, 1);
    return i < count ? i : -1;
  }

  /** The worker that expanded (or expands) chunk c of the level. */
  ownerOf(c: number): number {
    return Atomics.load(this.ctl, CHUNK_OWNERS + c);
  }

  private inserted(): void {
    if (++this.unflushed < FLUSH) return;
    const filled = Atomics.add(this.ctl, FILLED, this.unflushed) + this.unflushed;
    this.unflushed = 0;
    if (filled > this.limit) Atomics.store(this.ctl, GROW, 1);
  }
}

/** The size a table of `slots` grows to. */
function grownSize(slots: number): number {
  return (slots < QUADRUPLE_BELOW ? 4 : 2) * slots;
}

/** The coordinator's side: the control words and the current table, which it replaces when the workers ask it to grow. */
export class SharedTableHost {
  readonly control: SharedArrayBuffer;
  table: SharedArrayBuffer;
  private readonly ctl: Int32Array;
  readonly levels: readonly LevelBuffers[];

  /** `inTurn`: partitions run one after the other in one thread; threads take chunks when free */
  constructor(partitions: number, inTurn = false) {
    // (a level's segments, one per worker after a handover, must fit in the control words)
    if (partitions > MAX_CHUNKS) throw new ConfigError(`the shared-table search takes at most ${MAX_CHUNKS} workers, not ${partitions}`, `use at most ${MAX_CHUNKS} workers, or --parallel-design partitions`);
    this.control = new SharedArrayBuffer(4 * CONTROL_WORDS);
    this.ctl = new Int32Array(this.control);
    if (inTurn) Atomics.store(this.ctl, IN_TURN, 1);
    this.levels = Array.from({ length: partitions }, () => newLevelBuffers());
    this.table = new SharedArrayBuffer(12 * INITIAL_SLOTS);
  }

  get slots(): number {
    return this.table.byteLength / 12;
  }

  /** Before a level's expansion (not its resumption): its chunks are all still to take. */
  beginLevel(): void {
    Atomics.store(this.ctl, NEXT_CHUNK, 0);
  }

  /** A table for at least `states` fingerprints (a search handed over with that many); the workers copy the old one into it. */
  growTo(states: number): { readonly old: SharedArrayBuffer; readonly table: SharedArrayBuffer } {
    // (by the steps grow() takes: a size between two of them would later grow four times over —
    // at.4 handed over with 2.6 M states went 2^23 slots → 2^25, 400 MB, where 2^24 holds it all)
    let slots = this.slots;
    while (slots * MAX_LOAD < states) slots = grownSize(slots);
    return this.replace(slots);
  }

  /**
   * A larger table; the workers copy the old one into it (rehash requests). Four times the size up
   * to 2^24 slots (200 MB; each growth re-inserts everything: at.4 re-inserted 9.6 M fingerprints
   * growing by two from 2^22 slots, 3.9 M growing by four, a fifth of the workers' time), then twice.
   */
  grow(): { readonly old: SharedArrayBuffer; readonly table: SharedArrayBuffer } {
    return this.replace(grownSize(this.slots));
  }

  /** A new, empty table of `slots` (the same one if it has that many), its fill count and "grow" flag cleared. */
  private replace(slots: number): { readonly old: SharedArrayBuffer; readonly table: SharedArrayBuffer } {
    const old = this.table;
    if (slots !== this.slots) this.table = new SharedArrayBuffer(12 * slots);
    Atomics.store(this.ctl, FILLED, 0);
    Atomics.store(this.ctl, GROW, 0);
    Atomics.store(this.ctl, NEXT_SLICE, 0);
    return { old, table: this.table };
  }
}
