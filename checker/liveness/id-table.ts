/**
 * Fingerprint → dense state id for the liveness graph. The safety store (state/visited-store.ts)
 * keeps no ids in its table, to stay under 16 bytes per state, and the liveness graph runs its own
 * search, so it keeps this table. Ids are handed out in insertion order, as the safety store does,
 * so both number states alike.
 *
 * The fingerprints sit once, densely, by id (`fps`: hi, lo, grown in place by half when full); the hash
 * table holds only id + 1 per slot (0 = empty), linear probing, load kept under 5/8. Against
 * (hi, lo, id + 1) triples in the slots (bench/legacy-id-table.ts, measured side by side in
 * `npm run bench:beem`), an empty slot costs 4 bytes instead of 12; a lookup reads the slot, then
 * the id's fingerprint (two cache lines instead of one).
 */
import { Grow } from './grow.ts';

export class IdTable {
  private slots: Int32Array;
  private mask: number;
  private limit: number;
  /** hi, lo of state id i at [2i, 2i + 1]: `fpsStore`'s array, which grows in place */
  private fps: Int32Array;
  private readonly fpsStore: Grow<Int32Array>;
  size = 0;
  /** whether the last idOf call inserted */
  added = false;

  constructor(capacity = 1 << 12) {
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.limit = (capacity * 5) >> 3;
    this.fpsStore = new Grow(Int32Array, 2 * capacity);
    this.fps = this.fpsStore.a;
  }

  /** The id of (hi, lo), inserting it with the next id when absent; `added` tells which. */
  idOf(hi: number, lo: number): number {
    if (this.size >= this.limit) this.grow();
    const slots = this.slots;
    const fps = this.fps;
    const mask = this.mask;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const id1 = slots[i]!;
      if (id1 === 0) {
        const id = this.size++;
        if (2 * id + 2 > fps.length) return this.insertGrown(i, id, hi, lo);
        fps[2 * id] = hi;
        fps[2 * id + 1] = lo;
        slots[i] = id + 1;
        this.added = true;
        return id;
      }
      const at = 2 * (id1 - 1);
      if (fps[at] === hi && fps[at + 1] === lo) {
        this.added = false;
        return id1 - 1;
      }
      i = (i + 1) & mask;
    }
  }

  /** idOf's insert when `fps` is full: it grows by half (not doubling: it holds 8 bytes a state) */
  private insertGrown(slot: number, id: number, hi: number, lo: number): number {
    this.fpsStore.ensure(2 * id + 2, 1.5);
    const fps = (this.fps = this.fpsStore.a);
    fps[2 * id] = hi;
    fps[2 * id + 1] = lo;
    this.slots[slot] = id + 1;
    this.added = true;
    return id;
  }

  bytes(): number {
    return this.slots.byteLength + this.fps.byteLength;
  }

  private grow(): void {
    const cap = (this.mask + 1) * 2;
    const slots = new Int32Array(cap);
    const mask = cap - 1;
    const fps = this.fps;
    for (let id = 0; id < this.size; id++) {
      let i = (fps[2 * id + 1]! ^ Math.imul(fps[2 * id]!, 0x9e3779b1)) & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = id + 1;
    }
    this.slots = slots;
    this.mask = mask;
    this.limit = (cap * 5) >> 3;
  }
}
