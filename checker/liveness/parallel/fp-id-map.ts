/**
 * A partition's fingerprint → state id map for the partitioned liveness graph. Unlike the
 * liveness IdTable it does not hand out ids: the coordinator numbers a level's new states after
 * every partition has deduplicated them, so a new fingerprint first maps to a placeholder (its
 * index among this level's new states, as -1 - index) and gets its id in `setId`.
 * Open addressing, linear probing, load kept under 5/8; a slot is (hi, lo, value, used) in four
 * consecutive words, so a probe touches one cache line.
 */
export class FpIdMap {
  private slots: Int32Array;
  private mask: number;
  private limit: number;
  size = 0;
  /** whether the last `lookupOrAdd` inserted */
  added = false;

  constructor(capacity = 1 << 14) {
    this.slots = new Int32Array(4 * capacity);
    this.mask = capacity - 1;
    this.limit = (capacity * 5) >> 3;
  }

  /** The value of (hi, lo), or `value` after inserting it when absent (`added` tells which). */
  lookupOrAdd(hi: number, lo: number, value: number): number {
    if (this.size >= this.limit) this.grow();
    const slots = this.slots;
    const i = this.find(hi, lo);
    if (slots[i + 3] === 1) {
      this.added = false;
      return slots[i + 2]!;
    }
    slots[i] = hi;
    slots[i + 1] = lo;
    slots[i + 2] = value;
    slots[i + 3] = 1;
    this.size++;
    this.added = true;
    return value;
  }

  /**
   * Loads the home slots of a batch of fingerprints, so their cache misses are in flight together
   * before the batch is looked up (as VisitedStore.prefetch); the result only keeps the loads alive.
   */
  prefetch(his: Int32Array, los: Int32Array, n: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let acc = 0;
    for (let b = 0; b < n; b++) acc ^= slots[4 * ((los[b]! ^ Math.imul(his[b]!, 0x9e3779b1)) & mask)]!;
    return acc;
  }

  /** Sets the value of a fingerprint already present. */
  setId(hi: number, lo: number, id: number): void {
    this.slots[this.find(hi, lo) + 2] = id;
  }

  bytes(): number {
    return this.slots.byteLength;
  }

  /** the offset of the slot holding (hi, lo), or of the empty slot where it would go */
  private find(hi: number, lo: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const o = 4 * i;
      if (slots[o + 3] === 0 || (slots[o] === hi && slots[o + 1] === lo)) return o;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    this.slots = new Int32Array(4 * cap);
    this.mask = cap - 1;
    this.limit = (cap * 5) >> 3;
    for (let o = 0; o < old.length; o += 4) {
      if (old[o + 3] !== 1) continue;
      const i = this.find(old[o]!, old[o + 1]!);
      this.slots[i] = old[o]!;
      this.slots[i + 1] = old[o + 1]!;
      this.slots[i + 2] = old[o + 2]!;
      this.slots[i + 3] = 1;
    }
  }
}
