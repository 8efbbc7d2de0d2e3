/**
 * The visited set: 64-bit fingerprints in an open-addressing table of typed arrays, plus the
 * trace bookkeeping (parent id and action index per state, TLC's TLCTrace) in dense chunks.
 *
 * Why this shape:
 * - States get dense ids in insertion order (BFS order under BFS). Parent pointers refer to ids,
 *   so rehashing the fingerprint table never invalidates them.
 * - The table is split into 256 segments by the top fingerprint byte. Each grows on its own by
 *   1.2× when 7/8 full, so a resize touches 1/256 of the table: no pause, and never two copies of
 *   the whole table in memory. The load stays between 0.73 and 0.875, which with 8 bytes of
 *   fingerprint per slot and 5 bytes of parent+action per state keeps storage ≤ 16 bytes/state.
 * - Each segment is an ordered hash table (Amble & Knuth, 1974): linear probing that keeps
 *   entries sorted by their low fingerprint word. A search for an absent fingerprint stops at the
 *   first larger entry instead of running to the end of the cluster, which keeps lookups cheap at
 *   the high load the byte budget needs; and growing is one sequential merge of a sorted array
 *   into a larger one, with no probing. Clusters never wrap: SPILL slots past the last home
 *   position absorb the tail, and a full spill forces growth.
 * - Home positions use multiply-shift range reduction on 21 fingerprint bits, exact in doubles,
 *   so capacities need not be powers of two and homes are monotone in the sort key.
 * - Parent and action arrays (trace-arrays.ts) are chunked (2^20 entries) so they never need a copying resize.
 */

import { TraceArrays } from './trace-arrays.ts';

const SEGMENT_BITS = 8;
const SEGMENTS = 1 << SEGMENT_BITS;
const INITIAL_SEGMENT_CAPACITY = 64;
const MAX_SEGMENT_CAPACITY = 1 << 21;
const POS_SCALE = 1 << 21;
/** slots after the last home position (a cluster's tail); the slot after them is a permanent empty sentinel */
const SPILL = 64;
/** Grow a segment by GROWTH when it is MAX_LOAD full: load stays in [MAX_LOAD / GROWTH, MAX_LOAD]. */
const MAX_LOAD = 0.875;
const GROWTH = 1.2;

export class VisitedStore {
  private readonly keys: Int32Array[] = [];
  private readonly caps = new Int32Array(SEGMENTS);
  private readonly counts = new Int32Array(SEGMENTS);
  private readonly limits = new Int32Array(SEGMENTS);
  size = 0;
  /** parents and actions; none for fingerprints only (a partition of a multi-worker search, whose parents are kept elsewhere) */
  private readonly trace: TraceArrays | undefined;

  constructor(options: { readonly trace?: boolean } = {}) {
    this.trace = (options.trace ?? true) ? new TraceArrays() : undefined;
    for (let s = 0; s < SEGMENTS; s++) {
      this.keys.push(new Int32Array(2 * (INITIAL_SEGMENT_CAPACITY + SPILL + 1)));
      this.caps[s] = INITIAL_SEGMENT_CAPACITY;
      this.limits[s] = Math.floor(INITIAL_SEGMENT_CAPACITY * MAX_LOAD);
    }
  }

  /**
   * Inserts the fingerprint if absent and records (parent, action) for the new id.
   * Returns the new id (≥ 0), or -1 if the fingerprint was already present.
   * `parent` is the parent's id, or -1 - i for initial state i.
   */
  insert(hi: number, lo: number, parent: number, action: number): number {
    // Lanes are compared as signed int32 (what Int32Array stores); normalise unsigned callers.
    hi |= 0;
    lo |= 0;
    const seg = hi >>> (32 - SEGMENT_BITS);
    const key = lo >>> 0;
    for (;;) {
      const keys = this.keys[seg]!;
      const cap = this.caps[seg]!;
      let i = (((lo >>> 11) * cap) / POS_SCALE) | 0;
      // Scan the sorted run from home: stop at an empty slot or the first larger entry.
      for (;;) {
        const kh = keys[i << 1]!;
        const kl = keys[(i << 1) + 1]!;
        if (kh === 0 && kl === 0) break;
        const k = kl >>> 0;
        if (k > key) break;
        if (k === key && kh === hi) return -1;
        i++;
      }
      let e = i;
      while (keys[e << 1] !== 0 || keys[(e << 1) + 1] !== 0) e++;
      if (this.counts[seg]! >= this.limits[seg]! || e >= cap + SPILL) {
        this.growSegment(seg);
        continue;
      }
      // Shift the larger entries of the run one slot right to keep the order.
      // (a loop, not copyWithin: the shift is usually one to three slots and a builtin call costs more)
      for (let w = (e << 1) + 1, stop = (i << 1) + 2; w >= stop; w--) keys[w] = keys[w - 2]!;
      keys[i << 1] = hi;
      keys[(i << 1) + 1] = lo;
      this.counts[seg]!++;
      break;
    }
    const id = this.size++;
    this.trace?.push(parent, action);
    return id;
  }

  has(hi: number, lo: number): boolean {
    hi |= 0;
    lo |= 0;
    const seg = hi >>> (32 - SEGMENT_BITS);
    const keys = this.keys[seg]!;
    const key = lo >>> 0;
    let i = (((lo >>> 11) * this.caps[seg]!) / POS_SCALE) | 0;
    for (;;) {
      const kh = keys[i << 1]!;
      const kl = keys[(i << 1) + 1]!;
      if (kh === 0 && kl === 0) return false;
      const k = kl >>> 0;
      if (k > key) return false;
      if (k === key && kh === hi) return true;
      i++;
    }
  }

  /**
   * Loads the home slot of each of `n` fingerprints without branching on what it finds, so the
   * cache and TLB misses of a whole batch are in flight together (JS has no prefetch
   * instruction; independent loads are the next best thing). Inserting the batch afterwards then
   * mostly hits the cache. Returns a value only so the loads cannot be optimised away.
   */
  prefetch(his: Int32Array, los: Int32Array, n: number): number {
    let acc = 0;
    for (let b = 0; b < n; b++) {
      const seg = his[b]! >>> (32 - SEGMENT_BITS);
      const i = (((los[b]! >>> 11) * this.caps[seg]!) / POS_SCALE) | 0;
      acc ^= this.keys[seg]![i << 1]!;
    }
    return acc;
  }

  /** Every stored fingerprint as (hi, lo) pairs, in table order (a partition handed to another thread). */
  fingerprints(): Int32Array {
    const out = new Int32Array(2 * this.size);
    let n = 0;
    for (const keys of this.keys) {
      for (let i = 0; i < keys.length; i += 2) {
        if (keys[i] === 0 && keys[i + 1] === 0) continue;
        out[n++] = keys[i]!;
        out[n++] = keys[i + 1]!;
      }
    }
    return out;
  }

  /**
   * Hands out the table's segments — arrays of (hi, lo) pairs, (0, 0) for an empty slot — and
   * leaves the store without them (only its parent and action arrays stay usable): a search
   * handed to worker threads moves its table to them instead of copying it out.
   */
  releaseSegments(): Int32Array[] {
    return this.keys.splice(0);
  }

  /**
   * Fills an empty store without parent links (a partition taking over its share of a search)
   * with fingerprints as (hi, lo) pairs in a store's table order (fingerprints() of a store, or a
   * subsequence of it): each segment is built in one sequential pass sized for its entries, as a
   * segment grows, instead of an insert per fingerprint (which at high load scans long runs and
   * grows every segment many times). Pairs in another order are inserted one by one.
   */
  adoptSorted(pairs: Int32Array): void {
    if (this.size !== 0 || this.trace !== undefined) throw new Error('adoptSorted: an empty store without parent links only');
    const n = pairs.length >> 1;
    for (let j = 1; j < n; j++) {
      const ps = pairs[2 * j - 2]! >>> (32 - SEGMENT_BITS);
      const s = pairs[2 * j]! >>> (32 - SEGMENT_BITS);
      if (s < ps || (s === ps && pairs[2 * j + 1]! >>> 0 < pairs[2 * j - 1]! >>> 0)) {
        for (let i = 0; i < n; i++) this.insert(pairs[2 * i]!, pairs[2 * i + 1]!, 0, 0);
        return;
      }
    }
    for (let start = 0; start < n; ) {
      const seg = pairs[2 * start]! >>> (32 - SEGMENT_BITS);
      let end = start + 1;
      while (end < n && pairs[2 * end]! >>> (32 - SEGMENT_BITS) === seg) end++;
      const count = end - start;
      this.place(seg, pairs, 2 * start, 2 * end, Math.max(INITIAL_SEGMENT_CAPACITY, Math.ceil(count / (MAX_LOAD * 0.9))));
      this.counts[seg] = count;
      start = end;
    }
    this.size = n;
  }

  /** The parent and action arrays (a search continued elsewhere goes on numbering in them). */
  traceArrays(): TraceArrays {
    return this.trace!;
  }

  /** Parent id, or -1 - i for initial state i. */
  parentOf(id: number): number {
    return this.trace!.parentOf(id);
  }

  actionOf(id: number): number {
    return this.trace!.actionOf(id);
  }

  /** The replay path of state `id`: initial index, then action indices. */
  pathTo(id: number): number[] {
    return this.trace!.pathTo(id);
  }

  /** Bytes held by the table and the trace arrays (what "bytes per stored state" measures). */
  bytes(): number {
    let b = 0;
    for (const k of this.keys) b += k.byteLength;
    return b + (this.trace?.bytes() ?? 0);
  }

  private growSegment(seg: number): void {
    const oldCap = this.caps[seg]!;
    this.place(seg, this.keys[seg]!, 0, 2 * (oldCap + SPILL), Math.max(oldCap + 16, Math.ceil(oldCap * GROWTH)));
  }

  /**
   * Segment `seg` becomes the non-empty (hi, lo) pairs of src[from .. to), sorted by the low word,
   * in a new array of capacity `cap` or more.
   */
  private place(seg: number, src: Int32Array, from: number, to: number, cap: number): void {
    for (;;) {
      if (cap > MAX_SEGMENT_CAPACITY) {
        throw new RangeError(
          `visited store full: ${this.size} states (segment capacity ${MAX_SEGMENT_CAPACITY} reached); use --max-states`,
        );
      }
      // The entries are sorted and homes are monotone in the key, so a sequential merge
      // (each entry at max(home, previous + 1)) rebuilds the order without probing.
      const keys = new Int32Array(2 * (cap + SPILL + 1));
      let next = 0;
      let fits = true;
      for (let j = from; j < to; j += 2) {
        const hi = src[j]!;
        const lo = src[j + 1]!;
        if (hi === 0 && lo === 0) continue;
        const home = (((lo >>> 11) * cap) / POS_SCALE) | 0;
        const pos = home > next ? home : next;
        if (pos >= cap + SPILL) {
          fits = false;
          break;
        }
        keys[pos << 1] = hi;
        keys[(pos << 1) + 1] = lo;
        next = pos + 1;
      }
      if (!fits) {
        cap = Math.ceil(cap * GROWTH);
        continue;
      }
      this.keys[seg] = keys;
      this.caps[seg] = cap;
      this.limits[seg] = Math.floor(cap * MAX_LOAD);
      return;
    }
  }
}
