/**
 * A partition's fingerprint → state id map for the partitioned liveness graph. Unlike the
 * liveness IdTable it does not hand out ids: the coordinator numbers a level's new states after
 * every partition has deduplicated them, so a new fingerprint first maps to a placeholder (its
 * index among this level's new states, as -1 - index) and gets its id in `setId`.
 * Open addressing over (hi, lo, value) triples, linear probing, load kept under 1/2.
 */
export class FpIdMap {
  private slots: Int32Array;
  private used: Uint8Array;
  private mask: number;
  size = 0;
  /** whether the last `lookupOrAdd` inserted */
  added = false;

  constructor(capacity = 1 << 12) {
    this.slots = new Int32Array(3 * capacity);
    this.used = new Uint8Array(capacity);
    this.mask = capacity - 1;
  }

  /** The value of (hi, lo), or `value` after inserting it when absent (`added` tells which). */
  lookupOrAdd(hi: number, lo: number, value: number): number {
    if (2 * (this.size + 1) > this.mask + 1) this.grow();
    const i = this.find(hi, lo);
    if (this.used[i] === 1) {
      this.added = false;
      return this.slots[3 * i + 2]!;
    }
    this.used[i] = 1;
    this.slots[3 * i] = hi;
    this.slots[3 * i + 1] = lo;
    this.slots[3 * i + 2] = value;
    this.size++;
    this.added = true;
    return value;
  }

  /** Sets the value of a fingerprint already present. */
  setId(hi: number, lo: number, id: number): void {
    this.slots[3 * this.find(hi, lo) + 2] = id;
  }

  bytes(): number {
    return this.slots.byteLength + this.used.byteLength;
  }

  /** the slot holding (hi, lo), or the empty slot where it would go */
  private find(hi: number, lo: number): number {
    const slots = this.slots;
    const used = this.used;
    const mask = this.mask;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    while (used[i] === 1 && (slots[3 * i] !== hi || slots[3 * i + 1] !== lo)) i = (i + 1) & mask;
    return i;
  }

  private grow(): void {
    const old = this.slots;
    const oldUsed = this.used;
    const cap = (this.mask + 1) * 2;
    this.slots = new Int32Array(3 * cap);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
    for (let j = 0; j < oldUsed.length; j++) {
      if (oldUsed[j] !== 1) continue;
      const i = this.find(old[3 * j]!, old[3 * j + 1]!);
      this.used[i] = 1;
      this.slots[3 * i] = old[3 * j]!;
      this.slots[3 * i + 1] = old[3 * j + 1]!;
      this.slots[3 * i + 2] = old[3 * j + 2]!;
    }
  }
}
