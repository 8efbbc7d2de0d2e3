/**
 * The liveness graph's fingerprint → id table as it was before 2026-12-04 ((hi, lo, id + 1)
 * triples in the slots, linear probing, load under 5/8), kept as the peer `npm run bench:beem`
 * measures checker/liveness/id-table.ts against in the same run (bench/id-table-peers.ts).
 */
const STRIDE = 3;

export class LegacyIdTable {
  private slots: Int32Array;
  private mask: number;
  private limit: number;
  size = 0;
  /** whether the last idOf call inserted */
  added = false;

  constructor(capacity = 1 << 12) {
    this.slots = new Int32Array(capacity * STRIDE);
    this.mask = capacity - 1;
    this.limit = (capacity * 5) >> 3;
  }

  /** The id of (hi, lo), inserting it with the next id when absent; `added` tells which. */
  idOf(hi: number, lo: number): number {
    if (this.size >= this.limit) this.grow();
    const slots = this.slots;
    const mask = this.mask;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const at = i * STRIDE;
      const id1 = slots[at + 2]!;
      if (id1 === 0) {
        slots[at] = hi;
        slots[at + 1] = lo;
        slots[at + 2] = ++this.size;
        this.added = true;
        return this.size - 1;
      }
      if (slots[at] === hi && slots[at + 1] === lo) {
        this.added = false;
        return id1 - 1;
      }
      i = (i + 1) & mask;
    }
  }

  bytes(): number {
    return this.slots.byteLength;
  }

  private grow(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    const slots = new Int32Array(cap * STRIDE);
    const mask = cap - 1;
    for (let at = 0; at < old.length; at += STRIDE) {
      const id1 = old[at + 2]!;
      if (id1 === 0) continue;
      const hi = old[at]!;
      const lo = old[at + 1]!;
      let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
      while (slots[i * STRIDE + 2] !== 0) i = (i + 1) & mask;
      const to = i * STRIDE;
      slots[to] = hi;
      slots[to + 1] = lo;
      slots[to + 2] = id1;
    }
    this.slots = slots;
    this.mask = mask;
    this.limit = (cap * 5) >> 3;
  }
}
