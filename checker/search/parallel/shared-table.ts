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
 * - A claim is `levelClaim(depth) + w`: the state was found at that depth, first (so far) by worker
 *   w. Claims of earlier depths are simply old — numbering a level writes nothing to the table.
 * - Within a level, a new state's claim is the smallest index among the workers that reached it.
 *   Worker w expands the level's states with ids in its own contiguous range, ranges in worker
 *   order, states in id order, so the smallest worker's first visit is the smallest (parent id,
 *   action) key — the key one worker numbers the state by. A worker lowers a larger claim with
 *   compareExchange, records the state as its candidate and tells the worker it took it from
 *   (`lost`); at the end of the level a worker's candidates minus what it lost are exactly the new
 *   states it numbers.
 * The table grows between two expansions, with every worker stopped (the level pauses): a new
 * table twice the size, every worker re-inserting a slice of the old one.
 */

import { ConfigError } from '../../errors.ts';
import { type LevelBuffers, newLevelBuffers } from './shared-level.ts';

const EMPTY = 0;
const WRITING = 1;
/** workers per claim level: a claim is FIRST_CLAIM + depth * MAX_WORKERS + worker (as many as the CLI's --workers allows) */
export const MAX_WORKERS = 1024;
const FIRST_CLAIM = 2;
/** deepest level whose claims fit in a word */
export const MAX_DEPTH = Math.floor((0x7fffffff - FIRST_CLAIM) / MAX_WORKERS) - 1;

/** The claim of worker 0 on a state found at `depth` (initial states: depth 0). */
export function levelClaim(depth: number): number {
  return FIRST_CLAIM + depth * MAX_WORKERS;
}

/** Shared words beside the table: slots filled (approximately, flushed every FLUSH inserts), the "grow" flag, then per worker its rows of the current level. */
const FILLED = 0;
const GROW = 1;
export const COUNTS = 2;

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

  /** the worker a visit returning TAKEN took the claim from */
  takenFrom = 0;

  /**
   * Worker `w` reaches, at `depth`, the state (hi, lo): inserts it, or lowers its claim to w.
   * Returns NEW (inserted), TAKEN (claim taken from worker `takenFrom`) or NOT_MINE (old, or
   * already claimed by w or a smaller worker).
   */
  visit(hi: number, lo: number, depth: number, w: number): number {
    const t = this.words;
    const base = levelClaim(depth);
    const mine = base + w;
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
          // found at an earlier depth, or first reached by w itself or a smaller worker
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

  private inserted(): void {
    if (++this.unflushed < FLUSH) return;
    const filled = Atomics.add(this.ctl, FILLED, this.unflushed) + this.unflushed;
    this.unflushed = 0;
    if (filled > this.limit) Atomics.store(this.ctl, GROW, 1);
  }
}

/** The coordinator's side: the control words and the current table, which it replaces when the workers ask it to grow. */
export class SharedTableHost {
  readonly control: SharedArrayBuffer;
  table: SharedArrayBuffer;
  private readonly ctl: Int32Array;
  readonly levels: readonly LevelBuffers[];

  constructor(partitions: number) {
    // more workers than a claim level holds would give a state a claim of the next level
    if (partitions > MAX_WORKERS) throw new ConfigError(`the shared-table search takes at most ${MAX_WORKERS} workers, not ${partitions}`, `use at most ${MAX_WORKERS} workers, or --parallel-design partitions`);
    this.control = new SharedArrayBuffer(4 * (COUNTS + partitions));
    this.ctl = new Int32Array(this.control);
    this.levels = Array.from({ length: partitions }, () => newLevelBuffers());
    this.table = new SharedArrayBuffer(12 * INITIAL_SLOTS);
  }

  get slots(): number {
    return this.table.byteLength / 12;
  }

  /** A table for at least `states` fingerprints (a search handed over with that many); the workers copy the old one into it. */
  growTo(states: number): { readonly old: SharedArrayBuffer; readonly table: SharedArrayBuffer } {
    let slots = this.slots;
    while (slots * MAX_LOAD < states) slots *= 2;
    return this.replace(slots);
  }

  /**
   * A larger table; the workers copy the old one into it (rehash requests). Four times the size up
   * to 2^24 slots (200 MB; each growth re-inserts everything: at.4 re-inserted 9.6 M fingerprints
   * growing by two from 2^22 slots, 3.9 M growing by four, a fifth of the workers' time), then twice.
   */
  grow(): { readonly old: SharedArrayBuffer; readonly table: SharedArrayBuffer } {
    return this.replace((this.slots < QUADRUPLE_BELOW ? 4 : 2) * this.slots);
  }

  /** A new, empty table of `slots` (the same one if it has that many), its fill count and "grow" flag cleared. */
  private replace(slots: number): { readonly old: SharedArrayBuffer; readonly table: SharedArrayBuffer } {
    const old = this.table;
    if (slots !== this.slots) this.table = new SharedArrayBuffer(12 * slots);
    Atomics.store(this.ctl, FILLED, 0);
    Atomics.store(this.ctl, GROW, 0);
    return { old, table: this.table };
  }
}
